package app

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// Quit asks before it drops changes that are in no file, and a new window
// does not open exactly over the one it came from.
func TestQuitAsksAndNewWindowsStayVisible(t *testing.T) {
	w := newTestWindow(t, model.New("Sketch"))
	s := w.s
	w.ed.Place(model.Process, model.Point{X: 100, Y: 100})
	s.quit()
	if len(s.windows) != 1 {
		t.Fatal("quitting closed a window holding changes in no file without asking")
	}
	if text := textOf(topDialog(t, w.win)); !strings.Contains(text, `"Sketch" has changes that are in no file`) {
		t.Errorf("the question is %q", text)
	}
	test := w.quitItem()
	if !test.IsQuit {
		t.Error("File → Quit is not the app's quit item, so Fyne's own would close everything unasked")
	}

	first := w.win.Canvas().Size()
	w.newModel()
	if len(s.windows) != 2 {
		t.Fatalf("%d windows after File → New", len(s.windows))
	}
	second := s.windows[1].win.Canvas().Size()
	if second == first {
		t.Errorf("the new window (%v) has the size of the first and would cover it exactly", second)
	}
	t.Cleanup(s.windows[1].win.Close)
}

package app

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/storage"
)

// On a 1600 × 1000 window the canvas gets at least half of the window, and
// the demo's context diagram opens fitted to it, larger than the 57 % it
// used to get.
func TestTheCanvasGetsMostOfTheWindow(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	w.win.Resize(fyne.NewSize(1600, 1000))
	w.canvas.autoFit = true
	w.canvas.Resize(w.canvas.Size()) // lay out again at the new size
	win, c := w.win.Canvas().Size(), w.canvas.Size()
	if share := c.Width * c.Height / (win.Width * win.Height); share < 0.5 {
		t.Errorf("the canvas is %.0f × %.0f, %.0f %% of the window", c.Width, c.Height, share*100)
	}
	w.canvas.FitToContent()
	if w.canvas.zoom < 0.7 {
		t.Errorf("the context diagram opens at %.0f %%", w.canvas.zoom*100)
	}
}

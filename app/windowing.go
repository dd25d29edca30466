package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// Window sizes are remembered between runs, in the app's preferences.
const (
	prefWidth, prefHeight = "window.width", "window.height"
	// firstSize is the window on a first start: as large as common
	// laptop and projector screens allow (Fyne cannot ask the screen).
	firstW, firstH = 1600, 1000
)

// placeWindow sizes a new window: as the last window was when it closed
// (or large on a first start), and, when another window is open, a little
// smaller and centred so both stay visible rather than one exactly
// covering the other.
func (s *session) placeWindow(w *window) {
	prefs := s.app.Preferences()
	size := fyne.NewSize(float32(prefs.FloatWithFallback(prefWidth, firstW)), float32(prefs.FloatWithFallback(prefHeight, firstH)))
	if len(s.windows) > 0 {
		size = fyne.NewSize(size.Width*0.85, size.Height*0.85)
	}
	w.win.Resize(size)
	w.win.CenterOnScreen()
}

// rememberSize keeps a window's size for the next start.
func (s *session) rememberSize(w *window) {
	size := w.win.Canvas().Size()
	if size.Width >= 400 && size.Height >= 300 && !w.win.FullScreen() {
		s.app.Preferences().SetFloat(prefWidth, float64(size.Width))
		s.app.Preferences().SetFloat(prefHeight, float64(size.Height))
	}
}

// quitItem is File → Quit: it asks first when a window holds changes that
// are in no file, instead of closing every window at once.
func (w *window) quitItem() *fyne.MenuItem {
	q := item("Quit", shortcut(fyne.KeyQ, ctrl), w.s.quit)
	q.IsQuit = true // Fyne's own Quit would close everything unasked
	return q
}

// quit ends Rampart once every window with changes in no file has been
// confirmed; windows saved to a file close at once.
func (s *session) quit() {
	var names []string
	var ask *window
	for _, w := range s.windows {
		if w.ed.Unsaved() {
			names = append(names, fmt.Sprintf("%q", w.ed.Model.Name))
			ask = w
		}
	}
	if ask == nil {
		s.quitNow()
		return
	}
	msg := fmt.Sprintf("%s %s changes that are in no file. Quit and lose them?", strings.Join(names, ", "),
		map[bool]string{true: "has", false: "have"}[len(names) == 1])
	dialog.ShowConfirm("Quit Rampart", msg, func(yes bool) {
		if yes {
			s.quitNow()
		}
	}, ask.win)
}

// quitNow closes every window and ends the app.
func (s *session) quitNow() {
	for _, w := range append([]*window(nil), s.windows...) {
		s.rememberSize(w)
		w.closeNow()
	}
	s.app.Quit()
}

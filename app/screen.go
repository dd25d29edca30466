package app

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// fillScreenOnFirstStart makes the first window as large as the screen
// when no size was remembered from an earlier run, as maximising it would
// (Fyne has no call for that). It runs once the driver has started, on
// the main thread, where the screen can be asked.
func (s *session) fillScreenOnFirstStart() {
	if s.app.Preferences().Float(prefWidth) > 0 || len(s.windows) == 0 {
		return // the user's own size wins
	}
	monitor := glfw.GetPrimaryMonitor()
	if monitor == nil {
		return
	}
	mode := monitor.GetVideoMode()
	w := s.windows[0]
	scale := w.win.Canvas().Scale()
	if mode == nil || scale <= 0 {
		return
	}
	// A little short of the whole height leaves room for a desktop's
	// panels and the window's title bar.
	w.win.Resize(fyne.NewSize(float32(mode.Width)/scale, float32(mode.Height)*0.94/scale))
	w.win.CenterOnScreen()
}

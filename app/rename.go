package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// renameEntry is the text field shown over an element to rename it in
// place: Enter keeps the name, Escape drops it.
type renameEntry struct {
	widget.Entry
	onDone func(name string, keep bool)
}

func newRenameEntry() *renameEntry {
	e := &renameEntry{}
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(s string) { e.finish(true) }
	return e
}

func (e *renameEntry) finish(keep bool) {
	if e.onDone != nil {
		done := e.onDone
		e.onDone = nil
		done(e.Text, keep)
	}
}

// TypedKey handles Escape; other keys edit the text.
func (e *renameEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.finish(false)
		return
	}
	e.Entry.TypedKey(k)
}

// FocusLost keeps the name, as clicking elsewhere does in other editors.
func (e *renameEntry) FocusLost() {
	e.Entry.FocusLost()
	e.finish(true)
}

// startRename shows the rename field over an element.
func (w *window) startRename(id string) {
	e := w.ed.Model.Elements[id]
	if e == nil {
		return
	}
	v := w.canvas
	var at fyne.Position
	width := float32(200)
	switch {
	case e.Kind == model.DataFlow:
		path := render.FlowPath(w.ed.Model, e)
		if len(path) == 0 {
			return
		}
		mid := v.toScreen(render.Midpoint(path))
		at = mid.SubtractXY(width/2, 18)
	case e.Kind == model.TrustBoundary && e.IsLine():
		at = v.toScreen(e.Points[0])
	case e.Kind == model.TrustBoundary:
		at = v.toScreen(model.Point{X: e.X, Y: e.Y})
	default:
		width = max(width, float32(e.W)*v.zoom)
		c := v.toScreen(e.Centre())
		at = c.SubtractXY(width/2, 18)
	}
	r := w.renameLine
	r.SetText(e.Name)
	r.Resize(fyne.NewSize(width, 36))
	r.Move(at)
	r.onDone = func(name string, keep bool) {
		r.Hide()
		if keep {
			w.do(w.ed.Rename(id, name))
			w.ed.History.Seal()
		}
		w.win.Canvas().Focus(w.canvas)
	}
	r.Show()
	w.win.Canvas().Focus(r)
	r.TypedShortcut(&fyne.ShortcutSelectAll{})
}

func (w *window) hideRename() {
	if w.renameLine.Visible() {
		w.renameLine.onDone = nil
		w.renameLine.Hide()
	}
}

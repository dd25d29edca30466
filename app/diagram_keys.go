package app

import (
	"unicode"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/model"
)

// FocusGained is part of fyne.Focusable.
func (v *diagramView) FocusGained() {}

// FocusLost is part of fyne.Focusable.
func (v *diagramView) FocusLost() {}

// toolKeys choose a tool from the keyboard: P process, E entity, S store,
// B boundary, F flow, V select.
var toolKeys = map[rune]Tool{'p': ToolProcess, 'e': ToolEntity, 's': ToolStore, 'b': ToolBoundary, 'f': ToolFlow,
	'v': ToolSelect}

// TypedRune chooses tools by letter (F with two nodes selected connects
// them, the one picked first to the other; J joins the diagram's loose
// interface flows to the one node selected), zooms with + and -, and
// fits the diagram to the canvas with 0.
func (v *diagramView) TypedRune(r rune) {
	if v.present != nil {
		v.present.rune(r) // no drawing while presenting
		return
	}
	if unicode.ToLower(r) == 'j' {
		v.joinLooseEnds()
		return
	}
	if t, ok := toolKeys[unicode.ToLower(r)]; ok {
		if t == ToolFlow && v.connectSelected() {
			return
		}
		v.SetTool(t)
		return
	}
	switch r {
	case '+', '=':
		v.ZoomBy(1.2)
	case '-':
		v.ZoomBy(1 / 1.2)
	case '0':
		v.FitToContent()
	}
}

// TypedKey deletes, renames, nudges or pans, and cancels with Escape.
func (v *diagramView) TypedKey(ev *fyne.KeyEvent) {
	if v.present != nil && v.present.key(ev.Name) {
		return
	}
	if ev.Name == fyne.KeyF5 && v.onPresent != nil {
		v.onPresent()
		return
	}
	sel := v.ed.Selection()
	arrows := map[fyne.KeyName][2]float64{fyne.KeyLeft: {-1, 0}, fyne.KeyRight: {1, 0}, fyne.KeyUp: {0, -1}, fyne.KeyDown: {0, 1}}
	switch ev.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		v.fail(v.ed.Delete())
	case fyne.KeyEscape:
		switch {
		case v.gesture.kind != noGesture:
			v.restore()
			v.gesture = gesture{}
		case v.tool != ToolSelect:
			v.SetTool(ToolSelect)
		default:
			v.ed.Select()
		}
		v.Refresh()
	case fyne.KeyF2, fyne.KeyReturn, fyne.KeyEnter:
		if len(sel) == 1 && v.onRename != nil {
			v.onRename(sel[0])
		}
	default:
		d, ok := arrows[ev.Name]
		switch {
		case !ok:
		case len(sel) > 0:
			v.fail(v.ed.Nudge(d[0], d[1]))
		default:
			v.PanBy(float32(-d[0]*40), float32(-d[1]*40))
		}
	}
}

// connectSelected draws a flow between the two selected nodes, from the one
// picked first; it reports whether exactly two nodes were selected.
func (v *diagramView) connectSelected() bool {
	sel := v.ed.Selection()
	if len(sel) != 2 {
		return false
	}
	for _, id := range sel {
		if e := v.ed.Model.Elements[id]; e == nil || !e.Kind.IsNode() {
			return false
		}
	}
	from, to := sel[0], sel[1]
	if n := len(v.picked); n >= 2 && v.picked[n-1] == from && v.picked[n-2] == to {
		from, to = to, from
	}
	id, err := v.ed.Connect(from, to)
	v.fail(err)
	if err == nil {
		v.ed.Select(id)
	}
	return true
}

// AcceptsTab lets Tab walk the diagram while presenting, instead of moving
// the keyboard focus out of the canvas.
func (v *diagramView) AcceptsTab() bool { return v.present != nil }

// joinLooseEnds connects every interface flow of the diagram on screen
// whose inner end is loose to the one selected process, entity or store:
// a child diagram sketched with one process inside is balanced with one
// key. Each join is its own undoable edit.
func (v *diagramView) joinLooseEnds() {
	sel := v.ed.Selection()
	d := v.ed.Diagram()
	if len(sel) != 1 || d == nil {
		return
	}
	if n := v.ed.Model.Elements[sel[0]]; n == nil || !n.Kind.IsNode() {
		return
	}
	for _, f := range v.ed.Model.ElementsIn(d.ID) {
		if f.Kind == model.DataFlow && len(f.Points) > 0 && (v.isLooseEnd(f, 0) || v.isLooseEnd(f, len(f.Points)-1)) {
			v.fail(v.ed.ConnectStub(f.ID, sel[0]))
		}
	}
	v.Refresh()
}

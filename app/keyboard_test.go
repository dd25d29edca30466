package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rampart-tm/rampart/model"
)

// A facilitator draws from the keyboard: a letter chooses the tool, which
// stays for the next placement; Enter names the element just placed;
// clicking an element with a placing tool selects it rather than stacking
// a new one on it; F with two nodes selected connects them, from the one
// picked first; Escape goes back to selecting.
func TestKeyboardFirstDrawing(t *testing.T) {
	w := newTestWindow(t, model.New("keys"))
	v := w.canvas
	v.TypedRune('p')
	if v.tool != ToolProcess {
		t.Fatalf("P chose tool %v", v.tool)
	}
	test.TapAt(v, at(300, 200))
	test.TapAt(v, at(600, 200))
	if n := count(w.ed.Model, model.Process); n != 2 {
		t.Fatalf("two clicks with the process tool placed %d processes", n)
	}
	second := w.ed.Selection()[0]
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !w.renameLine.Visible() {
		t.Fatal("Enter right after placing did not start naming the new element")
	}
	w.renameLine.SetText("Orders API")
	w.renameLine.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := w.ed.Model.Elements[second].Name; got != "Orders API" {
		t.Fatalf("the new process is named %q", got)
	}
	v.TypedRune('E')
	test.TapAt(v, at(300, 200)) // on the first process: selects it, places nothing
	if n := count(w.ed.Model, model.ExternalEntity); n != 0 {
		t.Fatal("clicking an element with the entity tool stacked an entity on it")
	}
	first := w.ed.Selection()[0]
	test.TapAt(v, at(100, 450))
	user := w.ed.Selection()[0]
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if v.tool != ToolSelect {
		t.Fatal("Escape did not go back to selecting")
	}
	// Pick the user, then the first process, and connect them.
	test.TapAt(v, at(100, 450))
	v.pressMods = fyne.KeyModifierShift
	test.TapAt(v, at(300, 200))
	v.pressMods = 0
	v.TypedRune('f')
	var flow *model.Element
	for _, e := range w.ed.Model.Elements {
		if e.Kind == model.DataFlow {
			flow = e
		}
	}
	if flow == nil || flow.Source != user || flow.Target != first {
		t.Fatalf("F with the user and the process selected drew %+v", flow)
	}
}

func count(m *model.Model, k model.Kind) int {
	n := 0
	for _, e := range m.Elements {
		if e.Kind == k {
			n++
		}
	}
	return n
}

// A double-click on an element's name opens it for renaming with the whole
// name selected, so typing replaces it.
func TestDoubleClickRenameSelectsTheName(t *testing.T) {
	w := newTestWindow(t, model.New("rename"))
	id, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 300, Y: 200})
	w.ed.Rename(id, "Customer")
	w.canvas.DoubleTapped(&fyne.PointEvent{Position: at(300, 200)})
	if !w.renameLine.Visible() || w.renameLine.SelectedText() != "Customer" {
		t.Fatalf("rename field visible=%v with %q selected", w.renameLine.Visible(), w.renameLine.SelectedText())
	}
}

// F2 right after the first placement names the new element.
func TestF2RightAfterPlacing(t *testing.T) {
	w := newTestWindow(t, model.New("f2"))
	test.Tap(w.tools[ToolProcess])
	test.TapAt(w.canvas, at(300, 200))
	w.canvas.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF2})
	if !w.renameLine.Visible() || w.renameLine.SelectedText() != "Process 1" {
		t.Fatalf("F2 after the first placement: field visible=%v, %q selected", w.renameLine.Visible(), w.renameLine.SelectedText())
	}
}

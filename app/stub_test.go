package app

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/model"
)

// childWithStub opens a process drawn with one inbound flow into its child
// diagram and places a process inside; it returns the interface flow and
// the inner process.
func childWithStub(t *testing.T) (*window, *model.Element, *model.Element) {
	t.Helper()
	m := model.New("stubs")
	w := newTestWindow(t, m)
	user, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 300})
	api, _ := w.ed.Place(model.Process, model.Point{X: 500, Y: 300})
	if _, err := w.ed.Connect(user, api); err != nil {
		t.Fatal(err)
	}
	w.canvas.DoubleTapped(&fyne.PointEvent{Position: at(500, 300)})
	if d := w.ed.Diagram(); d == nil || d.Refines != api {
		t.Fatal("the double-click did not open the child diagram")
	}
	inner, _ := w.ed.Place(model.Process, model.Point{X: 700, Y: 300})
	var stub *model.Element
	for _, e := range m.ElementsIn(w.ed.Diagram().ID) {
		if e.Kind == model.DataFlow {
			stub = e
		}
	}
	if stub == nil || len(stub.Points) < 2 || m.Elements[stub.Target] != nil {
		t.Fatalf("the child has no loose interface flow: %+v", stub)
	}
	w.canvas.zoom, w.canvas.pan = 1, fyne.NewPos(0, 0)
	return w, stub, m.Elements[inner]
}

// Dropping an interface flow's loose end anywhere on an inner process
// joins it there, even when the drag started beside the small handle; the
// drawing never shows the end resting on a process it is not joined to.
func TestAStubEndSnapsToTheProcessItIsDroppedOn(t *testing.T) {
	for _, miss := range []float64{0, 10} {
		w, stub, inner := childWithStub(t)
		end := stub.Points[len(stub.Points)-1]
		from := at(end.X-miss, end.Y)
		if miss > 0 { // beside the handle, on the flow's line
			prev := stub.Points[len(stub.Points)-2]
			from = at(end.X-miss*(end.X-prev.X)/distance(prev, end), end.Y-miss*(end.Y-prev.Y)/distance(prev, end))
		}
		target := model.Point{X: inner.X + inner.W*0.3, Y: inner.Y + inner.H*0.6}
		drag(w, from, float32(target.X)-from.X, float32(target.Y)-from.Y)
		got := w.ed.Model.Elements[stub.ID]
		if got.Target != inner.ID {
			t.Errorf("grabbed %.0f units from the handle: the stub's end is joined to %q, want the inner process", miss, got.Target)
		}
	}
}

func distance(a, b model.Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	return max(1e-9, math.Hypot(dx, dy))
}

// J joins every loose interface flow of a child diagram to the process
// selected inside, so the diagrams balance with one key.
func TestJoinLooseEndsWithOneKey(t *testing.T) {
	w, stub, inner := childWithStub(t)
	w.ed.Select(inner.ID)
	w.canvas.TypedRune('j')
	if got := w.ed.Model.Elements[stub.ID]; got.Target != inner.ID {
		t.Fatalf("after J the interface flow ends at %q", got.Target)
	}
	for _, f := range model.Validate(w.ed.Model) {
		if strings.Contains(f.Message, "balance") || strings.Contains(f.Message, "not connected") {
			t.Errorf("still unbalanced: %s", f.Message)
		}
	}
}

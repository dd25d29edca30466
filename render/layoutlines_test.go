package render_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
)

// crossingsOf lists, per flow, the boundaries it crosses.
func crossingsOf(m *model.Model) map[string][]string {
	ix := model.NewIndex(m)
	out := map[string][]string{}
	for _, e := range m.Elements {
		if e.Kind != model.DataFlow {
			continue
		}
		var ids []string
		for _, b := range ix.Crossings(e) {
			ids = append(ids, b.ID)
		}
		slices.Sort(ids)
		out[e.ID] = ids
	}
	return out
}

// Auto-layout carries line boundaries along: every flow crosses the same
// boundaries after it as before, or the layout is refused with a reason.
func TestLayoutKeepsLineBoundariesBetweenTheSameFlows(t *testing.T) {
	m, _, err := storage.Import(filepath.Join("..", "stride", "testdata", "tmt", "MTMT_nested_tz.tm7"))
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, e := range m.Elements {
		if e.IsLine() {
			lines++
		}
	}
	if lines == 0 {
		t.Fatal("the model has no line boundary: the test proves nothing")
	}
	before := crossingsOf(m)
	for _, d := range m.DiagramList() {
		l, err := render.AutoLayout(m, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		edit, err := render.LayoutEdit(m, d.ID, l)
		if err != nil {
			t.Logf("refused, with a reason: %v", err)
			continue
		}
		if err := edit.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	after := crossingsOf(m)
	for id, b := range before {
		if !slices.Equal(b, after[id]) {
			t.Errorf("flow %s crossed %v before the layout and %v after", m.Elements[id].Label(), b, after[id])
		}
	}
}

// A trust zone nothing is drawn in yet (a sandbox inside the Internet)
// keeps a box of its own inside its parent: graphviz draws no empty
// cluster, and the zone used to take its parent's place.
func TestAutoLayoutKeepsAnEmptyZone(t *testing.T) {
	m := model.New("empty zone")
	add := func(e *model.Element) { e.Diagram = model.RootDiagramID; m.Elements[e.ID] = e }
	add(&model.Element{ID: "internet", Kind: model.TrustBoundary, Name: "Internet", X: 0, Y: 0, W: 600, H: 400})
	add(&model.Element{ID: "sandbox", Kind: model.TrustBoundary, Name: "Sandbox", X: 300, Y: 50, W: 200, H: 150})
	add(&model.Element{ID: "phone", Kind: model.ExternalEntity, Name: "Phone", X: 50, Y: 100, W: 140, H: 70})
	l, err := render.AutoLayout(m, model.RootDiagramID)
	if err != nil {
		t.Fatal(err)
	}
	outer, inner, phone := l.Rects["internet"], l.Rects["sandbox"], l.Rects["phone"]
	if inner.W == 0 || !outer.Encloses(inner) || inner.Contains(model.Point{X: phone.X + phone.W/2, Y: phone.Y + phone.H/2}) {
		t.Errorf("internet %v, sandbox %v, phone %v", outer, inner, phone)
	}
	for name := range l.Rects {
		if m.Elements[name] == nil {
			t.Errorf("the layout places %q, which is no element", name)
		}
	}
}

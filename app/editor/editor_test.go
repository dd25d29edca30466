package editor_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// titled returns an editor on a new file in a temporary folder.
func titled(t *testing.T) (*editor.Editor, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.rampart")
	must(t, storage.WriteNew(path, model.New("test")))
	ed, err := editor.Open(path)
	must(t, err)
	t.Cleanup(func() { ed.Close() })
	return ed, path
}

// saved loads what the file holds now.
func saved(t *testing.T, ed *editor.Editor) *model.Model {
	t.Helper()
	m, err := storage.Load(ed.Path())
	must(t, err)
	return m
}

func TestEveryEditIsSavedAtOnce(t *testing.T) {
	ed, _ := titled(t)
	p, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	if saved(t, ed).Elements[p] == nil {
		t.Fatal("the placed process is not in the file")
	}
	must(t, ed.Rename(p, "Orders API"))
	if got := saved(t, ed).Elements[p].Name; got != "Orders API" {
		t.Fatalf("file has name %q", got)
	}
	must(t, ed.Undo())
	if got := saved(t, ed).Elements[p].Name; got != "Process 1" {
		t.Fatalf("after undo the file has name %q", got)
	}
	if ed.Unsaved() {
		t.Fatal("a titled model is never unsaved after a successful edit")
	}
}

func TestPlaceSnapsAndNamesUniquely(t *testing.T) {
	ed := editor.New(model.New("x"))
	a, _ := ed.Place(model.Process, model.Point{X: 103, Y: 207})
	b, _ := ed.Place(model.Process, model.Point{X: 300, Y: 207})
	ea, eb := ed.Model.Elements[a], ed.Model.Elements[b]
	if ea.X != 30 || ea.Y != 170 {
		t.Errorf("placed at %v,%v; want the grid", ea.X, ea.Y)
	}
	if ea.Name == eb.Name {
		t.Errorf("two new processes share the name %q", ea.Name)
	}
	if sel := ed.Selection(); len(sel) != 1 || sel[0] != b {
		t.Errorf("selection = %v, want the new element", sel)
	}
}

func TestConnectMoveAndFlowsFollow(t *testing.T) {
	ed := editor.New(model.New("x"))
	u, _ := ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	p, _ := ed.Place(model.Process, model.Point{X: 400, Y: 100})
	f, err := ed.Connect(u, p)
	must(t, err)
	if _, err := ed.Connect(u, u); err == nil {
		t.Error("a flow from an element to itself must be refused")
	}
	ed.Select(p)
	must(t, ed.MoveSelection(0, 200))
	if got := ed.Model.Elements[p].Y; got != 265 && got != 270 {
		t.Errorf("process y = %v", got)
	}
	// The flow still ends at the process: its hit point moved with it.
	h := ed.HitTest(ed.Model.Elements[p].Centre(), 4)
	if h.ID != p {
		t.Fatalf("hit %+v, want the process", h)
	}
	fl := ed.Model.Elements[f]
	if fl.Source != u || fl.Target != p {
		t.Fatalf("flow ends %s→%s", fl.Source, fl.Target)
	}
	must(t, ed.Undo())
	if got := ed.Model.Elements[p].Y; got != 65 && got != 70 {
		t.Errorf("after undo process y = %v", got)
	}
}

func TestSecondFlowBetweenTheSameEndsIsBent(t *testing.T) {
	ed := editor.New(model.New("x"))
	a, _ := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	b, _ := ed.Place(model.Process, model.Point{X: 400, Y: 100})
	f1, _ := ed.Connect(a, b)
	f2, _ := ed.Connect(b, a)
	if len(ed.Model.Elements[f1].Points) != 0 || len(ed.Model.Elements[f2].Points) != 1 {
		t.Fatal("the return flow should get a bend so both flows show")
	}
}

func TestDeleteUndoRedoRestoreExactly(t *testing.T) {
	ed := editor.New(model.New("x"))
	u, _ := ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	p, _ := ed.Place(model.Process, model.Point{X: 400, Y: 100})
	ed.Connect(u, p)
	before := ed.Model.Clone()
	ed.Select(p)
	must(t, ed.Delete())
	if len(ed.Model.Elements) != 1 {
		t.Fatalf("deleting the process should take its flow: %d left", len(ed.Model.Elements))
	}
	after := ed.Model.Clone()
	must(t, ed.Undo())
	if !reflect.DeepEqual(before, ed.Model) {
		t.Fatal("undo did not restore")
	}
	must(t, ed.Redo())
	if !reflect.DeepEqual(after, ed.Model) {
		t.Fatal("redo did not delete again")
	}
}

func TestOpenChildCreatesItOnceAndBreadcrumbReturns(t *testing.T) {
	ed := editor.New(model.New("x"))
	u, _ := ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	p, _ := ed.Place(model.Process, model.Point{X: 400, Y: 100})
	ed.Connect(u, p)
	ed.Rename(p, "Orders")
	must(t, ed.OpenChild(p))
	child := ed.Diagram()
	if child.Refines != p || child.Name != "Orders" {
		t.Fatalf("on screen: %+v", child)
	}
	stubs := ed.Model.ElementsIn(child.ID)
	if len(stubs) != 1 || stubs[0].Source != u {
		t.Fatalf("want one interface flow from the user, got %v", stubs)
	}
	crumbs := ed.Breadcrumb()
	if len(crumbs) != 2 || crumbs[0].ID != model.RootDiagramID {
		t.Fatalf("breadcrumb %v", crumbs)
	}
	ed.ShowDiagram(crumbs[0].ID)
	must(t, ed.OpenChild(p))
	if ed.Diagram().ID != child.ID || len(ed.Model.Diagrams) != 2 {
		t.Fatal("opening again must show the same child diagram")
	}
	// Connect the stub's loose end inside the child.
	h, _ := ed.Place(model.Process, model.Point{X: 400, Y: 300})
	must(t, ed.ConnectStub(stubs[0].ID, h))
	if got := ed.Model.Elements[stubs[0].ID].Target; got != h {
		t.Fatalf("stub target = %q", got)
	}
	for _, f := range model.Validate(ed.Model) {
		if f.Severity == model.Error {
			t.Errorf("after connecting the stub: %s", f)
		}
	}
}

func TestCopyPasteKeepsFlowsBetweenCopies(t *testing.T) {
	ed := editor.New(model.New("x"))
	u, _ := ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	p, _ := ed.Place(model.Process, model.Point{X: 400, Y: 100})
	f, _ := ed.Connect(u, p)
	ed.Select(u, p, f)
	ed.Copy()
	must(t, ed.Paste())
	if len(ed.Model.Elements) != 6 {
		t.Fatalf("elements after paste: %d", len(ed.Model.Elements))
	}
	var pastedFlow *model.Element
	for _, id := range ed.Selection() {
		if e := ed.Model.Elements[id]; e.Kind == model.DataFlow {
			pastedFlow = e
		}
	}
	if pastedFlow == nil || pastedFlow.Source == u || !ed.IsSelected(pastedFlow.Source) {
		t.Fatal("the pasted flow must connect the pasted copies")
	}
	must(t, ed.Undo())
	if len(ed.Model.Elements) != 3 {
		t.Fatal("one undo removes the whole paste")
	}
}

func TestHitTestPrefersNodesThenFlowsThenBoundaryBorders(t *testing.T) {
	ed := editor.New(model.New("x"))
	b, _ := ed.Place(model.TrustBoundary, model.Point{X: 300, Y: 300})
	ed.Resize(b, model.Rect{X: 0, Y: 0, W: 600, H: 600})
	a, _ := ed.Place(model.Process, model.Point{X: 100, Y: 300})
	c, _ := ed.Place(model.Process, model.Point{X: 500, Y: 300})
	f, _ := ed.Connect(a, c)
	cases := []struct {
		at   model.Point
		want string
		part editor.Part
	}{
		{ed.Model.Elements[a].Centre(), a, editor.Body},
		{model.Point{X: 300, Y: 301}, f, editor.Body},
		{model.Point{X: 300, Y: 450}, "", editor.Nothing}, // inside the boundary, on nothing
		{model.Point{X: 1, Y: 450}, b, editor.Body},       // on its border
		{model.Point{X: ed.Model.Elements[a].X + 1, Y: 300}, a, editor.Edge},
	}
	for _, c := range cases {
		h := ed.HitTest(c.at, 4)
		if h.ID != c.want || h.Part != c.part {
			t.Errorf("at %v: %+v, want %s part %d", c.at, h, c.want, c.part)
		}
	}
	if got := ed.InRect(model.Rect{X: 0, Y: 200, W: 300, H: 200}); len(got) != 1 || got[0] != a {
		t.Errorf("rubber band picked %v", got)
	}
}

func TestEveryEditIsInTheAuditTrail(t *testing.T) {
	ed, path := titled(t)
	ed.Author = "Alex Morgan"
	p, _ := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, ed.Rename(p, "Orders API"))
	ed.History.Seal()
	th := &model.Threat{ID: "manual-1", Number: 1, ElementID: p, Title: "Replay", Manual: true}
	must(t, ed.Do(model.PutThreat(ed.Model, th, "added threat T-0001")))
	must(t, ed.Do(model.SetStatus(ed.Model, "manual-1", model.Mitigated, "mTLS enforced by mesh policy")))
	must(t, ed.Undo())
	ed.Close()
	trail, err := storage.History(path)
	must(t, err)
	var actions []string
	for _, c := range trail {
		if c.Author != "Alex Morgan" || c.At.IsZero() {
			t.Errorf("entry without author or time: %+v", c)
		}
		actions = append(actions, c.Action)
	}
	want := []string{"added process Process 1", "renamed Process 1 to Orders API", "added threat T-0001",
		"threat T-0001 status open → mitigated: mTLS enforced by mesh policy",
		"undid: threat T-0001 status open → mitigated: mTLS enforced by mesh policy"}
	if strings.Join(actions, "\n") != strings.Join(want, "\n") {
		t.Fatalf("trail:\n%s", strings.Join(actions, "\n"))
	}
	if last := trail[len(trail)-1]; !last.Undone || len(last.Subjects) != 1 || last.Subjects[0] != "manual-1" {
		t.Errorf("the undo entry: %+v", last)
	}
}

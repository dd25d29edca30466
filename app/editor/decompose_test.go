package editor_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// openThreatsOn counts the live generated threats on an element after an
// analysis of the editor's model.
func openThreatsOn(t *testing.T, ed *editor.Editor, id string) int {
	t.Helper()
	lib, err := stride.Builtin()
	must(t, err)
	if errs := stride.Run(lib, ed.Model); len(errs) > 0 {
		t.Fatal(errs)
	}
	n := 0
	for _, th := range ed.Model.ThreatList() {
		if th.ElementID == id && !th.Obsolete && !th.Manual {
			n++
		}
	}
	return n
}

func balanceProblems(m *model.Model) []string {
	var out []string
	for _, f := range model.Validate(m) {
		if strings.Contains(f.Message, "does not balance") {
			out = append(out, f.Message)
		}
	}
	return out
}

// Decomposing early: a process opened into a child diagram with an inner
// process, and a flow drawn to it afterwards. The flow appears in the
// child as an interface flow at once, the levels balance, and neither the
// flow nor the process loses its threats; the inner process gets a name of
// its own.
func TestAFlowDrawnAfterDecomposingReachesTheChild(t *testing.T) {
	ed, _ := titled(t)
	p, err := ed.Place(model.Process, model.Point{X: 300, Y: 100})
	must(t, err)
	root := ed.Diagram().ID
	must(t, ed.OpenChild(p))
	child := ed.Diagram().ID
	inner, err := ed.Place(model.Process, model.Point{X: 300, Y: 200})
	must(t, err)
	if a, b := ed.Model.Elements[p].Name, ed.Model.Elements[inner].Name; a == b {
		t.Errorf("the inner process is named %q, like the process it refines", b)
	}
	ed.ShowDiagram(root)
	user, err := ed.Place(model.ExternalEntity, model.Point{X: 0, Y: 100})
	must(t, err)
	flow, err := ed.Connect(user, p)
	must(t, err)

	var stubs []*model.Element
	for _, e := range ed.Model.ElementsIn(child) {
		if e.Kind == model.DataFlow && e.Source == user {
			stubs = append(stubs, e)
		}
	}
	if len(stubs) != 1 || stubs[0].Name != ed.Model.Elements[flow].Name {
		t.Fatalf("the child should get one interface flow for the new flow, got %v", stubs)
	}
	if probs := balanceProblems(ed.Model); len(probs) > 0 {
		t.Errorf("the levels do not balance: %v", probs)
	}
	if openThreatsOn(t, ed, flow) == 0 || openThreatsOn(t, ed, p) == 0 {
		t.Errorf("until its interface flow is joined inside, the flow and the process keep their threats")
	}

	// Joined inside, the child stands for both.
	ed.ShowDiagram(child)
	must(t, ed.ConnectStub(stubs[0].ID, inner))
	if openThreatsOn(t, ed, flow) != 0 || openThreatsOn(t, ed, stubs[0].ID) == 0 || openThreatsOn(t, ed, inner) == 0 {
		t.Errorf("once joined, the interface flow and the inner process carry the threats")
	}

	// Deleting the flow deletes its interface flow, and undo brings both back.
	ed.ShowDiagram(root)
	ed.Select(flow)
	must(t, ed.Delete())
	if ed.Model.Elements[stubs[0].ID] != nil {
		t.Error("the interface flow stayed after its flow was deleted")
	}
	if probs := balanceProblems(ed.Model); len(probs) > 0 {
		t.Errorf("after deleting, the levels do not balance: %v", probs)
	}
	must(t, ed.Undo())
	if ed.Model.Elements[stubs[0].ID] == nil || ed.Model.Elements[flow] == nil {
		t.Error("undo did not bring back the flow and its interface flow")
	}
}

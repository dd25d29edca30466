package model_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
)

// randomEdit picks one of the edit constructors with random arguments that
// fit the model.
func randomEdit(r *rand.Rand, m *model.Model) model.Edit {
	els := m.ElementList()
	pick := func() *model.Element { return els[r.IntN(len(els))] }
	if len(els) == 0 {
		return model.AddElement(modelgen.RandomElement(r, m))
	}
	switch r.IntN(20) {
	case 0, 1:
		return model.AddElement(modelgen.RandomElement(r, m))
	case 2:
		return model.Rename(m, pick().ID, modelgen.Text(r))
	case 3:
		e := pick()
		defs := model.PropsFor(e.Kind)
		def := defs[r.IntN(len(defs))]
		val := ""
		switch def.Type {
		case model.Bool:
			val = []string{"", "true", "false"}[r.IntN(3)]
		case model.Enum:
			val = def.Options[r.IntN(len(def.Options))]
		default:
			val = modelgen.Text(r)
		}
		return model.SetProp(m, e.ID, def.Key, val)
	case 4:
		return model.MoveElements(m, []string{pick().ID, pick().ID}, float64(r.IntN(50)), -float64(r.IntN(50)))
	case 5:
		return model.DeleteElements(m, []string{pick().ID})
	case 6:
		return model.SetScope(m, pick().ID, r.IntN(2) == 0, modelgen.Text(r))
	case 7:
		var ids []string
		for _, a := range m.AssetList() {
			if r.IntN(2) == 0 {
				ids = append(ids, a.ID)
			}
		}
		return model.SetAssets(m, pick().ID, ids)
	case 8:
		return model.AddAsset(modelgen.RandomAsset(r))
	case 9:
		if as := m.AssetList(); len(as) > 0 {
			a := as[r.IntN(len(as))].Clone()
			a.Classification = model.Classifications[r.IntN(4)]
			a.Name = modelgen.Text(r)
			return model.UpdateAsset(m, a)
		}
	case 10:
		if as := m.AssetList(); len(as) > 0 {
			return model.DeleteAsset(m, as[r.IntN(len(as))].ID)
		}
	case 11:
		t := modelgen.RandomThreat(r, pick().ID, m.NextThreatNumber())
		t.ID = "manual-" + model.NewID()
		return model.PutThreat(m, t, "added threat")
	case 12:
		if ts := m.ThreatList(); len(ts) > 0 {
			return model.SetStatus(m, ts[r.IntN(len(ts))].ID, model.Statuses[r.IntN(5)], modelgen.Text(r))
		}
	case 13:
		if ts := m.ThreatList(); len(ts) > 0 {
			return model.DeleteThreat(m, ts[r.IntN(len(ts))].ID)
		}
	case 14:
		return model.Suppress(m, &model.Suppression{RuleID: "r" + fmt.Sprint(r.IntN(3)), ElementID: pick().ID, Justification: modelgen.Text(r)})
	case 15:
		info := m.Info.Clone()
		info.Name = modelgen.Text(r)
		info.Authors = append(info.Authors, modelgen.Text(r))
		return model.SetInfo(m, info)
	case 16:
		e := pick()
		if e.Kind == model.Process && m.ChildOf(e.ID) == nil {
			return model.Refine(m, e.ID, model.NewID(), model.NewID)
		}
	case 17:
		return model.Connect(m, pick().ID, pick().ID, pick().ID)
	case 18:
		return model.SetPoints(m, pick().ID, []model.Point{{X: 1, Y: 2}, {X: float64(r.IntN(99)), Y: 4}})
	case 19:
		if r.IntN(2) == 0 {
			if t := modelgen.RandomTree(r, m); t != nil {
				return model.PutTree(m, t, "")
			}
		}
		return model.SetBounds(m, pick().ID, model.Rect{X: 1, Y: 2, W: float64(r.IntN(400)), H: 80})
	}
	return model.Rename(m, pick().ID, modelgen.Text(r))
}

func TestUndoRedoRandomSequencesRestoreExactModels(t *testing.T) {
	for seed := range uint64(200) {
		r := rand.New(rand.NewPCG(seed, 7))
		m := modelgen.Random(r)
		var h model.History
		states := []*model.Model{m.Clone()}
		for range 1 + r.IntN(40) {
			e := randomEdit(r, m)
			before := m.Clone()
			if err := h.Do(m, e); err != nil {
				if !reflect.DeepEqual(before, m) {
					t.Fatalf("seed %d: failed edit %q changed the model", seed, e)
				}
				continue
			}
			if err := model.CheckReferences(m); err != nil {
				t.Fatalf("seed %d: edit %q broke a reference: %v", seed, e, err)
			}
			h.Seal() // one step per edit, so states line up with steps
			states = append(states, m.Clone())
		}
		for i := len(states) - 2; i >= 0; i-- {
			if h.Undo(m) == nil {
				t.Fatalf("seed %d: nothing to undo at state %d", seed, i)
			}
			if !reflect.DeepEqual(states[i], m) {
				t.Fatalf("seed %d: undo to state %d does not restore the model", seed, i)
			}
		}
		if h.CanUndo() {
			t.Fatalf("seed %d: history longer than the edits", seed)
		}
		for i := 1; i < len(states); i++ {
			if _, err := h.Redo(m); err != nil {
				t.Fatalf("seed %d: redo %d: %v", seed, i, err)
			}
			if !reflect.DeepEqual(states[i], m) {
				t.Fatalf("seed %d: redo to state %d does not restore the model", seed, i)
			}
		}
	}
}

func TestTypingANameIsOneUndoStep(t *testing.T) {
	m := model.New("shop")
	var h model.History
	must(t, h.Do(m, model.AddElement(&model.Element{ID: "p", Kind: model.Process, Diagram: model.RootDiagramID})))
	h.Seal()
	for _, name := range []string{"O", "Or", "Ord", "Orders"} {
		must(t, h.Do(m, model.Rename(m, "p", name)))
	}
	if got := m.Elements["p"].Name; got != "Orders" {
		t.Fatalf("name = %q", got)
	}
	if got := h.UndoLabel(); got != "renamed Ord to Orders" {
		t.Errorf("undo label = %q", got)
	}
	h.Undo(m)
	if got := m.Elements["p"].Name; got != "" {
		t.Fatalf("after one undo, name = %q, want the name before typing", got)
	}
	h.Undo(m)
	if len(m.Elements) != 0 {
		t.Fatal("second undo should remove the process")
	}
}

func TestSealEndsABurst(t *testing.T) {
	m := model.New("shop")
	var h model.History
	must(t, h.Do(m, model.AddElement(&model.Element{ID: "p", Kind: model.Process, Diagram: model.RootDiagramID})))
	must(t, h.Do(m, model.Rename(m, "p", "A")))
	h.Seal()
	must(t, h.Do(m, model.Rename(m, "p", "B")))
	h.Undo(m)
	if got := m.Elements["p"].Name; got != "A" {
		t.Fatalf("name = %q, want A", got)
	}
}

func TestDeleteTakesAttachedFlowsChildDiagramsAndThreats(t *testing.T) {
	m := model.New("shop")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "u", Kind: model.ExternalEntity, Diagram: "context", Name: "User"})
	add(&model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "API"})
	add(&model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Source: "u", Target: "p"})
	m.Diagrams["child"] = &model.Diagram{ID: "child", Name: "API", Refines: "p"}
	add(&model.Element{ID: "q", Kind: model.Process, Diagram: "child", Name: "Handler"})
	add(&model.Element{ID: "stub", Kind: model.DataFlow, Diagram: "child", Source: "u", Target: "q"})
	m.Threats["x@f"] = &model.Threat{ID: "x@f", ElementID: "f", Number: 1}
	m.Threats["x@u"] = &model.Threat{ID: "x@u", ElementID: "u", Number: 2}
	before := m.Clone()

	var h model.History
	must(t, h.Do(m, model.DeleteElements(m, []string{"p"})))
	for _, id := range []string{"p", "f", "q", "stub"} {
		if m.Elements[id] != nil {
			t.Errorf("%s should be gone", id)
		}
	}
	if m.Elements["u"] == nil || m.Threats["x@u"] == nil {
		t.Error("the user and its threat should stay")
	}
	if m.Diagrams["child"] != nil || m.Threats["x@f"] != nil {
		t.Error("child diagram and the flow's threat should be gone")
	}
	if got := h.UndoLabel(); got != "deleted API" {
		t.Errorf("label = %q", got)
	}
	h.Undo(m)
	if !reflect.DeepEqual(before, m) {
		t.Fatal("undo did not restore everything")
	}
}

func TestFailedEditChangesNothing(t *testing.T) {
	m := model.New("shop")
	e := &model.Element{ID: "p", Kind: model.Process, Diagram: "context"}
	m.Elements["p"] = e
	before := m.Clone()
	b := &model.Batch{Label: "two", Edits: []model.Edit{
		model.Rename(m, "p", "new"),
		model.AddElement(e), // exists: fails
	}}
	var h model.History
	if err := h.Do(m, b); err == nil {
		t.Fatal("want a conflict")
	}
	if !reflect.DeepEqual(before, m) || h.CanUndo() {
		t.Fatal("a failed batch must leave model and history as they were")
	}
	if err := h.Do(m, model.Rename(m, "missing", "x")); err == nil {
		t.Fatal("renaming a missing element must fail")
	}
}

func TestRefineCreatesInterfaceStubs(t *testing.T) {
	m := model.New("shop")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "u", Kind: model.ExternalEntity, Diagram: "context", Name: "User"})
	add(&model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "API"})
	add(&model.Element{ID: "db", Kind: model.DataStore, Diagram: "context", Name: "DB"})
	add(&model.Element{ID: "f1", Kind: model.DataFlow, Diagram: "context", Name: "request", Source: "u", Target: "p"})
	add(&model.Element{ID: "f2", Kind: model.DataFlow, Diagram: "context", Name: "write", Source: "p", Target: "db",
		Props: map[string]string{"encrypted": "true"}})
	n := 0
	ids := func() string { n++; return fmt.Sprintf("s%d", n) }
	var h model.History
	must(t, h.Do(m, model.Refine(m, "p", "child", ids)))
	d := m.ChildOf("p")
	if d == nil || d.Name != "API" {
		t.Fatalf("child diagram = %+v", d)
	}
	stubs := m.ElementsIn("child")
	if len(stubs) != 2 {
		t.Fatalf("want 2 interface flows, got %d", len(stubs))
	}
	in, out := m.Elements["s1"], m.Elements["s2"]
	if in.Source != "u" || in.Target != "" || in.Name != "request" {
		t.Errorf("inbound stub = %+v", in)
	}
	if out.Target != "db" || out.Source != "" || !out.Bool("encrypted") {
		t.Errorf("outbound stub = %+v", out)
	}
	if got := m.Level(d); got != 1 {
		t.Errorf("level = %d", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A flow between two refined processes has an interface flow in each
// child: deleting the flow deletes both.
func TestDeletingAFlowBetweenTwoChildrenDeletesBothHalves(t *testing.T) {
	m := model.New("halves")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "a", Kind: model.Process, Diagram: "context", Name: "Shop"})
	add(&model.Element{ID: "b", Kind: model.Process, Diagram: "context", Name: "Payments"})
	add(&model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Name: "charge", Source: "a", Target: "b"})
	n := 0
	ids := func() string { n++; return fmt.Sprintf("s%d", n) }
	var h model.History
	must(t, h.Do(m, model.Refine(m, "a", "ca", ids)))
	must(t, h.Do(m, model.Refine(m, "b", "cb", ids)))
	if got := len(m.InterfaceSets()["f"]); got != 2 {
		t.Fatalf("the flow has %d interface flows, want 2", got)
	}
	must(t, h.Do(m, model.DeleteElements(m, []string{"f"})))
	for _, d := range []string{"ca", "cb"} {
		if left := m.ElementsIn(d); len(left) != 0 {
			t.Errorf("diagram %s keeps %v", d, left)
		}
	}
}

package render_test

import (
	"fmt"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// A refined process and its flows show, at the parent level, the open
// threats analysed inside them, so the context diagram of a model whose
// threats sit on child diagrams never looks empty; a loop of refinements
// read from a damaged file ends.
func TestBadgesRollUpFromChildDiagrams(t *testing.T) {
	m := model.New("roll-up")
	m.Elements["user"] = &model.Element{ID: "user", Kind: model.ExternalEntity, Diagram: model.RootDiagramID, Name: "User"}
	m.Elements["api"] = &model.Element{ID: "api", Kind: model.Process, Diagram: model.RootDiagramID, Name: "API"}
	m.Elements["call"] = &model.Element{ID: "call", Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: "call",
		Source: "user", Target: "api"}
	m.Diagrams["child"] = &model.Diagram{ID: "child", Name: "API", Refines: "api"}
	m.Elements["inner"] = &model.Element{ID: "inner", Kind: model.Process, Diagram: "child", Name: "Handler"}
	m.Elements["stub"] = &model.Element{ID: "stub", Kind: model.DataFlow, Diagram: "child", Name: "call",
		Source: "user", Target: "inner"}
	add := func(id, on string, sev model.Level) {
		m.Threats[id] = &model.Threat{ID: id, ElementID: on, RuleID: "r", Likelihood: sev, Impact: sev, Number: len(m.Threats) + 1}
	}
	add("a", "inner", model.High)
	add("b", "inner", model.Low)
	add("c", "stub", model.Medium)
	b := render.Badges(m, nil)
	if got := b["api"]; got.Open != 0 || got.Inside != 3 || !got.Refined || got.Count() != 3 {
		t.Errorf("the refined API shows %+v, want the 3 threats inside it", got)
	}
	if got := b["call"]; got.Inside != 1 || got.Count() != 1 {
		t.Errorf("the parent flow shows %+v, want its interface flow's threat", got)
	}
	if b["api"].Severity() != m.Threats["a"].Severity() {
		t.Errorf("the roll-up is coloured %v, want the worst inside", b["api"].Severity())
	}
	// A damaged file whose diagrams refine each other in a loop.
	m.Elements["api"].Diagram = "child"
	_ = render.Badges(m, nil)
}

// A badge counts its threats by severity too, own and inside alike.
func TestBadgesCountBySeverity(t *testing.T) {
	m := model.New("by severity")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: model.RootDiagramID, Name: "API"}
	for i, lv := range []model.Level{model.VeryHigh, model.VeryHigh, model.Low} {
		id := fmt.Sprint("t", i)
		m.Threats[id] = &model.Threat{ID: id, ElementID: "p", RuleID: "r", Likelihood: lv, Impact: lv, Number: i + 1}
	}
	b := render.Badges(m, nil)["p"]
	crit, low := m.Threats["t0"].Severity(), m.Threats["t2"].Severity()
	if b.BySeverity[crit] != 2 || b.BySeverity[low] != 1 {
		t.Errorf("by severity %v, want 2 %s and 1 %s", b.BySeverity, crit, low)
	}
}

// A flow between two refined processes shows the threats of both its
// interface flows, whichever child carries the link.
func TestBadgesRollUpFromBothHalvesOfALink(t *testing.T) {
	m := model.New("halves")
	for _, e := range []model.Element{
		{ID: "shop", Kind: model.Process, Diagram: model.RootDiagramID}, {ID: "pay", Kind: model.Process, Diagram: model.RootDiagramID},
		{ID: "charge", Kind: model.DataFlow, Diagram: model.RootDiagramID, Source: "shop", Target: "pay"},
		{ID: "cart", Kind: model.Process, Diagram: "a"}, {ID: "ledger", Kind: model.Process, Diagram: "b"},
		{ID: "sent", Kind: model.DataFlow, Diagram: "a", Source: "cart", Target: "pay"},
		{ID: "received", Kind: model.DataFlow, Diagram: "b", Source: "shop", Target: "ledger"},
	} {
		e.Name = e.ID
		m.Elements[e.ID] = &e
	}
	m.Diagrams["a"] = &model.Diagram{ID: "a", Name: "Shop", Refines: "shop"}
	m.Diagrams["b"] = &model.Diagram{ID: "b", Name: "Payments", Refines: "pay"}
	m.Threats["t"] = &model.Threat{ID: "t", ElementID: "received", RuleID: "r", Likelihood: model.High, Impact: model.High, Number: 1}
	if got := render.Badges(m, nil)["charge"]; got.Inside != 1 {
		t.Errorf("the parent flow shows %+v, want the threat on its receiving half", got)
	}
}

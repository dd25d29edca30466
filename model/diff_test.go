package model_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

func TestDiffKnownChanges(t *testing.T) {
	old := zones()
	old.Threats["x@f1"] = &model.Threat{ID: "x@f1", RuleID: "x", ElementID: "f1", Number: 1, Title: "Sniffing", Likelihood: model.High, Impact: model.High}
	m := old.Clone()
	var h model.History
	must(t, h.Do(m, model.Rename(m, "gw", "Edge gateway")))
	must(t, h.Do(m, model.SetProp(m, "f2", "encrypted", "true")))
	must(t, h.Do(m, model.SetStatus(m, "x@f1", model.Mitigated, "TLS everywhere")))
	must(t, h.Do(m, model.DeleteElements(m, []string{"f3"})))
	must(t, h.Do(m, model.AddElement(&model.Element{ID: "db", Kind: model.DataStore, Diagram: "context", Name: "DB"})))
	got := []string{}
	for _, d := range model.Diff(old, m) {
		got = append(got, d.String())
	}
	want := []string{
		"removed element User → Service (data flow)",
		"added element DB (data store)",
		"changed element Edge gateway → Service (data flow): encrypted: (none) → true",
		"changed element Edge gateway (process): name: Gateway → Edge gateway",
		"changed threat T-0001 Sniffing (Spoofing): status: open → mitigated; justification: (none) → TLS everywhere",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("diff:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := model.Diff(m, m.Clone()); len(d) != 0 {
		t.Fatalf("a model differs from its copy: %v", d)
	}
}

func TestDiffMatchesByNameAcrossOrigins(t *testing.T) {
	a := zones()
	b := zones()
	// The same user, with another ID (as after a re-import by another tool).
	u := b.Elements["user"]
	delete(b.Elements, "user")
	u.ID = "user-2"
	b.Elements["user-2"] = u
	for _, f := range b.Elements {
		if f.Source == "user" {
			f.Source = "user-2"
		}
	}
	if d := model.Diff(a, b); len(d) != 0 {
		t.Fatalf("renumbered but equal models differ: %v", d)
	}
}

// A suppression changes how many threats are open: the difference says so.
func TestDiffListsSuppressions(t *testing.T) {
	old := zones()
	m := old.Clone()
	must(t, model.Suppress(m, &model.Suppression{RuleID: "xb.sniffing", ElementID: "f1", Justification: "VPN"}).Apply(m))
	var got []string
	for _, d := range model.Diff(old, m) {
		got = append(got, d.String())
	}
	if len(got) != 1 || !strings.Contains(got[0], "added suppression xb.sniffing on") || !strings.Contains(got[0], "VPN") {
		t.Errorf("diff: %q", got)
	}
	back := model.Diff(m, old)
	if len(back) != 1 || back[0].Op != "removed" || back[0].What != "suppression" {
		t.Errorf("lifting it: %+v", back)
	}
}

func TestDiffSaysWhichStepOfATreeChanged(t *testing.T) {
	old := model.New("m")
	old.Trees["tr"] = &model.AttackTree{ID: "tr", Name: "Steal orders", Root: "g", Nodes: map[string]*model.TreeNode{
		"g": {ID: "g", Label: "Read the orders", Gate: model.Or},
		"a": {ID: "a", Parent: "g", Label: "Phish an admin", Cost: 10}}}
	new := old.Clone()
	new.Trees["tr"].Nodes["a"].Cost = 100
	new.Trees["tr"].Nodes["b"] = &model.TreeNode{ID: "b", Parent: "g", Label: "Buy a backup"}
	d := model.Diff(old, new)
	if len(d) != 1 || !strings.Contains(d[0].String(), `step "Phish an admin": cost 10 → 100`) || !strings.Contains(d[0].String(), `step "Buy a backup" added`) {
		t.Errorf("diff = %v", d)
	}
}

package model_test

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
)

// twoTier is a base model: a browser, an API and a database, with flows,
// a data asset and a triaged threat.
func twoTier() *model.Model {
	m := model.New("Shop")
	add := func(id string, k model.Kind, name string) *model.Element {
		e := &model.Element{ID: id, Kind: k, Diagram: model.RootDiagramID, Name: name, X: 100, Y: 100, W: 120, H: 60}
		m.Elements[id] = e
		return e
	}
	add("user", model.ExternalEntity, "Customer")
	add("api", model.Process, "Orders API").Props = map[string]string{"technology": "web-service"}
	add("db", model.DataStore, "Orders DB")
	f1 := add("f1", model.DataFlow, "Place order")
	f1.Source, f1.Target, f1.W, f1.H = "user", "api", 0, 0
	f2 := add("f2", model.DataFlow, "Store order")
	f2.Source, f2.Target, f2.W, f2.H = "api", "db", 0, 0
	m.Assets["pii"] = &model.DataAsset{ID: "pii", Name: "Customer data", Classification: model.Confidential}
	m.Threats["proc.spoofing@api"] = &model.Threat{ID: "proc.spoofing@api", Number: 1, RuleID: "proc.spoofing", ElementID: "api",
		Title: "Orders API can be impersonated", Category: model.Spoofing, Description: "first text"}
	return m
}

func edit(t *testing.T, m *model.Model, edits ...model.Edit) *model.Model {
	t.Helper()
	m = m.Clone()
	for _, e := range edits {
		if err := e.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestMergeTakesEachSidesChanges(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.Rename(base, "api", "Order Service"), model.SetAssets(base, "db", []string{"pii"}))
	theirs := edit(t, base, model.SetProp(base, "api", "authentication", "oauth2"), model.SetStatus(base, "proc.spoofing@api", model.Mitigated, "mTLS"))
	m := model.Merge(base, ours, theirs)
	if len(m.Conflicts) != 0 {
		t.Fatalf("conflicts: %v", m.ConflictList())
	}
	api := m.Elements["api"]
	if api.Name != "Order Service" || api.Prop("authentication") != "oauth2" || api.Prop("technology") != "web-service" {
		t.Errorf("api = %+v", api)
	}
	if got := m.Elements["db"].Assets; !reflect.DeepEqual(got, []string{"pii"}) {
		t.Errorf("db assets = %v", got)
	}
	if th := m.Threats["proc.spoofing@api"]; th.Status != model.Mitigated || th.Justification != "mTLS" {
		t.Errorf("threat = %+v", th)
	}
	if err := model.CheckReferences(m); err != nil {
		t.Error(err)
	}
}

func TestMergeSameChangeOnBothSidesIsTakenOnce(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.Rename(base, "api", "Order Service"))
	theirs := edit(t, base, model.Rename(base, "api", "Order Service"))
	m := model.Merge(base, ours, theirs)
	if len(m.Conflicts) != 0 || m.Elements["api"].Name != "Order Service" {
		t.Fatalf("name %q, conflicts %v", m.Elements["api"].Name, m.ConflictList())
	}
}

func TestMergeConflictKeepsBothValuesAndResolves(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.Rename(base, "api", "Order Service"), model.SetStatus(base, "proc.spoofing@api", model.Mitigated, "mTLS everywhere"))
	theirs := edit(t, base, model.Rename(base, "api", "Checkout API"), model.SetStatus(base, "proc.spoofing@api", model.Accepted, "internal only"))
	m := model.Merge(base, ours, theirs)
	name := m.Conflicts[model.ConflictID("element", "api", "name")]
	if name == nil || name.Base != "Orders API" || name.Ours != "Order Service" || name.Theirs != "Checkout API" {
		t.Fatalf("name conflict = %+v (all: %v)", name, m.ConflictList())
	}
	if m.Elements["api"].Name != "Order Service" {
		t.Errorf("merged keeps ours until resolved, got %q", m.Elements["api"].Name)
	}
	for _, f := range []string{"status", "justification"} {
		if m.Conflicts[model.ConflictID("threat", "proc.spoofing@api", f)] == nil {
			t.Errorf("no conflict on threat %s: %v", f, m.ConflictList())
		}
	}
	if !strings.Contains(name.String(), `ours "Order Service", theirs "Checkout API"`) {
		t.Errorf("conflict reads %q", name)
	}

	var h model.History
	if err := h.Do(m, model.ResolveConflict(m, name.ID, model.Theirs)); err != nil {
		t.Fatal(err)
	}
	if m.Elements["api"].Name != "Checkout API" || m.Conflicts[name.ID] != nil {
		t.Fatalf("after resolving: name %q, conflict %v", m.Elements["api"].Name, m.Conflicts[name.ID])
	}
	h.Undo(m)
	if m.Elements["api"].Name != "Order Service" || m.Conflicts[name.ID] == nil {
		t.Fatal("undo does not bring the conflict back")
	}
	just := model.ConflictID("threat", "proc.spoofing@api", "justification")
	if err := h.Do(m, model.ResolveConflictWith(m, just, "mTLS, and internal only")); err != nil {
		t.Fatal(err)
	}
	if got := m.Threats["proc.spoofing@api"].Justification; got != "mTLS, and internal only" {
		t.Errorf("edited justification = %q", got)
	}
}

func TestMergeDeletionAgainstEdit(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.DeleteElements(base, []string{"db"}))
	theirs := edit(t, base, model.SetProp(base, "db", "encrypted", "true"))
	m := model.Merge(base, ours, theirs)
	c := m.Conflicts[model.ConflictID("element", "db", "")]
	if c == nil || c.Ours != model.Deleted || !strings.Contains(c.Theirs, "properties.encrypted") {
		t.Fatalf("conflict = %+v (all %v)", c, m.ConflictList())
	}
	if m.Elements["db"] == nil || !m.Elements["db"].Bool("encrypted") {
		t.Fatal("the edited store is not kept until resolved")
	}
	if err := model.CheckReferences(m); err != nil {
		t.Fatal(err)
	}
	if err := model.ResolveConflict(m, c.ID, model.Ours).Apply(m); err != nil {
		t.Fatal(err)
	}
	if m.Elements["db"] != nil || m.Elements["f2"] != nil || len(m.Conflicts) != 0 {
		t.Errorf("ours deleted the store: it and its flow go (conflicts left %v)", m.ConflictList())
	}

	// A deletion the other side did not touch is simply taken.
	theirs = edit(t, base, model.Rename(base, "api", "Order Service"))
	m = model.Merge(base, ours, theirs)
	if m.Elements["db"] != nil || len(m.Conflicts) != 0 {
		t.Errorf("clean deletion: db %v, conflicts %v", m.Elements["db"], m.ConflictList())
	}
}

func TestMergeKeepsWhatTheOtherSideStillUses(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.DeleteElements(base, []string{"db"}))
	flow := &model.Element{ID: "f3", Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: "Read stock", Source: "db", Target: "api"}
	theirs := edit(t, base, model.AddElement(flow))
	m := model.Merge(base, ours, theirs)
	if m.Elements["db"] == nil || m.Elements["f3"] == nil {
		t.Fatal("the new flow or the store it needs is lost")
	}
	if c := m.Conflicts[model.ConflictID("element", "db", "")]; c == nil || c.Ours != model.Deleted {
		t.Fatalf("no conflict on the restored store: %v", m.ConflictList())
	}
	if err := model.CheckReferences(m); err != nil {
		t.Fatal(err)
	}
}

func TestMergeBothSidesAddingTheSameElement(t *testing.T) {
	base := twoTier()
	add := func(id, flowID string) *model.Model {
		q := &model.Element{ID: id, Kind: model.Process, Diagram: model.RootDiagramID, Name: "Payment worker", X: 400, Y: 100, W: 120, H: 60}
		f := &model.Element{ID: flowID, Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: "Charge", Source: "api", Target: id}
		th := &model.Threat{ID: "proc.tampering@" + id, Number: 2, RuleID: "proc.tampering", ElementID: id, Title: "t", Category: model.Tampering}
		return edit(t, base, model.AddElement(q), model.AddElement(f), model.PutThreat(base, th, ""))
	}
	ours, theirs := add("q1", "fq1"), add("q2", "fq2")
	theirs.Elements["q2"].Props = map[string]string{"technology": "message-queue-consumer"}
	m := model.Merge(base, ours, theirs)
	var workers, charges int
	for _, e := range m.Elements {
		if e.Name == "Payment worker" {
			workers++
		}
		if e.Name == "Charge" {
			charges++
		}
	}
	if workers != 1 || charges != 1 || len(m.Conflicts) != 0 {
		t.Fatalf("%d workers, %d flows, conflicts %v", workers, charges, m.ConflictList())
	}
	if m.Elements["q1"].Prop("technology") != "message-queue-consumer" || len(m.Threats) != 2 {
		t.Errorf("theirs' property or threat not merged into ours' worker: %+v, %d threats", m.Elements["q1"], len(m.Threats))
	}
}

func TestMergeRenumbersThreatsBothSidesAdded(t *testing.T) {
	base := twoTier()
	th := func(id string) *model.Threat {
		return &model.Threat{ID: id, Number: 2, Manual: true, ElementID: "db", Title: id, Category: model.Tampering}
	}
	ours := edit(t, base, model.PutThreat(base, th("mine"), ""))
	theirs := edit(t, base, model.PutThreat(base, th("yours"), ""))
	m := model.Merge(base, ours, theirs)
	if m.Threats["mine"].Number != 2 || m.Threats["yours"].Number != 3 {
		t.Errorf("numbers %d and %d, want 2 and 3", m.Threats["mine"].Number, m.Threats["yours"].Number)
	}
}

// Random edits on both sides never give a model with broken references,
// and merging a side with an unchanged one gives that side.
func TestMergeRandomEdits(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		base := modelgen.Large(30)
		sides := [2]*model.Model{base.Clone(), base.Clone()}
		for i := range sides {
			for range 15 {
				_ = randomEdit(r, sides[i]).Apply(sides[i])
			}
		}
		m := model.Merge(base, sides[0], sides[1])
		if err := model.CheckReferences(m); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, c := range m.ConflictList() {
			if err := model.ResolveConflict(m, c.ID, model.Theirs).Apply(m); err != nil && m.Conflicts[c.ID] != nil {
				t.Fatalf("seed %d: resolve %v: %v", seed, c, err)
			}
		}
		if err := model.CheckReferences(m); err != nil || len(m.Conflicts) != 0 {
			t.Fatalf("seed %d after resolving: %v, %d left", seed, err, len(m.Conflicts))
		}
		if one := model.Merge(base, sides[0], base); !reflect.DeepEqual(one, sides[0]) {
			t.Fatalf("seed %d: merging with an unchanged side changes ours: %v", seed, model.Diff(sides[0], one))
		}
	}
}

// Each kind of thing conflicts on its own values, and each conflict
// resolves with either side.
func TestMergeConflictKinds(t *testing.T) {
	base := twoTier()
	base.Trees["tr"] = &model.AttackTree{ID: "tr", Name: "Steal orders", Target: "db", Root: "g", Nodes: map[string]*model.TreeNode{
		"g": {ID: "g", Label: "Read the orders", Gate: model.Or}}}
	base.Suppressions[model.SuppressionKey("r1", "api")] = &model.Suppression{RuleID: "r1", ElementID: "api", Justification: "gateway does it"}
	side := func(tag string, level model.Level, steps ...string) *model.Model {
		m := base.Clone()
		m.Description = tag + " description"
		a := m.Assets["pii"].Clone()
		a.Integrity = level
		m.Assets["pii"] = a
		m.Suppressions[model.SuppressionKey("r1", "api")].Justification = tag
		tr := m.Trees["tr"]
		for i, s := range steps {
			tr.Nodes[s] = &model.TreeNode{ID: s, Parent: "g", Position: i, Label: tag + " " + s}
		}
		return m
	}
	ours, theirs := side("ours", model.High, "s1"), side("theirs", model.Medium, "s1")
	m := model.Merge(base, ours, theirs)
	want := []string{
		model.ConflictID("model", "", "description"),
		model.ConflictID("data asset", "pii", "integrity"),
		model.ConflictID("suppression", model.SuppressionKey("r1", "api"), "justification"),
		model.ConflictID("attack tree", "tr", "steps/s1"),
	}
	for _, id := range want {
		if m.Conflicts[id] == nil {
			t.Errorf("no conflict %s; have %v", id, m.ConflictList())
		}
	}
	for _, id := range want {
		if err := model.ResolveConflict(m, id, model.Theirs).Apply(m); err != nil {
			t.Fatalf("resolve %s: %v", id, err)
		}
	}
	if m.Description != "theirs description" || m.Assets["pii"].Integrity != model.Medium ||
		m.Suppressions[model.SuppressionKey("r1", "api")].Justification != "theirs" || m.Trees["tr"].Nodes["s1"].Label != "theirs s1" {
		t.Errorf("theirs not taken: %q %v %q %q", m.Description, m.Assets["pii"].Integrity,
			m.Suppressions[model.SuppressionKey("r1", "api")].Justification, m.Trees["tr"].Nodes["s1"].Label)
	}

	// Different steps added to one tree merge without a conflict.
	m = model.Merge(base, side("ours", model.High, "a"), side("ours", model.High, "b"))
	if len(m.Conflicts) != 0 || m.Trees["tr"].Nodes["a"] == nil || m.Trees["tr"].Nodes["b"] == nil {
		t.Errorf("steps a and b: conflicts %v, nodes %v", m.ConflictList(), m.Trees["tr"].Nodes)
	}
}

func TestDiffListsConflictsAddedAndResolved(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.Rename(base, "api", "Order Service"))
	theirs := edit(t, base, model.Rename(base, "api", "Checkout API"))
	merged := model.Merge(base, ours, theirs)
	diffs := model.Diff(ours, merged)
	if len(diffs) != 1 || diffs[0].What != "merge conflict" || diffs[0].Op != "added" ||
		!strings.Contains(diffs[0].String(), `name: ours "Order Service", theirs "Checkout API"`) {
		t.Fatalf("diff = %v", diffs)
	}
	resolved := merged.Clone()
	if err := model.ResolveConflict(resolved, diffs[0].ID, model.Ours).Apply(resolved); err != nil {
		t.Fatal(err)
	}
	if d := model.Diff(merged, resolved); len(d) != 1 || d[0].Op != "removed" {
		t.Errorf("resolving: %v", d)
	}
}

// A step-by-step merge of an attack tree that would leave it broken keeps
// ours' steps and marks the steps as a conflict.
func TestMergeNeverBreaksAnAttackTree(t *testing.T) {
	base := twoTier()
	base.Trees["tr"] = &model.AttackTree{ID: "tr", Name: "Steal orders", Target: "pii", Root: "g", Nodes: map[string]*model.TreeNode{
		"g": {ID: "g", Label: "Read the orders", Gate: model.Or},
		"a": {ID: "a", Parent: "g", Label: "Through the API", Gate: model.Or},
		"b": {ID: "b", Parent: "g", Label: "Through a backup"}}}
	cases := map[string][2]func(m *model.Model){
		"a step under a step the other side deleted": {
			func(m *model.Model) { delete(m.Trees["tr"].Nodes, "a") },
			func(m *model.Model) {
				m.Trees["tr"].Nodes["c"] = &model.TreeNode{ID: "c", Parent: "a", Label: "Steal a token"}
			}},
		"two moves that make a loop": {
			func(m *model.Model) { m.Trees["tr"].Nodes["a"].Parent = "b" },
			func(m *model.Model) { m.Trees["tr"].Nodes["b"].Parent = "a" }},
		"the target deleted while the tree changed": {
			func(m *model.Model) { _ = model.DeleteAsset(m, "pii").Apply(m) },
			func(m *model.Model) { m.Trees["tr"].Nodes["b"].Cost = 5 }},
	}
	for name, edits := range cases {
		t.Run(name, func(t *testing.T) {
			ours, theirs := base.Clone(), base.Clone()
			edits[0](ours)
			edits[1](theirs)
			m := model.Merge(base, ours, theirs)
			if err := model.CheckReferences(m); err != nil {
				t.Fatalf("broken merge: %v", err)
			}
			if len(m.Conflicts) == 0 {
				t.Error("no conflict recorded")
			}
			for _, c := range m.ConflictList() {
				_ = model.ResolveConflict(m, c.ID, model.Theirs).Apply(m)
				if err := model.CheckReferences(m); err != nil {
					t.Fatalf("resolving %v broke the model: %v", c, err)
				}
			}
		})
	}
}

// A threat's triage is one decision: it is never half one side's.
func TestMergeTriageIsOneDecision(t *testing.T) {
	base := twoTier()
	id := "proc.spoofing@api"
	ours := edit(t, base, model.SetStatus(base, id, model.Mitigated, ""))
	ours = edit(t, ours, model.SetMitigation(ours, id, "KMS keys per tenant"))
	theirs := edit(t, base, model.SetStatus(base, id, model.Accepted, "Queue is ephemeral"))
	m := model.Merge(base, ours, theirs)
	for _, f := range []string{"status", "justification", "mitigation"} {
		if m.Conflicts[model.ConflictID("threat", id, f)] == nil {
			t.Errorf("no conflict on %s: %v", f, m.ConflictList())
		}
	}
	if n := model.Decisions(m.ConflictList()); n != 1 {
		t.Errorf("a triage in conflict is %d choices, want 1", n)
	}
	if th := m.Threats[id]; th.Status != model.Mitigated || th.Justification != "" || th.Mitigation != "KMS keys per tenant" {
		t.Errorf("until resolved the triage is ours whole: %+v", th)
	}
	e := model.ResolveConflict(m, model.ConflictID("threat", id, "status"), model.Theirs)
	if err := e.Apply(m); err != nil {
		t.Fatal(err)
	}
	if th := m.Threats[id]; th.Status != model.Accepted || th.Justification != "Queue is ephemeral" || th.Mitigation != "" || len(m.Conflicts) != 0 {
		t.Errorf("theirs' triage whole: %+v, conflicts %v", th, m.ConflictList())
	}
	if !strings.Contains(e.String(), "triage") || !strings.Contains(e.String(), "theirs") {
		t.Errorf("history reads %q", e)
	}
}

func TestTypedResolutionFollowsThePropertyType(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.SetProp(base, "f2", "encrypted", "true"))
	theirs := edit(t, base, model.SetProp(base, "f2", "encrypted", "false"))
	m := model.Merge(base, ours, theirs)
	id := model.ConflictID("element", "f2", "properties.encrypted")
	if err := model.ResolveConflictWith(m, id, "banana").Apply(m); err == nil {
		t.Error("a yes-or-no property took banana")
	}
	if err := model.ResolveConflictWith(m, id, "false").Apply(m); err != nil || m.Elements["f2"].Prop("encrypted") != "false" {
		t.Errorf("typed false: %v", err)
	}
}

func TestTreeStepsConflictShowsTheStepsThatDiffer(t *testing.T) {
	base := twoTier()
	base.Trees["tr"] = &model.AttackTree{ID: "tr", Name: "Steal orders", Target: "pii", Root: "g", Nodes: map[string]*model.TreeNode{
		"g": {ID: "g", Label: "Read the orders", Gate: model.Or},
		"a": {ID: "a", Parent: "g", Label: "Through the API", Cost: 10},
		"b": {ID: "b", Parent: "g", Label: "Through a backup", Cost: 10}}}
	ours, theirs := base.Clone(), base.Clone()
	ours.Trees["tr"].Nodes["a"].Cost = 100
	ours.Trees["tr"].Nodes["b"].Label = "Through an old backup"
	theirs.Trees["tr"].Nodes["a"].Cost = 900
	m := model.Merge(base, ours, theirs)
	c := m.Conflicts[model.ConflictID("attack tree", "tr", "steps/a")]
	if c == nil || len(m.Conflicts) != 1 {
		t.Fatalf("conflicts %v", m.ConflictList())
	}
	if got := c.String(); !strings.Contains(got, `step "Through the API": ours "Through the API", cost 100`) || !strings.Contains(got, "cost 900") {
		t.Errorf("conflict reads %s", got)
	}
	if m.Trees["tr"].Nodes["b"].Label != "Through an old backup" {
		t.Error("the step only ours changed is not taken")
	}
	if err := model.ResolveConflict(m, c.ID, model.Theirs).Apply(m); err != nil || m.Trees["tr"].Nodes["a"].Cost != 900 ||
		m.Trees["tr"].Nodes["b"].Label != "Through an old backup" {
		t.Errorf("using theirs for one step: %v, %+v", err, m.Trees["tr"].Nodes)
	}
}

func TestMergeBothSidesWritingTheSameThreat(t *testing.T) {
	base := twoTier()
	th := func(id string) *model.Threat {
		return &model.Threat{ID: id, Number: 2, Manual: true, ElementID: "db", Title: "Backups are not encrypted", Category: model.InformationDisclosure}
	}
	ours := edit(t, base, model.PutThreat(base, th("mine"), ""))
	theirs := edit(t, base, model.PutThreat(base, th("yours"), ""))
	m := model.Merge(base, ours, theirs)
	if len(m.Threats) != 2 || m.Threats["mine"] == nil || len(m.Conflicts) != 0 {
		t.Errorf("threats %v, conflicts %v", m.ThreatList(), m.ConflictList())
	}
}

func TestMergeTriageChangedInDifferentFieldsConflicts(t *testing.T) {
	base := twoTier()
	id := "proc.spoofing@api"
	ours := edit(t, base, model.SetStatus(base, id, model.Mitigated, ""))
	theirs := edit(t, base, model.SetStatus(base, id, model.Open, "Only orders service writes"))
	m := model.Merge(base, ours, theirs)
	if th := m.Threats[id]; th.Status != model.Mitigated || th.Justification != "" {
		t.Errorf("a mix nobody decided: %+v", th)
	}
	if m.Conflicts[model.ConflictID("threat", id, "status")] == nil || m.Conflicts[model.ConflictID("threat", id, "justification")] == nil {
		t.Errorf("conflicts %v", m.ConflictList())
	}
}

func TestConflictLinesShowWhereLongValuesDiffer(t *testing.T) {
	long := strings.Repeat("The orders service keeps its data in one region. ", 4)
	c := &model.Conflict{What: "element", Name: "Orders", Field: "description", Ours: long + "Ours adds backups.", Theirs: long + "Theirs adds replicas."}
	if s := c.String(); !strings.Contains(s, "Ours adds backups") || !strings.Contains(s, "Theirs adds replicas") {
		t.Errorf("conflict line hides the difference: %s", s)
	}
}

// Keeping an element one side deleted keeps what went with it: choosing
// the side that kept it gives that side's model back whole.
func TestKeepingADeletedElementKeepsItsFlows(t *testing.T) {
	base := twoTier()
	ours := edit(t, base, model.DeleteElements(base, []string{"db"}))
	theirs := edit(t, base, model.SetProp(base, "db", "encrypted_at_rest", "true"))
	m := model.Merge(base, ours, theirs)
	if m.Elements["f2"] == nil {
		t.Fatal("the flow deleted with the store is not kept with it")
	}
	c := model.ConflictID("element", "db", "")
	kept := m.Clone()
	if err := model.ResolveConflict(kept, c, model.Theirs).Apply(kept); err != nil {
		t.Fatal(err)
	}
	if d := model.Diff(theirs, kept); len(d) != 0 {
		t.Errorf("using theirs does not give theirs: %v", d)
	}
	if err := model.ResolveConflict(m, c, model.Ours).Apply(m); err != nil {
		t.Fatal(err)
	}
	if d := model.Diff(ours, m); len(d) != 0 {
		t.Errorf("using ours does not give ours: %v", d)
	}
}

package stride_test

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/stride"
)

// handTree builds: goal = OR(a, AND(b, c)) with known leaf values.
func handTree() (*model.Model, *model.AttackTree) {
	m := model.New("x")
	m.Elements["e"] = &model.Element{ID: "e", Kind: model.DataStore, Diagram: "context"}
	m.Threats["th"] = &model.Threat{ID: "th", ElementID: "e", Number: 1}
	t := &model.AttackTree{ID: "t", Name: "T", Target: "e", Root: "g", Nodes: map[string]*model.TreeNode{
		"g": {ID: "g", Label: "goal", Gate: model.Or},
		"a": {ID: "a", Parent: "g", Position: 1, Label: "a", Cost: 10, Probability: 0.2, Skill: model.High},
		"x": {ID: "x", Parent: "g", Position: 2, Label: "b and c", Gate: model.And},
		"b": {ID: "b", Parent: "x", Position: 1, Label: "b", Cost: 3, Probability: 0.5, Skill: model.Low},
		"c": {ID: "c", Parent: "x", Position: 2, Label: "c", Cost: 4, Probability: 0.4, Skill: model.Medium, ThreatID: "th"},
	}}
	m.Trees["t"] = t
	return m, t
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEvaluateKnownAnswers(t *testing.T) {
	m, tree := handTree()
	v := stride.Evaluate(m, tree)
	root := v.Root(tree)
	// Cheapest: min(10, 3+4) = 7. Probability: 1 − (1−0.2)(1−0.5·0.4) = 1 − 0.8·0.8 = 0.36.
	if root.Cost != 7 || !near(root.Probability, 0.36) || root.Skill != model.Medium {
		t.Fatalf("root = %+v, want cost 7, p 0.36, skill medium", root)
	}
	if len(v.Paths) != 2 || strings.Join(v.Paths[0].Leaves, ",") != "b,c" || v.Paths[0].Cost != 7 ||
		strings.Join(v.Paths[1].Leaves, ",") != "a" {
		t.Fatalf("paths %+v", v.Paths)
	}
	// Mitigating c's threat cuts the AND branch: only a remains.
	m.Threats["th"].Status = model.Mitigated
	v = stride.Evaluate(m, tree)
	root = v.Root(tree)
	if root.Cost != 10 || !near(root.Probability, 0.2) || len(v.Paths) != 1 || !v.Nodes["x"].Defended {
		t.Fatalf("after mitigation: %+v, paths %+v", root, v.Paths)
	}
	// A defense in place on a cuts the last way: the goal is out of reach.
	tree.Nodes["a"].Defended = true
	v = stride.Evaluate(m, tree)
	if root = v.Root(tree); !math.IsInf(root.Cost, 1) || root.Probability != 0 || len(v.Paths) != 0 {
		t.Fatalf("fully defended: %+v", root)
	}
}

func TestDeriveOrdersDatabaseTree(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	tree, err := stride.Derive(lib, m, "orders-db")
	if err != nil {
		t.Fatal(err)
	}
	m.Trees[tree.ID] = tree
	if err := model.CheckReferences(m); err != nil {
		t.Fatal(err)
	}
	found := false
	tree.Walk(func(n *model.TreeNode, depth int) {
		if n.Gate == model.And && strings.HasPrefix(n.Label, "Via Customer → API gateway → Order API (Orders service) → Orders DB") {
			found = true
		}
	})
	if !found {
		var b strings.Builder
		tree.Walk(func(n *model.TreeNode, depth int) { b.WriteString(strings.Repeat("  ", depth) + n.Label + "\n") })
		t.Fatalf("no path from the Internet through the gateway and the orders service:\n%s", b.String())
	}
	v := stride.Evaluate(m, tree)
	if root := v.Root(tree); math.IsInf(root.Cost, 1) || root.Probability <= 0 || len(v.Paths) == 0 {
		t.Fatalf("the derived tree should be attackable: %+v", root)
	}
	// Triage changes the values: mitigate every threat on the path's last step.
	before := v.Root(tree).Probability
	for _, th := range m.ThreatsOf("o-db") {
		th.Status = model.Mitigated
	}
	for _, th := range m.ThreatsOf("orders-db") {
		th.Status = model.Mitigated
	}
	if after := stride.Evaluate(m, tree).Root(tree).Probability; after >= before {
		t.Errorf("mitigating the database's threats should lower the chance: %v → %v", before, after)
	}
}

func TestDeriveForADataAsset(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	tree, err := stride.Derive(lib, m, "card-number")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tree.Nodes[tree.Root].Label, "Card number") || len(tree.Children(tree.Root)) == 0 {
		t.Fatalf("asset tree: %+v", tree.Nodes[tree.Root])
	}
	if _, err := stride.Derive(lib, m, "nothing"); err == nil {
		t.Error("deriving for a missing target must fail")
	}
}

// BenchmarkDeriveAndEvaluateLarge derives and evaluates a tree on the
// 1000-element generated model.
func BenchmarkDeriveAndEvaluateLarge(b *testing.B) {
	lib := builtin(b)
	m := modelgen.Large(1000)
	stride.Run(lib, m)
	target := ""
	for _, e := range m.ElementList() {
		if e.Kind == model.DataStore && e.Diagram != model.RootDiagramID {
			target = e.ID
			break
		}
	}
	for b.Loop() {
		tree, err := stride.Derive(lib, m, target)
		if err != nil {
			b.Fatal(err)
		}
		stride.Evaluate(m, tree)
	}
}

// A derived route groups the steps that reach its target under an AND of
// their own, the same branch under every category the route serves, so a
// drawing shows it once; the grouping changes no value: with each group's
// steps moved up to the route, every node and every minimal path is the
// same.
func TestDeriveGroupsTheStepsOfARouteWithoutChangingValues(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	for _, target := range []string{"orders-db", "customer-profile", "payment-token", "card-number"} {
		tree, err := stride.Derive(lib, m, target)
		if err != nil {
			t.Fatal(err)
		}
		flat := tree.Clone()
		groups := map[string][]string{} // route → the labels of the steps its groups reach it through
		for _, n := range tree.Nodes {
			p := tree.Nodes[n.Parent]
			if n.Gate != model.And || p == nil || p.Gate != model.And {
				continue
			}
			if !strings.HasPrefix(n.Label, "Reach ") || !strings.HasPrefix(p.Label, "Via ") {
				t.Errorf("%s: %q under %q", target, n.Label, p.Label)
			}
			for _, step := range tree.Children(n.ID) {
				flat.Nodes[step.ID].Parent = p.ID
				groups[p.ID] = append(groups[p.ID], step.Label)
			}
			delete(flat.Nodes, n.ID)
		}
		if len(groups) == 0 {
			t.Fatalf("%s: no route groups its steps", target)
		}
		// As derived, and with every third threat mitigated.
		mitigated := m.Clone()
		for i, id := range slices.Sorted(maps.Keys(mitigated.Threats)) {
			if i%3 == 0 {
				mitigated.Threats[id].Status = model.Mitigated
			}
		}
		for _, m := range []*model.Model{m, mitigated} {
			grouped, flattened := stride.Evaluate(m, tree), stride.Evaluate(m, flat)
			for id, want := range flattened.Nodes {
				if got := grouped.Nodes[id]; got != want {
					t.Errorf("%s: %q is %+v grouped, %+v not", target, tree.Nodes[id].Label, got, want)
				}
			}
			if len(grouped.Paths) != len(flattened.Paths) {
				t.Fatalf("%s: %d paths grouped, %d not", target, len(grouped.Paths), len(flattened.Paths))
			}
			for i := range grouped.Paths {
				a, b := grouped.Paths[i], flattened.Paths[i]
				if strings.Join(a.Leaves, ",") != strings.Join(b.Leaves, ",") || a.Cost != b.Cost ||
					a.Probability != b.Probability || a.Skill != b.Skill {
					t.Errorf("%s: path %d is %+v grouped, %+v not", target, i+1, a, b)
				}
			}
		}
		// The group recurs: the same steps under several categories.
		seen, recurs := map[string]int{}, false
		for _, steps := range groups {
			key := strings.Join(steps, "|")
			seen[key]++
			recurs = recurs || seen[key] > 1
		}
		if !recurs {
			t.Errorf("%s: no group of steps recurs", target)
		}
	}
}

// A tree with more minimal paths than are listed says so.
func TestEvaluateSaysWhenPathsAreLeftOut(t *testing.T) {
	const maxPaths = 20 // what an evaluation lists
	for _, leaves := range []int{5, maxPaths, maxPaths + 7} {
		m := model.New("paths")
		tree := &model.AttackTree{ID: "t", Name: "T", Root: "g", Nodes: map[string]*model.TreeNode{
			"g": {ID: "g", Label: "Goal", Gate: model.Or}}}
		for i := range leaves {
			id := fmt.Sprint("l", i)
			tree.Nodes[id] = &model.TreeNode{ID: id, Parent: "g", Position: i, Label: id, Cost: float64(i + 1), Probability: 0.5}
		}
		v := stride.Evaluate(m, tree)
		if want := min(leaves, maxPaths); len(v.Paths) != want || v.MorePaths != (leaves > maxPaths) {
			t.Errorf("%d leaves: %d paths listed, more=%v", leaves, len(v.Paths), v.MorePaths)
		}
	}
}

package model

import (
	"errors"
	"fmt"
	"sort"
)

// Gate is how a node of an attack tree combines its children.
type Gate int

// Gates: a leaf is an attack step; OR succeeds when any child does, AND
// when all do.
const (
	Leaf Gate = iota
	Or
	And
)

var gateNames = enumNames{"leaf", "or", "and"}

func (g Gate) String() string { return gateNames.name(int(g)) }

// ParseGate reads a gate name.
func ParseGate(s string) (Gate, error) { v, err := gateNames.parse("gate", s); return Gate(v), err }

// MarshalText writes the gate's name.
func (g Gate) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads a gate's name.
func (g *Gate) UnmarshalText(b []byte) (err error) { *g, err = ParseGate(string(b)); return }

// AttackTree is an attack tree for a target (an element or a data asset):
// a goal at its root, AND/OR nodes below, attack steps as leaves.
type AttackTree struct {
	ID     string
	Name   string
	Target string // ID of the element or data asset attacked
	Root   string // ID of the goal node
	Nodes  map[string]*TreeNode
}

// TreeNode is one node of an attack tree. A leaf carries the attacker's
// cost, probability of success and required skill; it may stand for a
// threat (and through it an element). Any node may carry a defense that
// counters it: when the defense is in place, or the threat is mitigated,
// the node's branch is cut.
type TreeNode struct {
	ID          string
	Parent      string // "" for the root
	Position    int    // order among its siblings
	Label       string
	Gate        Gate
	ThreatID    string
	ElementID   string
	Cost        float64 // in the analyst's unit (days, thousands of euros)
	Probability float64 // 0..1
	Skill       Level
	Defense     string // what counters this node
	Defended    bool   // the defense is in place
}

// Clone returns a deep copy of the tree.
func (t *AttackTree) Clone() *AttackTree {
	c := *t
	c.Nodes = make(map[string]*TreeNode, len(t.Nodes))
	for k, n := range t.Nodes {
		nc := *n
		c.Nodes[k] = &nc
	}
	return &c
}

// Children returns a node's children in order.
func (t *AttackTree) Children(id string) []*TreeNode {
	var out []*TreeNode
	for _, n := range t.Nodes {
		if n.Parent == id && n.ID != t.Root {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Position != out[j].Position {
			return out[i].Position < out[j].Position
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Walk visits the tree depth-first from the root, with each node's depth.
// A node reached twice (a cycle in a damaged file) is visited once.
func (t *AttackTree) Walk(visit func(n *TreeNode, depth int)) {
	seen := map[string]bool{}
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		n := t.Nodes[id]
		if n == nil || seen[id] {
			return
		}
		seen[id] = true
		visit(n, depth)
		for _, c := range t.Children(id) {
			walk(c.ID, depth+1)
		}
	}
	walk(t.Root, 0)
}

// TreeList returns the attack trees by name.
func (m *Model) TreeList() []*AttackTree {
	out := make([]*AttackTree, 0, len(m.Trees))
	for _, t := range m.Trees {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return lessByName(out[i].Name, out[i].ID, out[j].Name, out[j].ID) })
	return out
}

// TargetName is the name of what a tree attacks.
func (m *Model) TargetName(t *AttackTree) string {
	if e := m.Elements[t.Target]; e != nil {
		return e.Label()
	}
	if a := m.Assets[t.Target]; a != nil {
		return a.Name
	}
	return "?"
}

// checkTree reports what is wrong with a tree's structure.
func checkTree(m *Model, t *AttackTree, add func(string, ...any)) {
	if t.Nodes[t.Root] == nil {
		add("attack tree %q has no root node %q", t.Name, t.Root)
	}
	if t.Target != "" && m.Elements[t.Target] == nil && m.Assets[t.Target] == nil {
		add("attack tree %q targets missing %q", t.Name, t.Target)
	}
	for _, id := range sortedKeys(t.Nodes) {
		n := t.Nodes[id]
		if n.ID != id {
			add("attack tree %q: node %q is stored under %q", t.Name, n.ID, id)
		}
		if n.Parent != "" && t.Nodes[n.Parent] == nil {
			add("attack tree %q: node %q hangs from missing %q", t.Name, n.Label, n.Parent)
		}
		if n.ThreatID != "" && m.Threats[n.ThreatID] == nil {
			add("attack tree %q: node %q links missing threat %q", t.Name, n.Label, n.ThreatID)
		}
		if n.ElementID != "" && m.Elements[n.ElementID] == nil {
			add("attack tree %q: node %q links missing element %q", t.Name, n.Label, n.ElementID)
		}
	}
	// Every node must reach the root: no cycles, no islands.
	for _, id := range sortedKeys(t.Nodes) {
		seen := map[string]bool{}
		cur := id
		for cur != "" && cur != t.Root && !seen[cur] {
			seen[cur] = true
			if n := t.Nodes[cur]; n != nil {
				cur = n.Parent
			} else {
				break
			}
		}
		if cur != t.Root {
			add("attack tree %q: node %q does not hang from the goal", t.Name, t.Nodes[id].Label)
		}
	}
}

// PutTree adds an attack tree or replaces it by a changed copy; label
// says what changed ("added step X to tree Y").
func PutTree(m *Model, after *AttackTree, label string) Edit {
	errs := []error{CheckText("the name of an attack tree", after.Name, MaxNameLen)}
	for _, id := range sortedKeys(after.Nodes) {
		n := after.Nodes[id]
		errs = append(errs, CheckText("the label of a node of attack tree "+short(after.Name), n.Label, MaxNameLen),
			CheckText("the defense of node "+short(n.Label), n.Defense, MaxTextLen))
	}
	if err := errors.Join(errs...); err != nil {
		return failed{err}
	}
	var before *AttackTree
	if cur := m.Trees[after.ID]; cur != nil {
		before = cur.Clone()
	}
	if label == "" {
		label = fmt.Sprintf("changed attack tree %s", after.Name)
	}
	return &change[AttackTree]{trees, (*AttackTree).Clone, after.ID, before, after.Clone(), label}
}

// DeleteTree removes an attack tree.
func DeleteTree(m *Model, id string) Edit {
	t := m.Trees[id]
	if t == nil {
		return missing("delete attack tree", id)
	}
	return &change[AttackTree]{trees, (*AttackTree).Clone, id, t.Clone(), nil, "deleted attack tree " + t.Name}
}

func trees(m *Model) map[string]*AttackTree { return m.Trees }

// unlinkTrees keeps attack trees whole when things they refer to go: a
// tree whose target goes is deleted; nodes that linked a deleted threat or
// element keep their text and values, without the link.
func unlinkTrees(m *Model, gone func(id string) bool) []Edit {
	var edits []Edit
	for _, id := range sortedKeys(m.Trees) {
		t := m.Trees[id]
		if gone(t.Target) {
			edits = append(edits, &change[AttackTree]{trees, (*AttackTree).Clone, id, t.Clone(), nil, ""})
			continue
		}
		var after *AttackTree
		for _, nid := range sortedKeys(t.Nodes) {
			n := t.Nodes[nid]
			if (n.ThreatID != "" && gone(n.ThreatID)) || (n.ElementID != "" && gone(n.ElementID)) {
				if after == nil {
					after = t.Clone()
				}
				an := after.Nodes[nid]
				if gone(an.ThreatID) {
					an.ThreatID = ""
				}
				if gone(an.ElementID) {
					an.ElementID = ""
				}
			}
		}
		if after != nil {
			edits = append(edits, &change[AttackTree]{trees, (*AttackTree).Clone, id, t.Clone(), after, ""})
		}
	}
	return edits
}

package model

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// Difference is one change between two models.
type Difference struct {
	Op      string // "added", "removed" or "changed"
	What    string // "element", "threat", "diagram", "data asset", "model", "attack tree"
	ID      string
	Name    string
	Kind    string   // element kind, or threat category
	Details []string // for "changed": what changed, "field: old → new"
}

// String is the difference as a line of text, with the characters that
// would steer a terminal written out (see Printable).
func (d Difference) String() string {
	s := fmt.Sprintf("%s %s %s", d.Op, d.What, d.Name)
	if d.Kind != "" {
		s = fmt.Sprintf("%s %s %s (%s)", d.Op, d.What, d.Name, d.Kind)
	}
	if len(d.Details) > 0 {
		s += ": " + strings.Join(d.Details, "; ")
	}
	return Printable(s)
}

// Diff lists what changed from old to new: the model's description,
// diagrams, elements (with their properties), data assets, threats
// (status, severity, text), attack trees and merge conflicts. Things are
// matched by ID,
// and, for models of different origin (a TMT model against its edited
// import), elements and threats left over are matched by kind and name.
func Diff(old, new *Model) []Difference {
	var out []Difference
	out = append(out, diffInfo(old, new)...)
	out = append(out, diffDiagrams(old, new)...)
	out = append(out, diffElements(old, new)...)
	out = append(out, diffAssets(old, new)...)
	out = append(out, diffThreats(old, new)...)
	out = append(out, diffSuppressions(old, new)...)
	out = append(out, diffTrees(old, new)...)
	out = append(out, diffConflicts(old, new)...)
	return out
}

// diffConflicts lists merge conflicts that appeared (a merge) or went (a
// resolution), with both values.
func diffConflicts(a, b *Model) []Difference {
	var out []Difference
	for _, id := range slices.Sorted(maps.Keys(b.Conflicts)) {
		if a.Conflicts[id] == nil {
			c := b.Conflicts[id]
			out = append(out, Difference{Op: "added", What: "merge conflict", ID: id, Name: c.Name, Kind: c.What, Details: []string{c.Values()}})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(a.Conflicts)) {
		if b.Conflicts[id] == nil {
			c := a.Conflicts[id]
			out = append(out, Difference{Op: "removed", What: "merge conflict", ID: id, Name: c.Name, Kind: c.What, Details: []string{"resolved"}})
		}
	}
	return out
}

// diffSuppressions lists rules suppressed or let run again: each changes
// how many threats are open.
func diffSuppressions(a, b *Model) []Difference {
	var out []Difference
	name := func(m *Model, s *Suppression) string {
		where := "the whole model"
		if e := m.Elements[s.ElementID]; e != nil {
			where = m.NameOf(e)
		}
		return s.RuleID + " on " + where
	}
	for _, k := range slices.Sorted(maps.Keys(b.Suppressions)) {
		s := b.Suppressions[k]
		old := a.Suppressions[k]
		switch {
		case old == nil:
			out = append(out, Difference{Op: "added", What: "suppression", ID: k, Name: name(b, s),
				Details: []string{"justification: " + s.Justification}})
		case old.Justification != s.Justification:
			out = append(out, Difference{Op: "changed", What: "suppression", ID: k, Name: name(b, s),
				Details: []string{field("justification", old.Justification, s.Justification)}})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.Suppressions)) {
		if b.Suppressions[k] == nil {
			out = append(out, Difference{Op: "removed", What: "suppression", ID: k, Name: name(a, a.Suppressions[k])})
		}
	}
	return out
}

func field(name, a, b string) string {
	short := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > 60 {
			return string(r[:59]) + "…"
		}
		if s == "" {
			return "(none)"
		}
		return s
	}
	return fmt.Sprintf("%s: %s → %s", name, short(a), short(b))
}

func diffInfo(a, b *Model) []Difference {
	var d []string
	for _, f := range [][3]string{{"name", a.Name, b.Name}, {"description", a.Description, b.Description},
		{"version", a.Version, b.Version}, {"contributors", strings.Join(a.Authors, ", "), strings.Join(b.Authors, ", ")},
		{"owner", a.Owner, b.Owner}, {"reviewer", a.Reviewer, b.Reviewer},
		{"scope", a.Scope, b.Scope}, {"assumptions", a.Assumptions, b.Assumptions}} {
		if f[1] != f[2] {
			d = append(d, field(f[0], f[1], f[2]))
		}
	}
	if len(d) == 0 {
		return nil
	}
	return []Difference{{Op: "changed", What: "model", Name: b.Name, Details: d}}
}

func diffDiagrams(a, b *Model) []Difference {
	var out []Difference
	for _, d := range a.DiagramList() {
		if x := b.Diagrams[d.ID]; x == nil {
			out = append(out, Difference{Op: "removed", What: "diagram", ID: d.ID, Name: d.Name})
		} else if x.Name != d.Name {
			out = append(out, Difference{Op: "changed", What: "diagram", ID: d.ID, Name: x.Name, Details: []string{field("name", d.Name, x.Name)}})
		}
	}
	for _, d := range b.DiagramList() {
		if a.Diagrams[d.ID] == nil {
			out = append(out, Difference{Op: "added", What: "diagram", ID: d.ID, Name: d.Name})
		}
	}
	return out
}

// pair matches the records of two models: by ID first, then what is left
// by a key (kind and name).
func pair[T any](a, b map[string]*T, key func(*T) string) (both [][2]*T, gone, came []*T) {
	usedB := map[string]bool{}
	var restA []*T
	for _, id := range sortedKeys(a) {
		if x := b[id]; x != nil {
			both = append(both, [2]*T{a[id], x})
			usedB[id] = true
		} else {
			restA = append(restA, a[id])
		}
	}
	byKey := map[string][]string{}
	for _, id := range sortedKeys(b) {
		if !usedB[id] {
			byKey[key(b[id])] = append(byKey[key(b[id])], id)
		}
	}
	for _, x := range restA {
		if ids := byKey[key(x)]; len(ids) > 0 {
			both = append(both, [2]*T{x, b[ids[0]]})
			usedB[ids[0]] = true
			byKey[key(x)] = ids[1:]
		} else {
			gone = append(gone, x)
		}
	}
	for _, id := range sortedKeys(b) {
		if !usedB[id] {
			came = append(came, b[id])
		}
	}
	return both, gone, came
}

func endName(m *Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return e.Label()
	}
	return "(none)"
}

// elementName names an element in a difference: a flow without a name by
// its ends.
func elementName(m *Model, e *Element) string {
	if e.Kind == DataFlow && e.Name == "" {
		return endName(m, e.Source) + " → " + endName(m, e.Target)
	}
	return e.Label()
}

func diffElements(a, b *Model) []Difference {
	var out []Difference
	key := func(e *Element) string { return e.Kind.String() + "\x00" + e.Name }
	both, gone, came := pair(a.Elements, b.Elements, key)
	for _, e := range gone {
		out = append(out, Difference{Op: "removed", What: "element", ID: e.ID, Name: elementName(a, e), Kind: e.Kind.Label()})
	}
	for _, e := range came {
		out = append(out, Difference{Op: "added", What: "element", ID: e.ID, Name: elementName(b, e), Kind: e.Kind.Label()})
	}
	same := map[string]string{} // old element ID → the matching new one
	for _, p := range both {
		same[p[0].ID] = p[1].ID
	}
	for _, p := range both {
		x, y := p[0], p[1]
		var d []string
		if x.Name != y.Name {
			d = append(d, field("name", x.Name, y.Name))
		}
		if x.Description != y.Description {
			d = append(d, field("description", x.Description, y.Description))
		}
		if x.Kind == DataFlow && (same[x.Source] != y.Source || same[x.Target] != y.Target) {
			d = append(d, field("ends", endName(a, x.Source)+" → "+endName(a, x.Target), endName(b, y.Source)+" → "+endName(b, y.Target)))
		}
		if x.OutOfScope != y.OutOfScope || x.OutOfScopeReason != y.OutOfScopeReason {
			d = append(d, field("out of scope", scopeText(x), scopeText(y)))
		}
		keys := slices.Sorted(maps.Keys(x.Props))
		for k := range y.Props {
			if _, ok := x.Props[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if x.Props[k] != y.Props[k] {
				d = append(d, field(k, x.Props[k], y.Props[k]))
			}
		}
		if names(a, x.Assets) != names(b, y.Assets) {
			d = append(d, field("data", names(a, x.Assets), names(b, y.Assets)))
		}
		if x.X != y.X || x.Y != y.Y || x.W != y.W || x.H != y.H || !slices.Equal(x.Points, y.Points) {
			d = append(d, "moved")
		}
		if len(d) > 0 {
			out = append(out, Difference{Op: "changed", What: "element", ID: y.ID, Name: elementName(b, y), Kind: y.Kind.Label(), Details: d})
		}
	}
	return out
}

func scopeText(e *Element) string {
	if !e.OutOfScope {
		return "in scope"
	}
	return "out of scope: " + e.OutOfScopeReason
}

func names(m *Model, ids []string) string {
	var out []string
	for _, id := range ids {
		if a := m.Assets[id]; a != nil {
			out = append(out, a.Name)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func diffAssets(a, b *Model) []Difference {
	var out []Difference
	both, gone, came := pair(a.Assets, b.Assets, func(x *DataAsset) string { return x.Name })
	for _, x := range gone {
		out = append(out, Difference{Op: "removed", What: "data asset", ID: x.ID, Name: x.Name})
	}
	for _, x := range came {
		out = append(out, Difference{Op: "added", What: "data asset", ID: x.ID, Name: x.Name})
	}
	for _, p := range both {
		x, y := p[0], p[1]
		var d []string
		for _, f := range [][3]string{{"name", x.Name, y.Name}, {"description", x.Description, y.Description},
			{"classification", x.Classification.String(), y.Classification.String()},
			{"confidentiality", x.Confidentiality.String(), y.Confidentiality.String()},
			{"integrity", x.Integrity.String(), y.Integrity.String()}, {"availability", x.Availability.String(), y.Availability.String()}} {
			if f[1] != f[2] {
				d = append(d, field(f[0], f[1], f[2]))
			}
		}
		if len(d) > 0 {
			out = append(out, Difference{Op: "changed", What: "data asset", ID: y.ID, Name: y.Name, Details: d})
		}
	}
	return out
}

func diffThreats(a, b *Model) []Difference {
	var out []Difference
	key := func(t *Threat) string { return t.RuleID + "\x00" + t.Title }
	both, gone, came := pair(a.Threats, b.Threats, key)
	label := func(t *Threat) string { return t.Code() + " " + t.Title }
	for _, t := range gone {
		out = append(out, Difference{Op: "removed", What: "threat", ID: t.ID, Name: label(t), Kind: t.Category.Label()})
	}
	for _, t := range came {
		out = append(out, Difference{Op: "added", What: "threat", ID: t.ID, Name: label(t), Kind: t.Category.Label()})
	}
	for _, p := range both {
		x, y := p[0], p[1]
		var d []string
		if x.Status != y.Status {
			d = append(d, field("status", x.Status.Label(), y.Status.Label()))
		}
		if x.Justification != y.Justification {
			d = append(d, field("justification", x.Justification, y.Justification))
		}
		if x.Severity() != y.Severity() {
			d = append(d, field("severity", x.Severity().String(), y.Severity().String()))
		}
		if x.Obsolete != y.Obsolete {
			d = append(d, field("obsolete", fmt.Sprint(x.Obsolete), fmt.Sprint(y.Obsolete)))
		}
		for _, f := range [][3]string{{"title", x.Title, y.Title}, {"category", x.Category.Label(), y.Category.Label()},
			{"description", x.Description, y.Description}, {"mitigation", x.Mitigation, y.Mitigation}} {
			if f[1] != f[2] {
				d = append(d, field(f[0], f[1], f[2]))
			}
		}
		if len(d) > 0 {
			out = append(out, Difference{Op: "changed", What: "threat", ID: y.ID, Name: label(y), Kind: y.Category.Label(), Details: d})
		}
	}
	return out
}

func diffTrees(a, b *Model) []Difference {
	var out []Difference
	both, gone, came := pair(a.Trees, b.Trees, func(t *AttackTree) string { return t.Name })
	for _, t := range gone {
		out = append(out, Difference{Op: "removed", What: "attack tree", ID: t.ID, Name: t.Name})
	}
	for _, t := range came {
		out = append(out, Difference{Op: "added", What: "attack tree", ID: t.ID, Name: t.Name})
	}
	for _, p := range both {
		if details := stepChanges(p[0], p[1]); len(details) > 0 {
			out = append(out, Difference{Op: "changed", What: "attack tree", ID: p[1].ID, Name: p[1].Name, Details: details})
		}
	}
	return out
}

// stepChanges says which steps of a tree were added, removed or changed,
// and how: "step "Phish an admin": cost 10 → 100".
func stepChanges(a, b *AttackTree) []string {
	var out []string
	if a.Root != b.Root {
		out = append(out, "goal changed")
	}
	for _, id := range sortedKeys(b.Nodes) {
		n, old := b.Nodes[id], a.Nodes[id]
		switch {
		case old == nil:
			out = append(out, fmt.Sprintf("step %q added", n.Label))
		case *old != *n:
			var what []string
			add := func(name string, x, y any) {
				if x != y {
					what = append(what, fmt.Sprintf("%s %v → %v", name, x, y))
				}
			}
			add("label", old.Label, n.Label)
			add("under", labelIn(a, old.Parent), labelIn(b, n.Parent))
			add("gate", old.Gate, n.Gate)
			add("cost", old.Cost, n.Cost)
			add("probability", old.Probability, n.Probability)
			add("skill", old.Skill, n.Skill)
			add("defense", old.Defense, n.Defense)
			add("defended", old.Defended, n.Defended)
			if len(what) == 0 {
				what = []string{"its links or order"}
			}
			out = append(out, fmt.Sprintf("step %q: %s", n.Label, strings.Join(what, ", ")))
		}
	}
	for _, id := range sortedKeys(a.Nodes) {
		if b.Nodes[id] == nil {
			out = append(out, fmt.Sprintf("step %q removed", a.Nodes[id].Label))
		}
	}
	return out
}

func labelIn(t *AttackTree, id string) string {
	if n := t.Nodes[id]; n != nil {
		return n.Label
	}
	return "(none)"
}

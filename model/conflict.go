package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Conflict is a thing two merged versions of a model changed in different
// ways. The merged model holds one of the two (ours, or the version that
// was changed when the other side deleted it); the conflict keeps both
// values so that nothing is lost until the analyst chooses.
type Conflict struct {
	ID      string // What, Subject and Field: unique in the model
	What    string // "element", "diagram", "data asset", "threat", "suppression", "rule set", "attack tree", "model"
	Subject string // the key of the thing in its collection; "" for the model
	Name    string // the thing's name when merged, for people
	// Field is the value in conflict ("name", "properties.protocol",
	// "status"); "" for the thing as a whole: deleted on one side and
	// changed on the other.
	Field              string
	Base, Ours, Theirs string // the values as text; Deleted for a deleted thing
}

// Deleted is the value of a whole-thing conflict's side that deleted it.
const Deleted = "(deleted)"

// ConflictID is the key of a conflict in Model.Conflicts.
func ConflictID(what, subject, field string) string { return what + ":" + subject + ":" + field }

// Clone returns a copy of the conflict.
func (c *Conflict) Clone() *Conflict { x := *c; return &x }

// String is the conflict as a line of text, with the characters that
// would steer a terminal written out (see Printable).
func (c *Conflict) String() string {
	name, _ := Cut(c.Name, 80)
	what := c.What + " " + name
	if c.What == "model" {
		what = "the model"
	}
	return Printable(what + ", " + c.Values())
}

// Values says what is in conflict and both sides' values: "name: ours
// "Orders API", theirs "Checkout API"".
func (c *Conflict) Values() string {
	field := c.Field
	switch {
	case field == "":
		field = "deleted on one side"
	case c.What == "attack tree" && strings.HasPrefix(field, stepPrefix):
		field = "a step"
		for _, v := range []string{c.Ours, c.Theirs, c.Base} {
			if nodes, err := parseNodes(v); err == nil {
				for _, n := range nodes {
					field = "step " + strconv.Quote(n.Label)
				}
			}
		}
	}
	o, t := c.Sides()
	return Printable(fmt.Sprintf("%s: ours %s, theirs %s", field, o, t))
}

// Sides are ours and theirs as people read them (see Show); two long
// texts start a little before where they differ.
func (c *Conflict) Sides() (ours, theirs string) {
	o, t := c.Ours, c.Theirs
	if c.What != "attack tree" {
		o, t = fromDifference(o, t)
	}
	return c.Show(o), c.Show(t)
}

// fromDifference starts two long texts a little before where they first
// differ, so that cutting them short keeps what tells them apart.
func fromDifference(a, b string) (string, string) {
	const before = 30
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	if n <= before+10 {
		return a, b
	}
	start := n - before
	for start > 0 && !utf8.RuneStart(a[start]) {
		start--
	}
	return "…" + a[start:], "…" + b[start:]
}

// FieldLabel names the value in conflict as the editor's panels do: a
// property by its label ("Access restricted"), other fields by their
// name ("Name", "Status").
func (c *Conflict) FieldLabel(m *Model) string {
	key, ok := strings.CutPrefix(c.Field, "properties.")
	if e := m.Elements[c.Subject]; ok && c.What == "element" && e != nil {
		if def := PropFor(e.Kind, key); def != nil {
			return def.Label
		}
		return key
	}
	if id, ok := strings.CutPrefix(c.Field, stepPrefix); ok && c.What == "attack tree" {
		if t := m.Trees[c.Subject]; t != nil && t.Nodes[id] != nil {
			return "Step " + strconv.Quote(t.Nodes[id].Label)
		}
		return "A step"
	}
	if c.Field == "" {
		return ""
	}
	return strings.ToUpper(c.Field[:1]) + c.Field[1:]
}

// Editable reports whether the analyst may type the value that settles
// the conflict: a text or a property, not a position or a tree's steps.
func (c *Conflict) Editable() bool {
	switch c.Field {
	case "name", "description", "title", "justification", "mitigation", "version", "owner", "reviewer",
		"scope", "assumptions", "out-of-scope reason":
		return true
	}
	return strings.HasPrefix(c.Field, "properties.")
}

// Show is one of the conflict's values as people read it (see ShowValue);
// for an attack tree's steps, the steps the two sides have differently,
// with their values.
func (c *Conflict) Show(v string) string {
	if c.What == "attack tree" && strings.HasPrefix(c.Field, stepPrefix) && v != Deleted {
		nodes, err := parseNodes(v)
		for _, n := range nodes {
			if err == nil {
				return Printable(fmt.Sprintf("%q, cost %g, probability %g, skill %s", n.Label, n.Cost, n.Probability, n.Skill))
			}
		}
		return "(no such step)"
	}
	if c.What != "attack tree" || c.Field != "steps" || v == Deleted {
		return ShowValue(v)
	}
	mine, err1 := parseNodes(v)
	ours, err2 := parseNodes(c.Ours)
	theirs, err3 := parseNodes(c.Theirs)
	if err1 != nil || err2 != nil || err3 != nil {
		return ShowValue(v)
	}
	var shown []string
	ids := append(sortedKeys(ours), sortedKeys(theirs)...)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		if nodesText(one(ours[id])) == nodesText(one(theirs[id])) {
			continue
		}
		n := mine[id]
		if n == nil {
			name := ours[id]
			if name == nil {
				name = theirs[id]
			}
			shown = append(shown, "no step "+strconv.Quote(name.Label))
			continue
		}
		shown = append(shown, fmt.Sprintf("%q under %s, cost %g, probability %g, skill %s", n.Label, parentLabel(mine, n), n.Cost, n.Probability, n.Skill))
	}
	return Printable(strings.Join(shown, "; "))
}

func parentLabel(nodes map[string]*TreeNode, n *TreeNode) string {
	if p := nodes[n.Parent]; p != nil {
		return strconv.Quote(p.Label)
	}
	return "the goal"
}

// ShowValue is a conflicting value as people read it: quoted, "(none)"
// when empty, and cut short when long.
func ShowValue(v string) string {
	switch {
	case v == "":
		return "(none)"
	case v == Deleted || strings.HasPrefix(v, "(changed") || strings.HasPrefix(v, "(used by"):
		return v
	}
	v = strings.ReplaceAll(v, "\n", " ")
	v, _ = Cut(v, 120) // marks the cut itself
	return fmt.Sprintf("%q", v)
}

// ConflictList returns the model's conflicts ordered by what, name and
// field.
func (m *Model) ConflictList() []*Conflict {
	out := make([]*Conflict, 0, len(m.Conflicts))
	for _, c := range m.Conflicts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.What != b.What {
			return a.What < b.What
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	return out
}

// Side names the version a conflict is resolved with.
type Side int

// Sides of a conflict.
const (
	Ours Side = iota
	Theirs
)

func conflicts(m *Model) map[string]*Conflict { return m.Conflicts }

func conflictChange(id string, before, after *Conflict) Edit {
	return &change[Conflict]{conflicts, (*Conflict).Clone, id, before, after, ""}
}

// ResolveConflict settles a conflict with one side's value, as one
// undoable step. A side that deleted the thing deletes it now (with what
// cannot stand without it); conflicts about things that go with it go too.
func ResolveConflict(m *Model, id string, side Side) Edit {
	c := m.Conflicts[id]
	if c == nil {
		return missing("resolve conflict", id)
	}
	v := c.Ours
	if side == Theirs {
		v = c.Theirs
	}
	if c.Field == "" {
		outcome := "kept it"
		if v == Deleted {
			outcome = "deleted it"
		}
		return settle(m, c, deleteWhole(m, c, v == Deleted), fmt.Sprintf("resolved %s %s: took %s, %s", c.What, Printable(c.Name), sideName(side), outcome))
	}
	group := groupOf(m, c)
	if len(group) == 1 {
		return settle(m, c, setField(m, c, v), fmt.Sprintf("resolved %s %s, %s: took %s %s", c.What, Printable(c.Name), c.FieldLabel(m), sideName(side), c.Show(v)))
	}
	// A threat's triage is taken whole from one side.
	b := &Batch{Label: fmt.Sprintf("resolved the triage of %s %s: took %s", c.What, Printable(c.Name), sideName(side))}
	trial := m.Clone()
	for _, g := range group {
		v := g.Ours
		if side == Theirs {
			v = g.Theirs
		}
		e := setField(trial, g, v)
		if err := e.Apply(trial); err != nil {
			return failed{err}
		}
		b.Edits = append(b.Edits, e, conflictChange(g.ID, g.Clone(), nil))
	}
	return b
}

// Decisions counts the choices the conflicts ask for: a threat's triage,
// in conflict over several fields, is one.
func Decisions(cs []*Conflict) int {
	seen := map[string]bool{}
	for _, c := range cs {
		key := c.ID
		if c.What == "threat" && isTriage(c.Field) {
			key = "triage:" + c.Subject
		}
		seen[key] = true
	}
	return len(seen)
}

// groupOf is the conflict and those of its subject that are one decision
// with it (a threat's triage), or the conflict alone.
func groupOf(m *Model, c *Conflict) []*Conflict {
	if c.What != "threat" || !isTriage(c.Field) {
		return []*Conflict{c}
	}
	var out []*Conflict
	for _, o := range m.ConflictList() {
		if o.What == c.What && o.Subject == c.Subject && isTriage(o.Field) {
			out = append(out, o)
		}
	}
	return out
}

// isTriage reports whether a threat's field is part of its triage, as
// threatFields groups them.
func isTriage(field string) bool {
	return slices.ContainsFunc(threatFields(), func(f mergeField[Threat]) bool { return f.name == field && f.group == triageGroup })
}

// ResolveConflictWith settles a field's conflict with a value the
// analyst typed.
func ResolveConflictWith(m *Model, id, value string) Edit {
	c := m.Conflicts[id]
	if c == nil {
		return missing("resolve conflict", id)
	}
	if c.Field == "" {
		return failed{fmt.Errorf("resolve conflict: %s %s was deleted on one side: keep or delete it", c.What, c.Name)}
	}
	if err := checkTyped(m, c, value); err != nil {
		return failed{err}
	}
	return settle(m, c, setField(m, c, value), fmt.Sprintf("resolved %s %s, %s: set to %s", c.What, Printable(c.Name), c.FieldLabel(m), ShowValue(value)))
}

// checkTyped refuses a typed value a property's type does not allow: a
// yes-or-no property takes true or false, a choice one of its options.
func checkTyped(m *Model, c *Conflict, v string) error {
	key, ok := strings.CutPrefix(c.Field, "properties.")
	e := m.Elements[c.Subject]
	if !ok || c.What != "element" || e == nil || v == "" {
		return nil
	}
	if def := PropFor(e.Kind, key); def != nil {
		return def.Check(v)
	}
	return nil
}

func sideName(s Side) string {
	if s == Theirs {
		return "theirs"
	}
	return "ours"
}

// settle makes the edit that applies a resolution and drops the conflict,
// and those whose subject the resolution removes.
func settle(m *Model, c *Conflict, apply Edit, label string) Edit {
	b := &Batch{Label: label}
	if apply != nil {
		trial := m.Clone()
		if err := apply.Apply(trial); err != nil {
			return failed{err}
		}
		// Theirs' steps of a tree may link what the merge no longer has.
		if err := CheckReferences(trial); err != nil {
			return failed{fmt.Errorf("cannot take that value: %w", err)}
		}
		b.Edits = append(b.Edits, apply)
		for _, k := range sortedKeys(m.Conflicts) {
			if o := m.Conflicts[k]; k != c.ID && !subjectExists(trial, o) {
				b.Edits = append(b.Edits, conflictChange(k, o.Clone(), nil))
			}
		}
	}
	b.Edits = append(b.Edits, conflictChange(c.ID, c.Clone(), nil))
	return b
}

// subjectExists reports whether the thing a conflict is about is in m.
func subjectExists(m *Model, c *Conflict) bool {
	switch c.What {
	case "element":
		return m.Elements[c.Subject] != nil
	case "diagram":
		return m.Diagrams[c.Subject] != nil
	case "data asset":
		return m.Assets[c.Subject] != nil
	case "threat":
		return m.Threats[c.Subject] != nil
	case "suppression":
		return m.Suppressions[c.Subject] != nil
	case "rule set":
		return m.RuleSets[c.Subject] != nil
	case "attack tree":
		return m.Trees[c.Subject] != nil
	}
	return true
}

// deleteWhole is the edit that deletes a conflict's subject, or nil when
// the kept version stays.
func deleteWhole(m *Model, c *Conflict, del bool) Edit {
	if !del || !subjectExists(m, c) {
		return nil
	}
	switch c.What {
	case "element":
		return DeleteElements(m, []string{c.Subject})
	case "diagram":
		if d := m.Diagrams[c.Subject]; m.Elements[d.Refines] != nil {
			return DeleteElements(m, []string{d.Refines})
		}
		var ids []string
		for _, e := range m.ElementsIn(c.Subject) {
			ids = append(ids, e.ID)
		}
		return &Batch{Edits: []Edit{DeleteElements(m, ids),
			&change[Diagram]{diagrams, (*Diagram).Clone, c.Subject, m.Diagrams[c.Subject].Clone(), nil, ""}}}
	case "data asset":
		return DeleteAsset(m, c.Subject)
	case "threat":
		return DeleteThreat(m, c.Subject)
	case "suppression":
		return Unsuppress(m, c.Subject)
	case "rule set":
		return DeleteRuleSet(m, c.Subject)
	case "attack tree":
		return DeleteTree(m, c.Subject)
	}
	return nil
}

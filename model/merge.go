package model

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Merge combines two versions of a model made from a common base, as git
// merges text but by identity: elements, properties, flows, boundaries,
// data assets, diagrams, threats and their triage, suppressions, rule sets
// and attack trees. A change made on one side is taken; the same change on
// both sides is taken once; different changes to the same value are
// conflicts, kept in the merged model's Conflicts with both values (the
// merged model holds ours, or the changed version where the other side
// deleted the thing). Things both sides added independently (the same
// kind and name in the same place) become one. The inputs are not changed.
func Merge(base, ours, theirs *Model) *Model {
	theirs = matchAdded(base, ours, theirs)
	out := Empty()
	mg := &merger{out: out}

	bi, oi, ti := base.Info.Clone(), ours.Info.Clone(), theirs.Info.Clone()
	infos := map[string]*Info{}
	merge3(mg, table[Info]{"model", func(i *Info) *Info { c := i.Clone(); return &c }, infoFields, func(*Info) string { return "" }},
		map[string]*Info{"": &bi}, map[string]*Info{"": &oi}, map[string]*Info{"": &ti}, infos)
	if i := infos[""]; i != nil {
		out.Info = *i
	}
	out.Info.Source = ours.Info.Clone().Source
	out.Created = ours.Created
	out.Modified = ours.Modified
	if theirs.Modified.After(out.Modified) {
		out.Modified = theirs.Modified
	}

	merge3(mg, table[Diagram]{"diagram", (*Diagram).Clone, diagramFields, func(d *Diagram) string { return d.Name }},
		base.Diagrams, ours.Diagrams, theirs.Diagrams, out.Diagrams)
	merge3(mg, table[Element]{"element", (*Element).Clone, elementFields, func(e *Element) string { return e.Label() }},
		base.Elements, ours.Elements, theirs.Elements, out.Elements)
	merge3(mg, table[DataAsset]{"data asset", (*DataAsset).Clone, assetFields, func(a *DataAsset) string { return a.Name }},
		base.Assets, ours.Assets, theirs.Assets, out.Assets)
	merge3(mg, table[Threat]{"threat", (*Threat).Clone, threatFields, func(t *Threat) string { return t.Code() + " " + t.Title }},
		base.Threats, ours.Threats, theirs.Threats, out.Threats)
	merge3(mg, table[Suppression]{"suppression", (*Suppression).Clone, suppressionFields, func(s *Suppression) string { return s.RuleID }},
		base.Suppressions, ours.Suppressions, theirs.Suppressions, out.Suppressions)
	merge3(mg, table[RuleSet]{"rule set", (*RuleSet).Clone, ruleSetFields, func(r *RuleSet) string { return r.Name }},
		base.RuleSets, ours.RuleSets, theirs.RuleSets, out.RuleSets)
	merge3(mg, table[AttackTree]{"attack tree", (*AttackTree).Clone, treeFields, func(t *AttackTree) string { return t.Name }},
		base.Trees, ours.Trees, theirs.Trees, out.Trees)
	// Conflicts left from an earlier merge stay until resolved.
	merge3(mg, table[Conflict]{"conflict", (*Conflict).Clone, conflictFields, func(c *Conflict) string { return c.Name }},
		base.Conflicts, ours.Conflicts, theirs.Conflicts, out.Conflicts)

	mg.keepTreesWhole(base, ours, theirs)
	for more := true; more; {
		mg.restoreReferenced(base, ours, theirs)
		more = mg.keepBelongings(ours, theirs)
	}
	for _, c := range mg.found {
		c.Name = mg.nameNow(c)
		out.Conflicts[c.ID] = c
	}
	renumberThreats(out, ours)
	return out
}

// keepTreesWhole undoes a step-by-step merge of an attack tree that left
// it broken (a step under a step the other side deleted, two moves that
// make a loop): the tree keeps ours' steps, and its steps are a conflict.
func (mg *merger) keepTreesWhole(base, ours, theirs *Model) {
	for _, id := range sortedKeys(mg.out.Trees) {
		t := mg.out.Trees[id]
		if treeShapeHolds(t) {
			continue
		}
		o, th := ours.Trees[id], theirs.Trees[id]
		kept := o
		if kept == nil {
			kept = th
		}
		t.Root, t.Nodes = kept.Root, kept.Clone().Nodes
		// One conflict over the steps stands for those of single steps.
		mg.found = slices.DeleteFunc(mg.found, func(c *Conflict) bool {
			return c.What == "attack tree" && c.Subject == id && strings.HasPrefix(c.Field, stepPrefix)
		})
		cid := ConflictID("attack tree", id, "steps")
		if slices.ContainsFunc(mg.found, func(c *Conflict) bool { return c.ID == cid }) || o == nil || th == nil {
			continue
		}
		c := &Conflict{What: "attack tree", Subject: id, Name: t.Name, Field: "steps", Ours: nodesText(o.Nodes), Theirs: nodesText(th.Nodes)}
		if bt := base.Trees[id]; bt != nil {
			c.Base = nodesText(bt.Nodes)
		}
		mg.conflict(c)
	}
}

// treeShapeHolds reports whether a tree has its goal and every step
// hangs from it, through steps that exist, without a loop.
func treeShapeHolds(t *AttackTree) bool {
	if t.Nodes[t.Root] == nil {
		return false
	}
	for id := range t.Nodes {
		seen := map[string]bool{}
		for cur := id; cur != t.Root; {
			n := t.Nodes[cur]
			if n == nil || seen[cur] {
				return false
			}
			seen[cur] = true
			cur = n.Parent
		}
	}
	return true
}

// merger collects the conflicts of one merge.
type merger struct {
	out   *Model
	found []*Conflict
}

func (mg *merger) conflict(c *Conflict) {
	c.ID = ConflictID(c.What, c.Subject, c.Field)
	mg.found = append(mg.found, c)
}

// nameNow is a conflict's subject as the merged model names it.
func (mg *merger) nameNow(c *Conflict) string {
	m := mg.out
	switch c.What {
	case "element":
		if e := m.Elements[c.Subject]; e != nil {
			return m.NameOf(e)
		}
	case "threat":
		if t := m.Threats[c.Subject]; t != nil {
			return t.Code() + " " + t.Title
		}
	}
	return c.Name
}

// table describes one collection of a model to merge3.
type table[T any] struct {
	what   string
	clone  func(*T) *T
	fields func(...*T) []mergeField[T]
	name   func(*T) string
}

// merge3 merges one collection into out, by key.
func merge3[T any](mg *merger, tb table[T], base, ours, theirs, out map[string]*T) {
	keys := append(append(sortedKeys(base), sortedKeys(ours)...), sortedKeys(theirs)...)
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		b, o, t := base[k], ours[k], theirs[k]
		switch {
		case o == nil && t == nil:
		case b == nil && t == nil:
			out[k] = tb.clone(o)
		case b == nil && o == nil:
			out[k] = tb.clone(t)
		case o == nil:
			if changed := changedFields(tb, b, t); len(changed) > 0 {
				out[k] = tb.clone(t)
				mg.conflict(&Conflict{What: tb.what, Subject: k, Name: tb.name(t), Ours: Deleted, Theirs: "(changed " + strings.Join(changed, ", ") + ")"})
			}
		case t == nil:
			if changed := changedFields(tb, b, o); len(changed) > 0 {
				out[k] = tb.clone(o)
				mg.conflict(&Conflict{What: tb.what, Subject: k, Name: tb.name(o), Ours: "(changed " + strings.Join(changed, ", ") + ")", Theirs: Deleted})
			}
		case reflect.DeepEqual(o, t): // most things, unchanged on both sides
			out[k] = tb.clone(o)
		default:
			out[k] = mergeFields(mg, tb, k, b, o, t)
		}
	}
}

// mergeFields merges one thing both sides have (b is nil when both added it).
func mergeFields[T any](mg *merger, tb table[T], key string, b, o, t *T) *T {
	m := tb.clone(o)
	fields := tb.fields(b, o, t)
	conflicted := map[string]bool{} // groups with a conflict
	changedBy := map[string]int{}   // groups: 1 ours changed some, 2 theirs, 3 both
	var differ []mergeField[T]      // fields of a group that took one side
	for _, f := range fields {
		bv, ov, tv := "", f.get(o), f.get(t)
		if b != nil {
			bv = f.get(b)
		}
		switch {
		case ov == tv:
			continue
		case tv == bv:
			differ = append(differ, f)
			changedBy[f.group] |= 1
			continue
		case ov == bv:
			_ = f.set(m, tv) // a value read from a model always reads back
			differ = append(differ, f)
			changedBy[f.group] |= 2
			continue
		}
		if f.merge != nil {
			if v, ok := f.merge(bv, ov, tv); ok {
				_ = f.set(m, v)
				differ = append(differ, f)
				changedBy[f.group] |= 3
				continue
			}
		}
		if f.pick != nil {
			_ = f.set(m, f.pick(o, t))
			continue
		}
		mg.conflict(&Conflict{What: tb.what, Subject: key, Name: tb.name(o), Field: f.name, Base: bv, Ours: ov, Theirs: tv})
		if f.group != "" {
			conflicted[f.group] = true
		}
	}
	// A group is one decision: when both sides changed it (one the
	// status, the other the justification, say), no mix of the two is
	// taken; each field that differs is a conflict, resolved together.
	for _, f := range differ {
		if f.group != "" && (conflicted[f.group] || changedBy[f.group] == 3) {
			bv, ov := "", f.get(o)
			if b != nil {
				bv = f.get(b)
			}
			_ = f.set(m, ov)
			mg.conflict(&Conflict{What: tb.what, Subject: key, Name: tb.name(o), Field: f.name, Base: bv, Ours: ov, Theirs: f.get(t)})
		}
	}
	return m
}

// changedFields names the fields a side changed from the base, leaving
// out what analysis rewrites.
func changedFields[T any](tb table[T], b, x *T) []string {
	var out []string
	for _, f := range tb.fields(b, x) {
		if f.pick == nil && f.get(b) != f.get(x) {
			out = append(out, f.name)
		}
	}
	return out
}

// renumberThreats keeps threat numbers unique: a number both sides gave
// to different new threats stays with ours, and theirs takes the next
// free one.
func renumberThreats(m, ours *Model) {
	list := m.ThreatList()
	slices.SortStableFunc(list, func(a, b *Threat) int {
		ao, bo := ours.Threats[a.ID] != nil, ours.Threats[b.ID] != nil
		switch {
		case ao && !bo:
			return -1
		case bo && !ao:
			return 1
		}
		return 0
	})
	used := map[int]bool{}
	var again []*Threat
	for _, t := range list {
		if t.Number <= 0 || used[t.Number] {
			again = append(again, t)
			continue
		}
		used[t.Number] = true
	}
	next := m.NextThreatNumber()
	for _, t := range again {
		t.Number = next
		next++
	}
}

// setField is the edit that gives a conflict's value to its subject.
func setField(m *Model, c *Conflict, v string) Edit {
	switch c.What {
	case "model":
		i := m.Info.Clone()
		if err := setNamed(infoFields(), &i, c.Field, v); err != nil {
			return failed{fmt.Errorf("resolve %s %s: %w", c.What, c.Field, err)}
		}
		return SetInfo(m, i)
	case "element":
		fs := elementFields(m.Elements[c.Subject])
		if key, ok := strings.CutPrefix(c.Field, "properties."); ok {
			fs = append(fs, propField(key))
		}
		return setIn(m.Elements, fs, c, v, func(e *Element) Edit { return UpdateElement(m, e, "") })
	case "diagram":
		return setIn(m.Diagrams, diagramFields(), c, v, func(d *Diagram) Edit {
			return &change[Diagram]{diagrams, (*Diagram).Clone, d.ID, m.Diagrams[d.ID].Clone(), d, ""}
		})
	case "data asset":
		return setIn(m.Assets, assetFields(), c, v, func(a *DataAsset) Edit { return UpdateAsset(m, a) })
	case "threat":
		return setIn(m.Threats, threatFields(m.Threats[c.Subject]), c, v, func(t *Threat) Edit { return PutThreat(m, t, "") })
	case "suppression":
		return setIn(m.Suppressions, suppressionFields(), c, v, func(s *Suppression) Edit { return Suppress(m, s) })
	case "rule set":
		return setIn(m.RuleSets, ruleSetFields(), c, v, func(r *RuleSet) Edit { return PutRuleSet(m, r) })
	case "attack tree":
		fs := []mergeField[AttackTree]{stepsField}
		if id, ok := strings.CutPrefix(c.Field, stepPrefix); ok {
			fs = append(fs, stepField(id))
		}
		return setIn(m.Trees, append(treeFields(), fs...), c, v, func(t *AttackTree) Edit { return PutTree(m, t, "") })
	}
	return failed{fmt.Errorf("resolve conflict: unknown kind of thing %q", c.What)}
}

type cloner[T any] interface{ Clone() *T }

func setIn[T any, P interface {
	*T
	cloner[T]
}](coll map[string]*T, fs []mergeField[T], c *Conflict, v string, put func(*T) Edit) Edit {
	x := coll[c.Subject]
	if x == nil {
		return missing("resolve conflict", c.Subject)
	}
	cp := P(x).Clone()
	if err := setNamed(fs, cp, c.Field, v); err != nil {
		return failed{fmt.Errorf("resolve %s %s: %w", c.What, c.Field, err)}
	}
	return put(cp)
}

func setNamed[T any](fs []mergeField[T], x *T, name, v string) error {
	for _, f := range fs {
		if f.name == name {
			return f.set(x, v)
		}
	}
	return fmt.Errorf("no field %q", name)
}

package model

import (
	"fmt"
	"maps"
	"slices"
)

func threatCode(n int) string { return fmt.Sprintf("T-%04d", n) }

// Clone returns a deep copy of the model.
func (m *Model) Clone() *Model {
	c := &Model{Info: m.Info.Clone(), Created: m.Created, Modified: m.Modified}
	c.Diagrams = cloneMap(m.Diagrams, (*Diagram).Clone)
	c.Elements = cloneMap(m.Elements, (*Element).Clone)
	c.Assets = cloneMap(m.Assets, (*DataAsset).Clone)
	c.Threats = cloneMap(m.Threats, (*Threat).Clone)
	c.Suppressions = cloneMap(m.Suppressions, (*Suppression).Clone)
	c.RuleSets = cloneMap(m.RuleSets, (*RuleSet).Clone)
	c.Trees = cloneMap(m.Trees, (*AttackTree).Clone)
	c.Conflicts = cloneMap(m.Conflicts, (*Conflict).Clone)
	return c
}

func cloneMap[T any](m map[string]*T, clone func(*T) *T) map[string]*T {
	out := make(map[string]*T, len(m))
	for k, v := range m {
		out[k] = clone(v)
	}
	return out
}

// Clone returns a copy of the info.
func (i Info) Clone() Info {
	i.Authors = slices.Clone(i.Authors)
	i.Source.Notes = slices.Clone(i.Source.Notes)
	return i
}

// Clone returns a copy of the diagram.
func (d *Diagram) Clone() *Diagram { c := *d; return &c }

// Clone returns a deep copy of the element.
func (e *Element) Clone() *Element {
	c := *e
	c.Points = slices.Clone(e.Points)
	c.Props = maps.Clone(e.Props)
	c.Assets = slices.Clone(e.Assets)
	return &c
}

// Clone returns a copy of the data asset.
func (a *DataAsset) Clone() *DataAsset { c := *a; return &c }

// Clone returns a deep copy of the threat.
func (t *Threat) Clone() *Threat {
	c := *t
	c.Facts = slices.Clone(t.Facts)
	c.References = slices.Clone(t.References)
	c.Assumes = slices.Clone(t.Assumes)
	if t.Dread != nil {
		d := *t.Dread
		c.Dread = &d
	}
	return &c
}

// Clone returns a copy of the suppression.
func (s *Suppression) Clone() *Suppression { c := *s; return &c }

// Clone returns a copy of the rule set.
func (r *RuleSet) Clone() *RuleSet { c := *r; return &c }

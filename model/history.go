package model

import (
	"slices"
	"time"
)

// Change is one entry of a model's audit trail: what was done, when and
// by whom, and to what. An undone edit stays in the trail, recorded as
// undone.
type Change struct {
	Seq      int
	At       time.Time
	Author   string
	Action   string   // the edit in words: "moved Orders API"
	Subjects []string // IDs of the elements, threats, assets or trees it touched
	Undone   bool     // the entry records the undoing of an earlier edit
}

// subjecter is implemented by edits that know what they touch.
type subjecter interface{ subjects() []string }

func (c *change[T]) subjects() []string { return []string{c.id} }

func (b *Batch) subjects() []string {
	var out []string
	for _, e := range b.Edits {
		out = append(out, Subjects(e)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (m merging) subjects() []string { return Subjects(m.Edit) }

// Subjects lists the IDs of what an edit touches: elements, threats
// ("rule@element"), data assets, diagrams, attack trees.
func Subjects(e Edit) []string {
	if s, ok := e.(subjecter); ok {
		return s.subjects()
	}
	return nil
}

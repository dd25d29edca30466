package model

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBrokenReferences is returned by CheckReferences.
var ErrBrokenReferences = errors.New("the model refers to things it does not have")

// CheckReferences reports references to missing things: an element in a
// diagram that does not exist, a flow end, a refined process, a data asset
// or a threat's element. Edits never produce these; files and imports can.
func CheckReferences(m *Model) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	for _, id := range sortedKeys(m.Diagrams) {
		d := m.Diagrams[id]
		if d.ID != id {
			add("diagram %q is stored under %q", d.ID, id)
		}
		if d.Refines != "" && m.Elements[d.Refines] == nil {
			add("diagram %q refines missing element %q", d.Name, d.Refines)
		}
	}
	for _, id := range sortedKeys(m.Elements) {
		e := m.Elements[id]
		if e.ID != id {
			add("element %q is stored under %q", e.ID, id)
		}
		if m.Diagrams[e.Diagram] == nil {
			add("element %q is in missing diagram %q", e.Label(), e.Diagram)
		}
		for _, end := range []string{e.Source, e.Target} {
			if end != "" && m.Elements[end] == nil {
				add("flow %q ends at missing element %q", e.Label(), end)
			}
		}
		for _, a := range e.Assets {
			if m.Assets[a] == nil {
				add("element %q holds missing data asset %q", e.Label(), a)
			}
		}
	}
	for _, id := range sortedKeys(m.Assets) {
		if m.Assets[id].ID != id {
			add("data asset %q is stored under %q", m.Assets[id].ID, id)
		}
	}
	for _, id := range sortedKeys(m.Threats) {
		t := m.Threats[id]
		if t.ID != id {
			add("threat %q is stored under %q", t.ID, id)
		}
		if m.Elements[t.ElementID] == nil {
			add("threat %q is on missing element %q", t.Title, t.ElementID)
		}
	}
	for _, k := range sortedKeys(m.Suppressions) {
		s := m.Suppressions[k]
		if s.Key() != k {
			add("suppression of %q is stored under %q", s.RuleID, k)
		}
		if s.ElementID != "" && m.Elements[s.ElementID] == nil {
			add("suppression of rule %q is on missing element %q", s.RuleID, s.ElementID)
		}
	}
	for _, id := range sortedKeys(m.Trees) {
		t := m.Trees[id]
		if t.ID != id {
			add("attack tree %q is stored under %q", t.ID, id)
		}
		checkTree(m, t, add)
	}
	if len(problems) == 0 {
		return nil
	}
	const shown = 5
	more := ""
	if len(problems) > shown {
		more = fmt.Sprintf(" (and %d more)", len(problems)-shown)
		problems = problems[:shown]
	}
	return fmt.Errorf("%w: %s%s", ErrBrokenReferences, strings.Join(problems, "; "), more)
}

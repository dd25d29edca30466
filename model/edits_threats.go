package model

import (
	"errors"
	"fmt"
)

// The edits of threats' triage and of rule suppressions.

// threatChange changes a threat; texts beyond their bounds are refused.
func threatChange(id string, before, after *Threat, label string) Edit {
	if after != nil {
		if err := checkThreat(after); err != nil {
			return failed{err}
		}
	}
	return &change[Threat]{threats, (*Threat).Clone, id, before, after, label}
}

func checkThreat(t *Threat) error {
	long := tooLong(t.Title, MaxTitleLen) || tooLong(t.Description, MaxTextLen) || tooLong(t.Justification, MaxTextLen) ||
		tooLong(t.Mitigation, MaxTextLen)
	for _, f := range t.Facts {
		long = long || tooLong(f, MaxTextLen)
	}
	for _, r := range t.References {
		long = long || tooLong(r, MaxNameLen)
	}
	if !long {
		return nil // the usual case, without words for a message
	}
	of := " of threat " + t.Code()
	errs := []error{CheckText("the title"+of, t.Title, MaxTitleLen),
		CheckText("the description"+of, t.Description, MaxTextLen),
		CheckText("the justification"+of, t.Justification, MaxTextLen),
		CheckText("the mitigation notes"+of, t.Mitigation, MaxTextLen)}
	for _, f := range t.Facts {
		errs = append(errs, CheckText("a fact"+of, f, MaxTextLen))
	}
	for _, r := range t.References {
		errs = append(errs, CheckText("a reference"+of, r, MaxNameLen))
	}
	return errors.Join(errs...)
}

// PutThreat adds a threat or replaces it by a changed copy.
func PutThreat(m *Model, after *Threat, label string) Edit {
	var before *Threat
	if t := m.Threats[after.ID]; t != nil {
		before = t.Clone()
	}
	return threatChange(after.ID, before, after.Clone(), label)
}

// DeleteThreat removes a threat.
func DeleteThreat(m *Model, id string) Edit {
	t := m.Threats[id]
	if t == nil {
		return missing("delete threat", id)
	}
	del := threatChange(id, t.Clone(), nil, "deleted threat "+t.Code()+" "+t.Title)
	if unlink := unlinkTrees(m, func(x string) bool { return x == id }); len(unlink) > 0 {
		return &Batch{Label: del.String(), Edits: append([]Edit{del}, unlink...)}
	}
	return del
}

// SetStatus triages a threat: its status and the justification for it.
func SetStatus(m *Model, id string, s Status, justification string) Edit {
	t := m.Threats[id]
	if t == nil {
		return missing("set status", id)
	}
	after := t.Clone()
	after.Status, after.Justification = s, justification
	label := fmt.Sprintf("threat %s status %s → %s", t.Code(), t.Status.Label(), s.Label())
	if justification != "" {
		label += ": " + justification
	}
	return Mergeable(threatChange(id, t.Clone(), after, label), "status:"+id)
}

// SetRisk sets a threat's likelihood and impact; later analyses keep them.
func SetRisk(m *Model, id string, likelihood, impact Level) Edit {
	t := m.Threats[id]
	if t == nil {
		return missing("set risk", id)
	}
	after := t.Clone()
	after.Likelihood, after.Impact, after.RiskSet = likelihood, impact, true
	return Mergeable(threatChange(id, t.Clone(), after, fmt.Sprintf("threat %s risk %s → %s (likelihood %s, impact %s)",
		t.Code(), t.Severity(), after.Severity(), likelihood, impact)), "risk:"+id)
}

// SetMitigation sets the analyst's notes on how a threat is mitigated.
// Typing merges into one step.
func SetMitigation(m *Model, id, notes string) Edit {
	t := m.Threats[id]
	if t == nil {
		return missing("set mitigation", id)
	}
	after := t.Clone()
	after.Mitigation = notes
	return Mergeable(threatChange(id, t.Clone(), after, "threat "+t.Code()+" mitigation notes"), "mitigation:"+id)
}

// SetDread sets (or, with nil, clears) a threat's DREAD rating.
func SetDread(m *Model, id string, d *Dread) Edit {
	t := m.Threats[id]
	if t == nil {
		return missing("set DREAD", id)
	}
	after := t.Clone()
	after.Dread = nil
	if d != nil {
		c := *d
		after.Dread = &c
	}
	return Mergeable(threatChange(id, t.Clone(), after, "threat "+t.Code()+" DREAD rating"), "dread:"+id)
}

func suppressionChange(key string, before, after *Suppression, label string) Edit {
	return &change[Suppression]{suppressions, (*Suppression).Clone, key, before, after, label}
}

// Suppress silences a rule on an element ("" for the whole model), with the reason.
func Suppress(m *Model, s *Suppression) Edit {
	if err := CheckText("the justification of a suppression", s.Justification, MaxTextLen); err != nil {
		return failed{err}
	}
	var before *Suppression
	if cur := m.Suppressions[s.Key()]; cur != nil {
		before = cur.Clone()
	}
	where := "the whole model"
	if s.ElementID != "" {
		where = labelOf(m, s.ElementID)
	}
	return suppressionChange(s.Key(), before, s.Clone(), fmt.Sprintf("suppressed rule %s on %s: %s", s.RuleID, where, s.Justification))
}

// Unsuppress lets a rule fire again where it was suppressed.
func Unsuppress(m *Model, key string) Edit {
	s := m.Suppressions[key]
	if s == nil {
		return missing("unsuppress", key)
	}
	return suppressionChange(key, s.Clone(), nil, "lifted the suppression of rule "+s.RuleID)
}

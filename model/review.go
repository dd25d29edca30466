package model

import (
	"fmt"
	"time"
)

// ReviewState is how far a workshop has got with an element or flow.
type ReviewState int

// Review states.
const (
	NotDiscussed ReviewState = iota
	Discussed
	FollowUp
)

var reviewNames = enumNames{"not_discussed", "discussed", "follow_up"}

// ReviewStates are the review states in the order a workshop moves through
// them.
var ReviewStates = []ReviewState{NotDiscussed, Discussed, FollowUp}

func (s ReviewState) String() string { return reviewNames.name(int(s)) }

// Label is the state in words.
func (s ReviewState) Label() string {
	return [...]string{"not discussed", "discussed", "needs follow-up"}[min(max(int(s), 0), 2)]
}

// ParseReviewState reads a review state's name.
func ParseReviewState(s string) (ReviewState, error) {
	v, err := reviewNames.parse("review state", s)
	return ReviewState(v), err
}

// MarshalText writes the state's name.
func (s ReviewState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a state's name.
func (s *ReviewState) UnmarshalText(b []byte) (err error) {
	*s, err = ParseReviewState(string(b))
	return
}

// The review is kept in an element's properties under these keys, outside
// the typed schema: so it is saved, diffed, merged and undone like any
// property, and analysis never reads it.
const (
	reviewKey   = "review"
	reviewByKey = "review_by"
	reviewAtKey = "review_at"
)

// Review is what a workshop recorded about an element: its state, who set
// it and when.
type Review struct {
	State ReviewState
	By    string
	At    time.Time
}

// Review reads an element's review; a state that does not parse reads as
// not discussed.
func (e *Element) Review() Review {
	r := Review{By: e.Props[reviewByKey]}
	r.State, _ = ParseReviewState(e.Props[reviewKey])
	r.At, _ = time.Parse(time.RFC3339, e.Props[reviewAtKey])
	return r
}

// Reviewable reports whether a workshop walks through the element: every
// process, entity, store and flow.
func (e *Element) Reviewable() bool { return e.Kind != TrustBoundary }

// SetReview records an element's review state, by whom and when, as one
// edit.
func SetReview(m *Model, id string, state ReviewState, by string, at time.Time) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("review", id)
	}
	after := e.Clone()
	if after.Props == nil {
		after.Props = map[string]string{}
	}
	delete(after.Props, reviewKey)
	delete(after.Props, reviewByKey)
	delete(after.Props, reviewAtKey)
	if state != NotDiscussed {
		after.Props[reviewKey] = state.String()
		if by != "" {
			after.Props[reviewByKey] = by
		}
		after.Props[reviewAtKey] = at.UTC().Format(time.RFC3339)
	}
	if len(after.Props) == 0 {
		after.Props = nil
	}
	return UpdateElement(m, after, fmt.Sprintf("marked %s as %s", e.Label(), state.Label()))
}

// ReviewCoverage counts the reviewable elements and flows, and those the
// workshop has discussed (or marked for follow-up).
func (m *Model) ReviewCoverage() (reviewed, total int) {
	for _, e := range m.Elements {
		if !e.Reviewable() {
			continue
		}
		total++
		if state, err := ParseReviewState(e.Props[reviewKey]); err == nil && state != NotDiscussed {
			reviewed++ // the state alone: counting runs after every edit
		}
	}
	return reviewed, total
}

// AnswerQuestion sets the property a question asks about, as one edit the
// history records as the answer ("answered “Does Orders API authenticate
// its callers?”: yes").
func AnswerQuestion(m *Model, id, key, value, question string) Edit {
	e := SetProp(m, id, key, value)
	if m.Elements[id] == nil {
		return e
	}
	answer := ValueLabel(value)
	switch value {
	case "true":
		answer = "yes"
	case "false":
		answer = "no"
	}
	return Relabel(e, fmt.Sprintf("answered “%s”: %s", question, answer))
}

// Relabel is an edit told in other words in the history.
func Relabel(e Edit, label string) Edit { return relabel{e, label} }

type relabel struct {
	Edit
	label string
}

func (r relabel) String() string { return r.label }

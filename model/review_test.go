package model

import (
	"testing"
	"time"
)

// A review is one undoable edit that records the state, who and when; the
// coverage counts elements and flows, not boundaries.
func TestReviewIsAnEdit(t *testing.T) {
	m := New("review")
	m.Elements["p"] = &Element{ID: "p", Kind: Process, Diagram: RootDiagramID, Name: "API"}
	m.Elements["f"] = &Element{ID: "f", Kind: DataFlow, Diagram: RootDiagramID, Name: "call", Target: "p"}
	m.Elements["b"] = &Element{ID: "b", Kind: TrustBoundary, Diagram: RootDiagramID, Name: "DMZ"}
	at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	e := SetReview(m, "p", FollowUp, "ana", at)
	if err := e.Apply(m); err != nil {
		t.Fatal(err)
	}
	if r := m.Elements["p"].Review(); r.State != FollowUp || r.By != "ana" || !r.At.Equal(at) {
		t.Errorf("review read back as %+v", r)
	}
	if got := e.String(); got != "marked API as needs follow-up" {
		t.Errorf("history says %q", got)
	}
	if reviewed, total := m.ReviewCoverage(); reviewed != 1 || total != 2 {
		t.Errorf("coverage %d of %d, want 1 of 2", reviewed, total)
	}
	e.Revert(m)
	if r := m.Elements["p"].Review(); r.State != NotDiscussed || m.Elements["p"].Props != nil {
		t.Errorf("undo left %+v, props %v", r, m.Elements["p"].Props)
	}
}

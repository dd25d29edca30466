package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// Boundaries that overlap without nesting are each named with a few of the
// others and the rest counted, so a diagram of many overlapping boxes
// gives findings in proportion to the boxes, not to their pairs.
func TestManyOverlappingBoundariesGiveFewFindingsEach(t *testing.T) {
	m := model.New("boxes")
	const n = 1500
	for i := range n {
		id := fmt.Sprintf("b%04d", i)
		m.Elements[id] = &model.Element{ID: id, Kind: model.TrustBoundary, Diagram: "context", Name: "Zone " + id,
			X: float64(i), Y: float64(i), W: 5000, H: 5000} // a staircase: every pair overlaps
	}
	findings := model.Validate(m)
	if len(findings) > 4*n {
		t.Fatalf("%d findings for %d boundaries", len(findings), n)
	}
	counted := 0
	for _, f := range findings {
		if strings.Contains(f.Message, "more boundaries without one holding the other") {
			counted++
		}
	}
	if counted != n-4 {
		t.Errorf("%d boundaries say how many more they overlap, want %d", counted, n-4)
	}
	if got := findings[0].Message; got != "trust boundaries Zone b0000 and Zone b0001 overlap without one holding the other" {
		t.Errorf("first finding %q", got)
	}
}

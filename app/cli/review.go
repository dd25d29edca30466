package cli

import (
	"time"

	"github.com/rampart-tm/rampart/model"
)

// reviewJSON is the workshop's review of the model as `analyze --format
// json` gives it: the coverage, and every element and flow with its state,
// who set it and when.
func reviewJSON(m *model.Model) map[string]any {
	type entry struct {
		ID      string            `json:"id"`
		Name    string            `json:"name"`
		Kind    model.Kind        `json:"kind"`
		Diagram string            `json:"diagram"`
		State   model.ReviewState `json:"state"`
		By      string            `json:"by,omitempty"`
		At      string            `json:"at,omitempty"`
	}
	reviewed, total := m.ReviewCoverage()
	elements := []entry{}
	for _, e := range m.ElementList() {
		if !e.Reviewable() {
			continue
		}
		r := e.Review()
		x := entry{ID: e.ID, Name: m.NameOf(e), Kind: e.Kind, Diagram: diagramName(m, e.ID), State: r.State, By: r.By}
		if !r.At.IsZero() {
			x.At = r.At.UTC().Format(time.RFC3339)
		}
		elements = append(elements, x)
	}
	return map[string]any{"reviewed": reviewed, "total": total, "elements": elements}
}

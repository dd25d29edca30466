package place_test

import (
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/place"
)

// Packed, every element lies in exactly the boundaries its parents name,
// nested boundaries inside their parents, and nothing overlaps what it
// should not.
func TestPackNests(t *testing.T) {
	m := model.New("p")
	add := func(id string, k model.Kind) {
		m.Elements[id] = &model.Element{ID: id, Kind: k, Diagram: model.RootDiagramID, Name: id}
	}
	for _, id := range []string{"outer", "inner", "side", "empty"} {
		add(id, model.TrustBoundary)
	}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		add(id, model.Process)
	}
	add("f", model.DataFlow)
	m.Elements["f"].Source, m.Elements["f"].Target, m.Elements["f"].Points = "a", "e", []model.Point{{X: 1, Y: 1}}
	parent := map[string]string{"inner": "outer", "a": "inner", "b": "inner", "c": "outer", "d": "side",
		// A loop of parents is cut, not followed.
		"empty": "loop", "loop": "empty"}
	place.Pack(m, model.RootDiagramID, parent)
	ix := model.NewIndex(m)
	want := map[string]string{"a": "outer inner", "b": "outer inner", "c": "outer", "d": "side", "e": "", "inner": "outer",
		"outer": "", "side": "", "empty": ""}
	for id, chain := range want {
		got := ""
		for _, b := range ix.BoundariesOf(m.Elements[id]) {
			if got != "" {
				got += " "
			}
			got += b.ID
		}
		if got != chain {
			t.Errorf("%s is in %q, want %q", id, got, chain)
		}
	}
	if m.Elements["f"].Points != nil {
		t.Error("a flow keeps bend points drawn for another layout")
	}
	if e := m.Elements["e"]; e.W <= 0 || e.H <= 0 {
		t.Errorf("e has no size: %v", e.Bounds())
	}
}

package model_test

import (
	"slices"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// zones builds Internet | DMZ ⊃ Cluster in the context diagram, with a
// user on the Internet, a gateway in the DMZ and a service in the cluster.
func zones() *model.Model {
	m := model.New("zones")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "dmz", Kind: model.TrustBoundary, Diagram: "context", Name: "DMZ", X: 200, Y: 0, W: 800, H: 600})
	add(&model.Element{ID: "cluster", Kind: model.TrustBoundary, Diagram: "context", Name: "Cluster", X: 500, Y: 50, W: 400, H: 400})
	add(&model.Element{ID: "user", Kind: model.ExternalEntity, Diagram: "context", Name: "User", X: 20, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "gw", Kind: model.Process, Diagram: "context", Name: "Gateway", X: 250, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "svc", Kind: model.Process, Diagram: "context", Name: "Service", X: 600, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "f1", Kind: model.DataFlow, Diagram: "context", Source: "user", Target: "gw"})
	add(&model.Element{ID: "f2", Kind: model.DataFlow, Diagram: "context", Source: "gw", Target: "svc"})
	add(&model.Element{ID: "f3", Kind: model.DataFlow, Diagram: "context", Source: "user", Target: "svc"})
	return m
}

func ids(es []*model.Element) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestBoundariesNestOutermostFirst(t *testing.T) {
	m := zones()
	ix := model.NewIndex(m)
	if got := ids(ix.BoundariesOf(m.Elements["svc"])); !slices.Equal(got, []string{"dmz", "cluster"}) {
		t.Errorf("service is in %v", got)
	}
	if got := ids(ix.BoundariesOf(m.Elements["cluster"])); !slices.Equal(got, []string{"dmz"}) {
		t.Errorf("cluster is in %v", got)
	}
	if got := ix.BoundariesOf(m.Elements["user"]); len(got) != 0 {
		t.Errorf("user is in %v", ids(got))
	}
}

func TestCrossingsFollowRegions(t *testing.T) {
	m := zones()
	ix := model.NewIndex(m)
	for flow, want := range map[string][]string{
		"f1": {"dmz"},
		"f2": {"cluster"},
		"f3": {"dmz", "cluster"},
	} {
		if got := ids(ix.Crossings(m.Elements[flow])); !slices.Equal(got, want) {
			t.Errorf("%s crosses %v, want %v", flow, got, want)
		}
	}
}

func TestCrossingsOfLineBoundaries(t *testing.T) {
	m := model.New("lines")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "a", Kind: model.Process, Diagram: "context", X: 0, Y: 0, W: 100, H: 100})
	add(&model.Element{ID: "b", Kind: model.Process, Diagram: "context", X: 400, Y: 0, W: 100, H: 100})
	add(&model.Element{ID: "c", Kind: model.Process, Diagram: "context", X: 0, Y: 300, W: 100, H: 100})
	add(&model.Element{ID: "wall", Kind: model.TrustBoundary, Diagram: "context",
		Points: []model.Point{{X: 250, Y: -50}, {X: 250, Y: 200}}})
	add(&model.Element{ID: "ab", Kind: model.DataFlow, Diagram: "context", Source: "a", Target: "b"})
	add(&model.Element{ID: "ac", Kind: model.DataFlow, Diagram: "context", Source: "a", Target: "c"})
	// Bent around the end of the wall: no crossing.
	add(&model.Element{ID: "around", Kind: model.DataFlow, Diagram: "context", Source: "a", Target: "b",
		Points: []model.Point{{X: 50, Y: 260}, {X: 450, Y: 260}}})
	ix := model.NewIndex(m)
	if got := ids(ix.Crossings(m.Elements["ab"])); !slices.Equal(got, []string{"wall"}) {
		t.Errorf("a→b crosses %v", got)
	}
	if got := ix.Crossings(m.Elements["ac"]); len(got) != 0 {
		t.Errorf("a→c crosses %v", ids(got))
	}
	if got := ix.Crossings(m.Elements["around"]); len(got) != 0 {
		t.Errorf("the bent flow crosses %v", ids(got))
	}
}

func TestChildDiagramInheritsItsProcessZones(t *testing.T) {
	m := zones()
	m.Diagrams["svc-detail"] = &model.Diagram{ID: "svc-detail", Name: "Service", Refines: "svc"}
	m.Elements["handler"] = &model.Element{ID: "handler", Kind: model.Process, Diagram: "svc-detail", X: 0, Y: 0, W: 50, H: 50}
	m.Elements["in"] = &model.Element{ID: "in", Kind: model.DataFlow, Diagram: "svc-detail", Source: "user", Target: "handler"}
	ix := model.NewIndex(m)
	if got := ids(ix.BoundariesOf(m.Elements["handler"])); !slices.Equal(got, []string{"dmz", "cluster"}) {
		t.Errorf("handler is in %v", got)
	}
	if got := ids(ix.Crossings(m.Elements["in"])); !slices.Equal(got, []string{"dmz", "cluster"}) {
		t.Errorf("interface flow crosses %v", got)
	}
}

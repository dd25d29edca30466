package threatdragon_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/threatdragon"
)

// Threat Dragon still reads models that name the curved boundary
// "trust-broundary-curve", as older versions wrote it: the same model under
// that name imports with the same boundaries and nothing left out.
func TestMisspeltCurveIsABoundary(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "v2-threat-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	old := strings.ReplaceAll(string(data), `"shape": "trust-boundary-curve"`, `"shape": "trust-broundary-curve"`)
	if old == string(data) {
		t.Fatal("the test model has no curved boundary to rename")
	}
	want, _ := read(t, "v2-threat-model.json")
	m, warnings, err := threatdragon.Read([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warnings {
		if strings.Contains(w, "unknown kind") {
			t.Errorf("left out: %s", w)
		}
	}
	got, exp := count(m), count(want)
	if got.lines != 3 || got.kinds[model.TrustBoundary] != exp.kinds[model.TrustBoundary] || len(m.Elements) != len(want.Elements) {
		t.Errorf("misspelt curves: %v, %d lines; want %v", got.kinds, got.lines, exp.kinds)
	}
	for id, e := range want.Elements {
		if g := m.Elements[id]; g == nil || len(g.Points) != len(e.Points) {
			t.Errorf("%s: not read as the correctly spelt curve", e.Label())
		}
	}
}

// Every shape Threat Dragon's registry reads becomes an element: the
// misspelt curve also as a node (an arc across its box), the agent shapes
// as processes, and a flow label in the form the v1 migration writes.
func TestEveryRegisteredShapeImports(t *testing.T) {
	doc := `{"version": "2.3.0", "summary": {"title": "Shapes"}, "detail": {"diagrams": [{"title": "AI", "cells": [
	  {"id": "a", "shape": "agent", "position": {"x": 0, "y": 0}, "size": {"width": 150, "height": 80}, "data": {"name": "Planner", "type": "tm.Agent"}},
	  {"id": "b", "shape": "agent-tool", "position": {"x": 400, "y": 0}, "size": {"width": 150, "height": 80}, "data": {"name": "Search tool", "type": "tm.Tool"}},
	  {"id": "f", "shape": "flow", "source": {"cell": "a"}, "target": {"cell": "b"}, "labels": [{"attrs": {"label": {"text": "query"}}}], "data": {"type": "tm.Flow"}},
	  {"id": "c", "shape": "trust-broundary-curve", "position": {"x": 200, "y": -50}, "size": {"width": 100, "height": 200}, "data": {"type": "tm.Boundary"}}
	]}]}}`
	m, warnings, err := threatdragon.Read([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("left out: %v", warnings)
	}
	if a := m.Elements["a"]; a == nil || a.Kind != model.Process || a.Prop("technology") != "ai_agent" {
		t.Errorf("agent: %+v", a)
	}
	if b := m.Elements["b"]; b == nil || b.Kind != model.Process {
		t.Errorf("agent tool: %+v", b)
	}
	if f := m.Elements["f"]; f == nil || f.Name != "query" || f.Source != "a" || f.Target != "b" {
		t.Errorf("flow: %+v", f)
	}
	c := m.Elements["c"]
	if c == nil || !c.IsLine() {
		t.Fatalf("curve read as a node: %+v", c)
	}
	if crossed := model.NewIndex(m).Crossings(m.Elements["f"]); len(crossed) != 1 {
		t.Errorf("the flow crosses %d boundaries, want the curve", len(crossed))
	}
}

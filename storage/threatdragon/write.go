package threatdragon

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// Write writes a model as Threat Dragon v2 JSON (version 2.3.0): every
// diagram becomes a STRIDE diagram, elements keep their geometry and the
// properties Threat Dragon knows, and threats go on their cells. Threat
// Dragon has no levels: a child diagram is written as a diagram of its
// own, and the outside end of an interface flow as a free end.
func Write(m *model.Model) ([]byte, error) {
	out := map[string]any{
		"version": "2.3.0",
		"summary": map[string]any{"title": m.Name, "owner": first(m.Authors), "description": m.Description, "id": 0},
	}
	var contributors []map[string]string
	for _, a := range m.Authors[min(1, len(m.Authors)):] {
		contributors = append(contributors, map[string]string{"name": a})
	}
	if contributors == nil {
		contributors = []map[string]string{}
	}
	var diagrams []any
	for i, d := range m.DiagramList() {
		diagrams = append(diagrams, map[string]any{
			"id": i, "title": d.Name, "diagramType": "STRIDE", "placeholder": "New STRIDE diagram description",
			"thumbnail": "./public/content/images/thumbnail.stride.jpg", "version": "2.3.0", "cells": cells(m, d),
		})
	}
	if diagrams == nil {
		diagrams = []any{}
	}
	out["detail"] = map[string]any{"contributors": contributors, "diagrams": diagrams, "diagramTop": len(diagrams),
		"reviewer": "", "threatTop": len(m.Threats)}
	return json.MarshalIndent(out, "", "  ")
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func cells(m *model.Model, d *model.Diagram) []any {
	out := []any{}
	z := 0
	for _, e := range m.ElementsIn(d.ID) {
		z++
		data := map[string]any{"name": e.Name, "description": e.Description, "outOfScope": e.OutOfScope,
			"reasonOutOfScope": e.OutOfScopeReason, "threats": threatsOf(m, e)}
		open := false
		for _, t := range m.ThreatsOf(e.ID) {
			open = open || (t.Status == model.Open && !t.Obsolete)
		}
		data["hasOpenThreats"] = open
		cell := map[string]any{"id": e.ID, "zIndex": z, "data": data}
		node := func(shape, typ string) {
			cell["shape"], data["type"] = shape, typ
			cell["position"] = map[string]float64{"x": e.X, "y": e.Y}
			cell["size"] = map[string]float64{"width": e.W, "height": e.H}
			cell["attrs"] = map[string]any{"text": map[string]string{"text": e.Name}}
		}
		b := func(key string) bool { return e.Bool(key) }
		switch {
		case e.Kind == model.ExternalEntity:
			node("actor", "tm.Actor")
			data["providesAuthentication"] = b("authenticates_itself")
		case e.Kind == model.Process:
			node("process", "tm.Process")
			data["isWebApplication"] = e.Prop("technology") == "web_app"
			data["privilegeLevel"] = e.Prop("privilege_level")
			data["handlesCardPayment"] = b("threatdragon:handlesCardPayment")
			data["handlesGoodsOrServices"] = b("threatdragon:handlesGoodsOrServices")
		case e.Kind == model.DataStore:
			node("store", "tm.Store")
			data["isALog"], data["isEncrypted"], data["isSigned"] = b("stores_logs"), b("encrypted_at_rest"), b("signed")
			data["storesCredentials"], data["storesInventory"] = b("stores_credentials"), b("threatdragon:storesInventory")
		case e.Kind == model.TrustBoundary && e.IsLine():
			cell["shape"], data["type"], data["isTrustBoundary"] = "trust-boundary-curve", "tm.Boundary", true
			pts := e.Points
			cell["source"] = map[string]float64{"x": pts[0].X, "y": pts[0].Y}
			cell["target"] = map[string]float64{"x": pts[len(pts)-1].X, "y": pts[len(pts)-1].Y}
			cell["vertices"] = points(pts[1 : len(pts)-1])
			cell["labels"] = label(e.Name)
		case e.Kind == model.TrustBoundary:
			node("trust-boundary-box", "tm.BoundaryBox")
			data["isTrustBoundary"] = true
			cell["attrs"] = map[string]any{"label": map[string]string{"text": e.Name}}
		case e.Kind == model.DataFlow:
			cell["shape"], data["type"] = "flow", "tm.Flow"
			data["isEncrypted"], data["isPublicNetwork"], data["isBidirectional"] = b("encrypted"), b("public_network"), b("bidirectional")
			data["protocol"] = e.Prop("protocol")
			inner := e.Points
			cell["source"], inner = flowEnd(m, e, e.Source, inner, true)
			cell["target"], inner = flowEnd(m, e, e.Target, inner, false)
			cell["vertices"] = points(inner)
			cell["labels"] = label(e.Name)
		}
		out = append(out, cell)
	}
	return out
}

// flowEnd is a flow end as Threat Dragon writes it: a cell in the same
// diagram, or else the free point where Rampart draws the end.
func flowEnd(m *model.Model, f *model.Element, id string, pts []model.Point, source bool) (map[string]any, []model.Point) {
	if e := m.Elements[id]; e != nil && e.Diagram == f.Diagram {
		return map[string]any{"cell": id}, pts
	}
	if len(pts) == 0 {
		return map[string]any{"x": 0.0, "y": 0.0}, pts
	}
	if source {
		return map[string]any{"x": pts[0].X, "y": pts[0].Y}, pts[1:]
	}
	p := pts[len(pts)-1]
	return map[string]any{"x": p.X, "y": p.Y}, pts[:len(pts)-1]
}

func points(ps []model.Point) []map[string]float64 {
	out := []map[string]float64{}
	for _, p := range ps {
		out = append(out, map[string]float64{"x": p.X, "y": p.Y})
	}
	return out
}

func label(text string) []any {
	return []any{map[string]any{"position": 0.5, "attrs": map[string]any{"labelText": map[string]string{"text": text}}}}
}

func threatsOf(m *model.Model, e *model.Element) []any {
	out := []any{}
	for _, t := range m.ThreatsOf(e.ID) {
		if t.Obsolete {
			continue
		}
		status := map[model.Status]string{model.Open: "Open", model.Mitigated: "Mitigated", model.NotApplicable: "NotApplicable",
			model.Accepted: "Mitigated", model.Transferred: "Mitigated"}[t.Status]
		mitigation := t.Mitigation
		if t.Status == model.Accepted || t.Status == model.Transferred {
			mitigation = strings.TrimSpace(fmt.Sprintf("%s (%s: %s)", mitigation, t.Status.Label(), t.Justification))
		}
		sev := t.Severity().String()
		out = append(out, map[string]any{
			"id": strings.TrimPrefix(t.ID, "td-"), "title": t.Title, "type": t.Category.Label(), "status": status,
			"severity": strings.ToUpper(sev[:1]) + sev[1:], "description": t.Description, "mitigation": mitigation,
			"modelType": "STRIDE", "number": t.Number, "score": "",
		})
	}
	return out
}

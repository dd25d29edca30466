package modelgen

import (
	"encoding/json"
	"fmt"
)

// ThreatDragon returns an OWASP Threat Dragon v2 model of about cells
// cells over the given number of diagrams, shaped like a large real one:
// a grid of processes, stores and actors, each block of twenty in a
// trust-boundary box, flows between near and far nodes (so many cross
// zones), a threat recorded on every tenth node. With freeEnds, every
// flow ends at a point just beside its nodes instead of at the nodes, as
// Threat Dragon allows; the importer attaches them. Ten thousand cells
// make about 2 MB.
func ThreatDragon(cells, diagrams int, freeEnds bool) []byte {
	diagrams = max(1, diagrams)
	var ds []any
	for d := range diagrams {
		ds = append(ds, map[string]any{"id": d, "title": fmt.Sprintf("Diagram %d", d+1), "diagramType": "STRIDE",
			"version": "2.3.0", "cells": tdCells(cells/diagrams, fmt.Sprintf("d%d-", d), freeEnds)})
	}
	doc := map[string]any{"version": "2.3.0",
		"summary": map[string]any{"title": fmt.Sprintf("Generated %d cells", cells), "owner": "Generator"},
		"detail":  map[string]any{"contributors": []any{}, "diagrams": ds}}
	data, err := json.Marshal(doc)
	if err != nil {
		panic(err) // plain maps and numbers always marshal
	}
	return data
}

func tdCells(n int, prefix string, freeEnds bool) []any {
	var cells []any
	nodes := max(2, n*2/5)
	boxes := n / 50
	flows := max(0, n-nodes-boxes)
	cols := 200
	if nodes < 4000 {
		cols = 20
	}
	shapes := []string{"process", "process", "store", "actor"}
	types := map[string]string{"process": "tm.Process", "store": "tm.Store", "actor": "tm.Actor"}
	at := func(i int) (float64, float64) { return float64(i%cols) * 200, float64(i/cols) * 150 }
	for i := range nodes {
		s := shapes[i%4]
		x, y := at(i)
		name := fmt.Sprintf("Node %d", i)
		data := map[string]any{"name": name, "type": types[s], "description": ""}
		if i%10 == 0 {
			data["threats"] = []any{map[string]any{"id": fmt.Sprintf("%st%d", prefix, i), "title": "Spoofed caller",
				"type": "Spoofing", "status": "Open", "severity": "High", "description": "An attacker may pose as a caller."}}
		}
		cells = append(cells, map[string]any{"id": fmt.Sprintf("%sn%d", prefix, i), "shape": s,
			"position": map[string]any{"x": x, "y": y}, "size": map[string]any{"width": 120, "height": 60},
			"attrs": map[string]any{"text": map[string]any{"text": name}}, "data": data})
	}
	for i := range boxes {
		x, y := at(i * 4 % cols)
		y += float64(i*4/cols) * 5 * 150
		cells = append(cells, map[string]any{"id": fmt.Sprintf("%sb%d", prefix, i), "shape": "trust-boundary-box",
			"position": map[string]any{"x": x - 10, "y": y - 10}, "size": map[string]any{"width": 740, "height": 690},
			"data": map[string]any{"name": fmt.Sprintf("Zone %d", i), "type": "tm.BoundaryBox"}})
	}
	for i := range flows {
		a := i % nodes
		b := (a*7 + 1 + i/nodes) % nodes
		if a%4 >= 2 && b%4 >= 2 {
			b -= b % 4 // a flow has a process at one end at least
		}
		end := func(node int, dx float64) map[string]any {
			if !freeEnds {
				return map[string]any{"cell": fmt.Sprintf("%sn%d", prefix, node)}
			}
			x, y := at(node)
			return map[string]any{"x": x + 60 + dx, "y": y + 70}
		}
		cells = append(cells, map[string]any{"id": fmt.Sprintf("%sf%d", prefix, i), "shape": "flow",
			"source": end(a, -10), "target": end(b, 10),
			"data": map[string]any{"name": fmt.Sprintf("Flow %d", i), "type": "tm.Flow", "protocol": "https",
				"isEncrypted": i%3 == 0}})
	}
	return cells
}

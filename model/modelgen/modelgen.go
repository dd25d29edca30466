// Package modelgen generates models for benchmarks and property tests:
// large realistic ones (services, stores, entities, nested boundaries,
// several diagram levels) and small random ones that use every field.
package modelgen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rampart-tm/rampart/model"
)

// Large builds a deterministic model with n nodes, 2n flows, n/20 trust
// boundaries and n/50 diagrams (at least one) over three levels, with
// properties, classified data assets and three threats per node. It is the
// model every benchmark in the repository measures.
func Large(n int) *model.Model {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	m := model.New(fmt.Sprintf("Generated %d", n))
	m.Version = "1.0"
	m.Authors = []string{"Generator"}
	m.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m.Modified = m.Created

	for i := range 12 {
		id := fmt.Sprintf("a%02d", i)
		m.Assets[id] = &model.DataAsset{ID: id, Name: fmt.Sprintf("Data %d", i),
			Classification: model.Classifications[i%4], Confidentiality: model.Levels[i%4],
			Integrity: model.Levels[(i+1)%4], Availability: model.Levels[(i+2)%4]}
	}

	nDiagrams := max(1, n/50)
	nBoundaries := n / 20
	diagramIDs := []string{model.RootDiagramID}
	var processes []*model.Element // candidates to refine, by diagram order
	perDiagram := n / nDiagrams
	next := 0
	boundariesLeft := nBoundaries
	for di := 0; di < nDiagrams; di++ {
		did := diagramIDs[di]
		count := perDiagram
		if di == nDiagrams-1 {
			count = n - next
		}
		nodes := placeNodes(m, r, did, next, count)
		next += count
		nb := nBoundaries / nDiagrams
		if di == nDiagrams-1 {
			nb = boundariesLeft
		}
		boundariesLeft -= nb
		addBoundaries(m, did, di, nb, count)
		addFlows(m, r, did, nodes, 2*count)
		for _, e := range nodes {
			if e.Kind == model.Process {
				processes = append(processes, e)
			}
		}
		if len(diagramIDs) < nDiagrams {
			// Refine the next unrefined process: children of the root first,
			// then their children, so the tree has three levels.
			p := processes[len(diagramIDs)-1]
			cid := fmt.Sprintf("d%02d", len(diagramIDs))
			m.Diagrams[cid] = &model.Diagram{ID: cid, Name: p.Name + " (detail)", Refines: p.ID}
			diagramIDs = append(diagramIDs, cid)
		}
	}
	addThreats(m, r)
	return m
}

var kinds = []model.Kind{model.Process, model.Process, model.Process, model.DataStore, model.ExternalEntity}

func placeNodes(m *model.Model, r *rand.Rand, did string, first, count int) []*model.Element {
	cols := 10
	var out []*model.Element
	for i := range count {
		k := kinds[(first+i)%len(kinds)]
		id := fmt.Sprintf("n%05d", first+i)
		e := &model.Element{ID: id, Kind: k, Diagram: did, Name: fmt.Sprintf("%s %d", kindWord(k), first+i),
			X: float64(40 + (i%cols)*160), Y: float64(40 + (i/cols)*120), W: 110, H: 60, Props: props(r, k)}
		if k != model.ExternalEntity && r.IntN(3) == 0 {
			e.Assets = []string{fmt.Sprintf("a%02d", r.IntN(12))}
		}
		m.Elements[id] = e
		out = append(out, e)
	}
	return out
}

func kindWord(k model.Kind) string {
	return map[model.Kind]string{model.Process: "Service", model.DataStore: "Store", model.ExternalEntity: "Client"}[k]
}

func props(r *rand.Rand, k model.Kind) map[string]string {
	p := map[string]string{}
	for _, def := range model.PropsFor(k) {
		switch def.Type {
		case model.Bool:
			if r.IntN(2) == 0 {
				p[def.Key] = []string{"true", "false"}[r.IntN(2)]
			}
		case model.Enum:
			p[def.Key] = def.Options[r.IntN(len(def.Options))]
		case model.Text:
			p[def.Key] = []string{"https", "grpc", "amqp", "sql"}[r.IntN(4)]
		}
	}
	return p
}

// addBoundaries nests boundaries over the diagram's grid: each one holds the
// rows from its index on, so every boundary encloses the next.
func addBoundaries(m *model.Model, did string, di, nb, nodes int) {
	rows := (nodes + 9) / 10
	for j := range nb {
		id := fmt.Sprintf("b%02d-%d", di, j)
		top := j * rows / max(nb, 1)
		m.Elements[id] = &model.Element{ID: id, Kind: model.TrustBoundary, Diagram: did,
			Name: fmt.Sprintf("Zone %d.%d", di, j), X: float64(20 + 10*j), Y: float64(20 + top*120),
			W: float64(1600 - 20*j), H: float64((rows-top)*120 + 40 - 10*j),
			Props: map[string]string{"zone": model.BoundaryZones[j%len(model.BoundaryZones)]}}
	}
}

// addFlows connects random pairs of the diagram's nodes, always with a
// process at one end at least.
func addFlows(m *model.Model, r *rand.Rand, did string, nodes []*model.Element, count int) {
	var procs []*model.Element
	for _, e := range nodes {
		if e.Kind == model.Process {
			procs = append(procs, e)
		}
	}
	if len(procs) == 0 {
		return
	}
	for i := range count {
		a := procs[r.IntN(len(procs))]
		b := nodes[r.IntN(len(nodes))]
		if r.IntN(2) == 0 {
			a, b = b, a
		}
		id := fmt.Sprintf("f%s-%04d", did, i)
		f := &model.Element{ID: id, Kind: model.DataFlow, Diagram: did, Name: fmt.Sprintf("call %d", i),
			Source: a.ID, Target: b.ID, Props: props(r, model.DataFlow)}
		if r.IntN(3) == 0 {
			f.Assets = []string{fmt.Sprintf("a%02d", r.IntN(12))}
		}
		m.Elements[id] = f
	}
}

func addThreats(m *model.Model, r *rand.Rand) {
	num := 1
	for _, e := range m.ElementList() {
		if !e.Kind.IsNode() {
			continue
		}
		for j := range 3 {
			c := model.Categories[(num+j)%6]
			rule := fmt.Sprintf("gen-%s", c.Letter())
			t := &model.Threat{ID: rule + "@" + e.ID, Number: num, RuleID: rule, ElementID: e.ID,
				Title: c.Label() + " of " + e.Name, Category: c, Description: "Generated threat.",
				Facts: []string{"generated"}, References: []string{"CWE-20"},
				Likelihood: model.Levels[r.IntN(4)], Impact: model.Levels[r.IntN(4)],
				Status: model.Statuses[r.IntN(5)]}
			m.Threats[t.ID] = t
			num++
		}
	}
}

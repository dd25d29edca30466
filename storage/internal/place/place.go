// Package place draws a diagram that its file gave no geometry: each trust
// boundary a box around what it holds, nested as the file nests them.
// Rampart reads which boundaries hold an element from where it is drawn,
// so the picture must say what the file said; a graphviz layout can make
// it prettier afterwards, keeping the same nesting.
package place

import (
	"math"
	"sort"

	"github.com/rampart-tm/rampart/model"
)

const (
	gap     = 40.0 // between two things side by side
	pad     = 30.0 // inside a boundary, around what it holds
	title   = 30.0 // above that, for the boundary's name
	origin  = 40.0 // the diagram's top-left margin
	nodeW   = 140.0
	nodeH   = 70.0
	minSide = 160.0 // an empty boundary is still a box to draw in
)

// Pack places the nodes and region boundaries of one diagram. parent maps
// an element to the region boundary of the same diagram that holds it;
// anything else stands in the diagram itself. Nodes keep a size they
// have; flows lose their bend points and run straight. A parent chain that
// loops is cut where it loops.
func Pack(m *model.Model, diagramID string, parent map[string]string) {
	p := &packer{m: m, children: map[string][]*model.Element{}, size: map[string][2]float64{}}
	var all []*model.Element
	for _, e := range m.ElementsIn(diagramID) {
		switch {
		case e.Kind == model.DataFlow:
			e.Points = nil
		case e.Kind.IsNode() || e.Kind == model.TrustBoundary && !e.IsLine():
			all = append(all, e)
		}
	}
	for _, e := range all {
		p.children[p.container(e, parent, diagramID)] = append(p.children[p.container(e, parent, diagramID)], e)
	}
	for _, list := range p.children {
		// Nodes first, then boundaries, each by name: the same file gives the same picture.
		sort.SliceStable(list, func(i, j int) bool {
			bi, bj := list[i].Kind == model.TrustBoundary, list[j].Kind == model.TrustBoundary
			if bi != bj {
				return !bi
			}
			if list[i].Name != list[j].Name {
				return list[i].Name < list[j].Name
			}
			return list[i].ID < list[j].ID
		})
	}
	p.measure("")
	p.put("", origin, origin)
}

type packer struct {
	m        *model.Model
	children map[string][]*model.Element // container ID ("" for the diagram) → what it holds
	size     map[string][2]float64       // element ID → its box
	rows     map[string][][]*model.Element
}

// container is the boundary that holds e, or "" when it stands in the
// diagram: the parent given, if it is a region boundary of the diagram
// whose own chain does not lead back to e.
func (p *packer) container(e *model.Element, parent map[string]string, diagramID string) string {
	id := parent[e.ID]
	seen := map[string]bool{e.ID: true}
	for at := id; at != ""; at = parent[at] {
		b := p.m.Elements[at]
		if b == nil || b.Kind != model.TrustBoundary || b.IsLine() || b.Diagram != diagramID || seen[at] {
			return ""
		}
		seen[at] = true
	}
	return id
}

// measure works out the box of each container's contents, laid out in
// rows about as wide as they are tall, and returns the container's size.
func (p *packer) measure(id string) (w, h float64) {
	if p.rows == nil {
		p.rows = map[string][][]*model.Element{}
	}
	list := p.children[id]
	area, widest := 0.0, 0.0
	for _, e := range list {
		ew, eh := p.boxOf(e)
		area += (ew + gap) * (eh + gap)
		widest = math.Max(widest, ew)
	}
	limit := math.Max(widest, math.Sqrt(area)*1.4)
	var rows [][]*model.Element
	var row []*model.Element
	rowW, rowH := 0.0, 0.0
	for _, e := range list {
		ew, eh := p.boxOf(e)
		if len(row) > 0 && rowW+gap+ew > limit {
			rows = append(rows, row)
			w, h = math.Max(w, rowW), h+rowH+gap
			row, rowW, rowH = nil, 0, 0
		}
		if len(row) > 0 {
			rowW += gap
		}
		row = append(row, e)
		rowW, rowH = rowW+ew, math.Max(rowH, eh)
	}
	if len(row) > 0 {
		rows = append(rows, row)
		w, h = math.Max(w, rowW), h+rowH
	}
	p.rows[id] = rows
	return w, h
}

// boxOf is the size of an element: a node's own, or a boundary's, which
// is what it holds plus room around it.
func (p *packer) boxOf(e *model.Element) (float64, float64) {
	if s, ok := p.size[e.ID]; ok {
		return s[0], s[1]
	}
	var w, h float64
	if e.Kind == model.TrustBoundary {
		cw, ch := p.measure(e.ID)
		w, h = math.Max(minSide, cw+2*pad), math.Max(minSide*0.6, ch+2*pad+title)
	} else {
		w, h = e.W, e.H
		if !(w > 0) || !(h > 0) || w > model.MaxSize || h > model.MaxSize {
			w, h = nodeW, nodeH
		}
	}
	p.size[e.ID] = [2]float64{w, h}
	return w, h
}

// put places a container's rows from (x, y) down.
func (p *packer) put(id string, x, y float64) {
	for _, row := range p.rows[id] {
		cx, rowH := x, 0.0
		for _, e := range row {
			s := p.size[e.ID]
			e.X, e.Y, e.W, e.H = cx, y, s[0], s[1]
			if e.Kind == model.TrustBoundary {
				p.put(e.ID, cx+pad, y+pad+title)
			}
			cx += s[0] + gap
			rowH = math.Max(rowH, s[1])
		}
		y += rowH + gap
	}
}

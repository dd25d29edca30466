package model

import "sort"

// Rect is an axis-aligned rectangle.
type Rect struct{ X, Y, W, H float64 }

// Bounds is the element's rectangle (zero size for flows and line boundaries).
func (e *Element) Bounds() Rect { return Rect{e.X, e.Y, e.W, e.H} }

// Contains reports whether p lies inside r (edges included).
func (r Rect) Contains(p Point) bool {
	return p.X >= r.X && p.X <= r.X+r.W && p.Y >= r.Y && p.Y <= r.Y+r.H
}

// Encloses reports whether o lies entirely inside r.
func (r Rect) Encloses(o Rect) bool {
	return o.X >= r.X && o.Y >= r.Y && o.X+o.W <= r.X+r.W && o.Y+o.H <= r.Y+r.H
}

// Overlaps reports whether r and o share some area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Area is the rectangle's area.
func (r Rect) Area() float64 { return r.W * r.H }

// Index answers geometric and graph questions about a model quickly: which
// boundaries hold an element, which a flow crosses, which flows touch an
// element. Build one with NewIndex after a change; it does not follow edits.
type Index struct {
	m       *Model
	regions map[string][]*Element // diagram ID → region boundaries
	lines   map[string][]*Element // diagram ID → line boundaries, by ID
	flows   map[string][]*Element // element ID → flows that start or end there
	chains  map[string][]*Element // element ID → BoundariesOf, memoized
}

// NewIndex indexes a model.
func NewIndex(m *Model) *Index {
	ix := &Index{m: m, regions: map[string][]*Element{}, lines: map[string][]*Element{},
		flows: map[string][]*Element{}, chains: map[string][]*Element{}}
	for _, e := range m.Elements {
		switch {
		case e.Kind == TrustBoundary && e.IsLine():
			ix.lines[e.Diagram] = append(ix.lines[e.Diagram], e)
		case e.Kind == TrustBoundary:
			ix.regions[e.Diagram] = append(ix.regions[e.Diagram], e)
		case e.Kind == DataFlow:
			ix.flows[e.Source] = append(ix.flows[e.Source], e)
			if e.Target != e.Source {
				ix.flows[e.Target] = append(ix.flows[e.Target], e)
			}
		}
	}
	for _, ls := range ix.lines {
		sort.Slice(ls, func(i, j int) bool { return ls[i].ID < ls[j].ID })
	}
	for _, fs := range ix.flows {
		SortElements(fs)
	}
	return ix
}

// Model is the indexed model.
func (ix *Index) Model() *Model { return ix.m }

// FlowsOf returns the flows that start or end at an element, in any diagram.
func (ix *Index) FlowsOf(id string) []*Element { return ix.flows[id] }

// insideRegion reports whether element e lies in region boundary b: a node by
// its centre, a boundary when wholly enclosed.
func insideRegion(e, b *Element) bool {
	if e.ID == b.ID {
		return false
	}
	if e.Kind == TrustBoundary {
		return b.Bounds().Encloses(e.Bounds()) && b.Bounds().Area() > e.Bounds().Area()
	}
	return b.Bounds().Contains(e.Centre())
}

// BoundariesOf returns the region boundaries that hold an element, outermost
// first. An element in a child diagram is also inside every boundary that
// holds the process the diagram refines, so trust zones carry down levels.
func (ix *Index) BoundariesOf(e *Element) []*Element {
	if c, ok := ix.chains[e.ID]; ok {
		return c
	}
	ix.chains[e.ID] = nil // a refinement cycle in a damaged file ends here
	var here []*Element
	for _, b := range ix.regions[e.Diagram] {
		if insideRegion(e, b) {
			here = append(here, b)
		}
	}
	sort.Slice(here, func(i, j int) bool {
		ai, aj := here[i].Bounds().Area(), here[j].Bounds().Area()
		if ai != aj {
			return ai > aj
		}
		return here[i].ID < here[j].ID
	})
	var out []*Element
	if d := ix.m.Diagrams[e.Diagram]; d != nil {
		if p := ix.m.Elements[d.Refines]; p != nil {
			out = append(out, ix.BoundariesOf(p)...)
		}
	}
	out = append(out, here...)
	ix.chains[e.ID] = out
	return out
}

// Innermost returns the innermost boundary holding an element, or nil.
func (ix *Index) Innermost(e *Element) *Element {
	bs := ix.BoundariesOf(e)
	if len(bs) == 0 {
		return nil
	}
	return bs[len(bs)-1]
}

// Path is a flow's drawn polyline: the centre of its source, its bend
// points, the centre of its target. Ends in other diagrams (the interface
// of a child diagram) are left out.
func (m *Model) Path(f *Element) []Point {
	var pts []Point
	if s := m.Elements[f.Source]; s != nil && s.Diagram == f.Diagram {
		pts = append(pts, s.Centre())
	}
	pts = append(pts, f.Points...)
	if t := m.Elements[f.Target]; t != nil && t.Diagram == f.Diagram {
		pts = append(pts, t.Centre())
	}
	return pts
}

// Crossings returns the trust boundaries a flow crosses: every region that
// holds exactly one of its ends, outermost first, then every line boundary
// of its diagram that its path intersects.
func (ix *Index) Crossings(f *Element) []*Element {
	src, dst := ix.m.Elements[f.Source], ix.m.Elements[f.Target]
	if f.Kind != DataFlow || src == nil || dst == nil {
		return nil
	}
	srcChain, dstChain := ix.BoundariesOf(src), ix.BoundariesOf(dst)
	var out []*Element
	for _, b := range srcChain {
		if !containsElement(dstChain, b) {
			out = append(out, b)
		}
	}
	for _, b := range dstChain {
		if !containsElement(srcChain, b) {
			out = append(out, b)
		}
	}
	if lines := ix.lines[f.Diagram]; len(lines) > 0 {
		path := ix.m.Path(f)
		for _, b := range lines {
			if polylinesIntersect(path, b.Points) {
				out = append(out, b)
			}
		}
	}
	return out
}

func containsElement(es []*Element, e *Element) bool {
	for _, x := range es {
		if x == e {
			return true
		}
	}
	return false
}

func polylinesIntersect(a, b []Point) bool {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			if segmentsIntersect(a[i], a[i+1], b[j], b[j+1]) {
				return true
			}
		}
	}
	return false
}

// segmentsIntersect reports whether segments p1p2 and p3p4 meet.
func segmentsIntersect(p1, p2, p3, p4 Point) bool {
	d1 := orient(p3, p4, p1)
	d2 := orient(p3, p4, p2)
	d3 := orient(p1, p2, p3)
	d4 := orient(p1, p2, p4)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(p3, p4, p1)) || (d2 == 0 && onSegment(p3, p4, p2)) ||
		(d3 == 0 && onSegment(p1, p2, p3)) || (d4 == 0 && onSegment(p1, p2, p4))
}

func orient(a, b, c Point) float64 { return (b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X) }

func onSegment(a, b, p Point) bool {
	return min(a.X, b.X) <= p.X && p.X <= max(a.X, b.X) && min(a.Y, b.Y) <= p.Y && p.Y <= max(a.Y, b.Y)
}

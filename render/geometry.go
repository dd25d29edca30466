// Package render draws models: the geometry every drawing shares (where a
// flow meets its ends, where its label sits), diagram and attack-tree
// pictures, and the PDF report.
package render

import (
	"math"
	"sort"

	"github.com/rampart-tm/rampart/model"
)

// StubSize is the size of the box drawn for the outside end of an
// interface flow in a child diagram.
var StubSize = model.Point{X: 110, Y: 34}

// FlowPath is the polyline a flow is drawn along: from the border of its
// source, through its bend points, to the border of its target. An end in
// another diagram (the interface of a child diagram) or a missing end is
// drawn at the flow's first or last point. Nil when there is nothing to draw.
func FlowPath(m *model.Model, f *model.Element) []model.Point {
	src, dst := m.Elements[f.Source], m.Elements[f.Target]
	inner := f.Points
	srcHere := src != nil && src.Diagram == f.Diagram
	dstHere := dst != nil && dst.Diagram == f.Diagram
	var pts []model.Point
	if srcHere {
		switch {
		case len(inner) > 0:
			pts = append(pts, Clip(src, inner[0]))
		case dstHere:
			pts = append(pts, Clip(src, dst.Centre()))
		default:
			return nil // one end only, and nothing to draw towards
		}
	}
	pts = append(pts, inner...)
	if dstHere {
		switch {
		case len(inner) > 0:
			pts = append(pts, Clip(dst, inner[len(inner)-1]))
		case srcHere:
			pts = append(pts, Clip(dst, src.Centre()))
		default:
			return nil
		}
	}
	if len(pts) < 2 {
		return nil
	}
	// An outside end starts at the border of its stub box, not its centre.
	if src != nil && !srcHere && len(inner) > 0 {
		if r, ok := StubRect(f, true); ok {
			pts[0] = Clip(&model.Element{Kind: model.ExternalEntity, X: r.X, Y: r.Y, W: r.W, H: r.H}, pts[1])
		}
	}
	if dst != nil && !dstHere && len(inner) > 0 {
		if r, ok := StubRect(f, false); ok {
			n := len(pts)
			pts[n-1] = Clip(&model.Element{Kind: model.ExternalEntity, X: r.X, Y: r.Y, W: r.W, H: r.H}, pts[n-2])
		}
	}
	return pts
}

// Clip returns where the segment from the centre of a node toward a point
// leaves the node's outline: its ellipse for a process, its rectangle for
// others.
func Clip(e *model.Element, toward model.Point) model.Point {
	c := e.Centre()
	dx, dy := toward.X-c.X, toward.Y-c.Y
	if dx == 0 && dy == 0 {
		return c
	}
	hw, hh := e.W/2, e.H/2
	if hw <= 0 || hh <= 0 {
		return c
	}
	t := math.Min(hw/math.Abs(dx), hh/math.Abs(dy))
	if e.Kind == model.Process {
		t = stadiumClip(dx, dy, hw, hh, t)
	}
	if t > 1 {
		return toward // the point is inside the outline
	}
	return model.Point{X: c.X + dx*t, Y: c.Y + dy*t}
}

// ProcessRadius is the corner radius of a process drawn w×h: a stadium,
// rectangle with fully rounded ends.
func ProcessRadius(w, h float64) float64 { return math.Min(w, h) / 2 }

// stadiumClip corrects the ray parameter t where the rectangle hit lies on
// a rounded end of a stadium (centred at the origin, half sizes hw, hh):
// the ray then leaves through the end's circle.
func stadiumClip(dx, dy, hw, hh, t float64) float64 {
	r := math.Min(hw, hh)
	// Centres of the end circles, on the long axis.
	cx, cy := 0.0, 0.0
	x, y := dx*t, dy*t
	switch {
	case hw >= hh && math.Abs(x) > hw-r:
		cx = math.Copysign(hw-r, x)
	case hh > hw && math.Abs(y) > hh-r:
		cy = math.Copysign(hh-r, y)
	default:
		return t
	}
	// Solve |t'·d - c| = r for the larger root.
	a := dx*dx + dy*dy
	b := -2 * (dx*cx + dy*cy)
	cc := cx*cx + cy*cy - r*r
	disc := b*b - 4*a*cc
	if disc < 0 {
		return t
	}
	return (-b + math.Sqrt(disc)) / (2 * a)
}

// ArrowHead returns the two back corners of an arrowhead whose tip is at
// tip, pointing away from from.
func ArrowHead(tip, from model.Point, size float64) (model.Point, model.Point) {
	dx, dy := tip.X-from.X, tip.Y-from.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return tip, tip
	}
	ux, uy := dx/l, dy/l
	bx, by := tip.X-ux*size, tip.Y-uy*size
	w := size * 0.45
	return model.Point{X: bx - uy*w, Y: by + ux*w}, model.Point{X: bx + uy*w, Y: by - ux*w}
}

// Midpoint is the point halfway along a polyline, where a flow's label sits.
func Midpoint(path []model.Point) model.Point {
	if len(path) == 0 {
		return model.Point{}
	}
	total := 0.0
	for i := 1; i < len(path); i++ {
		total += dist(path[i-1], path[i])
	}
	half := total / 2
	for i := 1; i < len(path); i++ {
		d := dist(path[i-1], path[i])
		if d >= half && d > 0 {
			t := half / d
			return model.Point{X: path[i-1].X + (path[i].X-path[i-1].X)*t, Y: path[i-1].Y + (path[i].Y-path[i-1].Y)*t}
		}
		half -= d
	}
	return path[len(path)-1]
}

// DistanceToPath is the distance from p to the nearest point of a polyline.
func DistanceToPath(p model.Point, path []model.Point) float64 {
	best := math.Inf(1)
	for i := 1; i < len(path); i++ {
		best = math.Min(best, distanceToSegment(p, path[i-1], path[i]))
	}
	if len(path) == 1 {
		best = dist(p, path[0])
	}
	return best
}

// NearestSegment returns the index i of the segment path[i]–path[i+1]
// nearest to p.
func NearestSegment(p model.Point, path []model.Point) int {
	best, at := math.Inf(1), 0
	for i := 1; i < len(path); i++ {
		if d := distanceToSegment(p, path[i-1], path[i]); d < best {
			best, at = d, i-1
		}
	}
	return at
}

func distanceToSegment(p, a, b model.Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return dist(p, a)
	}
	t := math.Max(0, math.Min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l2))
	return dist(p, model.Point{X: a.X + t*dx, Y: a.Y + t*dy})
}

func dist(a, b model.Point) float64 { return math.Hypot(b.X-a.X, b.Y-a.Y) }

// StubRect is the box drawn for the outside end of an interface flow,
// centred on the flow's first (source) or last (target) point.
func StubRect(f *model.Element, source bool) (model.Rect, bool) {
	if len(f.Points) == 0 {
		return model.Rect{}, false
	}
	p := f.Points[len(f.Points)-1]
	if source {
		p = f.Points[0]
	}
	return model.Rect{X: p.X - StubSize.X/2, Y: p.Y - StubSize.Y/2, W: StubSize.X, H: StubSize.Y}, true
}

// DiagramBounds is the rectangle holding everything drawn in a diagram.
func DiagramBounds(m *model.Model, diagramID string) model.Rect {
	return boundsOf(elementsOf(m, diagramID))
}

// elementsOf returns the elements of one diagram, in no order.
func elementsOf(m *model.Model, diagramID string) []*model.Element {
	var out []*model.Element
	for _, e := range m.Elements {
		if e.Diagram == diagramID {
			out = append(out, e)
		}
	}
	return out
}

// boundsOf is the rectangle holding everything drawn for some elements.
func boundsOf(es []*model.Element) model.Rect {
	first := true
	var minX, minY, maxX, maxY float64
	grow := func(x, y float64) {
		if first {
			minX, minY, maxX, maxY, first = x, y, x, y, false
			return
		}
		minX, minY, maxX, maxY = math.Min(minX, x), math.Min(minY, y), math.Max(maxX, x), math.Max(maxY, y)
	}
	for _, e := range es {
		if e.W > 0 || e.H > 0 {
			grow(e.X, e.Y)
			grow(e.X+e.W, e.Y+e.H)
		}
		for _, p := range e.Points {
			grow(p.X-StubSize.X/2, p.Y-StubSize.Y/2)
			grow(p.X+StubSize.X/2, p.Y+StubSize.Y/2)
		}
	}
	if first {
		return model.Rect{W: 800, H: 600}
	}
	return model.Rect{X: minX, Y: minY, W: maxX - minX, H: maxY - minY}
}

// DrawOrder returns a diagram's elements in the order they are painted:
// boundaries (largest first, so nested ones stay visible), then flows, then
// nodes on top. Hit-testing walks it backwards.
func DrawOrder(m *model.Model, diagramID string) []*model.Element {
	return drawOrder(elementsOf(m, diagramID))
}

// drawOrder puts one diagram's elements in the order DrawOrder says.
func drawOrder(es []*model.Element) []*model.Element {
	var bounds, flows, nodes []*model.Element
	for _, e := range es {
		switch e.Kind {
		case model.TrustBoundary:
			bounds = append(bounds, e)
		case model.DataFlow:
			flows = append(flows, e)
		default:
			nodes = append(nodes, e)
		}
	}
	sort.Slice(bounds, func(i, j int) bool {
		ai, aj := bounds[i].W*bounds[i].H, bounds[j].W*bounds[j].H
		if ai != aj {
			return ai > aj
		}
		return bounds[i].ID < bounds[j].ID
	})
	byID := func(es []*model.Element) {
		sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	}
	byID(flows)
	byID(nodes)
	return append(append(bounds, flows...), nodes...)
}

// LabelSize estimates the size of a one-line label at a font size, for
// hit-testing and layout where no font metrics are at hand.
func LabelSize(text string, fontSize float64) model.Point {
	n := 0
	for range text {
		n++
	}
	return model.Point{X: float64(n) * fontSize * 0.55, Y: fontSize * 1.3}
}

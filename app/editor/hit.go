package editor

import (
	"math"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// Part says which part of an element a point is on; it decides what a
// drag does.
type Part int

// Parts of an element.
const (
	Nothing   Part = iota
	Body           // inside a node, on a flow, on a boundary's border or name: drag moves it
	Edge           // the rim of a node: drag draws a flow from it
	Corner         // the resize handle of a selected boundary
	BendPoint      // a bend point of a selected flow (Index tells which)
	StubEnd        // the outside end of an interface flow (Index tells which point)
)

// Hit is what lies under a point.
type Hit struct {
	ID    string
	Part  Part
	Index int // BendPoint and StubEnd: the index in the flow's Points
}

// FontSize is the size of element names in diagram units.
const FontSize = 13.0

// HitTest finds what is under p in the diagram on screen. tol is how near
// counts as on a line, in diagram units (a few pixels at the current zoom).
func (ed *Editor) HitTest(p model.Point, tol float64) Hit {
	order := render.DrawOrder(ed.Model, ed.diagram)
	// Handles of the selection come first: they are drawn on top.
	for _, e := range order {
		if !ed.selected[e.ID] {
			continue
		}
		switch {
		case e.Kind == model.TrustBoundary && !e.IsLine():
			c := model.Point{X: e.X + e.W, Y: e.Y + e.H}
			if math.Abs(p.X-c.X) <= tol*1.5 && math.Abs(p.Y-c.Y) <= tol*1.5 {
				return Hit{ID: e.ID, Part: Corner}
			}
		case e.Kind == model.DataFlow:
			for i, b := range e.Points {
				if math.Hypot(p.X-b.X, p.Y-b.Y) <= tol*1.5 {
					return Hit{ID: e.ID, Part: BendPoint, Index: i}
				}
			}
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		e := order[i]
		if !e.Kind.IsNode() {
			continue
		}
		r := e.Bounds()
		if !r.Contains(p) {
			continue
		}
		rim := math.Min(tol*1.5, math.Min(e.W, e.H)/4)
		if p.X-r.X < rim || r.X+r.W-p.X < rim || p.Y-r.Y < rim || r.Y+r.H-p.Y < rim {
			return Hit{ID: e.ID, Part: Edge}
		}
		return Hit{ID: e.ID, Part: Body}
	}
	for i := len(order) - 1; i >= 0; i-- {
		f := order[i]
		if f.Kind != model.DataFlow {
			continue
		}
		if h, ok := ed.hitStub(f, p); ok {
			return h
		}
		path := render.FlowPath(ed.Model, f)
		if len(path) < 2 {
			continue
		}
		if render.DistanceToPath(p, path) <= tol {
			return Hit{ID: f.ID, Part: Body}
		}
		mid, size := render.Midpoint(path), render.LabelSize(f.Name, FontSize-2)
		if math.Abs(p.X-mid.X) <= size.X/2 && math.Abs(p.Y-mid.Y) <= size.Y/2 {
			return Hit{ID: f.ID, Part: Body}
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		b := order[i]
		if b.Kind != model.TrustBoundary {
			continue
		}
		if b.IsLine() {
			if render.DistanceToPath(p, b.Points) <= tol {
				return Hit{ID: b.ID, Part: Body}
			}
			continue
		}
		r := b.Bounds()
		onBorder := r.Contains(p) && (p.X-r.X <= tol || r.X+r.W-p.X <= tol || p.Y-r.Y <= tol || r.Y+r.H-p.Y <= tol)
		label := render.LabelSize(b.Name, FontSize)
		onName := p.X >= r.X && p.X <= r.X+label.X+16 && p.Y >= r.Y && p.Y <= r.Y+label.Y+8
		outside := !model.Rect{X: r.X - tol, Y: r.Y - tol, W: r.W + 2*tol, H: r.H + 2*tol}.Contains(p)
		if (onBorder || onName) && !outside {
			return Hit{ID: b.ID, Part: Body}
		}
	}
	return Hit{}
}

// hitStub reports whether p is on the box drawn for the outside end of an
// interface flow.
func (ed *Editor) hitStub(f *model.Element, p model.Point) (Hit, bool) {
	if len(f.Points) == 0 {
		return Hit{}, false
	}
	for _, source := range []bool{true, false} {
		id := f.Target
		if source {
			id = f.Source
		}
		end := ed.Model.Elements[id]
		if end == nil || end.Diagram == f.Diagram {
			continue
		}
		if r, ok := render.StubRect(f, source); ok && r.Contains(p) {
			i := len(f.Points) - 1
			if source {
				i = 0
			}
			return Hit{ID: f.ID, Part: StubEnd, Index: i}, true
		}
	}
	return Hit{}, false
}

// InRect returns the elements of the diagram on screen that lie wholly
// inside r (rubber-band selection).
func (ed *Editor) InRect(r model.Rect) []string {
	var out []string
	for _, e := range ed.Model.ElementsIn(ed.diagram) {
		var box model.Rect
		switch {
		case e.Kind == model.DataFlow:
			path := render.FlowPath(ed.Model, e)
			if len(path) == 0 {
				continue
			}
			box = boundsOf(path)
		case e.IsLine():
			box = boundsOf(e.Points)
		default:
			box = e.Bounds()
		}
		if r.Encloses(box) {
			out = append(out, e.ID)
		}
	}
	return out
}

func boundsOf(pts []model.Point) model.Rect {
	minX, minY, maxX, maxY := pts[0].X, pts[0].Y, pts[0].X, pts[0].Y
	for _, p := range pts[1:] {
		minX, minY = math.Min(minX, p.X), math.Min(minY, p.Y)
		maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
	}
	return model.Rect{X: minX, Y: minY, W: maxX - minX, H: maxY - minY}
}

package render

import (
	"image/color"
	"math"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// The report draws a diagram with the editor's drawing code, but places the
// texts the editor puts at fixed points itself: a flow's name and threat
// badge, a boundary's title. On the canvas one moves what overlaps; on
// paper it must not overlap. planDiagram keeps a list of the rectangles
// taken (nodes with their badges, interface stubs, boundary titles and
// badges, the labels placed so far) and puts each text, in a fixed order,
// where it covers none of them, as near to where the editor puts it as it
// can: the cheapest free place of a list of places on the flow and beside
// it (a name set on one line or on two), where hiding part of another
// flow's line costs more than moving along; when none is free, further
// away, tied to the flow by a thin line. A flow that would run under a
// node other than its ends is bent around it.

// minTextPt is the smallest text the report prints, in points.
const minTextPt = 6.0

// placed is a text the report's drawing places, with its badge: a flow's
// name, a boundary's title, or a badge alone (an unnamed flow's, or a
// boundary's at its corner).
type placed struct {
	el    *model.Element
	lines []string
	size  float64
	box   model.Rect  // the text with its background; zero for a badge alone
	badge model.Point // the corner drawBadge draws the badge at
	// hasBadge says the element has open threats to count.
	hasBadge bool
	// A text placed away from its flow is tied to it by a leader line,
	// from the flow to the text.
	leader    [2]model.Point
	hasLeader bool
}

// rects is what the text covers: its box and its badge.
func (t placed) rects() []model.Rect {
	var out []model.Rect
	if t.box.W > 0 {
		out = append(out, t.box)
	}
	if t.hasBadge {
		out = append(out, badgeRect(t.badge))
	}
	return out
}

// badgeRect is the square a badge drawn at a corner (see drawBadge) covers.
func badgeRect(corner model.Point) model.Rect {
	const r = 10 + 0.75 // the circle and half its outline
	return model.Rect{X: corner.X - 4 - r, Y: corner.Y - 4 - r, W: 2 * r, H: 2 * r}
}

// diagramPlan is a diagram as the report draws it: its elements in draw
// order, flows as drawn (bent around nodes, their names left to the
// placed texts), where its texts go, and what it all covers.
type diagramPlan struct {
	order  []*model.Element
	drawn  []*model.Element // order, with each flow as the report draws it
	covers []model.Rect     // what each element of order covers when drawn
	texts  []placed
	// fixed are the rectangles no placed text may overlap besides the
	// texts themselves: nodes with their badges and marks, and stubs.
	fixed []owned
	// nodeBadges is the corner each node's badge is drawn at.
	nodeBadges map[string]model.Point
	ext        model.Rect // everything drawn, with a margin
	minText    float64    // the smallest text drawn, in diagram units; 0 for none
}

// legibleScale is the smallest scale, in mm per diagram unit, at which the
// plan's smallest text prints at minTextPt.
func (p *diagramPlan) legibleScale() float64 {
	if p.minText <= 0 {
		return 0
	}
	return minTextPt * 25.4 / 72 / p.minText
}

// fitScale is the scale that fits the drawing into w × h mm, at most half a
// millimetre per unit (a small diagram is not blown up).
func (p *diagramPlan) fitScale(w, h float64) float64 {
	return min(w/p.ext.W, h/p.ext.H, 0.5)
}

// nodeRects is what a node covers when drawn: its shape, and its problem
// mark at the top-left corner (its badge is placed, see nodeBadge).
func nodeRects(e *model.Element, b Badge) []model.Rect {
	out := []model.Rect{grow(e.Bounds(), 2)}
	if b.Problem {
		out = append(out, model.Rect{X: e.X - 5, Y: e.Y - 13, W: 18, H: 18})
	}
	return out
}

func grow(r model.Rect, d float64) model.Rect {
	return model.Rect{X: r.X - d, Y: r.Y - d, W: r.W + 2*d, H: r.H + 2*d}
}

// planDiagram works out how the report draws a diagram's elements (in
// ElementsIn order): detours, where every text goes, and the smallest text.
func planDiagram(m *model.Model, elems []*model.Element, badges map[string]Badge) *diagramPlan {
	p := &diagramPlan{order: drawOrder(elems)}
	p.drawn = make([]*model.Element, len(p.order))
	p.covers = make([]model.Rect, len(p.order))
	var nodes []*model.Element
	area := grow(boundsOf(elems), 200)
	pl, nodeIx := newPlacer(area), newGrid(area)
	for _, e := range p.order {
		if e.Kind.IsNode() {
			nodeIx.add(len(nodes), e.Bounds())
			nodes = append(nodes, e)
			for _, r := range nodeRects(e, badges[e.ID]) {
				p.fixed = append(p.fixed, owned{r: r, id: e.ID})
			}
		}
	}
	paths := make([][]model.Point, len(p.order))
	for i, e := range p.order {
		p.drawn[i] = e
		switch {
		case e.Kind.IsNode():
			p.covers[i] = boundsOfRects(nodeRects(e, badges[e.ID]))
		case e.Kind == model.TrustBoundary && e.IsLine():
			p.covers[i] = grow(boundsOfPoints(e.Points), 2)
			pl.addPath("", e.Points, true)
		case e.Kind == model.TrustBoundary:
			p.covers[i] = grow(e.Bounds(), 2)
			pl.addPath("", []model.Point{{X: e.X, Y: e.Y}, {X: e.X + e.W, Y: e.Y}, {X: e.X + e.W, Y: e.Y + e.H},
				{X: e.X, Y: e.Y + e.H}, {X: e.X, Y: e.Y}}, true)
		case e.Kind == model.DataFlow:
			f := detour(m, e, nodes, nodeIx)
			p.drawn[i] = f
			paths[i] = FlowPath(m, f)
			var cover []model.Rect
			if len(paths[i]) > 1 {
				cover = append(cover, grow(boundsOfPoints(paths[i]), 8))
			}
			for _, source := range []bool{true, false} {
				id := f.Target
				if source {
					id = f.Source
				}
				if end := m.Elements[id]; end != nil && end.Diagram != f.Diagram {
					if r, ok := StubRect(f, source); ok {
						cover = append(cover, r)
						p.fixed = append(p.fixed, owned{r: r, id: e.ID})
					}
				}
			}
			p.covers[i] = boundsOfRects(cover)
			pl.addPath(e.ID, paths[i], false)
		}
	}
	p.nodeBadges = map[string]model.Point{}
	for _, i := range nodeOrder(p.order) {
		e := p.order[i]
		if badges[e.ID].Count() == 0 {
			continue
		}
		at := nodeBadge(pl, e, nodes, nodeIx, p.nodeBadges, badges[e.ID].Problem)
		p.nodeBadges[e.ID] = at
		p.fixed = append(p.fixed, owned{r: badgeRect(at), id: e.ID, badge: true})
		p.covers[i] = union(p.covers[i], badgeRect(at))
	}
	for _, o := range p.fixed {
		pl.take(o.r)
	}
	// Boundary badges stay at their corner; titles go first, so that they
	// stay where a reader looks for them.
	for _, e := range p.order {
		if e.Kind == model.TrustBoundary && !e.IsLine() && badges[e.ID].Count() > 0 {
			t := placed{el: e, badge: model.Point{X: e.X + e.W, Y: e.Y}, hasBadge: true}
			p.texts = append(p.texts, t)
			pl.take(t.rects()...)
		}
	}
	for _, e := range p.order {
		if e.Kind == model.TrustBoundary {
			t := placed{el: e, lines: []string{printable(e.Label())}, size: FontSize}
			spots := titleSpots(e, TextWidth(t.lines[0], FontSize, true)+8, FontSize*1.3+4)
			at, _ := pl.best(spots, "", false)
			t.box = at.box
			p.texts = append(p.texts, t)
			pl.take(t.box)
		}
	}
	// The shortest flows have the least room: their labels go first.
	var flows []int
	for i, e := range p.order {
		if e.Kind == model.DataFlow && len(paths[i]) > 1 && (e.Name != "" || badges[e.ID].Count() > 0) {
			flows = append(flows, i)
		}
	}
	sort.SliceStable(flows, func(a, b int) bool { return pathLength(paths[flows[a]]) < pathLength(paths[flows[b]]) })
	for _, i := range flows {
		t := flowLabel(pl, p.order[i], paths[i], badges[p.order[i].ID].Count() > 0)
		p.texts = append(p.texts, t)
		pl.take(t.rects()...)
	}
	ext := boundsOf(elems)
	for _, c := range p.covers {
		if c.W > 0 || c.H > 0 {
			ext = union(ext, c)
		}
	}
	for _, t := range p.texts {
		for _, r := range t.rects() {
			ext = union(ext, r)
		}
	}
	p.ext = finiteRect(grow(ext, 12))
	probe := &textProbe{}
	p.draw(probe, m, badges, nil, 0)
	p.minText = probe.min
	return p
}

// owned is a rectangle of a drawing and the element it belongs to; badge
// says it is the element's badge.
type owned struct {
	r     model.Rect
	id    string
	badge bool
}

// placements are the rectangles of a diagram's drawing in the report: the
// texts placed (flows' names, boundaries' titles, their badges), none of
// which may overlap another, but for a flow's badge on the corner of its
// name; and what they must keep clear of (nodes with their badges and
// marks, interface stubs).
func (p *diagramPlan) placements() (texts, fixed []owned) {
	for _, t := range p.texts {
		if t.box.W > 0 {
			texts = append(texts, owned{r: t.box, id: t.el.ID})
		}
		if t.hasBadge {
			texts = append(texts, owned{r: badgeRect(t.badge), id: t.el.ID, badge: true})
		}
	}
	return texts, p.fixed
}

// flowLabel places a flow's name with its badge (or its badge alone when
// it has no name) along its path. The name is set as the editor sets it,
// or, unless it is short, on two lines, which fits between close nodes.
func flowLabel(pl *placer, f *model.Element, path []model.Point, badge bool) placed {
	t := placed{el: f, size: FontSize * 0.9, hasBadge: badge}
	var sets [][]string
	var sizes []model.Point
	if f.Name == "" {
		sq := badgeRect(model.Point{})
		sets, sizes = [][]string{nil}, []model.Point{{X: sq.W, Y: sq.H}}
	} else {
		name := printable(f.Name)
		sets = [][]string{Wrap(name, 180, t.size, false, 2)}
		if narrow := twoLines(name, t.size); len(sets[0]) == 1 && narrow != nil && linesWidth(sets[0], t.size) > 80 {
			sets = append(sets, narrow)
		}
		for _, lines := range sets {
			sizes = append(sizes, model.Point{X: linesWidth(lines, t.size) + 8, Y: float64(len(lines))*t.size*1.25 + 4})
		}
	}
	badged := badge && f.Name != ""
	at, cost := pl.best(alongSpots(path, sizes, false), f.ID, badged)
	if cost >= clashCost {
		if far, farCost := pl.best(alongSpots(path, sizes, true), f.ID, badged); farCost < cost {
			at = far
		}
	}
	t.leader, t.hasLeader = at.leader, at.far
	if f.Name == "" {
		sq := badgeRect(model.Point{})
		t.badge = model.Point{X: at.box.X - sq.X, Y: at.box.Y - sq.Y}
		return t
	}
	t.lines, t.box, t.badge = sets[at.set], at.box, labelBadge(at.box)
	return t
}

// twoLines sets a one-line name on two lines as even as can be; nil for a
// single word.
func twoLines(name string, size float64) []string {
	words := splitWords(name)
	var best []string
	bestW := math.Inf(1)
	for i := 1; i < len(words); i++ {
		lines := []string{strings.Join(words[:i], " "), strings.Join(words[i:], " ")}
		if w := linesWidth(lines, size); w < bestW {
			best, bestW = lines, w
		}
	}
	return best
}

func linesWidth(lines []string, size float64) float64 {
	w := 0.0
	for _, l := range lines {
		w = max(w, TextWidth(l, size, false))
	}
	return w
}

// labelBadge is where a flow label's badge goes: on its top right corner,
// as the editor draws it.
func labelBadge(box model.Rect) model.Point {
	return model.Point{X: box.X + box.W + 13, Y: box.Y + 2} // the circle just clear of the text
}

// spot is a place a text may go (its box, set as the set-th way of
// setting it) and what going there costs. A far spot is away from its
// flow, and tied to it by a leader line.
type spot struct {
	box    model.Rect
	cost   float64
	set    int
	far    bool
	leader [2]model.Point
}

// titleSpots are the places a boundary's title may go: inside its top
// left corner as the editor draws it, further along the top, then in the
// other corners; a line boundary's at either end of its line.
func titleSpots(e *model.Element, w, h float64) []spot {
	if e.IsLine() {
		first, last := e.Points[0], e.Points[len(e.Points)-1]
		return []spot{{box: model.Rect{X: first.X + 2, Y: first.Y - 6 - FontSize - 2, W: w, H: h}},
			{box: model.Rect{X: first.X + 2, Y: first.Y + 6, W: w, H: h}, cost: 10},
			{box: model.Rect{X: last.X + 2, Y: last.Y - 6 - FontSize - 2, W: w, H: h}, cost: 20},
			{box: model.Rect{X: last.X - w - 2, Y: last.Y + 6, W: w, H: h}, cost: 30}}
	}
	top, bottom := e.Y+3, e.Y+e.H-h-3
	var out []spot
	for k := 0.0; k < 6; k++ {
		x := e.X + 4 + k*0.15*max(0, e.W-w-30)
		out = append(out, spot{box: model.Rect{X: x, Y: top, W: w, H: h}, cost: 5 * k})
	}
	return append(out, spot{box: model.Rect{X: e.X + 4, Y: bottom, W: w, H: h}, cost: 40},
		spot{box: model.Rect{X: e.X + e.W - w - 4, Y: bottom, W: w, H: h}, cost: 45},
		spot{box: model.Rect{X: e.X + 4, Y: e.Y - h - 3, W: w, H: h}, cost: 60})
}

// alongSpots are the places a text may go along a path, in each of the
// sizes it may be set in: near ones centred on the path or just beside it,
// at the middle first and then further out; or far ones, further away.
func alongSpots(path []model.Point, sizes []model.Point, far bool) []spot {
	total := pathLength(path)
	var spots []spot
	add := func(t, k float64) {
		p, u := pointAlong(path, total*t)
		n := model.Point{X: -u.Y, Y: u.X}
		for set, sz := range sizes {
			w, h := sz.X, sz.Y
			// off puts the box just clear of the line through p.
			off := w/2*math.Abs(n.X) + h/2*math.Abs(n.Y) + 3
			cost := math.Abs(t-0.5)*60 + 8*k + 30*float64(set)
			if k == 0 && w*math.Abs(u.X)+h*math.Abs(u.Y) > 0.6*total {
				cost += 40 // the label would hide most of a short flow
			}
			for _, side := range []float64{1, -1} {
				c := model.Point{X: p.X + n.X*(off+(k-1)*(h+4))*side, Y: p.Y + n.Y*(off+(k-1)*(h+4))*side}
				if k == 0 {
					c = p
				}
				box := model.Rect{X: c.X - w/2, Y: c.Y - h/2, W: w, H: h}
				spots = append(spots, spot{box: box, cost: cost, set: set, far: k > 1, leader: [2]model.Point{p, nearestOn(box, p)}})
				if k == 0 {
					break
				}
			}
		}
	}
	if !far {
		for _, t := range []float64{0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82} {
			add(t, 0)
			add(t, 1)
		}
		return spots
	}
	for t := 1; t <= 9; t++ {
		for k := 2.0; k <= 4; k++ {
			add(float64(t)/10, k)
		}
	}
	return spots
}

// nearestOn is the point of a rectangle nearest to p.
func nearestOn(r model.Rect, p model.Point) model.Point {
	return model.Point{X: min(max(p.X, r.X), r.X+r.W), Y: min(max(p.Y, r.Y), r.Y+r.H)}
}

// pointAlong is the point at a distance along a path and the direction of
// the path there (a unit vector; along x for a path of no length).
func pointAlong(path []model.Point, d float64) (model.Point, model.Point) {
	for i := 1; i < len(path); i++ {
		l := dist(path[i-1], path[i])
		if (d <= l || i == len(path)-1) && l > 0 {
			t := min(1, max(0, d/l))
			a, b := path[i-1], path[i]
			return model.Point{X: a.X + (b.X-a.X)*t, Y: a.Y + (b.Y-a.Y)*t},
				model.Point{X: (b.X - a.X) / l, Y: (b.Y - a.Y) / l}
		}
		d -= l
	}
	return path[0], model.Point{X: 1}
}

// draw draws the plan: boundaries, flows and nodes with the editor's code,
// then the placed texts on top. With an area, only what reaches into it is
// drawn (a tile). Text smaller than minSize (diagram units) is left out,
// with the background of a placed text (an overview too small to read).
func (p *diagramPlan) draw(s Surface, m *model.Model, badges map[string]Badge, area *model.Rect, minSize float64) {
	shapes, ts := shapesOnly{s}, s
	if minSize > 0 {
		ts = legibleOnly{s, minSize}
	}
	in := func(r model.Rect) bool { return area == nil || r.Overlaps(*area) }
	for i, e := range p.order {
		if e.Kind == model.TrustBoundary && in(p.covers[i]) {
			drawBoundary(shapes, e, Badge{}) // its title and badge are placed
		}
	}
	for i, e := range p.order {
		if e.Kind == model.DataFlow && in(p.covers[i]) {
			drawFlow(ts, m, p.drawn[i], Badge{})
		}
	}
	for i, e := range p.order {
		if e.Kind.IsNode() && in(p.covers[i]) {
			b := badges[e.ID]
			drawNode(ts, e, Badge{Problem: b.Problem, Refined: b.Refined})
			if at, ok := p.nodeBadges[e.ID]; ok {
				drawBadge(ts, at.X, at.Y, b)
			}
		}
	}
	for i, e := range p.order {
		if e.Kind == model.DataFlow && in(p.covers[i]) {
			drawLooseEnds(ts, m, p.drawn[i])
		}
	}
	for _, t := range p.texts {
		if area != nil && !in(boundsOfRects(t.rects())) {
			continue
		}
		if t.box.W > 0 && t.size >= minSize {
			if t.hasLeader {
				s.Line(t.leader[0].X, t.leader[0].Y, t.leader[1].X, t.leader[1].Y, MutedColor, 0.8, false)
			}
			t.drawText(s)
		}
		if t.hasBadge {
			drawBadge(ts, t.badge.X, t.badge.Y, badges[t.el.ID])
		}
	}
}

// drawText draws a placed text on its background: a title from its left,
// a flow's name centred, as the editor does.
func (t placed) drawText(s Surface) {
	s.Rect(t.box.X, t.box.Y, t.box.W, t.box.H, 3, labelBg, nil, 0, false)
	y := t.box.Y + 2 + t.size
	if t.el.Kind == model.TrustBoundary {
		s.Text(t.box.X+4, y, t.lines[0], t.size, true, Left, BoundaryColor)
		return
	}
	ink := color.Color(InkColor)
	if t.el.OutOfScope {
		ink = OutOfScope
	}
	for _, l := range t.lines {
		s.Text(t.box.X+t.box.W/2, y, l, t.size, false, Center, ink)
		y += t.size * 1.25
	}
}

// shapesOnly draws on a surface without text.
type shapesOnly struct{ Surface }

func (shapesOnly) Text(float64, float64, string, float64, bool, Align, color.Color) {}

// legibleOnly draws on a surface without the text smaller than a size.
type legibleOnly struct {
	Surface
	min float64
}

func (l legibleOnly) Text(x, y float64, s string, size float64, bold bool, align Align, c color.Color) {
	if size >= l.min {
		l.Surface.Text(x, y, s, size, bold, align, c)
	}
}

// textProbe draws nothing and keeps the smallest size of the texts drawn.
type textProbe struct{ min float64 }

func (*textProbe) Rect(float64, float64, float64, float64, float64, color.Color, color.Color, float64, bool) {
}
func (*textProbe) Line(float64, float64, float64, float64, color.Color, float64, bool) {}
func (*textProbe) Polygon([]float64, []float64, color.Color)                           {}
func (*textProbe) Circle(float64, float64, float64, color.Color, color.Color, float64) {}
func (p *textProbe) Text(_, _ float64, s string, size float64, _ bool, _ Align, _ color.Color) {
	for _, r := range s {
		if r != ' ' && r != '\t' && r != '\n' {
			if p.min == 0 || size < p.min {
				p.min = size
			}
			return
		}
	}
}

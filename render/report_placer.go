package render

import (
	"math"
	"sort"

	"github.com/rampart-tm/rampart/model"
)

// placer keeps what a placed text must not cover (taken) and the lines it
// had better not hide (segments), each in a grid to find those near a
// place quickly.
type placer struct {
	taken   []model.Rect
	segs    []segment
	takenIx *grid
	segsIx  *grid
}

func newPlacer(area model.Rect) *placer {
	return &placer{takenIx: newGrid(area), segsIx: newGrid(area)}
}

type segment struct {
	a, b     model.Point
	owner    string // the flow's ID; "" for a boundary
	boundary bool
}

func (pl *placer) addPath(owner string, path []model.Point, boundary bool) {
	for i := 1; i < len(path); i++ {
		pl.segsIx.addSegment(len(pl.segs), path[i-1], path[i])
		pl.segs = append(pl.segs, segment{path[i-1], path[i], owner, boundary})
	}
}

func (pl *placer) take(rs ...model.Rect) {
	for _, r := range rs {
		pl.takenIx.add(len(pl.taken), r)
		pl.taken = append(pl.taken, r)
	}
}

// Costs of a spot besides its distance from where the editor puts a text:
// hiding part of another flow's line, or of a boundary's, or covering what
// is taken.
const (
	crossFlowCost     = 1000
	crossBoundaryCost = 150
	clashCost         = 1e7 // and more per square unit covered
)

// best returns the cheapest spot and its cost: one that covers nothing
// taken (with the badge on its corner when badged), hiding as little of
// other lines as it can; when none is free, the one covering least. A
// cost of clashCost or more says it covers something.
func (pl *placer) best(spots []spot, owner string, badged bool) (spot, float64) {
	// In order of cost, so that the search stops at the first spot whose
	// place alone costs more than the best found.
	sort.SliceStable(spots, func(i, j int) bool { return spots[i].cost < spots[j].cost })
	bestAt, bestCost := 0, math.Inf(1)
	for i, s := range spots {
		if s.cost >= bestCost {
			break
		}
		all := [2]model.Rect{s.box, badgeRect(labelBadge(s.box))}
		rs := all[:1]
		if badged {
			rs = all[:2]
		}
		cost, covered := s.cost, 0.0
		for _, t := range pl.takenIx.near(rs...) {
			for _, r := range rs {
				covered += overlapArea(r, pl.taken[t])
			}
		}
		if covered > 0 {
			cost += clashCost + covered*clashCost
		}
		if cost < bestCost {
			cost += pl.crossings(rs, owner)
			if cost < bestCost {
				bestAt, bestCost = i, cost
			}
		}
	}
	return spots[bestAt], bestCost
}

// crossings is the cost of the lines the rectangles would hide.
func (pl *placer) crossings(rs []model.Rect, owner string) float64 {
	cost := 0.0
	for _, i := range pl.segsIx.near(rs...) {
		sg := pl.segs[i]
		if sg.owner == owner && owner != "" {
			continue
		}
		for _, r := range rs {
			if segmentHitsRect(sg.a, sg.b, r) {
				if sg.boundary {
					cost += crossBoundaryCost
				} else {
					cost += crossFlowCost
				}
				break
			}
		}
	}
	return cost
}

// grid finds the items that may meet a rectangle: a diagram's area is cut
// into at most about maxCells square cells, each listing the items (their
// bounds, or the cells a segment passes) that reach into it; what lies
// beyond the area counts in the cells at its edge. An item that is not a
// number is tried for every rectangle.
type grid struct {
	x, y, size float64
	nx, ny     int
	cells      [][]int
	wide       []int
	seen       []int // the query each item was last found in
	query      int
	found      []int
}

const maxCells = 4096

func newGrid(area model.Rect) *grid {
	area = finiteRect(area)
	g := &grid{x: area.X, y: area.Y, size: max(48, math.Sqrt(area.W*area.H/maxCells))}
	g.nx = int(min(maxCells, math.Ceil(area.W/g.size)))
	g.ny = int(min(maxCells, math.Ceil(area.H/g.size)))
	g.cells = make([][]int, g.nx*g.ny)
	return g
}

func finitePoint(p model.Point) bool {
	return !math.IsNaN(p.X) && !math.IsNaN(p.Y) && !math.IsInf(p.X, 0) && !math.IsInf(p.Y, 0)
}

// cell is the column or row a coordinate falls in, held to the grid.
func (g *grid) cell(v, origin float64, n int) int {
	return int(min(float64(n-1), max(0, math.Floor((v-origin)/g.size))))
}

func (g *grid) note(id int) {
	for len(g.seen) <= id {
		g.seen = append(g.seen, 0)
	}
}

func (g *grid) add(id int, r model.Rect) {
	g.note(id)
	a, b := model.Point{X: r.X, Y: r.Y}, model.Point{X: r.X + r.W, Y: r.Y + r.H}
	if !finitePoint(a) || !finitePoint(b) {
		g.wide = append(g.wide, id)
		return
	}
	for cy := g.cell(a.Y, g.y, g.ny); cy <= g.cell(b.Y, g.y, g.ny); cy++ {
		for cx := g.cell(a.X, g.x, g.nx); cx <= g.cell(b.X, g.x, g.nx); cx++ {
			g.cells[cy*g.nx+cx] = append(g.cells[cy*g.nx+cx], id)
		}
	}
}

// addSegment adds a segment to the cells it passes through.
func (g *grid) addSegment(id int, a, b model.Point) {
	g.note(id)
	if !finitePoint(a) || !finitePoint(b) {
		g.wide = append(g.wide, id)
		return
	}
	g.segmentCells(a, b, func(c int) { g.cells[c] = append(g.cells[c], id) })
}

// segmentCells calls f with each cell a segment passes through, column by
// column.
func (g *grid) segmentCells(a, b model.Point, f func(cell int)) {
	if a.X > b.X {
		a, b = b, a
	}
	for cx := g.cell(a.X, g.x, g.nx); cx <= g.cell(b.X, g.x, g.nx); cx++ {
		// The part of the segment within the column (all of it for the
		// columns at the edge, which hold what lies beyond).
		x0, x1 := a.X, b.X
		if cx > 0 {
			x0 = max(x0, g.x+float64(cx)*g.size)
		}
		if cx < g.nx-1 {
			x1 = min(x1, g.x+float64(cx+1)*g.size)
		}
		y0, y1 := a.Y, b.Y
		if dx := b.X - a.X; dx > 0 {
			y0, y1 = a.Y+(b.Y-a.Y)*(x0-a.X)/dx, a.Y+(b.Y-a.Y)*(x1-a.X)/dx
		}
		if y0 > y1 {
			y0, y1 = y1, y0
		}
		for cy := g.cell(y0, g.y, g.ny); cy <= g.cell(y1, g.y, g.ny); cy++ {
			f(cy*g.nx + cx)
		}
	}
}

// nearSegment returns the items that may meet a segment, each once (valid
// until the next query).
func (g *grid) nearSegment(a, b model.Point) []int {
	g.start()
	if !finitePoint(a) || !finitePoint(b) {
		for id := range g.seen {
			g.take(id)
		}
		return g.found
	}
	g.segmentCells(a, b, func(c int) {
		for _, id := range g.cells[c] {
			g.take(id)
		}
	})
	return g.found
}

func (g *grid) start() {
	g.query++
	g.found = g.found[:0]
	for _, id := range g.wide {
		g.take(id)
	}
}

func (g *grid) take(id int) {
	if g.seen[id] != g.query {
		g.seen[id] = g.query
		g.found = append(g.found, id)
	}
}

// near returns the items that may meet any of the rectangles, each once
// (valid until the next query).
func (g *grid) near(rs ...model.Rect) []int {
	g.start()
	for _, r := range rs {
		a, b := model.Point{X: r.X, Y: r.Y}, model.Point{X: r.X + r.W, Y: r.Y + r.H}
		if !finitePoint(a) || !finitePoint(b) {
			for id := range g.seen {
				g.take(id)
			}
			continue
		}
		for cy := g.cell(a.Y, g.y, g.ny); cy <= g.cell(b.Y, g.y, g.ny); cy++ {
			for cx := g.cell(a.X, g.x, g.nx); cx <= g.cell(b.X, g.x, g.nx); cx++ {
				for _, id := range g.cells[cy*g.nx+cx] {
					g.take(id)
				}
			}
		}
	}
	return g.found
}

// overlapArea is the area two rectangles share.
func overlapArea(a, b model.Rect) float64 {
	w := min(a.X+a.W, b.X+b.W) - max(a.X, b.X)
	h := min(a.Y+a.H, b.Y+b.H) - max(a.Y, b.Y)
	if w > 0 && h > 0 {
		return w * h
	}
	return 0
}

// segmentHitsRect reports whether the segment a–b passes through r
// (Liang–Barsky clipping).
func segmentHitsRect(a, b model.Point, r model.Rect) bool {
	if max(a.X, b.X) < r.X || min(a.X, b.X) > r.X+r.W || max(a.Y, b.Y) < r.Y || min(a.Y, b.Y) > r.Y+r.H {
		return false
	}
	t0, t1 := 0.0, 1.0
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, c := range [4][2]float64{{-dx, a.X - r.X}, {dx, r.X + r.W - a.X}, {-dy, a.Y - r.Y}, {dy, r.Y + r.H - a.Y}} {
		p, q := c[0], c[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = max(t0, t)
		} else {
			t1 = min(t1, t)
		}
	}
	return t0 < t1
}

// detour is a flow as the report draws it: without its name (the report
// places it) and, where a stretch of it would pass under a node other than
// its ends, bent around that node at one of its corners, up to three times.
// The nodes are in a grid by their index in nodes.
func detour(m *model.Model, f *model.Element, nodes []*model.Element, ix *grid) *model.Element {
	c := *f
	c.Name = ""
	// under is the first node (in nodes' order) the segment a–b passes
	// under, and how many it does.
	under := func(a, b model.Point) (int, int) {
		first, n := -1, 0
		for _, k := range ix.nearSegment(a, b) {
			if e := nodes[k]; e.ID != f.Source && e.ID != f.Target && passesUnder(a, b, e) {
				n++
				if first < 0 || k < first {
					first = k
				}
			}
		}
		return first, n
	}
	// crossed counts the nodes a path passes under, and gives its first
	// segment that does and the node.
	crossed := func(path []model.Point) (n, seg, node int) {
		seg, node = -1, -1
		for i := 1; i < len(path); i++ {
			first, k := under(path[i-1], path[i])
			if k > 0 && seg < 0 {
				seg, node = i-1, first
			}
			n += k
		}
		return n, seg, node
	}
	path := FlowPath(m, &c)
	n, seg, node := crossed(path)
	src := m.Elements[f.Source]
	for try := 0; try < 3 && n > 0; try++ {
		at := seg // where the bend goes in Points: before the segment's end
		if src == nil || src.Diagram != f.Diagram {
			at = seg + 1
		}
		best, bestN, bestLen := c, n, math.Inf(1)
		o := grow(nodes[node].Bounds(), 18)
		corners := []model.Point{{X: o.X, Y: o.Y}, {X: o.X + o.W, Y: o.Y}, {X: o.X, Y: o.Y + o.H}, {X: o.X + o.W, Y: o.Y + o.H}}
		for _, corner := range corners {
			bent := c
			bent.Points = append(append(append([]model.Point{}, c.Points[:at]...), corner), c.Points[at:]...)
			p := FlowPath(m, &bent)
			k, _, _ := crossed(p)
			if l := pathLength(p); k < bestN || (k == bestN && k < n && l < bestLen) {
				best, bestN, bestLen = bent, k, l
			}
		}
		if bestN >= n {
			break
		}
		c = best
		path = FlowPath(m, &c)
		n, seg, node = crossed(path)
	}
	return &c
}

// passesUnder reports whether the segment a–b runs under a node, not just
// grazing its outline.
func passesUnder(a, b model.Point, e *model.Element) bool {
	return e.W > 4 && e.H > 4 && segmentHitsRect(a, b, grow(e.Bounds(), -2))
}

func pathLength(path []model.Point) float64 {
	l := 0.0
	for i := 1; i < len(path); i++ {
		l += dist(path[i-1], path[i])
	}
	return l
}

func boundsOfPoints(ps []model.Point) model.Rect {
	if len(ps) == 0 {
		return model.Rect{}
	}
	r := model.Rect{X: ps[0].X, Y: ps[0].Y}
	for _, p := range ps[1:] {
		r = union(r, model.Rect{X: p.X, Y: p.Y})
	}
	return r
}

func boundsOfRects(rs []model.Rect) model.Rect {
	if len(rs) == 0 {
		return model.Rect{}
	}
	r := rs[0]
	for _, o := range rs[1:] {
		r = union(r, o)
	}
	return r
}

// nodeOrder lists the indexes of the nodes in order, top to bottom and
// left to right, so that badges are placed as a reader scans the page.
func nodeOrder(order []*model.Element) []int {
	var out []int
	for i, e := range order {
		if e.Kind.IsNode() {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		ea, eb := order[out[a]], order[out[b]]
		if ea.Y != eb.Y {
			return ea.Y < eb.Y
		}
		return ea.X < eb.X
	})
	return out
}

// nodeBadge chooses the corner of a node its badge is drawn at: the
// top-right one, as in the editor, unless the badge there would touch
// another node or its badge, or sit on a line, where another corner is
// clear. A badge must read as its node's, not as a neighbour's or a
// flow's.
func nodeBadge(pl *placer, e *model.Element, nodes []*model.Element, nodeIx *grid, placed map[string]model.Point,
	problem bool) model.Point {
	corners := []model.Point{ // where drawBadge puts its circle just off each corner
		{X: e.X + e.W, Y: e.Y}, {X: e.X + 8, Y: e.Y}, {X: e.X + e.W, Y: e.Y + e.H + 8}, {X: e.X + 8, Y: e.Y + e.H + 8}}
	preference := []float64{0, 30, 45, 60}
	if problem {
		preference[1] = math.Inf(1) // the problem mark is there
	}
	best, bestCost := corners[0], math.Inf(1)
	for k, c := range corners {
		r := badgeRect(c)
		cost := preference[k] + pl.crossings([]model.Rect{r}, "")
		for _, n := range nodeIx.near(grow(r, 30)) { // a neighbour's badge sits off its corner
			other := nodes[n]
			if other == e {
				continue
			}
			if a := overlapArea(r, grow(other.Bounds(), 2)); a > 0 {
				cost += clashCost * (1 + a)
			}
			if at, ok := placed[other.ID]; ok {
				if a := overlapArea(r, badgeRect(at)); a > 0 {
					cost += clashCost * (1 + a)
				}
			}
		}
		if cost < bestCost {
			best, bestCost = c, cost
		}
	}
	return best
}

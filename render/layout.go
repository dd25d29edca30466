package render

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/cgraph"

	"github.com/rampart-tm/rampart/model"
)

// One graphviz (a WebAssembly module) serves every layout: starting one
// costs more than most layouts, and it is not safe for concurrent use.
var (
	gvMu   sync.Mutex
	gvInst *graphviz.Graphviz
)

// withGraphviz runs f with the shared graphviz instance.
func withGraphviz(f func(*graphviz.Graphviz) error) error {
	gvMu.Lock()
	defer gvMu.Unlock()
	if gvInst == nil {
		g, err := graphviz.New(context.Background())
		if err != nil {
			return fmt.Errorf("start graphviz: %w", err)
		}
		gvInst = g
	}
	return f(gvInst)
}

// Layout is where graphviz puts a diagram's elements: rectangles for
// nodes and boundaries, and stub anchor points for interface flows.
type Layout struct {
	Rects map[string]model.Rect  // nodes and region boundaries
	Stubs map[string]model.Point // flow ID → where its outside end goes
}

// DOT writes a diagram as graphviz DOT: nodes with their DFD shapes and
// sizes, region boundaries as nested clusters, flows as edges with their
// names, and interface flows' outside ends as stub nodes.
func DOT(m *model.Model, diagramID string) string {
	ix := model.NewIndex(m)
	var b strings.Builder
	b.WriteString("digraph dfd {\n  graph [rankdir=LR, nodesep=0.5, ranksep=1.1, splines=true, fontname=\"Helvetica\", fontsize=12, compound=true];\n")
	b.WriteString("  node [fixedsize=true, fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	els := m.ElementsIn(diagramID)
	// parent[x] is the innermost region boundary of this diagram holding x.
	parent := map[string]string{}
	for _, e := range els {
		if e.Kind == model.DataFlow || e.IsLine() {
			continue
		}
		for _, bd := range ix.BoundariesOf(e) {
			if bd.Diagram == diagramID {
				parent[e.ID] = bd.ID
			}
		}
	}
	children := map[string][]*model.Element{}
	for _, e := range els {
		if e.Kind == model.DataFlow || e.IsLine() {
			continue
		}
		children[parent[e.ID]] = append(children[parent[e.ID]], e)
	}
	var write func(container string, indent string)
	write = func(container, indent string) {
		for _, e := range children[container] {
			if e.Kind == model.TrustBoundary {
				fmt.Fprintf(&b, "%ssubgraph %s {\n%s  label=%s; style=dashed; color=\"#c0392b\"; fontcolor=\"#c0392b\"; labeljust=l; margin=18;\n",
					indent, quote("cluster_"+e.ID), indent, quote(e.Label()))
				write(e.ID, indent+"  ")
				if len(children[e.ID]) == 0 {
					// Graphviz draws no empty cluster: an unseen node keeps
					// the boundary a box of its own.
					fmt.Fprintf(&b, "%s  %s [label=\"\", style=invis, width=1.6, height=0.8];\n", indent, quote(emptyPrefix+e.ID))
				}
				fmt.Fprintf(&b, "%s}\n", indent)
				continue
			}
			shape := map[model.Kind]string{model.Process: "ellipse", model.ExternalEntity: "box", model.DataStore: "cylinder"}[e.Kind]
			fmt.Fprintf(&b, "%s%s [label=%s, shape=%s, width=%s, height=%s];\n", indent, quote(e.ID), quote(e.Label()), shape,
				inches(e.W), inches(e.H))
		}
	}
	write("", "  ")
	for _, f := range els {
		if f.Kind != model.DataFlow {
			continue
		}
		src, dst := endNode(m, f, f.Source, true), endNode(m, f, f.Target, false)
		for _, stub := range []struct{ id, name string }{src, dst} {
			if strings.HasPrefix(stub.id, "stub:") {
				fmt.Fprintf(&b, "  %s [label=%s, shape=box, style=dashed, width=%s, height=%s];\n", quote(stub.id), quote(stub.name),
					inches(StubSize.X), inches(StubSize.Y))
			}
		}
		if src.id == "" || dst.id == "" {
			continue
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", quote(src.id), quote(dst.id), quote(f.Label()))
	}
	b.WriteString("}\n")
	return b.String()
}

// endNode is the DOT node for one end of a flow: the element when it is in
// the flow's diagram, a stub for the outside end of an interface flow, or
// nothing for a missing end.
func endNode(m *model.Model, f *model.Element, id string, source bool) (out struct{ id, name string }) {
	e := m.Elements[id]
	switch {
	case e != nil && e.Diagram == f.Diagram:
		out.id = e.ID
	case e != nil:
		out.id, out.name = "stub:"+f.ID+":"+strconv.FormatBool(source), e.Label()
	}
	return out
}

func quote(s string) string { return strconv.Quote(s) }

// emptyPrefix names the unseen node that holds an empty boundary open.
const emptyPrefix = "empty:"

func inches(v float64) string { return strconv.FormatFloat(math.Max(v, 10)/72, 'f', 3, 64) }

// AutoLayout asks graphviz to lay a diagram out and returns the positions,
// in diagram units, with the diagram's top-left corner at (40, 40).
func AutoLayout(m *model.Model, diagramID string) (*Layout, error) {
	dot := DOT(m, diagramID)
	var out bytes.Buffer
	err := withGraphviz(func(gv *graphviz.Graphviz) error {
		g, err := graphviz.ParseBytes([]byte(dot))
		if err != nil {
			return err
		}
		defer g.Close()
		return gv.Render(context.Background(), g, graphviz.XDOT, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("lay out the diagram: %w", err)
	}
	return readLayout(out.Bytes())
}

// readLayout reads positions from graphviz's laid-out DOT: node pos and
// size, cluster bounding boxes. Graphviz's y axis points up; ours down.
func readLayout(laid []byte) (*Layout, error) {
	var l *Layout
	err := withGraphviz(func(*graphviz.Graphviz) error {
		g, err := graphviz.ParseBytes(laid)
		if err != nil {
			return err
		}
		defer g.Close()
		bb := parseFloats(g.GetStr("bb"))
		if len(bb) != 4 {
			return fmt.Errorf("graphviz gave no bounding box")
		}
		top := bb[3]
		l = &Layout{Rects: map[string]model.Rect{}, Stubs: map[string]model.Point{}}
		for n, err := g.FirstNode(); n != nil && err == nil; n, err = g.NextNode(n) {
			name, _ := n.Name()
			pos := parseFloats(n.GetStr("pos"))
			w, _ := strconv.ParseFloat(n.GetStr("width"), 64)
			h, _ := strconv.ParseFloat(n.GetStr("height"), 64)
			if len(pos) != 2 {
				continue
			}
			x, y := pos[0]+40, top-pos[1]+40
			if strings.HasPrefix(name, emptyPrefix) {
				continue
			}
			if strings.HasPrefix(name, "stub:") {
				parts := strings.Split(name, ":")
				l.Stubs[parts[1]+":"+parts[2]] = model.Point{X: x, Y: y}
				continue
			}
			l.Rects[name] = model.Rect{X: x - w*36, Y: y - h*36, W: w * 72, H: h * 72}
		}
		var walk func(sg *cgraph.Graph)
		walk = func(sg *cgraph.Graph) {
			for c, err := sg.FirstSubGraph(); c != nil && err == nil; c, err = c.NextSubGraph() {
				name, _ := c.Name()
				if r := parseFloats(c.GetStr("bb")); len(r) == 4 && strings.HasPrefix(name, "cluster_") {
					l.Rects[strings.TrimPrefix(name, "cluster_")] = model.Rect{X: r[0] + 40, Y: top - r[3] + 40, W: r[2] - r[0], H: r[3] - r[1]}
				}
				walk(c)
			}
		}
		walk(g)
		return nil
	})
	return l, err
}

func parseFloats(s string) []float64 {
	var out []float64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f, "!"), 64)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

// LayoutEdit turns a layout into one edit that moves every node and
// boundary of the diagram, straightens the flows and places interface
// stubs, so auto-layout is one undoable step. Line boundaries are drawn
// again between the zones they separate, crossing the same flows as
// before; when that cannot be done the layout is refused, since the
// picture would contradict the analysis.
func LayoutEdit(m *model.Model, diagramID string, l *Layout) (model.Edit, error) {
	b := &model.Batch{Label: "laid out diagram " + diagramName(m, diagramID)}
	els := m.ElementsIn(diagramID)
	sort.Slice(els, func(i, j int) bool { return els[i].ID < els[j].ID })
	pairs := map[[2]string]int{}
	for _, e := range els {
		after := e.Clone()
		if r, ok := l.Rects[e.ID]; ok {
			after.X, after.Y, after.W, after.H = r.X, r.Y, r.W, r.H
		} else if e.Kind == model.DataFlow {
			after.Points = nil
			src, sok := l.Stubs[e.ID+":true"]
			dst, dok := l.Stubs[e.ID+":false"]
			if sok {
				after.Points = append(after.Points, src)
			}
			if dok {
				after.Points = append(after.Points, dst)
			}
			// A second flow between the same two nodes gets a bend so both show.
			key := [2]string{min(e.Source, e.Target), max(e.Source, e.Target)}
			if n := pairs[key]; n > 0 && !sok && !dok {
				s, t := l.Rects[e.Source], l.Rects[e.Target]
				a := model.Point{X: s.X + s.W/2, Y: s.Y + s.H/2}
				c := model.Point{X: t.X + t.W/2, Y: t.Y + t.H/2}
				after.Points = []model.Point{{X: (a.X+c.X)/2 + float64(n)*25, Y: (a.Y+c.Y)/2 + float64(n)*30}}
			}
			pairs[key]++
		} else {
			continue
		}
		if !samePlace(e, after) {
			b.Edits = append(b.Edits, model.UpdateElement(m, after, ""))
		}
	}
	lines, err := placeLines(m, diagramID, b)
	if err != nil {
		return nil, err
	}
	b.Edits = append(b.Edits, lines...)
	return b, nil
}

// placeLines draws each line boundary of a diagram again after the nodes
// moved: through the middle of each flow it crossed, so that it crosses
// exactly the flows it crossed before.
func placeLines(m *model.Model, diagramID string, moved *model.Batch) ([]model.Edit, error) {
	ix := model.NewIndex(m)
	var lines, flows []*model.Element
	for _, e := range m.ElementsIn(diagramID) {
		switch {
		case e.IsLine():
			lines = append(lines, e)
		case e.Kind == model.DataFlow:
			flows = append(flows, e)
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	crossed := map[string]map[string]bool{} // line → flows it crosses
	for _, f := range flows {
		for _, b := range ix.Crossings(f) {
			if b.IsLine() {
				if crossed[b.ID] == nil {
					crossed[b.ID] = map[string]bool{}
				}
				crossed[b.ID][f.ID] = true
			}
		}
	}
	after := m.Clone()
	if err := moved.Apply(after); err != nil {
		return nil, err
	}
	var edits []model.Edit
	for _, line := range lines {
		var mids []model.Point
		for _, f := range flows {
			if crossed[line.ID][f.ID] {
				mids = append(mids, midpoint(after.Path(after.Elements[f.ID])))
			}
		}
		placed := line.Clone()
		placed.Points = lineThrough(mids)
		if placed.Points == nil {
			continue // it crossed nothing: where it stands does not matter
		}
		after.Elements[line.ID] = placed
		edits = append(edits, model.UpdateElement(m, placed, ""))
	}
	// The new lines must cross exactly what the old ones crossed.
	aix := model.NewIndex(after)
	for _, f := range flows {
		for _, line := range lines {
			now := false
			for _, b := range aix.Crossings(after.Elements[f.ID]) {
				now = now || b.ID == line.ID
			}
			if now != crossed[line.ID][f.ID] {
				return nil, fmt.Errorf("auto-layout cannot keep the line boundary %s between the same flows "+
					"(%s); draw it as a region (a boundary box) to lay this diagram out", line.Label(), f.Label())
			}
		}
	}
	return edits, nil
}

// midpoint is the point halfway along a polyline.
func midpoint(path []model.Point) model.Point {
	if len(path) == 0 {
		return model.Point{}
	}
	total := 0.0
	for i := 1; i < len(path); i++ {
		total += math.Hypot(path[i].X-path[i-1].X, path[i].Y-path[i-1].Y)
	}
	half := total / 2
	for i := 1; i < len(path); i++ {
		d := math.Hypot(path[i].X-path[i-1].X, path[i].Y-path[i-1].Y)
		if d >= half && d > 0 {
			t := half / d
			return model.Point{X: path[i-1].X + t*(path[i].X-path[i-1].X), Y: path[i-1].Y + t*(path[i].Y-path[i-1].Y)}
		}
		half -= d
	}
	return path[len(path)-1]
}

// lineThrough is a boundary line through points: across the direction
// they spread in, a short stroke beyond the first and last, or a short
// vertical stroke through a single point.
func lineThrough(pts []model.Point) []model.Point {
	switch len(pts) {
	case 0:
		return nil
	case 1:
		p := pts[0]
		return []model.Point{{X: p.X, Y: p.Y - 40}, {X: p.X, Y: p.Y + 40}}
	}
	sorted := slices.Clone(pts)
	minX, maxX, minY, maxY := sorted[0].X, sorted[0].X, sorted[0].Y, sorted[0].Y
	for _, p := range sorted {
		minX, maxX, minY, maxY = min(minX, p.X), max(maxX, p.X), min(minY, p.Y), max(maxY, p.Y)
	}
	vertical := maxY-minY >= maxX-minX
	slices.SortFunc(sorted, func(a, b model.Point) int {
		if vertical {
			return cmpFloat(a.Y, b.Y)
		}
		return cmpFloat(a.X, b.X)
	})
	first, last := sorted[0], sorted[len(sorted)-1]
	if vertical {
		sorted = append([]model.Point{{X: first.X, Y: first.Y - 40}}, append(sorted, model.Point{X: last.X, Y: last.Y + 40})...)
	} else {
		sorted = append([]model.Point{{X: first.X - 40, Y: first.Y}}, append(sorted, model.Point{X: last.X + 40, Y: last.Y})...)
	}
	return sorted
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func samePlace(a, b *model.Element) bool {
	if a.X != b.X || a.Y != b.Y || a.W != b.W || a.H != b.H || len(a.Points) != len(b.Points) {
		return false
	}
	for i := range a.Points {
		if a.Points[i] != b.Points[i] {
			return false
		}
	}
	return true
}

func diagramName(m *model.Model, id string) string {
	if d := m.Diagrams[id]; d != nil {
		return d.Name
	}
	return id
}

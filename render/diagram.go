package render

import (
	"image/color"
	"strconv"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// Badge is what a drawing shows on an element besides the element: its
// open threats (count and worst severity), the open threats analysed
// inside it (in the child diagram of a refined process, or on the
// interface flow that stands for a flow), whether it has a child diagram,
// and whether validation found a problem with it.
type Badge struct {
	Open        int
	Worst       model.Severity
	Inside      int
	InsideWorst model.Severity
	Refined     bool
	Problem     bool
	// BySeverity counts the threats of Open and Inside by severity, for a
	// drawing that shows them apart (presentation mode).
	BySeverity [4]int
}

// Count is the number a badge shows: the open threats on the element and
// inside it.
func (b Badge) Count() int { return b.Open + b.Inside }

// Severity is the worst open threat a badge counts.
func (b Badge) Severity() model.Severity {
	switch {
	case b.Inside == 0:
		return b.Worst
	case b.Open == 0:
		return b.InsideWorst
	}
	return max(b.Worst, b.InsideWorst)
}

// Badges counts each element's open threats (not obsolete, not suppressed),
// rolls the threats of a child diagram up to the process it refines (and
// on up), and those of an interface flow up to the flow it stands for, so
// a parent level never looks safer than what is inside it; and marks the
// elements validation finds problems with.
func Badges(m *model.Model, findings []model.Finding) map[string]Badge {
	out := map[string]Badge{}
	standsFor := map[string]string{} // interface flow → the parent flow it is paired with
	for parent, stubs := range m.InterfaceSets() {
		for _, stub := range stubs {
			standsFor[stub.ID] = parent
		}
	}
	inside := func(id string, sev model.Severity) {
		b := out[id]
		if b.Inside == 0 || sev > b.InsideWorst {
			b.InsideWorst = sev
		}
		b.Inside++
		b.BySeverity[sev]++
		out[id] = b
	}
	for _, t := range m.Threats {
		if !m.IsOpen(t) {
			continue
		}
		b := out[t.ElementID]
		if b.Open == 0 || t.Severity() > b.Worst {
			b.Worst = t.Severity()
		}
		b.Open++
		b.BySeverity[t.Severity()]++
		out[t.ElementID] = b
		// A model read from elsewhere may loop: each step is taken once.
		seen := map[string]bool{t.ElementID: true}
		for id := standsFor[t.ElementID]; id != "" && !seen[id]; id = standsFor[id] {
			seen[id] = true
			inside(id, t.Severity())
		}
		e := m.Elements[t.ElementID]
		for e != nil {
			d := m.Diagrams[e.Diagram]
			if d == nil || d.Refines == "" || seen[d.Refines] {
				break
			}
			seen[d.Refines] = true
			inside(d.Refines, t.Severity())
			e = m.Elements[d.Refines]
		}
	}
	for _, d := range m.Diagrams {
		if p := m.Elements[d.Refines]; p != nil {
			b := out[p.ID]
			b.Refined = true
			out[p.ID] = b
		}
	}
	for _, f := range findings {
		if f.ElementID != "" {
			b := out[f.ElementID]
			b.Problem = true
			out[f.ElementID] = b
		}
	}
	return out
}

func hex(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// The colours of printed and exported diagrams: the editor's light theme.
var (
	Fill           = map[model.Kind]color.Color{model.Process: hex(0xdde9f7), model.ExternalEntity: hex(0xf5ecd9), model.DataStore: hex(0xe2f1e0)}
	Stroke         = map[model.Kind]color.Color{model.Process: hex(0x2b5c8a), model.ExternalEntity: hex(0x8a6a25), model.DataStore: hex(0x3b7a3a)}
	BoundaryColor  = hex(0xc0392b)
	InkColor       = hex(0x222222)
	MutedColor     = hex(0x777777)
	OutOfScope     = hex(0xb0b0b0)
	ProblemColor   = hex(0xe65100)
	SeverityColors = [4]color.Color{hex(0x3b8b3b), hex(0xd4a017), hex(0xe06c1b), hex(0xc62828)}
	white          = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	labelBg        = color.NRGBA{0xff, 0xff, 0xff, 0xd8}
	boundaryTint   = color.NRGBA{0xc0, 0x39, 0x2b, 0x0a}
	stubFill       = color.NRGBA{0x9a, 0x9a, 0x9a, 0x22}
)

// FontSize is the size of element names in diagram units.
const FontSize = 13.0

// DrawDiagram draws one diagram as the editor shows it: boundaries, flows
// with arrows and labels, interface stubs, nodes in DFD notation with
// their technology, and badges.
func DrawDiagram(s Surface, m *model.Model, diagramID string, badges map[string]Badge) {
	drawElements(s, m, DrawOrder(m, diagramID), badges)
}

// drawElements draws one diagram's elements, in DrawOrder.
func drawElements(s Surface, m *model.Model, order []*model.Element, badges map[string]Badge) {
	for _, e := range order {
		if e.Kind == model.TrustBoundary {
			drawBoundary(s, e, badges[e.ID])
		}
	}
	for _, e := range order {
		if e.Kind == model.DataFlow {
			drawFlow(s, m, e, badges[e.ID])
		}
	}
	for _, e := range order {
		if e.Kind.IsNode() {
			drawNode(s, e, badges[e.ID])
		}
	}
	for _, e := range order {
		if e.Kind == model.DataFlow {
			drawLooseEnds(s, m, e)
		}
	}
}

// drawLooseEnds marks the ends of a flow that the model does not connect,
// on top of the nodes (an imported flow's end often lies on a node's rim),
// so that the drawing never shows a connection the model does not have.
func drawLooseEnds(s Surface, m *model.Model, f *model.Element) {
	path := FlowPath(m, f)
	if len(path) < 2 {
		return
	}
	for _, end := range []struct {
		id string
		at model.Point
	}{{f.Source, path[0]}, {f.Target, path[len(path)-1]}} {
		if m.Elements[end.id] == nil {
			s.Circle(end.at.X, end.at.Y, 6, white, ProblemColor, 2.5)
			s.Text(end.at.X, end.at.Y+4, "?", 10, true, Center, ProblemColor)
		}
	}
}

func drawBoundary(s Surface, e *model.Element, b Badge) {
	if e.IsLine() {
		for i := 1; i < len(e.Points); i++ {
			p, q := e.Points[i-1], e.Points[i]
			s.Line(p.X, p.Y, q.X, q.Y, BoundaryColor, 1.8, true)
		}
		s.Text(e.Points[0].X+6, e.Points[0].Y-6, printable(e.Label()), FontSize, true, Left, BoundaryColor)
		return
	}
	s.Rect(e.X, e.Y, e.W, e.H, 0, boundaryTint, BoundaryColor, 1.8, true)
	s.Text(e.X+8, e.Y+FontSize+4, printable(e.Label()), FontSize, true, Left, BoundaryColor)
	drawBadge(s, e.X+e.W, e.Y, b)
}

func drawNode(s Surface, e *model.Element, b Badge) {
	fill, stroke := Fill[e.Kind], Stroke[e.Kind]
	if e.OutOfScope {
		fill, stroke = color.NRGBA{0xb0, 0xb0, 0xb0, 0x40}, OutOfScope
	}
	switch e.Kind {
	case model.Process:
		s.Rect(e.X, e.Y, e.W, e.H, ProcessRadius(e.W, e.H), fill, stroke, 1.5, false)
	case model.ExternalEntity:
		s.Rect(e.X, e.Y, e.W, e.H, 0, fill, stroke, 1.5, false)
	case model.DataStore:
		s.Rect(e.X, e.Y, e.W, e.H, 0, fill, nil, 0, false)
		s.Line(e.X, e.Y, e.X+e.W, e.Y, stroke, 1.5, false)
		s.Line(e.X, e.Y+e.H, e.X+e.W, e.Y+e.H, stroke, 1.5, false)
	}
	lines := Wrap(printable(e.Name), e.W-12, FontSize, e.Kind == model.Process, 3)
	tech := printable(TechLabel(e))
	if e.OutOfScope {
		tech = "out of scope"
	}
	total := float64(len(lines)) * FontSize * 1.3
	if tech != "" {
		total += FontSize * 1.1
	}
	y := e.Y + (e.H-total)/2 + FontSize
	for _, l := range lines {
		s.Text(e.X+e.W/2, y, l, FontSize, e.Kind == model.Process, Center, InkColor)
		y += FontSize * 1.3
	}
	if tech != "" {
		s.Text(e.X+e.W/2, y-FontSize*0.2, tech, FontSize*0.8, false, Center, MutedColor)
	}
	if b.Refined {
		drawRefined(s, e)
	}
	drawBadge(s, e.X+e.W, e.Y, b)
	if b.Problem {
		s.Circle(e.X+4, e.Y-4, 8, ProblemColor, white, 1.5)
		s.Text(e.X+4, e.Y, "!", 11, true, Center, white)
	}
}

// drawBadge draws the open-threat count at a corner, coloured by the worst
// severity.
func drawBadge(s Surface, x, y float64, b Badge) {
	if b.Count() == 0 {
		return
	}
	sev := SeverityColors[b.Severity()]
	if b.Inside == 0 {
		s.Circle(x-4, y-4, 10, sev, white, 1.5)
		s.Text(x-4, y, strconv.Itoa(b.Open), 10.5, true, Center, white)
		return
	}
	// Threats analysed inside: the badge is outlined, counting them too.
	s.Circle(x-4, y-4, 10, white, sev, 2.5)
	s.Text(x-4, y, strconv.Itoa(b.Count()), 10.5, true, Center, sev)
}

// drawRefined marks a process that has a child diagram: two stacked
// sheets at its bottom centre.
func drawRefined(s Surface, e *model.Element) {
	cx, y := e.X+e.W/2, e.Y+e.H-15
	s.Rect(cx-6, y, 12, 9, 1, white, Stroke[model.Process], 1, false)
	s.Rect(cx-9, y+3, 12, 9, 1, white, Stroke[model.Process], 1, false)
}

func drawFlow(s Surface, m *model.Model, f *model.Element, b Badge) {
	for _, source := range []bool{true, false} {
		id := f.Target
		if source {
			id = f.Source
		}
		if end := m.Elements[id]; end != nil && end.Diagram != f.Diagram {
			if r, ok := StubRect(f, source); ok {
				s.Rect(r.X, r.Y, r.W, r.H, 4, stubFill, MutedColor, 1.2, true)
				s.Text(r.X+r.W/2, r.Y+r.H/2+4, printable(end.Label()), FontSize*0.85, false, Center, InkColor)
			}
		}
	}
	path := FlowPath(m, f)
	if len(path) < 2 {
		return
	}
	ink := color.Color(InkColor)
	if f.OutOfScope {
		ink = OutOfScope
	}
	for i := 1; i < len(path); i++ {
		s.Line(path[i-1].X, path[i-1].Y, path[i].X, path[i].Y, ink, 1.4, false)
	}
	arrow := func(tip, from model.Point) {
		a, c := ArrowHead(tip, from, 11)
		s.Polygon([]float64{tip.X, a.X, c.X}, []float64{tip.Y, a.Y, c.Y}, ink)
	}
	arrow(path[len(path)-1], path[len(path)-2])
	if f.Bool("bidirectional") {
		arrow(path[0], path[1])
	}

	if f.Name == "" {
		return
	}
	mid := Midpoint(path)
	size := FontSize * 0.9
	lines := Wrap(printable(f.Name), 180, size, false, 2)
	w := 0.0
	for _, l := range lines {
		w = max(w, TextWidth(l, size, false))
	}
	h := float64(len(lines)) * size * 1.25
	s.Rect(mid.X-w/2-4, mid.Y-h/2-2, w+8, h+4, 3, labelBg, nil, 0, false)
	y := mid.Y - h/2 + size
	for _, l := range lines {
		s.Text(mid.X, y, l, size, false, Center, ink)
		y += size * 1.25
	}
	drawBadge(s, mid.X+w/2+8, mid.Y-h/2, b)
}

// TechLabel is an element's technology as people say it ("API gateway").
func TechLabel(e *model.Element) string { return techName(e.Prop("technology")) }

// techName is a technology value as people say it.
func techName(t string) string {
	if t == "" {
		return ""
	}
	special := map[string]string{"api_gateway": "API gateway", "waf": "WAF", "sql_database": "SQL database",
		"nosql_database": "NoSQL database", "ci_cd": "CI/CD", "iot_device": "IoT device"}
	if s, ok := special[t]; ok {
		return s
	}
	t = strings.ReplaceAll(t, "_", " ")
	return strings.ToUpper(t[:1]) + t[1:]
}

// Extent is the area a diagram's drawing covers, with room for badges,
// labels and a margin; finite, and at least 1 unit wide and high.
func Extent(m *model.Model, diagramID string) model.Rect {
	return extentOf(m, m.ElementsIn(diagramID))
}

// extentOf is the Extent of a diagram given its elements, in ElementsIn
// order (the order the label areas are added in).
func extentOf(m *model.Model, es []*model.Element) model.Rect {
	r := boundsOf(es)
	for _, f := range es {
		if f.Kind != model.DataFlow {
			continue
		}
		if path := FlowPath(m, f); len(path) > 1 {
			mid := Midpoint(path)
			w := TextWidth(printable(f.Name), FontSize*0.9, false)/2 + 30
			r = union(r, model.Rect{X: mid.X - w, Y: mid.Y - 20, W: 2 * w, H: 40})
		}
	}
	const margin = 24
	return finiteRect(model.Rect{X: r.X - margin, Y: r.Y - margin, W: r.W + 2*margin, H: r.H + 2*margin})
}

func union(a, b model.Rect) model.Rect {
	x1, y1 := min(a.X, b.X), min(a.Y, b.Y)
	x2, y2 := max(a.X+a.W, b.X+b.W), max(a.Y+a.H, b.Y+b.H)
	return model.Rect{X: x1, Y: y1, W: x2 - x1, H: y2 - y1}
}

package app

import (
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// diagramRenderer draws the diagram on screen. Each element keeps its own
// slots of canvas objects between refreshes.
type diagramRenderer struct {
	v       *diagramView
	bg      *canvas.Rectangle
	shapes  map[string]*slots
	overlay slots
	objects []fyne.CanvasObject
	pal     *palette
	order   []*model.Element // the diagram on screen, in draw order, as last drawn
}

func (r *diagramRenderer) Destroy() {}

func (r *diagramRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
}

func (r *diagramRenderer) MinSize() fyne.Size { return fyne.NewSize(200, 150) }

func (r *diagramRenderer) Objects() []fyne.CanvasObject { return r.objects }

// Refresh draws the diagram again, reusing each element's objects.
func (r *diagramRenderer) Refresh() {
	v := r.v
	r.pal = currentPalette()
	if v.present != nil {
		r.pal = r.pal.highContrast()
	}
	r.bg.FillColor = r.pal.background
	r.objects = append(r.objects[:0], r.bg)
	d := v.ed.Diagram()
	seen := map[string]bool{}
	r.order = nil
	if d != nil {
		r.order = render.DrawOrder(v.ed.Model, d.ID)
		for _, e := range r.order {
			s := r.shapes[e.ID]
			if s == nil {
				s = &slots{}
				r.shapes[e.ID] = s
			}
			s.begin()
			r.draw(s, e)
			s.end()
			seen[e.ID] = true
			r.objects = append(r.objects, s.used()...)
		}
	}
	for id := range r.shapes {
		if !seen[id] {
			delete(r.shapes, id)
		}
	}
	r.overlay.begin()
	r.drawOverlay(&r.overlay)
	r.overlay.end()
	r.objects = append(r.objects, r.overlay.used()...)
	r.bg.Refresh() // marks the canvas for repaint without touching text
}

func (r *diagramRenderer) draw(s *slots, e *model.Element) {
	switch {
	case e.Kind == model.TrustBoundary:
		r.drawBoundary(s, e)
	case e.Kind == model.DataFlow:
		r.drawFlow(s, e)
	default:
		r.drawNode(s, e)
	}
}

func (r *diagramRenderer) px(p model.Point) fyne.Position { return r.v.toScreen(p) }

// selected reports whether an element is drawn selected: the selection,
// or while presenting, the element in focus alone.
func (r *diagramRenderer) selected(e *model.Element) bool {
	if p := r.v.present; p != nil {
		return p.at < len(p.order) && p.order[p.at] == e.ID
	}
	return r.v.ed.IsSelected(e.ID)
}

func (r *diagramRenderer) fontSize() float32 {
	return float32(editor.FontSize) * r.v.zoom * r.v.scale()
}

func (r *diagramRenderer) drawNode(s *slots, e *model.Element) {
	v, pal := r.v, r.pal
	pos, size := r.px(model.Point{X: e.X, Y: e.Y}), fyne.NewSize(float32(e.W)*v.zoom, float32(e.H)*v.zoom)
	fill, stroke := pal.fill[e.Kind], pal.stroke[e.Kind]
	if tint, ok := r.reviewTint(e); ok {
		fill = tint
	}
	if e.OutOfScope {
		fill, stroke = withAlpha(pal.outOfScope, 0x40), pal.outOfScope
	}
	width := 1.5 * v.zoom * v.scale()
	if r.selected(e) {
		stroke, width = pal.selection, 3*v.zoom*v.scale()
	} else if v.hover.ID == e.ID || v.flowFrom == e.ID {
		width = 2.5 * v.zoom
	}
	switch e.Kind {
	case model.Process:
		s.rect(pos, size, fill, stroke, width, float32(render.ProcessRadius(e.W, e.H))*v.zoom)
	case model.ExternalEntity:
		s.rect(pos, size, fill, stroke, width, 0)
	case model.DataStore:
		// Open-ended parallel lines: a filled band with rules top and bottom.
		s.rect(pos, size, fill, nil, 0, 0)
		s.line(pos, pos.AddXY(size.Width, 0), stroke, width)
		s.line(pos.AddXY(0, size.Height), pos.AddXY(size.Width, size.Height), stroke, width)
	}
	fs := r.fontSize()
	lines := wrapLabel(e.Name, size.Width-12*v.zoom, fs, 3)
	tech := render.TechLabel(e)
	if e.OutOfScope {
		tech = "out of scope"
	}
	total := float32(len(lines)) * fs * 1.3
	if tech != "" {
		total += fs * 1.2
	}
	y := pos.Y + (size.Height-total)/2
	for _, l := range lines {
		s.text(l, fyne.NewPos(pos.X, y), size.Width, fs, pal.text, fyne.TextAlignCenter, e.Kind == model.Process)
		y += fs * 1.3
	}
	if tech != "" {
		s.text(tech, fyne.NewPos(pos.X, y), size.Width, fs*0.8, withAlpha(pal.text, 0xa0), fyne.TextAlignCenter, false)
	}
	r.drawMarks(s, e, pos, size)
}

// drawMarks draws the open-threat badge (top right, coloured by the worst
// severity), the child-diagram mark of a refined process (bottom centre)
// and the validation marker (top left).
func (r *diagramRenderer) drawMarks(s *slots, e *model.Element, pos fyne.Position, size fyne.Size) {
	v, pal := r.v, r.pal
	mk := v.marks[e.ID]
	rad := 10 * v.zoom * v.scale()
	switch c := pos.AddXY(size.Width-rad*0.4, -rad*0.4); {
	case v.present != nil && mk.Count() > 0:
		// For a room: one badge per severity, worst on the right.
		for sev := len(mk.BySeverity) - 1; sev >= 0; sev-- {
			if n := mk.BySeverity[sev]; n > 0 {
				s.circle(c, rad, pal.severity[sev], pal.background, 1.5*v.zoom)
				s.text(fmt.Sprint(n), c.AddXY(-rad, -rad*0.65), 2*rad, rad*1.05, pal.badgeText, fyne.TextAlignCenter, true)
				c = c.AddXY(-2.2*rad, 0)
			}
		}
	case mk.Inside > 0:
		// Threats analysed inside (a child diagram, an interface flow):
		// outlined, counting them with the element's own.
		sev := pal.severity[mk.Severity()]
		s.circle(c, rad, pal.background, sev, 2.5*v.zoom)
		s.text(fmt.Sprint(mk.Count()), c.AddXY(-rad, -rad*0.65), 2*rad, rad*1.05, sev, fyne.TextAlignCenter, true)
	case mk.Open > 0:
		s.circle(c, rad, pal.severity[mk.Worst], pal.background, 1.5*v.zoom)
		s.text(fmt.Sprint(mk.Open), c.AddXY(-rad, -rad*0.65), 2*rad, rad*1.05, pal.badgeText, fyne.TextAlignCenter, true)
	}
	if mk.Refined && e.Kind == model.Process {
		// Two stacked sheets at the bottom: a child diagram lies beneath.
		c := pos.AddXY(size.Width/2, size.Height-15*v.zoom)
		sheet := fyne.NewSize(12*v.zoom, 9*v.zoom)
		s.rect(c.AddXY(-6*v.zoom, 0), sheet, pal.background, pal.text, 1*v.zoom, 1*v.zoom)
		s.rect(c.AddXY(-9*v.zoom, 3*v.zoom), sheet, pal.background, pal.text, 1*v.zoom, 1*v.zoom)
	}
	if mk.Problem {
		c := pos.AddXY(rad*0.4, -rad*0.4)
		s.circle(c, rad*0.8, pal.problem, pal.background, 1.5*v.zoom)
		s.text("!", c.AddXY(-rad, -rad*0.6), 2*rad, rad*1.05, pal.badgeText, fyne.TextAlignCenter, true)
	}
}

func (r *diagramRenderer) drawBoundary(s *slots, e *model.Element) {
	v, pal := r.v, r.pal
	stroke, width := pal.boundary, 1.8*v.zoom*v.scale()
	if r.selected(e) {
		stroke, width = pal.selection, 3*v.zoom*v.scale()
	}
	var pts []fyne.Position
	if e.IsLine() {
		for _, p := range e.Points {
			pts = append(pts, r.px(p))
		}
	} else {
		a, b := r.px(model.Point{X: e.X, Y: e.Y}), r.px(model.Point{X: e.X + e.W, Y: e.Y + e.H})
		s.rect(a, fyne.NewSize(b.X-a.X, b.Y-a.Y), withAlpha(pal.boundary, 0x08), nil, 0, 0)
		pts = []fyne.Position{a, fyne.NewPos(b.X, a.Y), b, fyne.NewPos(a.X, b.Y), a}
	}
	s.dashed(pts, stroke, width, 9*v.zoom, 6*v.zoom)
	fs := r.fontSize()
	at := pts[0].AddXY(8*v.zoom, 5*v.zoom)
	s.text(e.Name, at, float32(render.LabelSize(e.Name, float64(fs)).X)+fs*2, fs, stroke, fyne.TextAlignLeading, true)
	if r.selected(e) && !e.IsLine() {
		c := pts[2]
		h := 5 * v.zoom
		s.rect(c.SubtractXY(h, h), fyne.NewSize(2*h, 2*h), pal.selection, nil, 0, 0)
	}
	r.drawMarks(s, e, pts[0].AddXY(float32(e.W)*v.zoom, 0), fyne.NewSize(0, 0))
}

func (r *diagramRenderer) drawFlow(s *slots, f *model.Element) {
	v, pal := r.v, r.pal
	m := v.ed.Model
	path := render.FlowPath(m, f)
	stroke, width := pal.flow, 1.5*v.zoom*v.scale()
	if tint, ok := r.reviewTint(f); ok {
		stroke = tint
	}
	if f.OutOfScope {
		stroke = pal.outOfScope
	}
	if r.selected(f) {
		stroke, width = pal.selection, 3*v.zoom*v.scale()
	} else if v.hover.ID == f.ID {
		width = 2.5 * v.zoom
	}
	// The outside ends of an interface flow, as ghost boxes.
	for _, source := range []bool{true, false} {
		id := f.Target
		if source {
			id = f.Source
		}
		if end := m.Elements[id]; end != nil && end.Diagram != f.Diagram {
			if box, ok := render.StubRect(f, source); ok {
				r.drawStub(s, box, end.Label())
			}
		}
	}
	if len(path) < 2 {
		return
	}
	for i := 1; i < len(path); i++ {
		s.line(r.px(path[i-1]), r.px(path[i]), stroke, width)
	}
	const head = 11.0 // diagram units: the arrow scales with the zoom
	tip, from := path[len(path)-1], path[len(path)-2]
	a, b := render.ArrowHead(tip, from, head)
	s.line(r.px(tip), r.px(a), stroke, width)
	s.line(r.px(tip), r.px(b), stroke, width)
	if f.Bool("bidirectional") {
		tip, from = path[0], path[1]
		a, b = render.ArrowHead(tip, from, head)
		s.line(r.px(tip), r.px(a), stroke, width)
		s.line(r.px(tip), r.px(b), stroke, width)
	}
	if f.Name != "" {
		fs := r.fontSize() * 0.9
		mid := r.px(render.Midpoint(path))
		tw := fyne.MeasureText(f.Name, fs, fyne.TextStyle{}).Width + 8*v.zoom
		th := fs * 1.3
		s.rect(mid.SubtractXY(tw/2, th/2), fyne.NewSize(tw, th), pal.labelBg, nil, 0, 3*v.zoom)
		s.text(f.Name, mid.SubtractXY(tw/2, th/2), tw, fs, stroke, fyne.TextAlignCenter, false)
		r.drawMarks(s, f, mid.AddXY(tw/2, -th/2), fyne.NewSize(0, 0))
	}
	if r.selected(f) {
		for _, p := range f.Points {
			s.circle(r.px(p), 5*v.zoom, pal.selection, pal.background, 1.5*v.zoom)
		}
	}
}

// drawStub draws the outside end of an interface flow: a dashed grey box
// with the name of the element in the parent diagram.
func (r *diagramRenderer) drawStub(s *slots, box model.Rect, name string) {
	v, pal := r.v, r.pal
	a, b := r.px(model.Point{X: box.X, Y: box.Y}), r.px(model.Point{X: box.X + box.W, Y: box.Y + box.H})
	s.rect(a, fyne.NewSize(b.X-a.X, b.Y-a.Y), withAlpha(pal.ghost, 0x20), nil, 0, 4*v.zoom)
	s.dashed([]fyne.Position{a, fyne.NewPos(b.X, a.Y), b, fyne.NewPos(a.X, b.Y), a}, pal.ghost, 1.2*v.zoom, 4*v.zoom, 3*v.zoom)
	fs := r.fontSize() * 0.85
	s.text(name, fyne.NewPos(a.X, a.Y+(b.Y-a.Y-fs*1.3)/2), b.X-a.X, fs, pal.text, fyne.TextAlignCenter, false)
}

// drawOverlay draws what belongs to no element: the rubber band and the
// flow being connected.
func (r *diagramRenderer) drawOverlay(s *slots) {
	v, pal := r.v, r.pal
	r.drawLooseEnds(s)
	r.drawPulse(s)
	g := v.gesture
	switch g.kind {
	case rubberBand, drawing:
		rb := rectBetween(g.start, g.cur)
		a := r.px(model.Point{X: rb.X, Y: rb.Y})
		col := color.Color(pal.rubber)
		s.rect(a, fyne.NewSize(float32(rb.W)*v.zoom, float32(rb.H)*v.zoom), col, pal.selection, 1, 0)
	case connecting:
		if src := v.ed.Model.Elements[g.hit.ID]; src != nil {
			from := render.Clip(src, g.cur)
			s.dashed([]fyne.Position{r.px(from), r.px(g.cur)}, pal.selection, 2*v.zoom, 6*v.zoom, 4*v.zoom)
			a, b := render.ArrowHead(g.cur, from, 11)
			s.line(r.px(g.cur), r.px(a), pal.selection, 2*v.zoom)
			s.line(r.px(g.cur), r.px(b), pal.selection, 2*v.zoom)
		}
	}
	if v.tool == ToolFlow && v.flowFrom != "" {
		if src := v.ed.Model.Elements[v.flowFrom]; src != nil {
			from := render.Clip(src, v.pointer)
			s.dashed([]fyne.Position{r.px(from), r.px(v.pointer)}, pal.selection, 2*v.zoom, 6*v.zoom, 4*v.zoom)
		}
	}
}

// drawLooseEnds marks, above the nodes, every end of a flow that the model
// does not connect: a flow end resting on a node's rim must not look
// attached when it is not.
func (r *diagramRenderer) drawLooseEnds(s *slots) {
	v, pal, m := r.v, r.pal, r.v.ed.Model
	for _, f := range r.order { // as Refresh drew them, not sorted again
		if f.Kind != model.DataFlow {
			continue
		}
		path := render.FlowPath(m, f)
		if len(path) < 2 {
			continue
		}
		for _, end := range []struct {
			id string
			at model.Point
		}{{f.Source, path[0]}, {f.Target, path[len(path)-1]}} {
			if m.Elements[end.id] != nil {
				continue
			}
			c, rad := r.px(end.at), 7*v.zoom
			s.circle(c, rad, pal.background, pal.problem, 2.5*v.zoom)
			fs := 11 * v.zoom
			s.text("?", c.SubtractXY(rad, fs*0.65), 2*rad, fs, pal.problem, fyne.TextAlignCenter, true)
		}
	}
}

// reviewTint is the colour an element takes when the canvas shows the
// review (View → Show Review): green once discussed, amber when it needs
// following up, grey while not yet discussed.
func (r *diagramRenderer) reviewTint(e *model.Element) (color.Color, bool) {
	if !r.v.showReview || !e.Reviewable() {
		return nil, false
	}
	state := e.Review().State
	if e.Kind == model.DataFlow {
		// A line keeps its ink until discussed: grey would hide it.
		switch state {
		case model.Discussed:
			return r.pal.severity[0], true
		case model.FollowUp:
			return r.pal.severity[2], true
		}
		return nil, false
	}
	return r.pal.reviewed[state], true
}

// drawPulse rings the element a picked threat points at.
func (r *diagramRenderer) drawPulse(s *slots) {
	v := r.v
	e := v.ed.Model.Elements[v.pulsing]
	if e == nil {
		return
	}
	b := e.Bounds()
	if e.Kind == model.DataFlow {
		path := render.FlowPath(v.ed.Model, e)
		if len(path) == 0 {
			return
		}
		mid := render.Midpoint(path)
		b = model.Rect{X: mid.X - 30, Y: mid.Y - 20, W: 60, H: 40}
	}
	const margin = 10
	a := r.px(model.Point{X: b.X - margin, Y: b.Y - margin})
	size := fyne.NewSize(float32(b.W+2*margin)*v.zoom, float32(b.H+2*margin)*v.zoom)
	s.rect(a, size, nil, withAlpha(r.pal.selection, 0xb0), 5*v.zoom, 12*v.zoom)
}

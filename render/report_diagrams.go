package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// diagrams draws each diagram level by level, then lists its elements and
// the threats on them.
func (r *report) diagrams() {
	m := r.m
	list := m.DiagramList()
	if len(list) > 0 {
		// The chapter's introduction stays with its first diagram.
		if need := r.portraitNeed(list[0]); need > 0 {
			r.need(need + 60)
		}
	}
	r.section("Diagrams", 0)
	r.para("Each diagram is drawn as in the editor: processes as rounded shapes, external entities as rectangles, " +
		"data stores between two lines, trust boundaries dashed in red. The number on an element counts its open " +
		"threats, coloured by the worst one; an outlined number also counts the open threats analysed inside it, in the " +
		"child diagram of a process (marked by two stacked sheets) or on the interface flow that stands for a flow, so " +
		"the numbers on a diagram may add up to more than its threats. A red \"!\" marks a process, entity or store " +
		"with a validation finding, and a red \"?\" a flow's end that is joined to nothing (see Validation findings). " +
		"Where the editor's labels would overlap, a flow's name goes beside its flow (tied to it by a thin line when " +
		"further away), and a flow that would pass under a process, store or entity other than its ends is drawn " +
		"around it. A diagram too wide for its text to be read on a page goes on a landscape page, or is cut into tiles.")
	if r.brief {
		r.para(fmt.Sprintf("The model has %d threats, more than a report details one by one (%d), so they are listed "+
			"in brief: those the analyst added, triaged or annotated in a table with what the analyst wrote, the others, "+
			"open as their rule raised them, by rule and severity. Why a rule raises its threats and what to do about "+
			"them is with the rule in the appendix; \"rampart analyze --format json\" gives every threat in full.",
			len(r.live), maxDetailed))
	}
	if !r.o.ByElement {
		r.para(r.omissions())
	}
	for i, d := range list {
		// A diagram whose text would print too small on a portrait page
		// goes on landscape pages, its lists after it on portrait ones.
		plan := r.plan(d.ID)
		landscape := plan != nil && plan.fitScale(textW, portraitDrawH) < plan.legibleScale()
		switch {
		case landscape:
			r.landscapePage()
		case i > 0:
			r.pdf.AddPage()
		default:
			r.need(r.portraitNeed(d)) // its heading stays with its drawing
		}
		r.section(r.diagramTitle(d), 1)
		if p := m.Elements[d.Refines]; p != nil {
			r.para(fmt.Sprintf("Refines the process %s of %s.", p.Label(), diagramNameOf(m, p)))
		}
		var refined []string
		for _, e := range r.in[d.ID] {
			if c := r.children[e.ID]; c != nil {
				refined = append(refined, fmt.Sprintf("%s (see %s)", e.Label(), r.diagramTitle(c)))
			}
		}
		if len(refined) > 0 {
			r.para("Refined here by child diagrams, whose threats stand for them and their flows: " + strings.Join(refined, ", ") + ".")
		}
		r.drawDiagram(d, plan)
		if _, pageH := r.pdf.GetPageSize(); landscape && pageH-20-r.pdf.GetY() < 60 {
			r.pdf.AddPage() // the lists go on portrait pages, unless the landscape one has room left
		}
		r.elementTable(d.ID)
		if !r.o.ByElement {
			r.threatsOf(d.ID)
		}
		r.progress(0.15 + 0.3*float64(i+1)/float64(len(list)))
	}
}

// maxDrawnElements is the most elements a diagram may have to be drawn in the
// report: beyond it no label is legible on A4, and the page alone would
// hold more drawing commands than the rest of the report.
const maxDrawnElements = 2000

// portraitDrawH is the most height, in mm, a diagram takes on a portrait
// page: it shares the page with its heading and the start of its lists.
const portraitDrawH = 160.0

// plan lays a diagram out for the report; nil when it has too many
// elements to draw.
func (r *report) plan(id string) *diagramPlan {
	if p, ok := r.plans[id]; ok {
		return p
	}
	var p *diagramPlan
	if len(r.in[id]) <= maxDrawnElements {
		p = planDiagram(r.m, r.in[id], r.badges)
	}
	r.plans[id] = p
	return p
}

// portraitNeed is the height a diagram drawn on a portrait page takes with
// its heading, or 0 when it goes on landscape pages.
func (r *report) portraitNeed(d *model.Diagram) float64 {
	p := r.plan(d.ID)
	if p == nil {
		return 20
	}
	if p.fitScale(textW, portraitDrawH) < p.legibleScale() {
		return 0
	}
	return 20 + p.ext.H*p.fitScale(textW, portraitDrawH) + 4
}

// drawDiagram draws a diagram as vectors at the largest scale that fits,
// so that its smallest text prints at minTextPt or more: on the page when
// it fits (the caller has chosen the orientation), else on a landscape page
// of its own, else cut into tiles.
func (r *report) drawDiagram(d *model.Diagram, p *diagramPlan) {
	if p == nil {
		r.para(fmt.Sprintf("This diagram has %d elements: drawn on paper, no label would be legible, so it is listed "+
			"below instead; \"rampart render FILE --diagram NAME -o diagram.svg\" draws it.", len(r.in[d.ID])))
		return
	}
	pageW, pageH := r.pdf.GetPageSize()
	if pageW < pageH {
		scale := p.fitScale(textW, portraitDrawH)
		r.need(p.ext.H*scale + 4)
		r.drawWhole(p, scale)
		return
	}
	w, legible := r.lineWidth(), p.legibleScale()
	if scale := p.fitScale(w, pageH-pageEdge-r.pdf.GetY()-4); scale >= legible {
		r.drawWhole(p, scale)
		return
	}
	if scale := p.fitScale(w, pageH-2*pageEdge-4); scale >= legible {
		r.landscapePage()
		r.drawWhole(p, scale)
		return
	}
	r.tiles(d, p)
}

// pageEdge is the room, in mm, above and below what a page holds.
const pageEdge = 20.0

// drawWhole draws a diagram at a scale, centred in a frame across the page
// at the current position.
func (r *report) drawWhole(p *diagramPlan, scale float64) {
	w, h := r.lineWidth(), p.ext.H*scale
	y := r.pdf.GetY()
	s := &pdfSurface{pdf: r.pdf, scale: scale, offX: p.ext.X, offY: p.ext.Y, boxX: marginX + (w-p.ext.W*scale)/2, boxY: y}
	r.pdf.SetAutoPageBreak(false, 18) // drawing text must never break the page
	if !r.counting() {
		p.draw(s, r.m, r.badges, nil, 0)
	}
	r.pdf.SetAutoPageBreak(true, 18)
	r.frame(marginX, y, w, h)
	r.pdf.SetXY(marginX, y+h+4)
}

// counting says this pass only finds the pages sections start on, for the
// contents: drawings, which take no page of their own, are left out of it.
func (r *report) counting() bool { return r.known == nil }

func (r *report) frame(x, y, w, h float64) {
	r.pdf.SetDashPattern(nil, 0)
	r.pdf.SetDrawColor(220, 220, 220)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Rect(x, y, w, h, "D")
}

// Tiles: a diagram too large to print legibly on one page is cut into a
// grid of pages (tiles), rows named A, B, … and columns 1, 2, …; an
// overview shows the whole diagram, with only the text large enough to read,
// and the grid.
const (
	maxTiles    = 48   // more pages than that for one diagram are no help
	tileOverlap = 15.0 // mm a tile shares with its neighbours
	captionH    = 11.0 // mm above a tile for its caption
)

// tileGrid is how a diagram is cut into tiles.
type tileGrid struct {
	landscape  bool
	scale      float64 // mm per diagram unit
	rows, cols int
	origin     model.Point // the diagram point at the top left of tile A1
	step       model.Point // from a tile to the next, diagram units
	size       model.Point // a tile on its page, mm
}

// gridFor cuts a diagram extent into the fewest tiles of a page size (w × h
// mm for the drawing) at the legible scale or more; false when that takes
// more than maxTiles.
func gridFor(ext model.Rect, legible, w, h float64, landscape bool) (tileGrid, bool) {
	count := func(size, room float64) float64 {
		return max(1, math.Ceil((size*legible-tileOverlap)/(room-tileOverlap)))
	}
	cols, rows := count(ext.W, w), count(ext.H, h)
	if !(cols*rows <= maxTiles) {
		return tileGrid{}, false
	}
	scale := min((cols*(w-tileOverlap)+tileOverlap)/ext.W, (rows*(h-tileOverlap)+tileOverlap)/ext.H, max(0.5, legible))
	return gridAt(ext, scale, w, h, int(cols), int(rows), landscape), true
}

// gridAt lays cols × rows tiles of a page size over a diagram extent at a
// scale, centred on it.
func gridAt(ext model.Rect, scale, w, h float64, cols, rows int, landscape bool) tileGrid {
	g := tileGrid{landscape: landscape, cols: cols, rows: rows, scale: scale}
	c, r := float64(cols), float64(rows)
	// Where a single tile has room to spare, it is narrower (or lower) than
	// the page, so that it holds the diagram without blank margins; several
	// tiles keep the page's size, and clearCuts uses the room to move their
	// edges off the drawing's shapes.
	g.size = model.Point{X: min(w, (ext.W*g.scale+(c-1)*tileOverlap)/c), Y: min(h, (ext.H*g.scale+(r-1)*tileOverlap)/r)}
	if cols > 1 {
		g.size.X = w
	}
	if rows > 1 {
		g.size.Y = h
	}
	g.step = model.Point{X: (g.size.X - tileOverlap) / g.scale, Y: (g.size.Y - tileOverlap) / g.scale}
	covered := model.Point{X: (c*(g.size.X-tileOverlap) + tileOverlap) / g.scale,
		Y: (r*(g.size.Y-tileOverlap) + tileOverlap) / g.scale}
	g.origin = model.Point{X: ext.X - (covered.X-ext.W)/2, Y: ext.Y - (covered.Y-ext.H)/2}
	return g
}

// settle places a grid's tiles so that their edges cut as few shapes and
// texts as can be: first by moving them within the room they have, then,
// where that is not enough, by drawing a little smaller (never below the
// legible scale), which gives them more room. It keeps the largest scale
// that cuts least.
func (g *tileGrid) settle(ext model.Rect, legible, w, h float64, spans []model.Rect) {
	best := *g
	best.clearCuts(ext, w, h, spans)
	fewest := best.cuts(spans)
	for i := 1; i <= 8 && fewest > 0; i++ {
		s := g.scale - (g.scale-legible)*float64(i)/8
		if s <= 0 || s < legible {
			break
		}
		try := gridAt(ext, s, w, h, g.cols, g.rows, g.landscape)
		try.clearCuts(ext, w, h, spans)
		if n := try.cuts(spans); n < fewest {
			best, fewest = try, n
		}
	}
	*g = best
}

// cuts counts the shapes and texts a grid's inner tile edges pass through.
func (g *tileGrid) cuts(spans []model.Rect) int {
	n := 0
	tw, th := g.size.X/g.scale, g.size.Y/g.scale
	for _, r := range spans {
		for k := range g.cols {
			for _, x := range []float64{g.origin.X + float64(k)*g.step.X, g.origin.X + float64(k)*g.step.X + tw} {
				if (k > 0 || x > g.origin.X) && (k < g.cols-1 || x < g.origin.X+float64(k)*g.step.X+tw) && x > r.X && x < r.X+r.W {
					n++
				}
			}
		}
		for k := range g.rows {
			for _, y := range []float64{g.origin.Y + float64(k)*g.step.Y, g.origin.Y + float64(k)*g.step.Y + th} {
				if (k > 0 || y > g.origin.Y) && (k < g.rows-1 || y < g.origin.Y+float64(k)*g.step.Y+th) && y > r.Y && y < r.Y+r.H {
					n++
				}
			}
		}
	}
	return n
}

// clearCuts moves a grid of several tiles along an axis, within the room
// its tiles have to spare, so that their edges cut through as few of the
// drawing's shapes and texts as it can: a process halved at a tile's edge
// reads as two. Where every place cuts as much, the grid stays centred.
func (g *tileGrid) clearCuts(ext model.Rect, w, h float64, spans []model.Rect) {
	fit := func(n int, origin, step, tile, room, lo, length float64, span func(model.Rect) (float64, float64)) float64 {
		if n < 2 {
			return origin
		}
		covered := float64(n-1)*step + tile
		spare := covered - length
		if spare <= 0 {
			return origin
		}
		cuts := func(o float64) int {
			c := 0
			for _, r := range spans {
				a, b := span(r)
				for k := range n {
					for _, edge := range []float64{o + float64(k)*step, o + float64(k)*step + tile} {
						if edge > lo && edge < lo+length && edge > a && edge < b {
							c++
						}
					}
				}
			}
			return c
		}
		best, bestCuts := origin, cuts(origin)
		for i := 0; i <= 24; i++ {
			o := lo - spare + spare*float64(i)/24
			if c := cuts(o); c < bestCuts || c == bestCuts && math.Abs(o-origin) < math.Abs(best-origin) {
				best, bestCuts = o, c
			}
		}
		return best
	}
	tileW, tileH := g.size.X/g.scale, g.size.Y/g.scale
	g.origin.X = fit(g.cols, g.origin.X, g.step.X, tileW, w, ext.X, ext.W, func(r model.Rect) (float64, float64) { return r.X, r.X + r.W })
	g.origin.Y = fit(g.rows, g.origin.Y, g.step.Y, tileH, h, ext.Y, ext.H, func(r model.Rect) (float64, float64) { return r.Y, r.Y + r.H })
}

// gridOf is the grid of the fewest tiles, landscape or portrait, at the
// larger scale when both take as many; false when either takes too many.
func (r *report) gridOf(p *diagramPlan) (tileGrid, bool) {
	a4 := r.pdf.GetPageSizeStr("A4")
	l, lok := gridFor(p.ext, p.legibleScale(), a4.Ht-2*marginX, a4.Wd-2*pageEdge-captionH, true)
	q, qok := gridFor(p.ext, p.legibleScale(), a4.Wd-2*marginX, a4.Ht-2*pageEdge-captionH, false)
	var spans []model.Rect // what a tile's edge should not cut: nodes and texts
	for i, e := range p.order {
		if e.Kind.IsNode() {
			spans = append(spans, p.covers[i])
		}
	}
	for _, t := range p.texts {
		spans = append(spans, t.rects()...)
	}
	l.settle(p.ext, p.legibleScale(), a4.Ht-2*marginX, a4.Wd-2*pageEdge-captionH, spans)
	q.settle(p.ext, p.legibleScale(), a4.Wd-2*marginX, a4.Ht-2*pageEdge-captionH, spans)
	switch {
	case !qok:
		return l, lok
	case !lok:
		return q, true
	case q.rows*q.cols < l.rows*l.cols || (q.rows*q.cols == l.rows*l.cols && q.scale > l.scale):
		return q, true
	}
	return l, true
}

// tileName names a tile by its row (A, B, … Z, AA, …) and column (1, 2, …).
func tileName(row, col int) string {
	name := ""
	for row++; row > 0; row = (row - 1) / 26 {
		name = string(rune('A'+(row-1)%26)) + name
	}
	return name + strconv.Itoa(col+1)
}

// tiles draws a diagram too large for a page: an overview, then a page per
// tile.
func (r *report) tiles(d *model.Diagram, p *diagramPlan) {
	g, ok := r.gridOf(p)
	if !ok {
		r.para(fmt.Sprintf("At a scale where its text can be read, this diagram would take more than %d pages: it is "+
			"drawn here with only the text large enough to read, and its elements are listed below; "+
			"\"rampart render FILE --diagram NAME -o diagram.svg\" draws it whole.", maxTiles))
		r.overview(p, nil)
		return
	}
	n := g.rows * g.cols
	r.para(fmt.Sprintf("At a scale where its text can be read, this diagram takes %d pages. The overview below shows "+
		"it whole, with only the text large enough to read, cut into tiles %s to %s; the pages after it show one tile "+
		"each, overlapping its neighbours by %.0f mm. Each tile in the overview links to its page.",
		n, tileName(0, 0), tileName(g.rows-1, g.cols-1), tileOverlap))
	links := r.overview(p, &g)
	overviewPage := r.pdf.PageNo()
	title := r.diagramTitle(d)
	for row := range g.rows {
		for col := range g.cols {
			if g.landscape {
				r.landscapePage()
			} else {
				r.pdf.AddPage()
			}
			name := tileName(row, col)
			r.pdf.SetLink(links[row*g.cols+col], 0, -1)
			r.pdf.Bookmark("Tile "+name, 2, -1)
			var next []string
			for _, nb := range []struct {
				dr, dc int
				where  string
			}{{0, -1, "to its left"}, {0, 1, "to its right"}, {-1, 0, "above"}, {1, 0, "below"}} {
				if rr, cc := row+nb.dr, col+nb.dc; rr >= 0 && rr < g.rows && cc >= 0 && cc < g.cols {
					next = append(next, tileName(rr, cc)+" "+nb.where)
				}
			}
			r.font("", 9, MutedColor)
			r.pdf.MultiCell(r.lineWidth(), 4.5, pdfText(fmt.Sprintf("%s, tile %s of %d (overview on page %d): %s.",
				title, name, n, overviewPage, strings.Join(next, ", "))), "", "L", false)
			y := pageEdge + captionH
			area := model.Rect{X: g.origin.X + float64(col)*g.step.X, Y: g.origin.Y + float64(row)*g.step.Y,
				W: g.size.X / g.scale, H: g.size.Y / g.scale}
			x := marginX + (r.lineWidth()-g.size.X)/2
			s := &pdfSurface{pdf: r.pdf, scale: g.scale, offX: area.X, offY: area.Y, boxX: x, boxY: y}
			r.pdf.SetAutoPageBreak(false, 18)
			if !r.counting() {
				r.pdf.ClipRect(x, y, g.size.X, g.size.Y, false)
				p.draw(s, r.m, r.badges, &area, 0)
				r.pdf.ClipEnd()
			}
			r.pdf.SetAutoPageBreak(true, 18)
			r.frame(x, y, g.size.X, g.size.Y)
			r.pdf.SetXY(marginX, y+g.size.Y+4)
		}
	}
}

// overview draws a whole diagram, without the text too small to read, on
// the rest of the page (or a new landscape page when little is left) and,
// given a grid, the tiles over it, named, each linking to the page the
// tile will be on (the links returned, row by row).
func (r *report) overview(p *diagramPlan, g *tileGrid) []int {
	_, pageH := r.pdf.GetPageSize()
	room := pageH - pageEdge - r.pdf.GetY() - 4
	if room < 60 {
		r.landscapePage()
		room = pageH - 2*pageEdge - 4
	}
	w := r.lineWidth()
	scale := min(w/p.ext.W, room/p.ext.H)
	y := r.pdf.GetY()
	x := marginX + (w-p.ext.W*scale)/2
	s := &pdfSurface{pdf: r.pdf, scale: scale, offX: p.ext.X, offY: p.ext.Y, boxX: x, boxY: y}
	r.pdf.SetAutoPageBreak(false, 18)
	if !r.counting() {
		p.draw(s, r.m, nil, nil, minTextPt*25.4/72/scale) // its badges would be dots
	}
	var links []int
	if g != nil {
		// Cells meet halfway across the overlap of their tiles.
		cut := func(origin, step, lo, hi float64, i, n int) float64 {
			switch i {
			case 0:
				return lo
			case n:
				return hi
			}
			return origin + float64(i)*step + tileOverlap/g.scale/2
		}
		e := p.ext
		r.pdf.SetDrawColor(opaque(Stroke[model.Process]))
		r.pdf.SetLineWidth(0.4)
		r.pdf.SetDashPattern([]float64{2, 1.5}, 0)
		col := func(c int) float64 { return s.x(cut(g.origin.X, g.step.X, e.X, e.X+e.W, c, g.cols)) }
		row := func(rr int) float64 { return s.y(cut(g.origin.Y, g.step.Y, e.Y, e.Y+e.H, rr, g.rows)) }
		for c := 1; c < g.cols; c++ {
			r.pdf.Line(col(c), row(0), col(c), row(g.rows))
		}
		for rr := 1; rr < g.rows; rr++ {
			r.pdf.Line(col(0), row(rr), col(g.cols), row(rr))
		}
		r.pdf.SetDashPattern(nil, 0)
		r.font("B", 10, Stroke[model.Process])
		for rr := range g.rows {
			for c := range g.cols {
				x0, x1, y0, y1 := col(c), col(c+1), row(rr), row(rr+1)
				name := tileName(rr, c)
				r.pdf.SetFillColor(255, 255, 255)
				r.pdf.Rect(x0+1, y0+1, r.pdf.GetStringWidth(name)+3, 5.5, "FD")
				r.pdf.Text(x0+2.5, y0+5, name)
				link := r.pdf.AddLink()
				r.pdf.Link(x0, y0, x1-x0, y1-y0, link)
				links = append(links, link)
			}
		}
	}
	r.pdf.SetAutoPageBreak(true, 18)
	r.frame(marginX, y, w, p.ext.H*scale)
	r.pdf.SetXY(marginX, y+p.ext.H*scale+4)
	return links
}

// keyProps lists the properties of an element that are set, in words.
func keyProps(e *model.Element) string {
	var parts []string
	for _, d := range model.PropsFor(e.Kind) {
		v := e.Prop(d.Key)
		if v == "" || d.Key == "technology" {
			continue
		}
		switch {
		case d.Type == model.Bool && v == "true":
			parts = append(parts, d.Label+": yes")
		case d.Type == model.Bool:
			parts = append(parts, d.Label+": no")
		default:
			parts = append(parts, d.Label+": "+model.ValueLabel(v))
		}
	}
	return strings.Join(parts, "; ")
}

// elementTable lists a diagram's elements with their kind, technology or
// zone, and properties, one row at a time (a diagram may have thousands).
func (r *report) elementTable(diagramID string) {
	m := r.m
	widths := []float64{40, 24, 42, textW - 106}
	r.font("B", 11, InkColor)
	r.need(20)
	r.pdf.CellFormat(textW, 7, "Elements", "", 1, "L", false, 0, "")
	if r.brief {
		r.elementsInBrief(diagramID)
		return
	}
	r.row(widths, []string{"Element", "Kind", "Technology / zone", "Properties"}, true)
	for _, e := range r.in[diagramID] {
		zone := ""
		if e.Kind == model.DataFlow {
			zone = elementName(m, e.Source) + " → " + elementName(m, e.Target)
		} else if z := r.ix.Innermost(e); z != nil && e.Kind != model.TrustBoundary {
			zone = z.Label()
		}
		tech := TechLabel(e)
		if inf, ok := stride.Infer(e)["technology"]; tech == "" && ok {
			because := inf.Because
			if strings.HasPrefix(because, "its name") {
				because = "its name" // the name is in the next column
			}
			tech = techName(inf.Value) + " (inferred from " + because + ")"
		}
		if tech != "" && zone != "" {
			tech += "; "
		}
		props := keyProps(e)
		if e.OutOfScope {
			props = "Out of scope"
			if reason := strings.TrimSpace(e.OutOfScopeReason); reason != "" {
				props += ": " + reason
			} else {
				props += " (no reason given)"
			}
		}
		r.row(widths, []string{e.Label(), e.Kind.Label(), tech + zone, props}, false)
	}
	r.pdf.Ln(2)
}

// elementsInBrief names a diagram's elements with their kinds in running
// text: a model with more threats than a report details has too many
// elements for a table row each ("rampart export" lists them in full).
func (r *report) elementsInBrief(diagramID string) {
	r.font("", 8.5, InkColor)
	els := r.in[diagramID]
	for start := 0; start < len(els); start += 500 {
		var b strings.Builder
		for i, e := range els[start:min(start+500, len(els))] {
			if i > 0 {
				b.WriteString("  ·  ")
			}
			b.WriteString(e.Label() + " (" + e.Kind.Label() + ")")
		}
		r.pdf.MultiCell(textW, 4, pdfText(b.String()), "", "L", false)
	}
	r.pdf.Ln(2)
}

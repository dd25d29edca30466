package render

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"

	"github.com/fogleman/gg"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// packTree puts the figures on one image, the goal's figure at the top
// left and the others after it in order: in columns no taller than a
// height, or in rows no wider than a width, whichever of the heights and
// widths up to maxH gives the image with the shortest longer side (and
// then the smallest).
func packTree(l *TreeLayout, maxH float64) {
	if len(l.Figures) == 0 {
		return
	}
	pack := func(limit float64, rows, place bool) model.Rect {
		x, y, lane := 0.0, 0.0, 0.0 // lane: the width of a column, the height of a row
		all := l.Figures[0].Bounds
		for _, f := range l.Figures {
			w, h := f.Bounds.W, f.Bounds.H
			switch {
			case rows && x > 0 && x+w > limit:
				x, y, lane = 0, y+lane+treeFigureGap, 0
			case !rows && y > 0 && y+h > limit:
				x, y, lane = x+lane+treeFigureGap, 0, 0
			}
			r := model.Rect{X: x, Y: y, W: w, H: h}
			if place {
				f.Bounds = r
			}
			all = union(all, r)
			if rows {
				x, lane = x+w+treeFigureGap, max(lane, h)
			} else {
				y, lane = y+h+treeFigureGap, max(lane, w)
			}
		}
		return all
	}
	widest, tallest := 0.0, 0.0
	for _, f := range l.Figures {
		widest, tallest = max(widest, f.Bounds.W), max(tallest, f.Bounds.H)
	}
	type try struct {
		limit float64
		rows  bool
	}
	var best try
	bestSide, bestArea := math.Inf(1), math.Inf(1)
	const tries = 24
	for _, rows := range []bool{false, true} {
		least := tallest
		if rows {
			least = widest
		}
		for i := 0; i <= tries; i++ {
			limit := least + (max(least, maxH)-least)*float64(i)/tries
			b := pack(limit, rows, false)
			side, area := max(b.W, b.H), b.W*b.H
			if side < bestSide-0.5 || (side < bestSide+0.5 && area < bestArea-0.5) {
				best, bestSide, bestArea = try{limit, rows}, side, area
			}
		}
	}
	l.Bounds = pack(best.limit, best.rows, true)
}

// treeSheet lays an attack tree out for one image at a scale in pixels a
// unit, lowering the scale as far as treeMinScale while the image would
// be larger than treeMaxSide; at each scale it tries figures as large as
// the image, then smaller ones, which pack more tightly. It returns the
// layout, with a margin around it, and the scale. A tree too large for
// the image even at treeMinScale is laid out as for that scale, and the
// caller draws it smaller.
func treeSheet(t *model.AttackTree, v *stride.TreeValues, scale float64) (*TreeLayout, float64) {
	if math.IsNaN(scale) || math.IsInf(scale, 0) || scale <= 0 {
		scale = 1
	}
	floor := min(scale, treeMinScale)
	var l *TreeLayout
	wraps := map[treeWrap][]string{}
	for s := scale; ; s = max(floor, s*0.9) {
		side := treeMaxSide/s - 2*treeMargin
		for _, share := range []float64{1, 0.5} {
			l = layoutTree(t, v, side*share, side*share, wraps)
			packTree(l, side)
			if l.Bounds.W <= side && l.Bounds.H <= side {
				return withMargin(l), s
			}
		}
		if s == floor {
			l = layoutTree(t, v, side, side, wraps)
			packTree(l, side)
			return withMargin(l), s
		}
	}
}

func withMargin(l *TreeLayout) *TreeLayout {
	b := l.Bounds
	l.Bounds = model.Rect{X: b.X - treeMargin, Y: b.Y - treeMargin, W: b.W + 2*treeMargin, H: b.H + 2*treeMargin}
	return l
}

// DrawTree draws every figure of a laid-out attack tree where it lies.
func DrawTree(s Surface, t *model.AttackTree, v *stride.TreeValues, l *TreeLayout) {
	for _, f := range l.Figures {
		drawFigure(s, t, v, f, len(l.Figures) > 1)
	}
}

// drawFigure draws one figure: the goal on top, AND/OR gates, leaves with
// their cost, probability and skill, cut branches in grey with the defense
// that cuts them, and references to branches drawn apart with a dashed
// border.
func drawFigure(s Surface, t *model.AttackTree, v *stride.TreeValues, f *TreeFigure, captioned bool) {
	ox, oy := f.Bounds.X, f.Bounds.Y
	if captioned {
		s.Text(ox, oy+treeCaptionSize+2, treeCaption(f), treeCaptionSize, true, Left, InkColor)
		oy += treeCaptionH
	}
	l := &treeLayouter{t: t, v: v}
	var edges, boxes func(b *treeBox)
	edges = func(b *treeBox) {
		if len(b.kids) == 0 {
			return
		}
		cut := func(k *treeBox) bool { return v.Nodes[k.n.ID].Defended }
		bottom := oy + b.y + b.h
		switch {
		case b.cols > 0 || b.list:
			// A spine down from the parent (one per column, the others
			// hanging from a bus under the parent) and a stub to each
			// child's box.
			spineX := func(k *treeBox) float64 {
				if b.list {
					return ox + b.x + treeIndent/2
				}
				return ox + k.x - treeIndent/2
			}
			type spine struct{ x, top, end float64 }
			var spines []spine
			bus := bottom + treeListGap/2
			for _, k := range b.kids {
				x, y := spineX(k), oy+k.y+k.h/2
				s.Line(x, y, ox+k.x, y, MutedColor, 1.2, cut(k))
				switch {
				case len(spines) == 0:
					spines = append(spines, spine{x, bottom, y})
				case spines[len(spines)-1].x != x:
					spines = append(spines, spine{x, bus, y})
				default:
					spines[len(spines)-1].end = y
				}
			}
			if len(spines) > 1 {
				s.Line(spines[0].x, bus, spines[len(spines)-1].x, bus, MutedColor, 1.2, false)
			}
			for _, sp := range spines {
				s.Line(sp.x, sp.top, sp.x, sp.end, MutedColor, 1.2, false)
			}
		default:
			// Down from the parent to a bar, down from the bar to each child.
			px, bar := ox+b.x+treeBoxW/2, bottom+treeVGap/2
			s.Line(px, bottom, px, bar, MutedColor, 1.2, false)
			left := ox + b.kids[0].x + treeBoxW/2
			right := ox + b.kids[len(b.kids)-1].x + treeBoxW/2
			s.Line(min(left, px), bar, max(right, px), bar, MutedColor, 1.2, false)
			for _, k := range b.kids {
				kx := ox + k.x + treeBoxW/2
				s.Line(kx, bar, kx, oy+k.y, MutedColor, 1.2, cut(k))
			}
		}
		for _, k := range b.kids {
			edges(k)
		}
	}
	boxes = func(b *treeBox) {
		drawBox(s, t, v, b, l.lines(b), ox+b.x, oy+b.y)
		for _, k := range b.kids {
			boxes(k)
		}
	}
	edges(f.root)
	boxes(f.root)
}

// drawBox draws one node's box with its gate's badge and its text.
func drawBox(s Surface, t *model.AttackTree, v *stride.TreeValues, b *treeBox, lines []treeLine, x, y float64) {
	n, nv := b.n, v.Nodes[b.n.ID]
	fill, stroke := color.Color(leafFill), color.Color(Stroke[model.ExternalEntity])
	switch {
	case nv.Defended:
		fill, stroke = cutFill, cutInk
	case n.ID == t.Root:
		fill, stroke = goalFill, goalFill
	case n.Gate != model.Leaf:
		fill, stroke = gateFill, Stroke[model.Process]
	}
	radius := 0.0
	if n.Gate != model.Leaf {
		radius = 10
	}
	s.Rect(x, y, treeBoxW, b.h, radius, fill, stroke, 1.3, b.ref != nil)
	if n.Gate != model.Leaf {
		gate := strings.ToUpper(n.Gate.String())
		w := TextWidth(gate, treeSmallSize, true) + 10
		s.Rect(x+treeBoxW/2-w/2, y-8, w, 14, 7, stroke, nil, 0, false)
		s.Text(x+treeBoxW/2, y+2.5, gate, treeSmallSize, true, Center, white)
	}
	cy := y + 8 // room for the badge; boxHeight leaves as much below
	for i, ln := range lines {
		if i > 0 && ln.size != lines[i-1].size {
			cy += 2 // a little room between the label and what follows
		}
		cy += treeLineH(ln.size)
		s.Text(x+treeBoxW/2, cy-ln.size*0.3, ln.text, ln.size, ln.bold, Center, ln.ink)
	}
}

// TreeSVG writes an attack tree as an SVG document, laid out as TreePNG
// lays it out, a unit to a pixel.
func TreeSVG(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) error {
	l, _ := treeSheet(t, v, PNGScale)
	s := &svgSurface{}
	DrawTree(s, t, v, l)
	b := l.Bounds
	// A unit is a pixel, as far as treeMaxSide.
	fit := min(1, treeMaxSide/b.W, treeMaxSide/b.H)
	_, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s" font-family="Go, 'DejaVu Sans', Helvetica, Arial, sans-serif">
<title>%s</title>
<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>
%s</svg>
`, trimFloat(b.W*fit), trimFloat(b.H*fit), trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), escapeXML(printable(t.Name)),
		trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), s.b.String())
	return err
}

// TreeImage draws an attack tree into one image at a scale in pixels a
// unit, or at a smaller one (see treeSheet) so that its longer side stays
// under treeMaxSide pixels.
func TreeImage(m *model.Model, t *model.AttackTree, v *stride.TreeValues, scale float64) (image.Image, error) {
	l, scale := treeSheet(t, v, scale)
	b := finiteRect(l.Bounds)
	scale = min(fitScale(b, scale), treeMaxSide/b.W, treeMaxSide/b.H)
	c := gg.NewContext(max(1, int(b.W*scale+0.5)), max(1, int(b.H*scale+0.5)))
	c.SetColor(color.White)
	c.Clear()
	DrawTree(&rasterSurface{c: c, scale: scale, offX: b.X, offY: b.Y}, t, v, l)
	return c.Image(), nil
}

// TreePNG writes an attack tree as a PNG image.
func TreePNG(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) error {
	img, err := TreeImage(m, t, v, PNGScale)
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

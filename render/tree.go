package render

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"

	"github.com/fogleman/gg"
	"github.com/goccy/go-graphviz"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// Tree node boxes, in drawing units.
const (
	treeNodeW = 200.0
	treeNodeH = 74.0
)

// TreeLayout is where graphviz puts the nodes of an attack tree.
type TreeLayout struct {
	Rects  map[string]model.Rect
	Bounds model.Rect
}

// LayoutTree lays an attack tree out top-down with graphviz.
func LayoutTree(t *model.AttackTree) (*TreeLayout, error) {
	var b strings.Builder
	b.WriteString("digraph tree {\n  graph [rankdir=TB, nodesep=0.3, ranksep=0.5];\n  node [shape=box, fixedsize=true, width=" +
		inches(treeNodeW) + ", height=" + inches(treeNodeH) + "];\n")
	t.Walk(func(n *model.TreeNode, _ int) {
		fmt.Fprintf(&b, "  %s;\n", quote(n.ID))
		if n.Parent != "" {
			fmt.Fprintf(&b, "  %s -> %s;\n", quote(n.Parent), quote(n.ID))
		}
	})
	b.WriteString("}\n")
	var out bytes.Buffer
	err := withGraphviz(func(gv *graphviz.Graphviz) error {
		g, err := graphviz.ParseBytes([]byte(b.String()))
		if err != nil {
			return err
		}
		defer g.Close()
		return gv.Render(context.Background(), g, graphviz.XDOT, &out)
	})
	if err != nil {
		return nil, fmt.Errorf("lay out the attack tree: %w", err)
	}
	l, err := readLayout(out.Bytes())
	if err != nil {
		return nil, err
	}
	tl := &TreeLayout{Rects: l.Rects}
	first := true
	for _, r := range l.Rects {
		if first {
			tl.Bounds, first = r, false
		} else {
			tl.Bounds = union(tl.Bounds, r)
		}
	}
	tl.Bounds = model.Rect{X: tl.Bounds.X - 20, Y: tl.Bounds.Y - 30, W: tl.Bounds.W + 40, H: tl.Bounds.H + 50}
	return tl, nil
}

var (
	goalFill   = hex(0x2b5c8a)
	gateFill   = hex(0xdde9f7)
	leafFill   = hex(0xfdf3e1)
	cutFill    = hex(0xeeeeee)
	cutInk     = hex(0x999999)
	defenseInk = hex(0x2e7d32)
)

// FormatCost writes a cost, "∞" when the branch is cut.
func FormatCost(c float64) string {
	if math.IsInf(c, 1) {
		return "∞"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", c), "0"), ".")
}

// DrawTree draws an attack tree: the goal on top, AND/OR gates, leaves
// with their cost, probability and skill; cut branches in grey with the
// defense that cuts them.
func DrawTree(s Surface, m *model.Model, t *model.AttackTree, v *stride.TreeValues, l *TreeLayout) {
	t.Walk(func(n *model.TreeNode, _ int) {
		if n.Parent == "" {
			return
		}
		p, c := l.Rects[n.Parent], l.Rects[n.ID]
		s.Line(p.X+p.W/2, p.Y+p.H, c.X+c.W/2, c.Y, MutedColor, 1.2, v.Nodes[n.ID].Defended)
	})
	t.Walk(func(n *model.TreeNode, _ int) {
		r := l.Rects[n.ID]
		nv := v.Nodes[n.ID]
		fill, ink, stroke := color.Color(leafFill), color.Color(InkColor), color.Color(Stroke[model.ExternalEntity])
		switch {
		case nv.Defended:
			fill, ink, stroke = cutFill, cutInk, cutInk
		case n.ID == t.Root:
			fill, ink, stroke = goalFill, color.White, goalFill
		case n.Gate != model.Leaf:
			fill, stroke = gateFill, Stroke[model.Process]
		}
		radius := 0.0
		if n.Gate != model.Leaf {
			radius = 10
		}
		s.Rect(r.X, r.Y, r.W, r.H, radius, fill, stroke, 1.3, false)
		if n.Gate != model.Leaf {
			gate := strings.ToUpper(n.Gate.String())
			w := TextWidth(gate, 9, true) + 10
			s.Rect(r.X+r.W/2-w/2, r.Y-8, w, 14, 7, stroke, nil, 0, false)
			s.Text(r.X+r.W/2, r.Y+2.5, gate, 9, true, Center, white)
		}
		lines := Wrap(printable(n.Label), r.W-12, 10.5, n.ID == t.Root, 3)
		y := r.Y + 17
		for _, line := range lines {
			s.Text(r.X+r.W/2, y, line, 10.5, n.ID == t.Root, Center, ink)
			y += 13
		}
		values := fmt.Sprintf("cost %s · p %.2f · skill %s", FormatCost(nv.Cost), nv.Probability, nv.Skill)
		if nv.Defended && n.Defense != "" {
			values = "defended: " + printable(n.Defense)
			ink = defenseInk
		}
		s.Text(r.X+r.W/2, r.Y+r.H-7, Wrap(values, r.W-10, 9, false, 1)[0], 9, false, Center, ink)
	})
}

// TreeSVG writes an attack tree as an SVG document.
func TreeSVG(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) error {
	l, err := LayoutTree(t)
	if err != nil {
		return err
	}
	s := &svgSurface{}
	DrawTree(s, m, t, v, l)
	b := l.Bounds
	_, err = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s" font-family="Go, 'DejaVu Sans', Helvetica, Arial, sans-serif">
<title>%s</title>
<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>
%s</svg>
`, trimFloat(b.W), trimFloat(b.H), trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), escapeXML(printable(t.Name)),
		trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), s.b.String())
	return err
}

// TreeImage draws an attack tree into an image at a scale.
func TreeImage(m *model.Model, t *model.AttackTree, v *stride.TreeValues, scale float64) (image.Image, error) {
	l, err := LayoutTree(t)
	if err != nil {
		return nil, err
	}
	b := finiteRect(l.Bounds)
	scale = fitScale(b, scale)
	c := gg.NewContext(max(1, int(b.W*scale+0.5)), max(1, int(b.H*scale+0.5)))
	c.SetColor(color.White)
	c.Clear()
	DrawTree(&rasterSurface{c: c, scale: scale, offX: b.X, offY: b.Y}, m, t, v, l)
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

package render

import (
	"fmt"
	"image/color"
	"io"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// svgSurface writes SVG elements; diagram units are SVG user units.
type svgSurface struct{ b strings.Builder }

func svgColor(c color.Color) (string, string) {
	if c == nil {
		return "none", "1"
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	if n.A == 0 {
		return "none", "1"
	}
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B), trimFloat(float64(n.A) / 255)
}

// trimFloat writes a number of an SVG document: finite, at most two
// decimals, no trailing zeros.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", finite(v))
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

func paint(fill, stroke color.Color, width float64, dashed bool) string {
	f, fo := svgColor(fill)
	s, so := svgColor(stroke)
	out := fmt.Sprintf(`fill="%s"`, f)
	if fo != "1" {
		out += fmt.Sprintf(` fill-opacity="%s"`, fo)
	}
	if s != "none" && width > 0 {
		out += fmt.Sprintf(` stroke="%s" stroke-width="%s"`, s, trimFloat(width))
		if so != "1" {
			out += fmt.Sprintf(` stroke-opacity="%s"`, so)
		}
		if dashed {
			out += ` stroke-dasharray="9 6"`
		}
	}
	return out
}

func (s *svgSurface) Rect(x, y, w, h, radius float64, fill, stroke color.Color, width float64, dashed bool) {
	r := ""
	if radius > 0 {
		r = fmt.Sprintf(` rx="%s"`, trimFloat(radius))
	}
	fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s"%s %s/>`+"\n", trimFloat(x), trimFloat(y), trimFloat(w), trimFloat(h), r, paint(fill, stroke, width, dashed))
}

func (s *svgSurface) Line(x1, y1, x2, y2 float64, stroke color.Color, width float64, dashed bool) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" %s/>`+"\n", trimFloat(x1), trimFloat(y1), trimFloat(x2), trimFloat(y2), paint(nil, stroke, width, dashed))
}

func (s *svgSurface) Polygon(xs, ys []float64, fill color.Color) {
	var pts []string
	for i := range xs {
		pts = append(pts, trimFloat(xs[i])+","+trimFloat(ys[i]))
	}
	fmt.Fprintf(&s.b, `<polygon points="%s" %s/>`+"\n", strings.Join(pts, " "), paint(fill, nil, 0, false))
}

func (s *svgSurface) Circle(cx, cy, r float64, fill, stroke color.Color, width float64) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" %s/>`+"\n", trimFloat(cx), trimFloat(cy), trimFloat(r), paint(fill, stroke, width, false))
}

func (s *svgSurface) Text(x, y float64, str string, size float64, bold bool, align Align, c color.Color) {
	anchor := [...]string{"start", "middle", "end"}[align]
	weight := ""
	if bold {
		weight = ` font-weight="bold"`
	}
	col, op := svgColor(c)
	opacity := ""
	if op != "1" {
		opacity = ` fill-opacity="` + op + `"`
	}
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s fill="%s"%s>%s</text>`+"\n",
		trimFloat(x), trimFloat(y), trimFloat(size), anchor, weight, col, opacity, escapeXML(str))
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// SVG writes one diagram as an SVG document.
func SVG(w io.Writer, m *model.Model, diagramID string, badges map[string]Badge) error {
	ext := Extent(m, diagramID)
	s := &svgSurface{}
	DrawDiagram(s, m, diagramID, badges)
	title := printable(diagramName(m, diagramID))
	_, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s" font-family="Go, 'DejaVu Sans', Helvetica, Arial, sans-serif">
<title>%s</title>
<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>
%s</svg>
`, trimFloat(ext.W), trimFloat(ext.H), trimFloat(ext.X), trimFloat(ext.Y), trimFloat(ext.W), trimFloat(ext.H),
		escapeXML(title), trimFloat(ext.X), trimFloat(ext.Y), trimFloat(ext.W), trimFloat(ext.H), s.b.String())
	return err
}

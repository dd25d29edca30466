package render

import (
	"fmt"
	"image/color"
	"regexp"

	"github.com/jung-kurt/gofpdf"
)

// pdfSurface draws a diagram on a PDF page as vectors: diagram units are
// scaled to millimetres and offset to a box on the page. Translucent
// colours are blended onto white, so the PDF needs no transparency.
type pdfSurface struct {
	pdf        *gofpdf.Fpdf
	scale      float64 // mm per diagram unit
	offX, offY float64 // diagram point at the box's top-left
	boxX, boxY float64 // the box on the page, mm
}

// x, y and mm map diagram units to millimetres on the page; every number
// the surface gives gofpdf goes through them, so none is NaN or infinite.
func (s *pdfSurface) x(v float64) float64  { return finite(s.boxX + (v-s.offX)*s.scale) }
func (s *pdfSurface) y(v float64) float64  { return finite(s.boxY + (v-s.offY)*s.scale) }
func (s *pdfSurface) mm(v float64) float64 { return finite(v * s.scale) }

// opaque blends a colour onto white.
func opaque(c color.Color) (int, int, int) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(v uint8) int { return int(float64(v)*a + 255*(1-a) + 0.5) }
	return mix(n.R), mix(n.G), mix(n.B)
}

func (s *pdfSurface) style(fill, stroke color.Color, width float64, dashed bool) string {
	st := ""
	if fill != nil && color.NRGBAModel.Convert(fill).(color.NRGBA).A > 0 {
		s.pdf.SetFillColor(opaque(fill))
		st += "F"
	}
	if stroke != nil && width > 0 {
		s.pdf.SetDrawColor(opaque(stroke))
		s.pdf.SetLineWidth(s.mm(width))
		if dashed {
			s.pdf.SetDashPattern([]float64{s.mm(9), s.mm(6)}, 0)
		} else {
			s.pdf.SetDashPattern(nil, 0)
		}
		st += "D"
	}
	return st
}

func (s *pdfSurface) Rect(x, y, w, h, radius float64, fill, stroke color.Color, width float64, dashed bool) {
	st := s.style(fill, stroke, width, dashed)
	if st == "" {
		return
	}
	if radius > 0 {
		s.pdf.RoundedRect(s.x(x), s.y(y), s.mm(w), s.mm(h), s.mm(radius), "1234", st)
	} else {
		s.pdf.Rect(s.x(x), s.y(y), s.mm(w), s.mm(h), st)
	}
	s.pdf.SetDashPattern(nil, 0)
}

func (s *pdfSurface) Line(x1, y1, x2, y2 float64, stroke color.Color, width float64, dashed bool) {
	if s.style(nil, stroke, width, dashed) == "" {
		return
	}
	s.pdf.Line(s.x(x1), s.y(y1), s.x(x2), s.y(y2))
	s.pdf.SetDashPattern(nil, 0)
}

func (s *pdfSurface) Polygon(xs, ys []float64, fill color.Color) {
	pts := make([]gofpdf.PointType, len(xs))
	for i := range xs {
		pts[i] = gofpdf.PointType{X: s.x(xs[i]), Y: s.y(ys[i])}
	}
	s.pdf.Polygon(pts, s.style(fill, nil, 0, false))
}

func (s *pdfSurface) Circle(cx, cy, r float64, fill, stroke color.Color, width float64) {
	if st := s.style(fill, stroke, width, false); st != "" {
		s.pdf.Circle(s.x(cx), s.y(cy), s.mm(r), st)
	}
}

func (s *pdfSurface) Text(x, y float64, str string, size float64, bold bool, align Align, c color.Color) {
	styleStr := ""
	if bold {
		styleStr = "B"
	}
	s.pdf.SetFont(reportFont, styleStr, s.mm(size)*72/25.4)
	s.pdf.SetTextColor(opaque(c))
	str = pdfText(str)
	w := s.pdf.GetStringWidth(str)
	px := finite(s.x(x) - w*float64(align)/2)
	s.pdf.Text(px, s.y(y), str)
}

// pdfText is a text of the model as the PDF writes it: printable, and with
// the characters beyond the Basic Multilingual Plane (emoji, historic
// scripts), which the embedded fonts have no glyph for and gofpdf cannot
// measure, written out as <U+1F680>.
func pdfText(s string) string {
	s = printable(s)
	for _, r := range s {
		if r > 0xffff {
			return beyondBMP.ReplaceAllStringFunc(s, func(c string) string {
				return fmt.Sprintf("<U+%X>", []rune(c)[0])
			})
		}
	}
	return s
}

var beyondBMP = regexp.MustCompile(`[\x{10000}-\x{10FFFF}]`)

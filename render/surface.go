package render

import (
	"image/color"
	"math"
	"sync"

	"github.com/rampart-tm/rampart/model"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Align is how text sits against its anchor point.
type Align int

// Text alignments.
const (
	Left Align = iota
	Center
	Right
)

// Surface is what a diagram is drawn on: an SVG document, a PNG image or a
// PDF page. Coordinates are diagram units; each surface maps them to its
// own. Text is anchored at its baseline.
type Surface interface {
	Rect(x, y, w, h, radius float64, fill, stroke color.Color, width float64, dashed bool)
	Line(x1, y1, x2, y2 float64, stroke color.Color, width float64, dashed bool)
	Polygon(xs, ys []float64, fill color.Color)
	Circle(cx, cy, r float64, fill, stroke color.Color, width float64)
	Text(x, y float64, s string, size float64, bold bool, align Align, c color.Color)
}

// The Go fonts are embedded in every drawing: they cover Latin, Greek,
// Cyrillic and arrows, and measure the same everywhere.
var (
	RegularTTF = goregular.TTF
	BoldTTF    = gobold.TTF
)

var (
	fontsOnce     sync.Once
	regular, bold *opentype.Font
)

func fonts() (*opentype.Font, *opentype.Font) {
	fontsOnce.Do(func() {
		regular, _ = opentype.Parse(RegularTTF)
		bold, _ = opentype.Parse(BoldTTF)
	})
	return regular, bold
}

var (
	widthMu    sync.Mutex
	widthFaces = map[bool]font.Face{}
)

// TextWidth measures a line of text in the Go font at a size.
func TextWidth(s string, size float64, isBold bool) float64 {
	widthMu.Lock()
	defer widthMu.Unlock()
	face := widthFaces[isBold]
	if face == nil {
		r, b := fonts()
		f := r
		if isBold {
			f = b
		}
		face, _ = opentype.NewFace(f, &opentype.FaceOptions{Size: 100, DPI: 72, Hinting: font.HintingNone})
		widthFaces[isBold] = face
	}
	var w fixed.Int26_6
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			w += face.Kern(prev, r)
		}
		a, ok := face.GlyphAdvance(r)
		if !ok {
			a, _ = face.GlyphAdvance('?')
		}
		w += a
		prev = r
	}
	return float64(w) / 64 * size / 100
}

// Wrap cuts text into lines no wider than width, at most maxLines (the
// last one ends with … when text was left out).
func Wrap(text string, width, size float64, isBold bool, maxLines int) []string {
	var lines []string
	for _, para := range splitLines(text) {
		cur := ""
		for _, w := range splitWords(para) {
			try := w
			if cur != "" {
				try = cur + " " + w
			}
			if cur != "" && TextWidth(try, size, isBold) > width {
				lines = append(lines, cur)
				cur = w
			} else {
				cur = try
			}
		}
		lines = append(lines, cur)
	}
	if maxLines > 0 && len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] += "…"
	}
	return lines
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func splitWords(s string) []string {
	var out []string
	word := []rune{}
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if len(word) > 0 {
				out = append(out, string(word))
				word = word[:0]
			}
			continue
		}
		word = append(word, r)
	}
	if len(word) > 0 {
		out = append(out, string(word))
	}
	return out
}

// printable is a text of the model as a drawing or the report shows it:
// line breaks and tabs kept (Wrap and the PDF's paragraphs break lines at
// them), every other control character and the bidirectional overrides
// written out (see model.Printable), so that no name can reverse, hide or
// overprint what follows it, nor make an SVG document malformed.
func printable(s string) string { return model.Printable(s, '\n', '\t') }

// maxDrawn bounds every number a drawing writes: far beyond the canvas
// (model.MaxCoord) and any page, well within what SVG, PDF and raster
// readers take.
const maxDrawn = 1e9

// finite is a number as a drawing writes it: within ±maxDrawn, and 0 for
// not-a-number. A model within its bounds never needs it; it keeps one
// that is not (built in code, or damaged) from writing NaN or Inf into an
// SVG or a PDF, which readers refuse.
func finite(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-maxDrawn, math.Min(maxDrawn, v))
}

// finiteRect is a rectangle with finite corner and a size of at least 1
// and at most 2·maxDrawn, so scales computed from it are finite and
// positive.
func finiteRect(r model.Rect) model.Rect {
	size := func(v float64) float64 {
		if math.IsNaN(v) || v < 1 {
			return 1
		}
		return math.Min(v, 2*maxDrawn)
	}
	return model.Rect{X: finite(r.X), Y: finite(r.Y), W: size(r.W), H: size(r.H)}
}

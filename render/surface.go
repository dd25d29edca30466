package render

import (
	"image/color"
	"sync"

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

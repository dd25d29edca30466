package render

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sync"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"

	"github.com/rampart-tm/rampart/model"
)

// rasterSurface draws with gg onto an image, scaled and offset from
// diagram units to pixels.
type rasterSurface struct {
	c          *gg.Context
	scale      float64
	offX, offY float64
}

// px maps a diagram point to pixels, and len a length; every number the
// surface gives gg goes through them, so none is NaN, infinite or so far
// off the image that rasterizing the shape takes long (the rasterizer
// walks every pixel of an edge, on the image or not). A model within its
// bounds fits the image (see fitScale) and is never clamped.
func (s *rasterSurface) px(x, y float64) (float64, float64) {
	return nearImage((x - s.offX) * s.scale), nearImage((y - s.offY) * s.scale)
}

func (s *rasterSurface) len(v float64) float64 { return nearImage(v * s.scale) }

// nearImage clamps a pixel coordinate to a few image sizes around it.
func nearImage(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-4*maxSide, math.Min(4*maxSide, v))
}

func (s *rasterSurface) stroke(c color.Color, width float64, dashed bool) bool {
	if c == nil || width <= 0 {
		return false
	}
	s.c.SetColor(c)
	s.c.SetLineWidth(s.len(width))
	if dashed {
		s.c.SetDash(s.len(9), s.len(6))
	} else {
		s.c.SetDash()
	}
	return true
}

func (s *rasterSurface) Rect(x, y, w, h, radius float64, fill, stroke color.Color, width float64, dashed bool) {
	px, py := s.px(x, y)
	draw := func() {
		if radius > 0 {
			s.c.DrawRoundedRectangle(px, py, s.len(w), s.len(h), s.len(radius))
		} else {
			s.c.DrawRectangle(px, py, s.len(w), s.len(h))
		}
	}
	if fill != nil {
		draw()
		s.c.SetColor(fill)
		s.c.Fill()
	}
	if s.stroke(stroke, width, dashed) {
		draw()
		s.c.Stroke()
	}
}

func (s *rasterSurface) Line(x1, y1, x2, y2 float64, stroke color.Color, width float64, dashed bool) {
	if !s.stroke(stroke, width, dashed) {
		return
	}
	a, b := s.px(x1, y1)
	c, d := s.px(x2, y2)
	s.c.DrawLine(a, b, c, d)
	s.c.Stroke()
}

func (s *rasterSurface) Polygon(xs, ys []float64, fill color.Color) {
	for i := range xs {
		s.c.LineTo(s.px(xs[i], ys[i]))
	}
	s.c.ClosePath()
	s.c.SetColor(fill)
	s.c.Fill()
}

func (s *rasterSurface) Circle(cx, cy, r float64, fill, stroke color.Color, width float64) {
	x, y := s.px(cx, cy)
	if fill != nil {
		s.c.DrawCircle(x, y, s.len(r))
		s.c.SetColor(fill)
		s.c.Fill()
	}
	if s.stroke(stroke, width, false) {
		s.c.DrawCircle(x, y, s.len(r))
		s.c.Stroke()
	}
}

var (
	faceMu sync.Mutex
	faces  = map[[2]float64]font.Face{}
	ttf    [2]*truetype.Font
)

// face returns the Go font at a pixel size; faces are cached.
func face(size float64, bold bool) font.Face {
	faceMu.Lock()
	defer faceMu.Unlock()
	b := 0.0
	if bold {
		b = 1
	}
	key := [2]float64{size, b}
	if f := faces[key]; f != nil {
		return f
	}
	if ttf[0] == nil {
		ttf[0], _ = truetype.Parse(RegularTTF)
		ttf[1], _ = truetype.Parse(BoldTTF)
	}
	f := truetype.NewFace(ttf[int(b)], &truetype.Options{Size: size, Hinting: font.HintingFull})
	faces[key] = f
	return f
}

func (s *rasterSurface) Text(x, y float64, str string, size float64, bold bool, align Align, c color.Color) {
	s.c.SetFontFace(face(s.len(size), bold))
	s.c.SetColor(c)
	px, py := s.px(x, y)
	s.c.DrawStringAnchored(str, px, py, float64(align)/2, 0)
}

// PNGScale is how many pixels a diagram unit takes in PNG exports: enough
// for a crisp picture in a document or on a projector.
const PNGScale = 2.0

// PNG draws one diagram as a PNG image.
func PNG(w io.Writer, m *model.Model, diagramID string, badges map[string]Badge) error {
	img := Raster(m, diagramID, badges, PNGScale)
	return png.Encode(w, img)
}

// Raster draws one diagram into an image at a scale, or smaller when the
// image would be larger than maxPixels.
func Raster(m *model.Model, diagramID string, badges map[string]Badge, scale float64) image.Image {
	ext := Extent(m, diagramID)
	scale = fitScale(ext, scale)
	c := gg.NewContext(max(1, int(ext.W*scale+0.5)), max(1, int(ext.H*scale+0.5)))
	c.SetColor(color.White)
	c.Clear()
	s := &rasterSurface{c: c, scale: scale, offX: ext.X, offY: ext.Y}
	DrawDiagram(s, m, diagramID, badges)
	return c.Image()
}

// Bounds on a raster image: a side of at most maxSide pixels and at most
// maxPixels in all (4 bytes each), far above any diagram drawn by hand.
const (
	maxSide   = 16384
	maxPixels = 64 << 20
)

// fitScale lowers a scale so that an area drawn at it fits the bounds of
// a raster image, and keeps it positive and finite.
func fitScale(r model.Rect, scale float64) float64 {
	if math.IsNaN(scale) || scale <= 0 || math.IsInf(scale, 0) {
		scale = 1
	}
	scale = min(scale, maxSide/r.W, maxSide/r.H, math.Sqrt(maxPixels/(r.W*r.H)))
	return max(scale, 1e-9)
}

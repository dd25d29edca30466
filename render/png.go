package render

import (
	"image"
	"image/color"
	"image/png"
	"io"
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

func (s *rasterSurface) px(x, y float64) (float64, float64) {
	return (x - s.offX) * s.scale, (y - s.offY) * s.scale
}

func (s *rasterSurface) stroke(c color.Color, width float64, dashed bool) bool {
	if c == nil || width <= 0 {
		return false
	}
	s.c.SetColor(c)
	s.c.SetLineWidth(width * s.scale)
	if dashed {
		s.c.SetDash(9*s.scale, 6*s.scale)
	} else {
		s.c.SetDash()
	}
	return true
}

func (s *rasterSurface) Rect(x, y, w, h, radius float64, fill, stroke color.Color, width float64, dashed bool) {
	px, py := s.px(x, y)
	draw := func() {
		if radius > 0 {
			s.c.DrawRoundedRectangle(px, py, w*s.scale, h*s.scale, radius*s.scale)
		} else {
			s.c.DrawRectangle(px, py, w*s.scale, h*s.scale)
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
		s.c.DrawCircle(x, y, r*s.scale)
		s.c.SetColor(fill)
		s.c.Fill()
	}
	if s.stroke(stroke, width, false) {
		s.c.DrawCircle(x, y, r*s.scale)
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
	s.c.SetFontFace(face(size*s.scale, bold))
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

// Raster draws one diagram into an image at a scale.
func Raster(m *model.Model, diagramID string, badges map[string]Badge, scale float64) image.Image {
	ext := Extent(m, diagramID)
	c := gg.NewContext(int(ext.W*scale+0.5), int(ext.H*scale+0.5))
	c.SetColor(color.White)
	c.Clear()
	s := &rasterSurface{c: c, scale: scale, offX: ext.X, offY: ext.Y}
	DrawDiagram(s, m, diagramID, badges)
	return c.Image()
}

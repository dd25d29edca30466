package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// slots is a reusable list of canvas objects drawn for one element. Each
// refresh draws the element again through it; objects are reused in order
// when the kind matches, so a drag moves existing objects instead of
// creating new ones (and text is not rasterized again).
type slots struct {
	objs []fyne.CanvasObject
	n    int // objects used by the current drawing
}

func (s *slots) begin() { s.n = 0 }

// end hides objects left over from a longer previous drawing.
func (s *slots) end() {
	for _, o := range s.objs[s.n:] {
		o.Hide()
	}
}

// used is the objects of the current drawing.
func (s *slots) used() []fyne.CanvasObject { return s.objs[:s.n] }

func (s *slots) next(make func() fyne.CanvasObject, fits func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if s.n < len(s.objs) && fits(s.objs[s.n]) {
		o := s.objs[s.n]
		s.n++
		if !o.Visible() {
			o.Show()
		}
		return o
	}
	o := make()
	if s.n < len(s.objs) {
		s.objs[s.n] = o
	} else {
		s.objs = append(s.objs, o)
	}
	s.n++
	return o
}

func (s *slots) rect(pos fyne.Position, size fyne.Size, fill, stroke color.Color, width, radius float32) *canvas.Rectangle {
	r := s.next(func() fyne.CanvasObject { return &canvas.Rectangle{} },
		func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Rectangle); return ok }).(*canvas.Rectangle)
	changed := r.FillColor != fill || r.StrokeColor != stroke || r.StrokeWidth != width || r.CornerRadius != radius
	r.FillColor, r.StrokeColor, r.StrokeWidth, r.CornerRadius = fill, stroke, width, radius
	r.Move(pos)
	if r.Size() != size {
		r.Resize(size)
	} else if changed {
		r.Refresh()
	}
	return r
}

func (s *slots) line(a, b fyne.Position, stroke color.Color, width float32) *canvas.Line {
	l := s.next(func() fyne.CanvasObject { return &canvas.Line{} },
		func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Line); return ok }).(*canvas.Line)
	if l.Position1 == a && l.Position2 == b && l.StrokeColor == stroke && l.StrokeWidth == width {
		return l
	}
	l.Position1, l.Position2, l.StrokeColor, l.StrokeWidth = a, b, stroke, width
	l.Refresh()
	return l
}

func (s *slots) circle(centre fyne.Position, radius float32, fill, stroke color.Color, width float32) *canvas.Circle {
	c := s.next(func() fyne.CanvasObject { return &canvas.Circle{} },
		func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Circle); return ok }).(*canvas.Circle)
	p1 := fyne.NewPos(centre.X-radius, centre.Y-radius)
	p2 := fyne.NewPos(centre.X+radius, centre.Y+radius)
	if c.Position1 == p1 && c.Position2 == p2 && c.FillColor == fill && c.StrokeColor == stroke && c.StrokeWidth == width {
		return c
	}
	c.Position1, c.Position2, c.FillColor, c.StrokeColor, c.StrokeWidth = p1, p2, fill, stroke, width
	c.Refresh()
	return c
}

// text draws one line of text centred (or left-aligned) in a box.
func (s *slots) text(str string, pos fyne.Position, width float32, size float32, col color.Color, align fyne.TextAlign, bold bool) *canvas.Text {
	t := s.next(func() fyne.CanvasObject { return &canvas.Text{} },
		func(o fyne.CanvasObject) bool { _, ok := o.(*canvas.Text); return ok }).(*canvas.Text)
	style := fyne.TextStyle{Bold: bold}
	changed := t.Text != str || t.TextSize != size || t.Color != col || t.Alignment != align || t.TextStyle != style
	t.Text, t.TextSize, t.Color, t.Alignment, t.TextStyle = str, size, col, align, style
	sz := fyne.NewSize(width, size*1.3)
	t.Move(pos)
	if t.Size() != sz {
		t.Resize(sz) // refreshes
	} else if changed {
		t.Refresh()
	}
	return t
}

// dashed draws a dashed polyline, dash and gap in pixels; each segment
// starts with a dash so corners stay visible.
func (s *slots) dashed(pts []fyne.Position, stroke color.Color, width, dash, gap float32) {
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		dx, dy := b.X-a.X, b.Y-a.Y
		l := float32(math.Hypot(float64(dx), float64(dy)))
		for t := float32(0); t < l; t += dash + gap {
			t1 := min(t+dash, l)
			s.line(fyne.NewPos(a.X+dx*t/l, a.Y+dy*t/l), fyne.NewPos(a.X+dx*t1/l, a.Y+dy*t1/l), stroke, width)
		}
	}
}

package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// PanBy moves the view by pixels.
func (v *diagramView) PanBy(dx, dy float32) {
	v.autoFit = false
	v.pan = v.pan.AddXY(dx, dy)
	v.viewChanged()
}

func (v *diagramView) viewChanged() {
	if v.onView != nil {
		v.onView()
	}
	v.Refresh()
}

// ZoomAround sets the zoom, keeping the diagram point under pos in place.
func (v *diagramView) ZoomAround(zoom float32, pos fyne.Position) {
	zoom = max(0.1, min(zoom, 5))
	v.autoFit = false
	at := v.toModel(pos)
	v.zoom = zoom
	v.pan = fyne.NewPos(pos.X-float32(at.X)*zoom, pos.Y-float32(at.Y)*zoom)
	v.viewChanged()
}

// ZoomBy zooms around the centre of the view.
func (v *diagramView) ZoomBy(factor float32) {
	s := v.Size()
	v.ZoomAround(v.zoom*factor, fyne.NewPos(s.Width/2, s.Height/2))
}

// ResetZoom shows the diagram at 100 %.
func (v *diagramView) ResetZoom() { v.ZoomBy(1 / v.zoom) }

// FitToContent zooms and pans so the whole diagram is in view.
func (v *diagramView) FitToContent() {
	d := v.ed.Diagram()
	s := v.Size()
	if d == nil || s.Width < 50 || s.Height < 50 {
		return
	}
	v.autoFit = true
	b := render.DiagramBounds(v.ed.Model, d.ID)
	const margin = 30
	zoom := min((s.Width-2*margin)/float32(b.W), (s.Height-2*margin)/float32(b.H))
	v.zoom = max(0.1, min(zoom, 1.5))
	v.pan = fyne.NewPos((s.Width-float32(b.W)*v.zoom)/2-float32(b.X)*v.zoom, (s.Height-float32(b.H)*v.zoom)/2-float32(b.Y)*v.zoom)
	v.viewChanged()
}

// label wraps a name into lines that fit a width, at most max lines.
func wrapLabel(name string, width, size float32, maxLines int) []string {
	var lines []string
	for _, para := range strings.Split(name, "\n") {
		words := strings.Fields(para)
		cur := ""
		for _, w := range words {
			try := w
			if cur != "" {
				try = cur + " " + w
			}
			if cur != "" && fyne.MeasureText(try, size, fyne.TextStyle{}).Width > width {
				lines = append(lines, cur)
				cur = w
			} else {
				cur = try
			}
		}
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] += "…"
	}
	return lines
}

// reveal pans, when needed, so that an element is in view with a margin.
func (v *diagramView) reveal(e *model.Element) {
	r := e.Bounds()
	if path := render.FlowPath(v.ed.Model, e); e.Kind == model.DataFlow && len(path) > 0 {
		lo, hi := path[0], path[0]
		for _, p := range path[1:] {
			lo = model.Point{X: min(lo.X, p.X), Y: min(lo.Y, p.Y)}
			hi = model.Point{X: max(hi.X, p.X), Y: max(hi.Y, p.Y)}
		}
		r = model.Rect{X: lo.X, Y: lo.Y, W: hi.X - lo.X, H: hi.Y - lo.Y}
	}
	a, b := v.toScreen(model.Point{X: r.X, Y: r.Y}), v.toScreen(model.Point{X: r.X + r.W, Y: r.Y + r.H})
	s := v.Size()
	const margin = 40
	if a.X >= margin && a.Y >= margin && b.X <= s.Width-margin && b.Y <= s.Height-margin {
		return
	}
	c := v.toScreen(e.Centre())
	if e.Kind == model.DataFlow {
		c = fyne.NewPos((a.X+b.X)/2, (a.Y+b.Y)/2)
	}
	v.pan = v.pan.AddXY(s.Width/2-c.X, s.Height/2-c.Y)
	v.viewChanged()
}

// scale is how much type and strokes are enlarged: for a room while
// presenting, 1 otherwise.
func (v *diagramView) scale() float32 {
	if v.present == nil || v.emphasis < 1 {
		return 1
	}
	return v.emphasis
}

// pulse brings an element into view and rings it for a moment.
func (v *diagramView) pulse(id string) {
	e := v.ed.Model.Elements[id]
	if e == nil {
		return
	}
	v.reveal(e)
	v.pulsing = id
	v.Refresh()
	go func() {
		time.Sleep(1200 * time.Millisecond)
		fyne.Do(func() {
			if v.pulsing == id {
				v.pulsing = ""
				v.Refresh()
			}
		})
	}()
}

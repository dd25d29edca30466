package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
)

// bigDiagram is one diagram of 500 nodes and 800 flows on a grid.
func bigDiagram() *model.Model {
	m := model.New("big")
	kinds := []model.Kind{model.Process, model.Process, model.DataStore, model.ExternalEntity}
	for i := range 500 {
		id := fmt.Sprintf("n%03d", i)
		m.Elements[id] = &model.Element{ID: id, Kind: kinds[i%4], Diagram: "context", Name: fmt.Sprintf("Element %d", i),
			X: float64(i%25) * 200, Y: float64(i/25) * 140, W: 150, H: 70}
	}
	for i := range 800 {
		a, b := i%500, (i*7+1)%500
		if kinds[a%4] != model.Process && kinds[b%4] != model.Process {
			b = (b/4)*4 + 1
		}
		id := fmt.Sprintf("f%03d", i)
		m.Elements[id] = &model.Element{ID: id, Kind: model.DataFlow, Diagram: "context", Name: fmt.Sprintf("flow %d", i),
			Source: fmt.Sprintf("n%03d", a), Target: fmt.Sprintf("n%03d", b)}
	}
	return m
}

func benchWindow(b *testing.B) *diagramView {
	a := test.NewTempApp(b)
	s := newSession(a, "")
	s.headless = true
	w := s.newWindow(editor.New(bigDiagram()))
	w.win.Resize(fyne.NewSize(1600, 1000))
	w.canvas.zoom, w.canvas.pan, w.canvas.autoFit = 0.3, fyne.NewPos(0, 0), false
	w.canvas.Refresh()
	b.Cleanup(w.win.Close)
	return w.canvas
}

// BenchmarkDragStep is one step of dragging an element on a diagram of
// 500 elements and 800 flows: the preview move and the canvas refresh.
func BenchmarkDragStep(b *testing.B) {
	v := benchWindow(b)
	e := v.ed.Model.Elements["n260"]
	start := v.toScreen(e.Centre())
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: start}})
	i := 0
	for b.Loop() {
		i++
		p := start.AddXY(float32(i%50), float32(i%30))
		v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(1, 1)})
	}
	v.DragEnd()
}

// BenchmarkFullRedraw redraws the whole 500-element diagram.
func BenchmarkFullRedraw(b *testing.B) {
	v := benchWindow(b)
	r := test.WidgetRenderer(v)
	for b.Loop() {
		r.Refresh()
	}
}

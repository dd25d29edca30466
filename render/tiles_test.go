package render

import (
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// Where its tiles have room to spare, a tiled diagram's tile edges move
// off the boundary titles and flow names, so none is printed halved.
func TestTileEdgesAvoidTexts(t *testing.T) {
	models, _ := legibleCorpus(t)
	tiled := 0
	for name, m := range models {
		var findings []model.Finding
		badges := Badges(m, findings)
		for _, d := range m.DiagramList() {
			p := planDiagram(m, m.ElementsIn(d.ID), badges)
			const w, h = 297 - 2*marginX, 210 - 2*pageEdge - captionH // landscape A4, as gridOf tries
			g, ok := gridFor(p.ext, p.legibleScale(), w, h, true)
			if !ok || g.rows*g.cols < 2 || p.fitScale(w, h) >= p.legibleScale() {
				continue
			}
			var texts []model.Rect
			for _, tx := range p.texts {
				if tx.box.W > 0 {
					texts = append(texts, tx.box)
				}
			}
			before := edgeCuts(g, texts)
			g.clearCuts(p.ext, w, h, texts)
			tiled++
			if after := edgeCuts(g, texts); after > before {
				t.Errorf("%s, %s: moving the tiles cut %d texts, %d before", name, d.Name, after, before)
			}
		}
	}
	if tiled == 0 {
		t.Skip("no corpus diagram needs tiles on landscape A4")
	}
}

// edgeCuts counts the texts a grid's tile edges pass through.
func edgeCuts(g tileGrid, rs []model.Rect) int {
	n := 0
	tw, th := g.size.X/g.scale, g.size.Y/g.scale
	for _, r := range rs {
		for k := range max(g.cols, g.rows) {
			for _, x := range []float64{g.origin.X + float64(k)*g.step.X, g.origin.X + float64(k)*g.step.X + tw} {
				if k < g.cols && x > r.X && x < r.X+r.W {
					n++
				}
			}
			for _, y := range []float64{g.origin.Y + float64(k)*g.step.Y, g.origin.Y + float64(k)*g.step.Y + th} {
				if k < g.rows && y > r.Y && y < r.Y+r.H {
					n++
				}
			}
		}
	}
	return n
}

// The demo's platform diagram takes two portrait tiles: drawn a little
// smaller (still legible), their edges fall between its columns, so no
// process is halved on either page.
func TestDemoTilesHalveNoProcess(t *testing.T) {
	models, _ := legibleCorpus(t)
	m := models["demo"]
	p := planDiagram(m, m.ElementsIn("platform"), Badges(m, nil))
	const w, h = 210 - 2*marginX, 297 - 2*pageEdge - captionH
	g, ok := gridFor(p.ext, p.legibleScale(), w, h, false)
	if !ok || g.cols*g.rows < 2 {
		t.Skip("the platform diagram no longer needs tiles")
	}
	var nodes []model.Rect
	for _, e := range m.ElementsIn("platform") {
		if e.Kind == model.Process {
			nodes = append(nodes, e.Bounds())
		}
	}
	g.settle(p.ext, p.legibleScale(), w, h, nodes)
	if n := g.cuts(nodes); n > 0 {
		t.Errorf("tile edges still halve %d processes", n)
	}
	if g.scale < p.legibleScale() {
		t.Errorf("the tiles print at %.3f mm a unit, under the legible %.3f", g.scale, p.legibleScale())
	}
}

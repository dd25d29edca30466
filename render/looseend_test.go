package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// A flow whose end the model does not connect is drawn with that end open
// and marked, even where its point lies on a node's rim, so the drawing
// never shows a connection the model does not have.
func TestALooseFlowEndIsMarked(t *testing.T) {
	draw := func(source string) string {
		m := model.New("loose")
		m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "App", X: 0, Y: 0, W: 120, H: 120}
		m.Elements["s"] = &model.Element{ID: "s", Kind: model.DataStore, Diagram: "context", Name: "DB", X: 300, Y: 20, W: 120, H: 80}
		m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Name: "Rows", Source: source,
			Target: "s", Points: []model.Point{{X: 120, Y: 60}, {X: 200, Y: 60}}}
		var buf bytes.Buffer
		if err := render.SVG(&buf, m, "context", nil); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	if svg := draw(""); !strings.Contains(svg, ">?<") {
		t.Error("a flow with no source is drawn as if connected")
	}
	if svg := draw("p"); strings.Contains(svg, ">?<") {
		t.Error("a connected flow is marked loose")
	}
}

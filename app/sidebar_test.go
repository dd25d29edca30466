package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
)

// An unnamed flow is listed by its ends, as threat titles name it, and the
// filter finds it by them.
func TestElementListNamesUnnamedFlowsByTheirEnds(t *testing.T) {
	m := model.New("list")
	add := func(e *model.Element) { e.Diagram = model.RootDiagramID; m.Elements[e.ID] = e }
	add(&model.Element{ID: "svc", Kind: model.Process, Name: "Service", X: 100, Y: 100, W: 140, H: 70})
	add(&model.Element{ID: "logs", Kind: model.DataStore, Name: "Log system", X: 400, Y: 100, W: 140, H: 70})
	add(&model.Element{ID: "f", Kind: model.DataFlow, Source: "svc", Target: "logs"})
	w := newTestWindow(t, m)
	l := w.elements
	test.Type(l.filter, "log system")
	var shown []string
	for i := range l.items {
		o := l.list.CreateItem()
		l.list.UpdateItem(i, o)
		shown = append(shown, o.(*widget.Label).Text)
	}
	joined := strings.Join(shown, "\n")
	if !strings.Contains(joined, "Service → Log system · data flow") || !strings.Contains(joined, "Log system · data store") {
		t.Errorf("the list filtered by “log system” shows %q", shown)
	}
}

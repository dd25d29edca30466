package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
)

// Answering a question in the Questions tab sets the property, and the
// assumed threats that rested on it are settled.
func TestAnsweringAQuestionSettlesItsThreats(t *testing.T) {
	m := model.New("questions")
	w := newTestWindow(t, m)
	user, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	api, _ := w.ed.Place(model.Process, model.Point{X: 400, Y: 100})
	w.ed.Rename(api, "Orders API")
	if _, err := w.ed.Connect(user, api); err != nil {
		t.Fatal(err)
	}
	w.analysis.Now()
	w.questions.refresh()
	var yes *widget.Button
	var asked string
	for _, o := range w.questions.box.Objects {
		row, ok := o.(*fyne.Container)
		if !ok {
			continue
		}
		label := row.Objects[0].(*widget.Label)
		if !strings.HasPrefix(label.Text, "Does Orders API authenticate its callers?") {
			continue
		}
		asked = label.Text
		yes = row.Objects[1].(*fyne.Container).Objects[0].(*widget.Button)
	}
	if yes == nil {
		t.Fatalf("no question about the callers of Orders API; the tab says %q", w.questions.count.Text)
	}
	test.Tap(yes)
	if got := m.Elements[api].Prop("authenticates_callers"); got != "true" {
		t.Fatalf("answering yes set %q", got)
	}
	w.analysis.Now()
	w.questions.refresh()
	for _, o := range w.questions.box.Objects {
		if row, ok := o.(*fyne.Container); ok {
			if l, ok := row.Objects[0].(*widget.Label); ok && l.Text == asked {
				t.Fatal("the question is still asked after its answer")
			}
		}
	}
	for _, th := range m.ThreatList() {
		if !th.Obsolete && th.ElementID == api && th.Category == model.Spoofing && th.Confidence == model.Assumed {
			t.Errorf("an assumed spoofing threat is still open on Orders API: %s", th.Title)
		}
	}
	w.ed.Undo()
	if m.Elements[api].Prop("authenticates_callers") != "" {
		t.Error("the answer is one undoable edit")
	}
}

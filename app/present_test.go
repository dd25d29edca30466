package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// F5 presents the diagram: the canvas alone with the bar, type at least
// presentLabelPx high, and the walk starting at an entry point; the arrow
// keys and Tab walk it, D marks the element in focus discussed (an edit
// with who and when) and moves on, and Esc gives the editor back as it
// was.
func TestPresentWalksAndReviews(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	w.win.Resize(fyne.NewSize(1920, 1080))
	w.ed.Author = "ana"
	before := w.win.Content()
	v := w.canvas
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	p := v.present
	if p == nil {
		t.Fatal("F5 did not present")
	}
	if w.win.Content() == before {
		t.Fatal("presenting kept the editor's panels")
	}
	r := &diagramRenderer{v: v}
	if px := r.fontSize(); px < presentLabelPx {
		t.Errorf("names are %.1f px high while presenting, want at least %d", px, presentLabelPx)
	}
	first := m.Elements[p.order[0]]
	if first.Kind != model.ExternalEntity {
		t.Errorf("the walk starts at %s %q, not an entry point", first.Kind.Label(), first.Name)
	}
	if len(p.order) != len(reviewable(m, w.ed.Diagram().ID)) {
		t.Errorf("the walk has %d steps for %d elements and flows", len(p.order), len(reviewable(m, w.ed.Diagram().ID)))
	}
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if p.at != 2 || !(&diagramRenderer{v: v}).selected(m.Elements[p.order[2]]) {
		t.Fatalf("two steps forward: at %d, focus not drawn", p.at)
	}
	v.TypedRune('d')
	if rv := m.Elements[p.order[2]].Review(); rv.State != model.Discussed || rv.By != "ana" || rv.At.IsZero() {
		t.Errorf("D recorded %+v", rv)
	}
	trail, err := w.ed.Trail()
	if err != nil || len(trail) == 0 {
		t.Fatal("no audit trail", err)
	}
	if last := trail[len(trail)-1]; !strings.HasPrefix(last.Action, "marked ") || last.Author != "ana" {
		t.Errorf("the trail's last entry is %+v", last)
	}
	if p.at != 3 {
		t.Errorf("after D the focus is at %d, want the next element", p.at)
	}
	if _, total := m.ReviewCoverage(); w.reviewLabel.Text != fmt.Sprintf("1 of %d reviewed", total) {
		t.Errorf("the status bar says %q", w.reviewLabel.Text)
	}
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if p.at != 2 {
		t.Errorf("back one: at %d", p.at)
	}
	v.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if v.present != nil || w.win.Content() != before || r.fontSize() >= presentLabelPx && v.zoom < 1.5 {
		t.Error("Esc did not give the editor back")
	}
}

func reviewable(m *model.Model, diagramID string) []*model.Element {
	var out []*model.Element
	for _, e := range m.ElementsIn(diagramID) {
		if e.Reviewable() {
			out = append(out, e)
		}
	}
	return out
}

// Shown by review, the canvas tints what was discussed, what needs follow
// up and what was not, so the room sees what is left.
func TestCanvasTintsByReview(t *testing.T) {
	m := model.New("tint")
	w := newTestWindow(t, m)
	a, _ := w.ed.Place(model.Process, model.Point{X: 100, Y: 100})
	b, _ := w.ed.Place(model.Process, model.Point{X: 400, Y: 100})
	w.review(a, model.Discussed)
	w.canvas.showReview = true
	r := &diagramRenderer{v: w.canvas, pal: currentPalette()}
	ta, _ := r.reviewTint(m.Elements[a])
	tb, _ := r.reviewTint(m.Elements[b])
	if ta == tb {
		t.Error("a discussed process and one not discussed are tinted alike")
	}
	w.canvas.showReview = false
	if _, ok := r.reviewTint(m.Elements[a]); ok {
		t.Error("the canvas tints by review when not asked to")
	}
}

// While presenting, 1 answers the first question on the element in focus
// with yes: the property is set, the threats update at once, and the
// history says who answered what.
func TestPresentAnswersQuestionsByKey(t *testing.T) {
	m := model.New("answers")
	w := newTestWindow(t, m)
	w.ed.Author = "ana"
	user, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	api, _ := w.ed.Place(model.Process, model.Point{X: 400, Y: 100})
	w.ed.Rename(api, "Orders API")
	w.ed.Connect(user, api)
	w.analysis.Now()
	w.present()
	p := w.canvas.present
	for p.order[p.at] != api {
		p.move(1)
	}
	before := len(openThreatsOn(m, api))
	w.canvas.TypedRune('1')
	trail, _ := w.ed.Trail()
	answered := false
	for _, c := range trail {
		if strings.HasPrefix(c.Action, "answered “Does Orders API") && strings.HasSuffix(c.Action, ": yes") && c.Author == "ana" {
			answered = true
		}
	}
	if !answered {
		t.Errorf("the history does not record ana's answer: %+v", trail)
	}
	if after := len(openThreatsOn(m, api)); after >= before {
		t.Errorf("answering yes left %d open threats of %d", after, before)
	}
}

// The bar stays a bar whatever the element in focus asks: questions never
// push the canvas off the screen.
func TestPresentBarKeepsTheCanvas(t *testing.T) {
	m := model.New("bar")
	w := newTestWindow(t, m)
	w.win.Resize(fyne.NewSize(1920, 1080))
	user, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	api, _ := w.ed.Place(model.Process, model.Point{X: 400, Y: 100})
	w.ed.Connect(user, api)
	w.analysis.Now()
	w.present()
	p := w.canvas.present
	for range p.order {
		if h := p.bar.MinSize().Height; h > 260 {
			t.Errorf("with %s in focus the bar is %.0f px high", m.NameOf(p.focus()), h)
		}
		p.move(1)
	}
}

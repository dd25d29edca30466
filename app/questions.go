package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// questionsPanel lists, per element, what the team has not stated and
// the assumed threats rest on: "Does Orders API authenticate its
// callers?". Answering sets the property as an undoable edit; analysis
// then removes or confirms the threats that depended on it. It is the
// agenda of a workshop.
type questionsPanel struct {
	w       *window
	box     *fyne.Container
	count   *widget.Label
	content fyne.CanvasObject
	shown   string // the questions on screen, to rebuild only on change
}

func newQuestionsPanel(w *window) *questionsPanel {
	p := &questionsPanel{w: w, box: container.NewVBox(), count: widget.NewLabel("")}
	p.content = container.NewBorder(p.count, nil, nil, nil, container.NewVScroll(container.NewPadded(p.box)))
	return p
}

// refresh rebuilds the list when the questions changed.
func (p *questionsPanel) refresh() {
	qs := stride.Questions(p.w.ed.Model)
	var key strings.Builder
	for _, q := range qs {
		fmt.Fprintf(&key, "%s|%s|%s\n", q.ElementID, q.Text, strings.Join(q.Threats, ","))
	}
	if key.String() == p.shown {
		return
	}
	p.shown = key.String()
	p.box.RemoveAll()
	p.count.SetText(plural(len(qs), "open question", "open questions") + ": each answer settles the assumed threats listed with it")
	last := ""
	for _, q := range qs {
		if q.ElementID != last {
			last = q.ElementID
			id := q.ElementID
			b := widget.NewButton(elementLabel(p.w.ed.Model, id), func() { p.w.reveal(id) })
			b.Importance = widget.LowImportance
			b.Alignment = widget.ButtonAlignLeading
			p.box.Add(b)
		}
		p.box.Add(p.row(q))
	}
	p.box.Refresh()
}

// row is one question with its answers.
func (p *questionsPanel) row(q stride.Question) fyne.CanvasObject {
	label := widget.NewLabel(q.Text + "  (" + strings.Join(q.Threats, ", ") + ")")
	label.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, nil, answerButtons(q, func(v string) {
		p.w.answer(q, v)
	}), label)
}

// answerButtons are the answers to a question: yes and no for a
// yes-or-no property, the choices of an enumerated one.
func answerButtons(q stride.Question, answer func(string)) fyne.CanvasObject {
	switch q.Property.Type {
	case model.Bool:
		return container.NewHBox(widget.NewButton("Yes", func() { answer("true") }), widget.NewButton("No", func() { answer("false") }),
			widget.NewButton("Don't know", func() { answer(dontKnow) }))
	case model.Enum:
		s := widget.NewSelect(q.Property.Options, func(v string) { answer(v) })
		s.PlaceHolder = "Answer…"
		return s
	}
	e := widget.NewEntry()
	e.SetPlaceHolder("Answer and press Enter")
	e.OnSubmitted = func(v string) {
		if v = strings.TrimSpace(v); v != "" {
			answer(v)
		}
	}
	return container.NewGridWrap(fyne.NewSize(200, e.MinSize().Height), e)
}

// reveal selects an element and shows its diagram.
func (w *window) reveal(id string) {
	e := w.ed.Model.Elements[id]
	if e == nil {
		return
	}
	w.ed.ShowDiagram(e.Diagram)
	w.ed.Select(id)
	w.canvas.Refresh()
}

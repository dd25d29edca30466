package app

import (
	"fmt"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// review records how far the workshop has got with an element, as the
// person named in the history, now: an edit like any other.
func (w *window) review(id string, state model.ReviewState) {
	w.do(w.ed.Do(model.SetReview(w.ed.Model, id, state, w.ed.Author, time.Now())))
}

// reviewProgress is the status bar's account of the review: "31 of 48
// reviewed", or "" before anything is.
func reviewProgress(m *model.Model) string {
	reviewed, total := m.ReviewCoverage()
	if reviewed == 0 || total == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d reviewed", reviewed, total)
}

// dontKnow is the answer of a room that cannot say: the property stays
// unstated and the element is marked for follow-up.
const dontKnow = "\x00don't know"

// answer records the room's answer to a question: it sets the property
// (the threats update at once), or, when nobody knows, marks the element
// for follow-up; either way the history says who answered what.
func (w *window) answer(q stride.Question, value string) {
	if value == dontKnow {
		ed := w.ed
		w.do(ed.Do(model.Relabel(model.SetReview(ed.Model, q.ElementID, model.FollowUp, ed.Author, time.Now()),
			fmt.Sprintf("asked “%s”: nobody knew, marked for follow-up", q.Text))))
		return
	}
	if e := w.ed.Model.Elements[q.ElementID]; e == nil || e.Prop(q.Property.Key) == value {
		return
	}
	w.do(w.ed.Do(model.AnswerQuestion(w.ed.Model, q.ElementID, q.Property.Key, value, q.Text)))
}

// plural writes n with the noun that agrees with it: "1 change", "2 changes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

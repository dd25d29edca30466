package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"github.com/rampart-tm/rampart/stride"
)

// analysisDelay is how long editing must pause before the model is analysed
// again: long enough not to analyse every keystroke, short enough that
// threats appear as the diagram grows.
const analysisDelay = 400 * time.Millisecond

// analyst runs the threat engine after edits, off the UI thread, on a copy
// of the model, and merges the result into the model when no edit came in
// meanwhile.
type analyst struct {
	w       *window
	lib     *stride.Library
	libErrs []error
	gen     int // counts edits; a result for an older generation is dropped
	timer   *time.Timer
	running bool
	manual  bool // analyse only when asked (Now): headless tests drive it
}

func newAnalyst(w *window) *analyst {
	a := &analyst{w: w, manual: w.s.headless}
	a.lib, a.libErrs = stride.ForModel(w.ed.Source(), w.ed.Model)
	return a
}

// schedule asks for an analysis once editing pauses.
func (a *analyst) schedule() {
	a.gen++
	if a.lib == nil || a.manual {
		return
	}
	if a.timer != nil {
		a.timer.Stop()
	}
	a.timer = time.AfterFunc(analysisDelay, func() { fyne.Do(a.start) })
}

// start copies the model (on the UI thread) and analyses the copy in the
// background.
func (a *analyst) start() {
	if a.running {
		a.schedule() // one analysis at a time; try again after this one
		return
	}
	snapshot, gen := a.w.ed.Model.Clone(), a.gen
	a.running = true
	go func() {
		found, errs := stride.Analyze(a.lib, snapshot)
		stride.WriteTexts(found) // here, not on the UI thread
		fyne.Do(func() {
			a.running = false
			a.finish(gen, found, errs)
		})
	}()
}

// Now analyses synchronously on the UI thread: for File → Analyze and tests.
func (a *analyst) Now() {
	if a.lib == nil {
		return
	}
	a.gen++
	found, errs := stride.Analyze(a.lib, a.w.ed.Model)
	a.finish(a.gen, found, errs)
}

// finish merges a result into the model, unless the model changed since
// the copy was taken (a newer analysis is then on its way).
func (a *analyst) finish(gen int, found []stride.Finding, errs []error) {
	if gen != a.gen {
		return
	}
	m := a.w.ed.Model
	live := found[:0]
	for _, f := range found {
		if m.Elements[f.Element.ID] != nil {
			live = append(live, f)
		}
	}
	if e := stride.Merge(m, live); e != nil {
		a.w.do(a.w.ed.Apply(e))
	}
	if len(errs) > 0 {
		a.w.status.SetText("Analysis: " + errors.Join(errs...).Error())
	}
}

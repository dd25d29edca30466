package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// changes lists what changed since an earlier version of the model.
func (r *report) changes() {
	if r.o.Since == nil {
		return
	}
	r.section("Changes since "+r.o.SinceLabel, 0)
	diffs := model.Diff(r.o.Since, r.m)
	if len(diffs) == 0 {
		r.para("Nothing changed.")
		return
	}
	rows := [][]string{{"Change", "What", "Details"}}
	for _, d := range diffs {
		name := d.What + " " + d.Name
		rows = append(rows, []string{d.Op, name, strings.Join(d.Details, "; ")})
	}
	r.table([]float64{20, 70, textW - 90}, rows, true)
}

// maxHistory bounds the trail printed: the latest entries matter most.
const maxHistory = 500

// history prints the audit trail, latest first.
func (r *report) history() {
	if !r.o.WithHistory && len(r.o.History) == 0 {
		return
	}
	r.section("Change history", 0)
	if len(r.o.History) == 0 {
		r.para("No change is recorded: the model was imported from another tool or written by a Rampart that kept " +
			"no trail, and has not been edited in Rampart since.")
		return
	}
	h := r.o.History
	if len(h) > maxHistory {
		r.para(fmt.Sprintf("The %d latest of %d entries.", maxHistory, len(h)))
		h = h[len(h)-maxHistory:]
	}
	rows := [][]string{{"When (UTC)", "Who", "What"}}
	for i := len(h) - 1; i >= 0; i-- {
		c := h[i]
		rows = append(rows, []string{c.At.UTC().Format("2006-01-02 15:04"), c.Author, c.Action})
	}
	r.table([]float64{30, 36, textW - 66}, rows, true)
}

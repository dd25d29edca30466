package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// maxReviewRows is the most elements the review chapter lists one per row,
// with who reviewed each and when; a larger model is counted by diagram.
const maxReviewRows = 400

// review is the workshop's coverage: how many elements and flows the team
// has walked through, diagram by diagram, what needs following up, and
// what has not been discussed.
func (r *report) review() {
	r.section("Review coverage", 0)
	m := r.m
	reviewed, total := m.ReviewCoverage()
	if total == 0 {
		r.para("The model has no element or flow to review.")
		return
	}
	if reviewed == 0 {
		r.para(fmt.Sprintf("No workshop review is recorded: none of the %s has been marked as discussed.",
			count(total, "element or flow", "elements and flows")))
		return
	}
	byState := map[model.ReviewState]int{}
	rows := [][]string{{"Diagram", "Elements and flows", "Discussed", "Needs follow-up", "Not discussed"}}
	var followUp, open [][]string
	var detail [][]string
	for _, d := range m.DiagramList() {
		n := map[model.ReviewState]int{}
		var waiting []string
		for _, e := range r.in[d.ID] {
			if !e.Reviewable() {
				continue
			}
			rv := e.Review()
			n[rv.State]++
			byState[rv.State]++
			when := ""
			if !rv.At.IsZero() {
				when = rv.At.UTC().Format("2 Jan 2006 15:04")
			}
			switch rv.State {
			case model.FollowUp:
				followUp = append(followUp, []string{m.NameOf(e), d.Name, orDash(rv.By), orDash(when)})
			case model.NotDiscussed:
				waiting = append(waiting, m.NameOf(e))
			}
			detail = append(detail, []string{m.NameOf(e), d.Name, rv.State.Label(), orDash(rv.By), orDash(when)})
		}
		if all := n[model.NotDiscussed] + n[model.Discussed] + n[model.FollowUp]; all > 0 {
			rows = append(rows, []string{d.Name, fmt.Sprint(all), fmt.Sprint(n[model.Discussed]), fmt.Sprint(n[model.FollowUp]),
				fmt.Sprint(n[model.NotDiscussed])})
		}
		if len(waiting) > 0 {
			open = append(open, []string{d.Name, strings.Join(waiting, ", ")})
		}
	}
	r.para(fmt.Sprintf("The workshop has reviewed %d of %d elements and flows (%d %%; trust boundaries are not reviewed "+
		"on their own): %d discussed, %d %s follow-up, %d not yet discussed.", reviewed, total, reviewed*100/total, byState[model.Discussed], byState[model.FollowUp],
		needsWord(byState[model.FollowUp]), byState[model.NotDiscussed]))
	r.table([]float64{textW - 112, 28, 24, 30, 30}, rows, true)
	if len(followUp) > 0 {
		r.subheading("Needs follow-up")
		r.table([]float64{textW - 110, 50, 30, 30}, append([][]string{{"Element or flow", "Diagram", "By", "When"}}, followUp...), true)
	}
	if len(open) > 0 {
		r.subheading("Not yet discussed")
		r.table([]float64{50, textW - 50}, append([][]string{{"Diagram", "Elements and flows"}}, open...), true)
	}
	if len(detail) <= maxReviewRows {
		r.subheading("Every element and flow")
		r.table([]float64{textW - 128, 44, 28, 26, 30}, append([][]string{{"Element or flow", "Diagram", "State", "By", "When"}}, detail...), true)
	}
}

func needsWord(n int) string {
	if n == 1 {
		return "needs"
	}
	return "need"
}

// subheading titles a part of a chapter that is not in the contents, kept
// with the first lines under it.
func (r *report) subheading(title string) {
	r.need(24)
	r.pdf.Ln(2)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, pdfText(title), "", 1, "L", false, 0, "")
}

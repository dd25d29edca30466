package render

import (
	"fmt"
	"image/color"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// summary is the executive summary: scope and assumptions, threats by
// category, severity and status, and the top risks.
func (r *report) summary() {
	m := r.m
	r.newPage() // the contents keep their page
	r.section("Executive summary", 0)
	open, crit := 0, 0
	for _, t := range r.live {
		if r.isOpen(t) {
			open++
			if t.Severity() >= model.SeverityHigh {
				crit++
			}
		}
	}
	text := fmt.Sprintf("The model has %s over %s, %s and %s. The analysis records %s, of which %d %s open; %s high "+
		"or critical. Of the open threats, %d %s confirmed by what the model states and %d %s assumed: the model does not "+
		"state the weakness they are about.",
		count(len(m.Diagrams), "diagram", "diagrams"), count(r.maxLevel()+1, "level", "levels"),
		count(len(m.Elements), "element", "elements"), count(len(m.Assets), "data asset", "data assets"),
		count(len(r.live), "threat", "threats"), open, isAre(open), count(crit, "open threat is", "open threats are"),
		open-r.assumedOpen(), isAre(open-r.assumedOpen()), r.assumedOpen(), isAre(r.assumedOpen()))
	if asked := r.askedThreats(); asked > 0 {
		text += fmt.Sprintf(" %d of these rest on properties nobody has stated; %s them (see Open questions).", asked,
			count(len(r.openQuestions), "open question settles", "open questions settle"))
	}
	switch errs, warnings := r.findingCounts(); {
	case errs > 0:
		text += fmt.Sprintf(" Validation found %s and %s in the diagrams (see Validation findings): threats on an "+
			"element or flow that breaks a rule may be missing.", count(errs, "error", "errors"), count(warnings, "warning", "warnings"))
	case warnings > 0:
		text += " Validation found " + count(warnings, "warning", "warnings") + " (see Validation findings)."
	}
	if reviewed, total := m.ReviewCoverage(); reviewed > 0 {
		text += fmt.Sprintf(" The workshop has reviewed %d of %d elements and flows (see Review coverage).", reviewed, total)
	}
	if n := len(m.Conflicts); n > 0 {
		// A merge of two versions left choices open: this is not yet one
		// agreed model, and the figures above may change.
		text += fmt.Sprintf(" The model was merged from two versions and %s still open (see Validation findings): "+
			"where the versions disagree this report shows one of them, and its figures may change once they are resolved.",
			count(model.Decisions(m.ConflictList()), "choice is", "choices are"))
	}
	r.para(text)

	r.section("Scope and assumptions", 1)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Scope", "", 1, "L", false, 0, "")
	r.para(orDash(m.Scope))
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Assumptions", "", 1, "L", false, 0, "")
	r.para(orDash(m.Assumptions))

	r.section("Threats by category, severity and status", 1)
	rows := [][]string{{"STRIDE category", "Threats", "Open", "Critical", "High", "Medium", "Low"}}
	var catLabels []string
	var catOpen []int
	for _, c := range model.Categories {
		var n, o int
		var sev [4]int
		for _, t := range r.live {
			if t.Category != c {
				continue
			}
			n++
			if r.isOpen(t) {
				o++
				sev[t.Severity()]++
			}
		}
		rows = append(rows, []string{c.Label(), fmt.Sprint(n), fmt.Sprint(o), fmt.Sprint(sev[3]), fmt.Sprint(sev[2]), fmt.Sprint(sev[1]), fmt.Sprint(sev[0])})
		catLabels, catOpen = append(catLabels, c.Label()), append(catOpen, o)
	}
	r.table([]float64{52, 20, 20, 20, 20, 20, 22}, rows, true)
	r.para("The severity columns count open threats; the Threats column counts all that are not obsolete.")
	r.riskMatrix()
	r.triage()
	r.bars("Open threats by STRIDE category", catLabels, catOpen, []color.Color{Stroke[model.Process]})

	var sevLabels []string
	var sevOpen []int
	var sevColors []color.Color
	for i := len(model.Severities) - 1; i >= 0; i-- {
		s := model.Severities[i]
		n := 0
		for _, t := range r.live {
			if r.isOpen(t) && t.Severity() == s {
				n++
			}
		}
		sevLabels, sevOpen, sevColors = append(sevLabels, s.String()), append(sevOpen, n), append(sevColors, SeverityColors[s])
	}
	r.bars("Open threats by severity", sevLabels, sevOpen, sevColors)

	statusRows := [][]string{{"Status", "Threats"}}
	var stLabels []string
	var stCounts []int
	for _, s := range model.Statuses {
		n := 0
		for _, t := range r.live {
			if t.Status == s && r.m.Suppressed(t.RuleID, t.ElementID) == nil {
				n++
			}
		}
		statusRows = append(statusRows, []string{s.Label(), fmt.Sprint(n)})
		stLabels, stCounts = append(stLabels, s.Label()), append(stCounts, n)
	}
	suppressed, obsolete := 0, len(m.Threats)-len(r.live)
	for _, t := range r.live {
		if m.Suppressed(t.RuleID, t.ElementID) != nil {
			suppressed++
		}
	}
	statusRows = append(statusRows, []string{"suppressed", fmt.Sprint(suppressed)}, []string{"obsolete (no longer applies)", fmt.Sprint(obsolete)})
	r.need(70)
	r.bars("Threats by status", stLabels, stCounts, []color.Color{SeverityColors[2], SeverityColors[0], hex(0x5c6bc0), MutedColor, hex(0x00897b)})
	r.table([]float64{80, 30}, statusRows, true)
	if len(m.Suppressions) > 0 {
		rows := [][]string{{"Suppressed rule", "Where", "Justification"}}
		for _, k := range sortedKeys(m.Suppressions) {
			s := m.Suppressions[k]
			where := "whole model"
			if e := m.Elements[s.ElementID]; e != nil {
				where = e.Label()
			}
			rows = append(rows, []string{s.RuleID, where, s.Justification})
		}
		r.table([]float64{50, 50, textW - 100}, rows, true)
	}

	r.section("Top risks", 1)
	const most = 15
	top := [][]string{{"ID", "Severity", "Confidence", "Element", "Threat"}}
	var topIDs []string
	// Within a severity, what the model states outranks what it leaves open.
	ranked := slices.Clone(r.live)
	sort.SliceStable(ranked, func(i, j int) bool {
		if si, sj := ranked[i].Severity(), ranked[j].Severity(); si != sj {
			return si > sj
		}
		return ranked[i].Confidence == model.Confirmed && ranked[j].Confidence != model.Confirmed
	})
	for _, t := range ranked {
		if !r.isOpen(t) {
			continue
		}
		if len(top) <= most {
			top = append(top, []string{t.Code(), t.Severity().String(), t.Confidence.String(), elementName(m, t.ElementID), t.Title})
			topIDs = append(topIDs, t.ID)
		}
	}
	switch {
	case len(top) == 1:
		r.para("No open threats.")
	case open > most:
		r.para(fmt.Sprintf("The %d open threats with the highest risk (confirmed before assumed at each severity), of %d open (%d of them high or critical). "+
			"Every threat is detailed, by its ID, with its diagram.", most, open, crit))
	default:
		r.para(fmt.Sprintf("All %d open threats, highest risk first, confirmed before assumed. Each is detailed, by its ID, with its diagram.", open))
	}
	if len(top) > 1 {
		widths := []float64{18, 18, 22, 38, textW - 96}
		r.row(widths, top[0], true)
		for i, row := range top[1:] {
			// Each ID links to the threat's detail.
			y, page := r.pdf.GetY(), r.pdf.PageNo()
			r.row(widths, row, false)
			if r.pdf.PageNo() == page {
				r.pdf.Link(marginX, y, widths[0], r.pdf.GetY()-y, r.threatLink(topIDs[i]))
			}
		}
		r.tableHead = nil
		r.pdf.Ln(2)
	}
}

// threatLink is the link to a threat's detail, made on first use and
// placed when the threat is written.
func (r *report) threatLink(id string) int {
	if r.links == nil {
		r.links = map[string]int{}
	}
	l, ok := r.links[id]
	if !ok {
		l = r.pdf.AddLink()
		r.links[id] = l
	}
	return l
}

// riskMatrix counts the open threats by likelihood and impact.
func (r *report) riskMatrix() {
	var n [4][4]int
	for _, t := range r.live {
		if r.isOpen(t) {
			n[t.Likelihood][t.Impact]++
		}
	}
	rows := [][]string{{"Likelihood \\ impact"}}
	for _, i := range model.Levels {
		rows[0] = append(rows[0], i.Label())
	}
	for l := len(model.Levels) - 1; l >= 0; l-- {
		row := []string{model.Levels[l].Label()}
		for i := range model.Levels {
			row = append(row, fmt.Sprint(n[l][i]))
		}
		rows = append(rows, row)
	}
	r.need(40)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Open threats by likelihood and impact", "", 1, "L", false, 0, "")
	r.table([]float64{44, 30, 30, 30, 30}, rows, true)
}

// triage says how far the analyst has got: threats decided, accepted with
// a justification, mitigated, and how many open ones are confirmed.
func (r *report) triage() {
	var decided, accepted, justified, mitigated, open, confirmed int
	for _, t := range r.live {
		switch {
		case r.isOpen(t):
			open++
			if t.Confidence == model.Confirmed {
				confirmed++
			}
		case t.Status != model.Open:
			decided++
		}
		switch t.Status {
		case model.Accepted:
			accepted++
			if strings.TrimSpace(t.Justification) != "" {
				justified++
			}
		case model.Mitigated:
			mitigated++
		}
	}
	r.para(fmt.Sprintf("Triage: %d of %d threats decided (%d mitigated, %d accepted, %d of those with a justification); "+
		"%d open, %d of them confirmed by what the model states.", decided, len(r.live), mitigated, accepted, justified,
		open, confirmed))
}

func (r *report) isOpen(t *model.Threat) bool {
	return r.m.IsOpen(t)
}

func (r *report) maxLevel() int {
	n := 0
	for _, l := range r.levels {
		n = max(n, l)
	}
	return n
}

package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// threatsOf lists the threats on a diagram's elements, worst first: each
// in detail, or in brief when the model has more threats than a report
// details (see maxDetailed).
func (r *report) threatsOf(diagramID string) {
	var ts []*model.Threat
	for _, e := range r.in[diagramID] {
		ts = append(ts, r.listedOn(e.ID)...)
	}
	stride.SortThreats(ts)
	r.need(r.headingNeed(ts))
	r.font("B", 11, InkColor)
	r.pdf.CellFormat(textW, 7, fmt.Sprintf("Threats (%d)", len(ts)), "", 1, "L", false, 0, "")
	if len(ts) == 0 {
		r.para("No threats on this diagram's elements.")
	}
	r.threatList(ts)
}

// threatList writes threats in detail, or in brief when the model has
// more than a report details.
func (r *report) threatList(ts []*model.Threat) {
	if r.brief {
		r.threatsInBrief(ts)
		return
	}
	for _, t := range ts {
		r.threat(t)
	}
}

// listedOn lists the threats on an element that the report's options
// keep (see ReportOptions.Omit and OnlyConfirmed).
func (r *report) listedOn(id string) []*model.Threat {
	var out []*model.Threat
	for _, t := range r.byElem[id] {
		if slices.Contains(r.o.Omit, t.Status) || r.o.OnlyConfirmed && t.Confidence != model.Confirmed {
			continue
		}
		out = append(out, t)
	}
	return out
}

// omissions says which threats the listings leave out, or "".
func (r *report) omissions() string {
	var what []string
	for _, s := range r.o.Omit {
		what = append(what, s.Label())
	}
	text := ""
	if len(what) > 0 {
		text = "Threats that are " + strings.Join(what, " or ") + " are left out of the lists below"
	}
	if r.o.OnlyConfirmed {
		if text == "" {
			text = "Assumed threats are left out of the lists below"
		} else {
			text += ", and so are assumed threats"
		}
	}
	if text == "" {
		return ""
	}
	return text + "; the summary counts every threat."
}

// byElement lists the threats element by element, then interaction by
// interaction (each flow with its ends), as the Threat Modeling Tool's
// reports do.
func (r *report) byElement() {
	r.section("Threats by element", 0)
	r.para(r.omissions())
	for _, flows := range []bool{false, true} {
		title := "Elements"
		if flows {
			title = "Interactions"
		}
		r.section(title, 1)
		for _, d := range r.m.DiagramList() {
			for _, e := range r.in[d.ID] {
				if (e.Kind == model.DataFlow) != flows {
					continue
				}
				ts := r.listedOn(e.ID)
				if len(ts) == 0 {
					continue
				}
				stride.SortThreats(ts)
				r.need(r.headingNeed(ts) + 4)
				r.font("B", 11, InkColor)
				head := fmt.Sprintf("%s (%s, %s): %s", elementName(r.m, e.ID), e.Kind.Label(), d.Name, count(len(ts), "threat", "threats"))
				r.pdf.MultiCell(textW, 6, pdfText(head), "", "L", false)
				r.threatList(ts)
			}
		}
	}
}

// maxDetailed is how many threats a report details one by one: at about
// four a page, a document of over a thousand pages is past reading. A
// model with more gets its threats in brief (threatsInBrief), each with
// its rule's explanation in the appendix and in full in `analyze --format
// json`, so the report stays a document one can read, and write in
// memory, however large the model.
const maxDetailed = 5000

// threatStatus is a threat's status as the report words it.
func (r *report) threatStatus(t *model.Threat) string {
	status := t.Status.Label()
	if t.Obsolete {
		why := r.retired[t.ID]
		if why == "" {
			why = "it no longer applies"
		}
		status = "obsolete (" + why + "), was " + status
	}
	if s := r.m.Suppressed(t.RuleID, t.ElementID); s != nil {
		status += "; rule suppressed: " + s.Justification
	}
	return status
}

// threatsInBrief lists every threat in a few words. Those the analyst
// added, triaged or annotated, and those suppressed or obsolete, get a
// table row each, with the analyst's words. The others, open as their rule
// raised them, are grouped by rule and severity, each named by its code and
// element: why a rule raises its threats and what to do about them is with
// the rule in the appendix.
func (r *report) threatsInBrief(ts []*model.Threat) {
	type group struct {
		rule string
		sev  model.Severity
		ts   []*model.Threat
	}
	var decided []*model.Threat
	var groups []*group
	byKey := map[string]*group{}
	for _, t := range ts {
		if !r.untriaged(t) {
			decided = append(decided, t)
			continue
		}
		key := t.RuleID + "\x00" + t.Severity().String()
		g := byKey[key]
		if g == nil {
			g = &group{rule: t.RuleID, sev: t.Severity()}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.ts = append(g.ts, t)
	}
	r.threatRows(decided)
	for _, g := range groups {
		title := g.rule
		if r.o.Rules != nil {
			if rule := r.o.Rules.Rule(g.rule); rule != nil {
				title += " — " + rule.GenericTitle()
			}
		}
		r.need(16)
		r.font("B", 9, InkColor)
		r.pdf.MultiCell(textW, 4.5, pdfText(fmt.Sprintf("%s: %s, untriaged", title, count(len(g.ts), "open "+g.sev.String()+" threat", "open "+g.sev.String()+" threats"))), "", "L", false)
		r.font("", 8.5, InkColor)
		// A few hundred at a time, so no one text holds a whole diagram's.
		for start := 0; start < len(g.ts); start += 500 {
			var b strings.Builder
			for i, t := range g.ts[start:min(start+500, len(g.ts))] {
				if i > 0 {
					b.WriteString("  ·  ")
				}
				b.WriteString(t.Code() + " " + elementName(r.m, t.ElementID))
			}
			r.pdf.MultiCell(textW, 4, pdfText(b.String()), "", "L", false)
		}
		r.pdf.Ln(2)
	}
}

// untriaged reports whether a threat is as its rule raised it: open, with
// nothing the analyst wrote or set, not suppressed.
func (r *report) untriaged(t *model.Threat) bool {
	return t.RuleID != "" && !t.Manual && !t.Obsolete && t.Status == model.Open && t.Justification == "" &&
		t.Mitigation == "" && !t.RiskSet && t.Dread == nil && r.m.Suppressed(t.RuleID, t.ElementID) == nil
}

// threatRows lists threats one row each: code, severity, status, element,
// title, and what the analyst wrote about it.
func (r *report) threatRows(ts []*model.Threat) {
	if len(ts) == 0 {
		return
	}
	widths := []float64{20, 18, 36, 32, textW - 106}
	r.row(widths, []string{"ID", "Severity", "Status", "Element", "Threat"}, true)
	for _, t := range ts {
		text := t.Title
		if t.RuleID != "" {
			text += " (" + t.Confidence.String() + ", rule " + t.RuleID + r.ruleNote(t) + ")"
		}
		if t.Justification != "" {
			text += "\nJustification: " + t.Justification
		}
		if t.Mitigation != "" {
			text += "\nMitigation: " + t.Mitigation
		}
		r.row(widths, []string{t.Code(), t.Severity().String(), r.threatStatus(t), elementName(r.m, t.ElementID), text}, false)
	}
	r.pdf.Ln(2)
}

// threat writes one threat: title, classification, triage, why it was
// raised, what to do, references.
func (r *report) threat(t *model.Threat) {
	m := r.m
	status := r.threatStatus(t)
	r.keepTogether(t)
	if l, ok := r.links[t.ID]; ok {
		r.pdf.SetLink(l, r.pdf.GetY(), -1)
	}
	y := r.pdf.GetY()
	r.pdf.SetFillColor(opaque(SeverityColors[t.Severity()]))
	r.pdf.Rect(marginX, y+0.8, 1.6, 4.2, "F")
	r.pdf.SetX(marginX + 3)
	r.font("B", 10, InkColor)
	r.pdf.MultiCell(textW-3, lineH, pdfText(t.Code()+"  "+t.Title), "", "L", false)
	r.font("", 8.5, MutedColor)
	meta := fmt.Sprintf("%s · %s (likelihood %s, impact %s) · %s · on %s", t.Category.Label(), t.Severity(),
		t.Likelihood.Label(), t.Impact.Label(), status, elementName(m, t.ElementID))
	switch {
	case t.Origin != "":
		meta += " · recorded in " + strings.ReplaceAll(t.Origin, " ", "\u00a0") // the tool's name wraps whole
	case t.RuleID != "":
		meta += " · " + t.Confidence.String() + " · rule " + t.RuleID + r.ruleNote(t)
	default:
		meta += " · added by the analyst"
	}
	if t.Dread != nil {
		meta += fmt.Sprintf(" · DREAD %.1f", t.Dread.Score())
	}
	r.pdf.SetX(marginX + 3)
	r.pdf.MultiCell(textW-3, 4, pdfText(meta), "", "L", false)
	field := func(label, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		r.pdf.SetX(marginX + 3)
		r.font("B", 8.5, InkColor)
		r.pdf.CellFormat(28, 4.2, label, "", 0, "L", false, 0, "")
		r.font("", 8.5, InkColor)
		r.pdf.MultiCell(textW-31, 4.2, pdfText(text), "", "L", false)
	}
	field("Description", fromMarkup(t.Description))
	field("Why", strings.Join(t.Facts, "\n"))
	field("Confidence", r.settledBy(t))
	field("Justification", t.Justification)
	mitigation := t.Mitigation
	if mitigation == "" && r.fit != nil {
		if ms := r.fit.Mitigations(t); len(ms) > 0 {
			mitigation = ms[0].Do + " (see " + t.RuleID + " in the appendix)"
		}
	}
	field("Mitigation", fromMarkup(mitigation))
	field("References", strings.Join(t.References, ", "))
	r.pdf.Ln(2.5)
}

// keepTogether starts a threat's block on a new page when it would not
// fit on this one but fits on a page of its own, so a threat is never
// split from its heading.
func (r *report) keepTogether(t *model.Threat) {
	h := r.cardHeight(t)
	if _, pageH := r.pdf.GetPageSize(); h < pageH-40 {
		r.need(h)
	} else {
		r.need(28)
	}
}

// cardHeight is the height a threat's card takes, measured once so that
// both passes of the report break pages at the same places.
func (r *report) cardHeight(t *model.Threat) float64 {
	if h, ok := r.heights[t.ID]; ok {
		return h
	}
	r.font("", 8.5, InkColor)
	lines := 3.0 // title and what it is
	for _, text := range []string{t.Description, strings.Join(t.Facts, "\n"), t.Justification, t.Mitigation,
		r.settledBy(t), strings.Join(t.References, ", "), "mitigation"} {
		if strings.TrimSpace(text) != "" {
			lines += float64(len(r.pdf.SplitText(pdfText(text), textW-31)))
		}
	}
	h := lines*4.2 + 8
	r.heights[t.ID] = h
	return h
}

// headingNeed is the room a heading over a list of threats needs: its
// own line and the first card, so a heading never ends a page alone.
func (r *report) headingNeed(ts []*model.Threat) float64 {
	if r.brief || len(ts) == 0 {
		return 20
	}
	return 8 + min(r.cardHeight(ts[0]), 80)
}

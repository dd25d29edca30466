package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// questions lists what nobody has stated and the assumed threats rest on,
// element by element: the team's open questions. Each answer settles the
// threats listed with it.
func (r *report) questions() {
	r.section("Open questions", 0)
	if len(r.openQuestions) == 0 {
		r.para("None: every open threat rests on what the model states, or on what an element is.")
		return
	}
	asked := r.askedThreats()
	text := fmt.Sprintf("%s assumed: the model does not state the weakness they are about. %s on properties "+
		"nobody has stated, and %s below %s them: each answer removes the threats listed with it or confirms them.",
		count(r.assumedOpen(), "open threat is", "open threats are"), count(asked, "of them rests", "of them rest"),
		count(len(r.openQuestions), "question", "questions"), map[bool]string{true: "settles", false: "settle"}[len(r.openQuestions) == 1])
	if other := r.assumedOpen() - asked; other > 0 {
		text += " " + count(other, "other follows from what its element is and is a check", "others follow from what "+
			"their elements are and are checks") + " to make."
	}
	r.para(text)
	if r.brief {
		r.questionsInBrief()
		return
	}
	widths := []float64{48, textW - 48 - 40, 40}
	r.row(widths, []string{"Element", "Question", "Threats"}, true)
	last := ""
	for _, q := range r.openQuestions {
		name := ""
		cells := []string{"", q.Text, strings.Join(q.Threats, ", ")}
		switch {
		case q.ElementID != last:
			name, last = elementName(r.m, q.ElementID), q.ElementID
		case r.breaksPage(widths, cells):
			name = elementName(r.m, q.ElementID) + " (continued)" // a page must not start with a blank element
		}
		cells[0] = name
		r.row(widths, cells, false)
	}
	r.pdf.Ln(2)
}

// assumedOpen counts the open threats that rest on assumptions.
func (r *report) assumedOpen() int {
	n := 0
	for _, t := range r.live {
		if r.isOpen(t) && t.Confidence == model.Assumed {
			n++
		}
	}
	return n
}

// ruleSets says exactly which rules produced the threats: every rule set
// loaded, where it came from, its SHA-256 and what it added or replaced,
// the combined hash, and every built-in rule another set overrides.
func (r *report) ruleSets() {
	r.section("Rule sets", 0)
	lib := r.o.Rules
	if lib == nil {
		r.para("The rule library was not available when this report was made.")
		return
	}
	r.para("The threats in this report come from these rule sets, loaded in this order; a later set's rule replaces " +
		"an earlier one with its id. Rule sets that came with the model (stored in it, or in a rules file beside it) " +
		"were not chosen by whoever made this report. Combined SHA-256 of all of them:")
	r.font("", 9, InkColor)
	r.pdf.CellFormat(textW, 5, lib.Hash(), "", 1, "L", false, 0, "")
	r.pdf.Ln(2)
	// Each set's hash gets a full line of its own under the set, so it
	// prints unbroken and can be compared or copied at a glance.
	widths := []float64{textW - 66, 26, 18, 22}
	r.row(widths, []string{"Rule set", "Chosen by", "Added", "Replaced"}, true)
	for _, s := range lib.Sources {
		who := "the analyst"
		switch {
		case s.Kind == stride.SourceBuiltin:
			who = "Rampart"
		case !s.Trusted:
			who = "the model"
		}
		r.need(18)
		r.row(widths, []string{s.Name, who, fmt.Sprint(s.Added), fmt.Sprint(s.Replaced)}, false)
		r.row([]float64{textW}, []string{"SHA-256 " + s.SHA256}, false)
	}
	over := lib.Overrides()
	if len(over) == 0 {
		r.para("No built-in rule is overridden.")
		return
	}
	r.pdf.Ln(2)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Built-in rules overridden", "", 1, "L", false, 0, "")
	r.para("Threats raised by these rules are marked \"rule overridden\". A gate (rampart analyze --fail-on) judges " +
		"the built-in rules as built in unless told to trust the rules that came with the model.")
	widths = []float64{36, 50, textW - 86}
	r.row(widths, []string{"Rule", "Overridden by", "What changed"}, true)
	for _, o := range over {
		by := o.By
		if !o.Trusted {
			by += " (came with the model)"
		}
		r.row(widths, []string{o.RuleID, by, strings.Join(o.Changes, "; ")}, false)
	}
	r.pdf.Ln(2)
}

// ruleNote says, for a threat's metadata, that its rule was overridden.
func (r *report) ruleNote(t *model.Threat) string {
	if r.o.Rules == nil {
		return ""
	}
	if rule := r.o.Rules.Rule(t.RuleID); rule != nil && rule.Overridden() && rule.Set != nil {
		return " · rule overridden by " + rule.Set.Name
	}
	return ""
}

// settledBy is what would settle an assumed threat: the questions its
// assumptions ask.
func (r *report) settledBy(t *model.Threat) string {
	if t.Origin != "" {
		return "" // another tool's threat: what the model states does not judge it
	}
	if t.Confidence != model.Assumed {
		if t.RuleID != "" {
			return "Confirmed: what the model states points at it (see Why)."
		}
		return ""
	}
	var qs []string
	for _, a := range t.Assumes {
		id, key, _ := strings.Cut(a, ":")
		if e := r.m.Elements[id]; e != nil {
			if d := model.PropFor(e.Kind, key); d != nil && d.Question != "" {
				qs = append(qs, strings.ReplaceAll(d.Question, "{name}", r.m.NameOf(e)))
			}
		}
	}
	if len(qs) == 0 {
		return "Assumed from what the element is: the title says what to check, not what the model records."
	}
	return "Assumed: the title says what holds if the answer is no. Settled by: " + strings.Join(qs, " ")
}

// questionsInBrief groups the questions of a very large model by what
// they ask, naming the elements each applies to.
func (r *report) questionsInBrief() {
	var order []*model.PropDef
	byProp := map[*model.PropDef][]string{}
	for _, q := range r.openQuestions {
		if byProp[q.Property] == nil {
			order = append(order, q.Property)
		}
		byProp[q.Property] = append(byProp[q.Property], elementName(r.m, q.ElementID))
	}
	for _, d := range order {
		names := byProp[d]
		r.need(14)
		r.font("B", 9, InkColor)
		r.pdf.MultiCell(textW, 4.5, pdfText(fmt.Sprintf("%s (%d elements)", strings.ReplaceAll(d.Question, "{name}", "‹element›"),
			len(names))), "", "L", false)
		r.font("", 8.5, InkColor)
		for start := 0; start < len(names); start += 500 {
			r.pdf.MultiCell(textW, 4, pdfText(strings.Join(names[start:min(start+500, len(names))], "  ·  ")), "", "L", false)
		}
		r.pdf.Ln(2)
	}
}

// origin says where an imported model came from: the tool, the file and
// its SHA-256, when it was imported, what the importer left out or
// changed, and which threats the other tool recorded.
func (r *report) origin() {
	src := r.m.Source
	if src.Tool == "" {
		return
	}
	r.section("Where the model came from", 0)
	r.para("This model was made with " + r.madeWith(false) + ".")
	recorded := 0
	for _, t := range r.live {
		if t.Origin != "" {
			recorded++
		}
	}
	if recorded == 0 {
		r.para(fmt.Sprintf("None of its threats were recorded in %s: Rampart's rules raised them, or the analyst added them.", src.Tool))
	} else {
		r.para(fmt.Sprintf("%s recorded in %s; they are marked so, apart from the threats Rampart's rules raise and "+
			"those the analyst added.", count(recorded, "of its threats was", "of its threats were"), src.Tool))
	}
	if len(src.Notes) == 0 {
		r.para("The import left nothing out.")
		return
	}
	r.para("What the import left out or changed:")
	rows := make([][]string, 0, len(src.Notes))
	for _, n := range src.Notes {
		rows = append(rows, []string{n})
	}
	r.table([]float64{textW}, rows, false)
}

// signOff is the page an auditor signs: who prepared, reviewed and
// approved the model, with lines for names, signatures and dates.
func (r *report) signOff() {
	r.newPage() // a page to sign on its own
	r.section("Sign-off", 0)
	r.para("By signing, each person confirms the role below for this report, identified by the model's SHA-256 " +
		r.o.Hash + ".")
	widths := []float64{34, 56, 56, textW - 146}
	r.row(widths, []string{"Role", "Name", "Signature", "Date"}, true)
	r.font("", 9, InkColor)
	for _, role := range []struct{ name, who string }{
		{"Prepared by", r.m.Owner}, {"Reviewed by", r.m.Reviewer}, {"Approved by", ""},
	} {
		// Rows tall enough to sign in.
		x, y := marginX, r.pdf.GetY()
		for j, cell := range []string{role.name, role.who, "", ""} {
			r.pdf.SetDrawColor(210, 210, 210)
			r.pdf.Rect(x, y, widths[j], 16, "D")
			r.pdf.SetXY(x+1, y+1)
			r.pdf.MultiCell(widths[j]-2, 4.2, pdfText(cell), "", "L", false)
			x += widths[j]
		}
		r.pdf.SetXY(marginX, y+16)
	}
	r.tableHead = nil
}

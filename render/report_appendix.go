package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// appendix lists every rule that fired, with its mitigations and how to
// verify them.
func (r *report) appendix() {
	r.section("Appendix: rules that fired", 0)
	if r.o.Rules == nil {
		r.para("The rule library was not available when this report was made.")
		return
	}
	fired := map[string]int{}
	for _, t := range r.live {
		if t.RuleID != "" {
			fired[t.RuleID]++
		}
	}
	ids := make([]string, 0, len(fired))
	for id := range fired {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return naturalLess(ids[i], ids[j]) })
	r.para(fmt.Sprintf("%s of the rule sets listed under Rule sets raised the threats in this report. In their "+
		"titles, ‹element› stands for the element each threat is raised on.", count(len(ids), "rule", "rules")))
	for _, id := range ids {
		rule := r.o.Rules.Rule(id)
		if c := r.o.Rules.Concern(id); rule == nil && c != nil {
			r.concernEntry(c, fired[id])
			continue
		}
		if rule == nil {
			continue
		}
		r.keepEntry(4+2*4.2+float64(len(r.pdf.SplitText(pdfText("Condition: "+rule.When), textW)))*4, rule.Mitigations)
		r.font("B", 10, InkColor)
		r.pdf.MultiCell(textW, lineH, pdfText(rule.ID+" — "+rule.GenericTitle()), "", "L", false)
		r.font("", 8.5, MutedColor)
		origin := ""
		if rule.Set != nil && rule.Set.Kind != stride.SourceBuiltin {
			origin = " · from " + rule.Set.Name
			if rule.Overridden() {
				origin += ", overriding the built-in rule"
			}
		}
		r.pdf.MultiCell(textW, 4, pdfText(fmt.Sprintf("%s · applies to %s · default risk %s · %s · %s%s",
			rule.Category.Label(), rule.AppliesTo.Label(), model.Risk(rule.Likelihood, rule.Impact), count(fired[id], "threat", "threats"),
			strings.Join(rule.References, ", "), origin)), "", "L", false)
		if rule.When != "" {
			r.font("", 8.5, InkColor)
			r.pdf.MultiCell(textW, 4, pdfText("Condition: "+rule.When), "", "L", false)
		}
		r.mitigations(rule.Mitigations)
	}
}

// keepEntry starts a rule's entry on a new page unless the entry (head
// high, then its mitigations) fits on this one, when it fits on a page.
func (r *report) keepEntry(head float64, ms []stride.Mitigation) {
	h := head + 2.5
	for i := range ms {
		h += r.mitigationHeight(i, ms[i])
	}
	if _, pageH := r.pdf.GetPageSize(); h < pageH-40 {
		r.need(h)
	} else {
		r.need(35)
	}
}

// mitigationHeight is the height one mitigation takes in the appendix.
func (r *report) mitigationHeight(i int, mt stride.Mitigation) float64 {
	r.font("", 8.5, InkColor)
	lines := len(r.pdf.SplitText(pdfText(fmt.Sprintf("Mitigation %d: %s", i+1, fromMarkup(mt.Do))), textW)) +
		len(r.pdf.SplitText(pdfText("Verify: "+fromMarkup(mt.Verify)), textW))
	if mt.Example != "" {
		lines += len(r.pdf.SplitText(pdfText("Example: "+fromMarkup(mt.Example)), textW))
	}
	return float64(lines) * 4.2
}

// mitigations lists what to do, with an example and how to verify it; a
// mitigation is not split over two pages.
func (r *report) mitigations(ms []stride.Mitigation) {
	for i, mt := range ms {
		r.need(r.mitigationHeight(i, mt))
		r.font("B", 8.5, InkColor)
		r.pdf.MultiCell(textW, 4.2, pdfText(fmt.Sprintf("Mitigation %d: %s", i+1, fromMarkup(mt.Do))), "", "L", false)
		r.font("", 8.5, InkColor)
		if mt.Example != "" {
			r.pdf.MultiCell(textW, 4.2, pdfText("Example: "+fromMarkup(mt.Example)), "", "L", false)
		}
		r.pdf.MultiCell(textW, 4.2, pdfText("Verify: "+fromMarkup(mt.Verify)), "", "L", false)
	}
	r.pdf.Ln(2.5)
}

// concernEntry describes a concern that raised threats: what it is about,
// the rules that found it, and what to do.
func (r *report) concernEntry(c *stride.Concern, n int) {
	var members []string
	for _, rule := range r.o.Rules.Rules {
		if rule.Concern == c.ID {
			members = append(members, rule.ID)
		}
	}
	r.keepEntry(4+2*4.2, c.Mitigations)
	r.font("B", 10, InkColor)
	r.pdf.MultiCell(textW, lineH, pdfText(c.ID+" — "+strings.ReplaceAll(c.Title, "{el.name}", "‹element›")), "", "L", false)
	r.font("", 8.5, MutedColor)
	r.pdf.MultiCell(textW, 4, pdfText(fmt.Sprintf("%s · a concern: one threat per element for the rules %s · %s · %s",
		c.Category.Label(), strings.Join(members, ", "), count(n, "threat", "threats"), strings.Join(c.References, ", "))), "", "L", false)
	r.mitigations(c.Mitigations)
}

// naturalLess orders ids as people number them: "TH15" before "TH140".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

// digitRun is the length of the run of ASCII digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

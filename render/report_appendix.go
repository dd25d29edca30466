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
	sort.Strings(ids)
	r.para(fmt.Sprintf("Rule library version %s. %d rules raised the threats in this report.", r.o.Rules.Version, len(ids)))
	for _, id := range ids {
		rule := r.o.Rules.Rule(id)
		if c := r.o.Rules.Concern(id); rule == nil && c != nil {
			r.concernEntry(c, fired[id])
			continue
		}
		if rule == nil {
			continue
		}
		r.need(35)
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
		r.pdf.MultiCell(textW, 4, pdfText(fmt.Sprintf("%s · applies to %s · default risk %s · %d threat(s) · %s%s",
			rule.Category.Label(), rule.AppliesTo.Label(), model.Risk(rule.Likelihood, rule.Impact), fired[id],
			strings.Join(rule.References, ", "), origin)), "", "L", false)
		if rule.When != "" {
			r.font("", 8.5, InkColor)
			r.pdf.MultiCell(textW, 4, pdfText("Condition: "+rule.When), "", "L", false)
		}
		r.mitigations(rule.Mitigations)
	}
}

// mitigations lists what to do, with an example and how to verify it.
func (r *report) mitigations(ms []stride.Mitigation) {
	for i, mt := range ms {
		r.font("B", 8.5, InkColor)
		r.pdf.MultiCell(textW, 4.2, pdfText(fmt.Sprintf("Mitigation %d: %s", i+1, mt.Do)), "", "L", false)
		r.font("", 8.5, InkColor)
		if mt.Example != "" {
			r.pdf.MultiCell(textW, 4.2, pdfText("Example: "+mt.Example), "", "L", false)
		}
		r.pdf.MultiCell(textW, 4.2, pdfText("Verify: "+mt.Verify), "", "L", false)
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
	r.need(35)
	r.font("B", 10, InkColor)
	r.pdf.MultiCell(textW, lineH, pdfText(c.ID+" — "+strings.ReplaceAll(c.Title, "{el.name}", "‹element›")), "", "L", false)
	r.font("", 8.5, MutedColor)
	r.pdf.MultiCell(textW, 4, pdfText(fmt.Sprintf("%s · a concern: one threat per element for the rules %s · %d threat(s) · %s",
		c.Category.Label(), strings.Join(members, ", "), n, strings.Join(c.References, ", "))), "", "L", false)
	r.mitigations(c.Mitigations)
}

package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// validation lists what validation found wrong with the diagrams, each
// finding once however many elements it marks.
func (r *report) validation() {
	r.section("Validation findings", 0)
	if !r.hasFlows() {
		r.para("The model has no data flows: no threat on an interaction was raised, and the threats listed are " +
			"those of the elements alone.")
	}
	if len(r.findings) == 0 {
		rules := "elements are named, trust boundaries nest, and child diagrams balance with their parents."
		if r.hasFlows() {
			rules = "every flow has a process at one end, " + rules
		}
		r.para("The diagrams follow the rules of data-flow diagrams checked here: " + rules)
		return
	}
	rows := [][]string{{"Severity", "Diagram", "Finding"}}
	seen := map[string]bool{}
	for _, f := range r.findings {
		d := ""
		if dg := r.m.Diagrams[f.DiagramID]; dg != nil {
			d = dg.Name
		}
		key := fmt.Sprint(f.Severity, "\x00", d, "\x00", f.Message)
		if seen[key] {
			continue
		}
		seen[key] = true
		rows = append(rows, []string{f.Severity.String(), d, f.Message})
	}
	r.table([]float64{20, 40, textW - 60}, rows, true)
}

// hasFlows reports whether any diagram of the model has a data flow.
func (r *report) hasFlows() bool {
	for _, e := range r.m.Elements {
		if e.Kind == model.DataFlow {
			return true
		}
	}
	return false
}

// findingCounts counts the distinct errors and warnings validation found.
func (r *report) findingCounts() (errs, warnings int) {
	seen := map[string]bool{}
	for _, f := range r.findings {
		key := fmt.Sprint(f.Severity, "\x00", f.DiagramID, "\x00", f.Message)
		if seen[key] {
			continue
		}
		seen[key] = true
		if strings.HasPrefix(f.Message, model.UnresolvedConflict) {
			continue // counted as the choices a merge left (see the summary)
		}
		if f.Severity == model.Error {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

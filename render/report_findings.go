package render

// validation lists what validation found wrong with the diagrams.
func (r *report) validation() {
	r.section("Validation findings", 0)
	if len(r.findings) == 0 {
		r.para("The diagrams follow the rules of data-flow diagrams: every flow has a process at one end, " +
			"elements are named, trust boundaries nest, and child diagrams balance with their parents.")
		return
	}
	rows := [][]string{{"Severity", "Diagram", "Finding"}}
	for _, f := range r.findings {
		d := ""
		if dg := r.m.Diagrams[f.DiagramID]; dg != nil {
			d = dg.Name
		}
		rows = append(rows, []string{f.Severity.String(), d, f.Message})
	}
	r.table([]float64{20, 40, textW - 60}, rows, true)
}

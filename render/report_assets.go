package render

import (
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// assets lists the data assets, their classification, and which flows
// carry and which elements hold each.
func (r *report) assets() {
	m := r.m
	r.section("Data assets", 0)
	if len(m.Assets) == 0 {
		r.para("The model classifies no data.")
		return
	}
	rows := [][]string{{"Data", "Classification", "Confidentiality", "Integrity", "Availability"}}
	for _, a := range m.AssetList() {
		rows = append(rows, []string{a.Name, a.Classification.String(), a.Confidentiality.Label(), a.Integrity.Label(), a.Availability.Label()})
	}
	r.table([]float64{58, 30, 30, 28, textW - 146}, rows, true)
	for _, a := range m.AssetList() {
		var flows, holders, reached []string
		held := map[string]bool{}
		for _, e := range r.carriers[a.ID] {
			if e.Kind != model.DataFlow {
				held[e.ID] = true
			}
		}
		for _, e := range r.carriers[a.ID] {
			name := e.Label() + " (" + diagramNameOf(m, e) + ")"
			if e.Kind != model.DataFlow {
				holders = append(holders, name)
				continue
			}
			flows = append(flows, name)
			// The ends of a flow that carries the data handle it too, even
			// where the model does not list the data on them.
			for _, id := range []string{e.Source, e.Target} {
				if end := m.Elements[id]; end != nil && !held[id] {
					held[id] = true
					reached = append(reached, end.Label()+" ("+diagramNameOf(m, end)+")")
				}
			}
		}
		r.need(20)
		r.font("B", 10, InkColor)
		r.pdf.MultiCell(textW, lineH, pdfText(a.Name+" — "+a.Classification.String()), "", "L", false)
		r.para(a.Description)
		r.para("Flows over: " + orDash(strings.Join(flows, ", ")))
		r.para("Stored or processed by: " + orDash(strings.Join(holders, ", ")))
		if len(reached) > 0 {
			r.para("Sent or received by, over those flows: " + strings.Join(reached, ", "))
		}
	}
}

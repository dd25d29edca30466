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
		var flows, holders []string
		for _, e := range r.carriers[a.ID] {
			name := e.Label() + " (" + diagramNameOf(m, e) + ")"
			if e.Kind == model.DataFlow {
				flows = append(flows, name)
			} else {
				holders = append(holders, name)
			}
		}
		r.need(20)
		r.font("B", 10, InkColor)
		r.pdf.MultiCell(textW, lineH, pdfText(a.Name+" — "+a.Classification.String()), "", "L", false)
		r.para(a.Description)
		r.para("Flows over: " + orDash(strings.Join(flows, ", ")))
		r.para("Stored or processed by: " + orDash(strings.Join(holders, ", ")))
	}
}

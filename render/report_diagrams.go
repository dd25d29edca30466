package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// diagrams draws each diagram level by level, then lists its elements and
// the threats on them.
func (r *report) diagrams() {
	m := r.m
	r.section("Diagrams", 0)
	r.para("Each diagram is drawn as in the editor: processes as rounded shapes, external entities as rectangles, " +
		"data stores between two lines, trust boundaries dashed in red. The number on an element counts its open " +
		"threats, coloured by the worst one; a process refined by a child diagram is analysed through that diagram.")
	if r.brief {
		r.para(fmt.Sprintf("The model has %d threats, more than a report details one by one (%d), so they are listed "+
			"in brief: those the analyst added, triaged or annotated in a table with what the analyst wrote, the others, "+
			"open as their rule raised them, by rule and severity. Why a rule raises its threats and what to do about "+
			"them is with the rule in the appendix; \"rampart analyze --format json\" gives every threat in full.",
			len(r.live), maxDetailed))
	}
	if !r.o.ByElement {
		r.para(r.omissions())
	}
	list := m.DiagramList()
	for i, d := range list {
		if i > 0 {
			r.pdf.AddPage()
		}
		r.section(r.diagramTitle(d), 1)
		if p := m.Elements[d.Refines]; p != nil {
			r.para(fmt.Sprintf("Refines the process %s of %s.", p.Label(), diagramNameOf(m, p)))
		}
		var refined []string
		for _, e := range r.in[d.ID] {
			if c := r.children[e.ID]; c != nil {
				refined = append(refined, fmt.Sprintf("%s (see %s)", e.Label(), r.diagramTitle(c)))
			}
		}
		if len(refined) > 0 {
			r.para("Refined here by child diagrams, whose threats stand for them and their flows: " + strings.Join(refined, ", ") + ".")
		}
		r.drawDiagram(d.ID)
		r.elementTable(d.ID)
		if !r.o.ByElement {
			r.threatsOf(d.ID)
		}
		r.progress(0.15 + 0.3*float64(i+1)/float64(len(list)))
	}
}

// maxDrawnElements is the most elements a diagram may have to be drawn in the
// report: beyond it no label is legible on A4, and the page alone would
// hold more drawing commands than the rest of the report.
const maxDrawnElements = 2000

// drawDiagram fits a diagram into the text width (and at most 60 % of a
// page's height) and draws it as vectors.
func (r *report) drawDiagram(id string) {
	elems := r.in[id]
	if len(elems) > maxDrawnElements {
		r.para(fmt.Sprintf("This diagram has %d elements: drawn on paper, no label would be legible, so it is listed "+
			"below instead; \"rampart render FILE --diagram NAME -o diagram.svg\" draws it.", len(elems)))
		return
	}
	ext := extentOf(r.m, elems)
	scale := min(textW/ext.W, 160/ext.H, 0.5)
	h := ext.H * scale
	r.need(h + 4)
	y := r.pdf.GetY()
	s := &pdfSurface{pdf: r.pdf, scale: scale, offX: ext.X, offY: ext.Y, boxX: marginX + (textW-ext.W*scale)/2, boxY: y}
	r.pdf.SetAutoPageBreak(false, 18) // drawing text must never break the page
	drawElements(s, r.m, drawOrder(elems), r.badges)
	r.pdf.SetAutoPageBreak(true, 18)
	r.pdf.SetDrawColor(220, 220, 220)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Rect(marginX, y, textW, h, "D")
	r.pdf.SetXY(marginX, y+h+4)
}

// keyProps lists the properties of an element that are set, in words.
func keyProps(e *model.Element) string {
	var parts []string
	for _, d := range model.PropsFor(e.Kind) {
		v := e.Prop(d.Key)
		if v == "" || d.Key == "technology" {
			continue
		}
		switch {
		case d.Type == model.Bool && v == "true":
			parts = append(parts, d.Label+": yes")
		case d.Type == model.Bool:
			parts = append(parts, d.Label+": no")
		default:
			parts = append(parts, d.Label+": "+model.ValueLabel(v))
		}
	}
	return strings.Join(parts, "; ")
}

// elementTable lists a diagram's elements with their kind, technology or
// zone, and properties, one row at a time (a diagram may have thousands).
func (r *report) elementTable(diagramID string) {
	m := r.m
	widths := []float64{40, 24, 42, textW - 106}
	r.font("B", 11, InkColor)
	r.need(20)
	r.pdf.CellFormat(textW, 7, "Elements", "", 1, "L", false, 0, "")
	if r.brief {
		r.elementsInBrief(diagramID)
		return
	}
	r.row(widths, []string{"Element", "Kind", "Technology / zone", "Properties"}, true)
	for _, e := range r.in[diagramID] {
		zone := ""
		if e.Kind == model.DataFlow {
			zone = elementName(m, e.Source) + " → " + elementName(m, e.Target)
		} else if z := r.ix.Innermost(e); z != nil && e.Kind != model.TrustBoundary {
			zone = z.Label()
		}
		tech := TechLabel(e)
		if tech != "" && zone != "" {
			tech += "; "
		}
		props := keyProps(e)
		if e.OutOfScope {
			props = "Out of scope: " + e.OutOfScopeReason
		}
		r.row(widths, []string{e.Label(), e.Kind.Label(), tech + zone, props}, false)
	}
	r.pdf.Ln(2)
}

// elementsInBrief names a diagram's elements with their kinds in running
// text: a model with more threats than a report details has too many
// elements for a table row each ("rampart export" lists them in full).
func (r *report) elementsInBrief(diagramID string) {
	r.font("", 8.5, InkColor)
	els := r.in[diagramID]
	for start := 0; start < len(els); start += 500 {
		var b strings.Builder
		for i, e := range els[start:min(start+500, len(els))] {
			if i > 0 {
				b.WriteString("  ·  ")
			}
			b.WriteString(e.Label() + " (" + e.Kind.Label() + ")")
		}
		r.pdf.MultiCell(textW, 4, pdfText(b.String()), "", "L", false)
	}
	r.pdf.Ln(2)
}

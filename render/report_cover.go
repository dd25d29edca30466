package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// cover is the first page: what the model is, who made it, when, and the
// hash that ties the report to the file.
func (r *report) cover() {
	r.pdf.AddPage()
	r.pdf.SetY(50)
	r.font("", 12, MutedColor)
	r.pdf.CellFormat(textW, 8, "THREAT MODEL REPORT", "", 1, "L", false, 0, "")
	r.font("B", 28, InkColor)
	r.pdf.MultiCell(textW, 12, pdfText(r.m.Name), "", "L", false)
	r.pdf.Ln(4)
	r.para(r.m.Description)
	r.pdf.Ln(8)
	live, open := 0, 0
	for _, t := range r.live {
		live++
		if t.Status == model.Open && r.m.Suppressed(t.RuleID, t.ElementID) == nil {
			open++
		}
	}
	rules := "not available"
	if lib := r.o.Rules; lib != nil {
		rules = count(len(lib.Sources), "rule set", "rule sets") + " (see Rule sets)"
		if n := len(lib.Untrusted()); n > 0 {
			rules += "; " + count(n, "set that came with the model replaces", "sets that came with the model replace") +
				" built-in rules"
		}
		rules += "; combined SHA-256\n" + lib.Hash()
	}
	rows := [][]string{
		{"Model version", orDash(r.m.Version)},
		{"Owner", orDash(r.m.Owner)},
		{"Reviewer", orDash(r.m.Reviewer)},
		{"Contributors", orDash(strings.Join(r.m.Authors, ", "))},
		{"Date", r.coverDate()},
		{"Rampart", r.o.RampartVersion},
		{"Rules", rules},
		{"Model SHA-256", r.o.Hash},
		{"Made with", r.madeWith(true)},
		{"Content", fmt.Sprintf("%s, %s, %s, %s (%d open)", count(len(r.m.Diagrams), "diagram", "diagrams"),
			count(len(r.m.Elements), "element", "elements"), count(len(r.m.Assets), "data asset", "data assets"),
			count(live, "threat", "threats"), open)},
	}
	for _, row := range rows {
		r.table([]float64{40, textW - 40}, [][]string{row}, false)
	}
	r.pdf.Ln(6)
	r.font("", 8, MutedColor)
	r.pdf.MultiCell(textW, 4, pdfText("The SHA-256 is computed over the model's canonical JSON (rampart export --format json): "+
		"recompute it to check that this report was made from a given file."), "", "L", false)
}

// contents lists the sections with the pages the first pass found.
func (r *report) contents() {
	r.pdf.AddPage()
	r.font("B", 18, InkColor)
	r.pdf.CellFormat(textW, 10, "Contents", "", 1, "L", false, 0, "")
	r.pdf.Ln(2)
	entries := r.known
	if entries == nil {
		// First pass: the same entries will follow; reserve their space.
		entries = r.plannedSections()
	}
	for i, e := range entries {
		indent := float64(e.level) * 6
		style, size := "", 10.0
		if e.level == 0 {
			style, size = "B", 11
		}
		r.font(style, size, InkColor)
		page := ""
		if e.page > 0 {
			page = fmt.Sprint(e.page)
		}
		link := 0
		if r.known != nil {
			link = r.pdf.AddLink()
			r.known[i].link = link
		}
		r.pdf.SetX(marginX + indent)
		r.pdf.CellFormat(textW-indent-15, 6, e.title, "", 0, "L", false, link, "")
		r.pdf.CellFormat(15, 6, page, "", 1, "R", false, link, "")
	}
}

// plannedSections lists the sections the report will have, for the first
// pass's contents.
func (r *report) plannedSections() []tocEntry {
	var out []tocEntry
	add := func(t string, l int) { out = append(out, tocEntry{title: pdfText(t), level: l}) }
	add("Executive summary", 0)
	add("Scope and assumptions", 1)
	add("Threats by category, severity and status", 1)
	add("Top risks", 1)
	add("Open questions", 0)
	add("Review coverage", 0)
	add("Data assets", 0)
	add("Diagrams", 0)
	for _, d := range r.m.DiagramList() {
		add(r.diagramTitle(d), 1)
	}
	if r.o.ByElement {
		add("Threats by element", 0)
		add("Elements", 1)
		add("Interactions", 1)
	}
	if len(r.m.Trees) > 0 {
		add("Attack trees", 0)
		for _, t := range r.m.TreeList() {
			add(t.Name, 1)
		}
	}
	if r.o.Since != nil {
		add("Changes since "+r.o.SinceLabel, 0)
	}
	if r.o.WithHistory || len(r.o.History) > 0 {
		add("Change history", 0)
	}
	add("Validation findings", 0)
	if r.m.Source.Tool != "" {
		add("Where the model came from", 0)
	}
	add("Rule sets", 0)
	add("Appendix: rules that fired", 0)
	add("Sign-off", 0)
	return out
}

func (r *report) diagramTitle(d *model.Diagram) string {
	return fmt.Sprintf("Level %d: %s", r.levels[d.ID], d.Name)
}

// coverDate says when the report is dated and why that date.
func (r *report) coverDate() string {
	date, why := r.o.reportDate(r.m)
	if date.IsZero() {
		return "undated: " + why
	}
	return date.UTC().Format("2 January 2006, 15:04 MST") + " (" + why + ")"
}

// madeWith says which tool the model was made with, and for an import,
// from which file and when.
func (r *report) madeWith(cover bool) string {
	src := r.m.Source
	if src.Tool == "" {
		return "Rampart"
	}
	text := fmt.Sprintf("%s, file %s (SHA-256 %s)", src.Tool, src.File, src.SHA256)
	if !src.Imported.IsZero() {
		text += ", imported " + src.Imported.UTC().Format("2 January 2006, 15:04 MST")
	} else {
		text += ", read directly"
	}
	if n := len(src.Notes); n > 0 && cover {
		text += "; " + count(n, "import note", "import notes") + ", see Where the model came from"
	}
	return text
}

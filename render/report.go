package render

import (
	"fmt"
	"image/color"
	"io"
	"sort"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// reportFont is the family name of the embedded Go font in reports.
const reportFont = "Go"

// ReportOptions says what the report says about where it comes from.
type ReportOptions struct {
	RampartVersion string
	Hash           string          // SHA-256 of the model's canonical JSON
	Rules          *stride.Library // for the rules appendix; may be nil
	// History, when set, adds the audit trail (latest entries first).
	History []model.Change
	// Since, when set, adds what changed since that earlier version of
	// the model, named by SinceLabel.
	Since      *model.Model
	SinceLabel string
	// Progress, when set, is called with the fraction done (0..1).
	Progress func(done float64)
}

// Report writes the audit report of a model as PDF. The same model gives
// the same bytes: the document's dates are the model's modification time
// and everything is written in a fixed order.
func Report(w io.Writer, m *model.Model, o ReportOptions) error {
	// The contents need the page of every section: lay the report out once
	// to learn them, then again to write it.
	first := newReport(m, o, nil, 0)
	if err := first.build(); err != nil {
		return err
	}
	second := newReport(m, o, first.toc, 0.5)
	if err := second.build(); err != nil {
		return err
	}
	return second.pdf.Output(w)
}

type tocEntry struct {
	title string
	level int
	page  int
	link  int
}

// report is one pass of laying the report out; each chapter is a method.
type report struct {
	pdf      *gofpdf.Fpdf
	m        *model.Model
	o        ReportOptions
	known    []tocEntry // pages found by the first pass
	toc      []tocEntry
	base     float64 // progress already reported by earlier passes
	findings []model.Finding
	badges   map[string]Badge
	live     []*model.Threat // not obsolete, worst first
	byElem   map[string][]*model.Threat
}

const (
	pageW, marginX = 210.0, 18.0
	textW          = pageW - 2*marginX
	lineH          = 5.0
)

func newReport(m *model.Model, o ReportOptions, known []tocEntry, base float64) *report {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(reportFont, "", RegularTTF)
	pdf.AddUTF8FontFromBytes(reportFont, "B", BoldTTF)
	pdf.SetMargins(marginX, 20, marginX)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(m.Modified)
	pdf.SetModificationDate(m.Modified)
	pdf.SetTitle("Threat model report: "+m.Name, true)
	pdf.SetAuthor(strings.Join(m.Authors, ", "), true)
	pdf.SetCreator("Rampart "+o.RampartVersion, true)
	pdf.SetProducer("Rampart "+o.RampartVersion, true)
	pdf.AliasNbPages("{nb}")
	r := &report{pdf: pdf, m: m, o: o, known: known, base: base}
	r.findings = model.Validate(m)
	r.badges = Badges(m, r.findings)
	r.byElem = m.ThreatsByElement()
	for _, t := range m.ThreatList() {
		if !t.Obsolete {
			r.live = append(r.live, t)
		}
	}
	stride.SortThreats(r.live)
	pdf.SetHeaderFuncMode(r.header, false)
	pdf.SetFooterFunc(r.footer)
	return r
}

func (r *report) progress(f float64) {
	if r.o.Progress != nil {
		r.o.Progress(r.base + f/2)
	}
}

func (r *report) build() error {
	r.cover()
	r.contents()
	r.progress(0.05)
	r.summary()
	r.assets()
	r.progress(0.15)
	r.diagrams()
	r.attackTrees()
	r.changes()
	r.history()
	r.validation()
	r.appendix()
	r.progress(0.5)
	if err := r.pdf.Error(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

func (r *report) header() {
	if r.pdf.PageNo() == 1 {
		return
	}
	r.font("", 8, MutedColor)
	r.pdf.SetXY(marginX, 9)
	r.pdf.CellFormat(textW/2, 4, r.m.Name, "", 0, "L", false, 0, "")
	r.pdf.CellFormat(textW/2, 4, "Threat model report", "", 0, "R", false, 0, "")
	r.pdf.SetDrawColor(200, 200, 200)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(marginX, 14, pageW-marginX, 14)
	r.pdf.SetXY(marginX, 20)
}

func (r *report) footer() {
	r.pdf.SetY(-12)
	r.font("", 8, MutedColor)
	hash := r.o.Hash
	if len(hash) > 16 {
		hash = hash[:16]
	}
	r.pdf.CellFormat(textW/2, 4, "Rampart "+r.o.RampartVersion+" · model "+hash, "", 0, "L", false, 0, "")
	r.pdf.CellFormat(textW/2, 4, fmt.Sprintf("Page %d of {nb}", r.pdf.PageNo()), "", 0, "R", false, 0, "")
}

func (r *report) font(style string, size float64, c color.Color) {
	r.pdf.SetFont(reportFont, style, size)
	r.pdf.SetTextColor(opaque(c))
}

// section starts a chapter (level 0, on a new page) or a section, and
// records it for the contents and the PDF outline.
func (r *report) section(title string, level int) {
	if level == 0 {
		r.pdf.AddPage()
	} else {
		r.need(30)
		r.pdf.Ln(3)
	}
	e := tocEntry{title: title, level: level, page: r.pdf.PageNo()}
	if i := len(r.toc); i < len(r.known) {
		e.link = r.known[i].link
		r.pdf.SetLink(e.link, r.pdf.GetY(), -1)
	}
	r.toc = append(r.toc, e)
	r.pdf.Bookmark(title, level, -1)
	size := [...]float64{18, 13, 11}[min(level, 2)]
	r.font("B", size, InkColor)
	r.pdf.MultiCell(textW, size*0.5, title, "", "L", false)
	r.pdf.Ln(2)
}

// need starts a new page when less than h mm are left.
func (r *report) need(h float64) {
	_, pageH := r.pdf.GetPageSize()
	if r.pdf.GetY()+h > pageH-20 {
		r.pdf.AddPage()
	}
}

func (r *report) para(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	r.font("", 10, InkColor)
	r.pdf.MultiCell(textW, lineH, text, "", "L", false)
	r.pdf.Ln(1.5)
}

func (r *report) cover() {
	r.pdf.AddPage()
	r.pdf.SetY(50)
	r.font("", 12, MutedColor)
	r.pdf.CellFormat(textW, 8, "THREAT MODEL REPORT", "", 1, "L", false, 0, "")
	r.font("B", 28, InkColor)
	r.pdf.MultiCell(textW, 12, r.m.Name, "", "L", false)
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
	rulesVersion := "—"
	if r.o.Rules != nil {
		rulesVersion = r.o.Rules.Version
	}
	rows := [][]string{
		{"Model version", orDash(r.m.Version)},
		{"Authors", orDash(strings.Join(r.m.Authors, ", "))},
		{"Date", r.m.Modified.UTC().Format("2 January 2006, 15:04 MST")},
		{"Rampart", r.o.RampartVersion},
		{"Rule library", rulesVersion},
		{"Model SHA-256", r.o.Hash},
		{"Content", fmt.Sprintf("%d diagrams, %d elements, %d data assets, %d threats (%d open)",
			len(r.m.Diagrams), len(r.m.Elements), len(r.m.Assets), live, open)},
	}
	for _, row := range rows {
		r.table([]float64{40, textW - 40}, [][]string{row}, false)
	}
	r.pdf.Ln(6)
	r.font("", 8, MutedColor)
	r.pdf.MultiCell(textW, 4, "The SHA-256 is computed over the model's canonical JSON (rampart export --format json): "+
		"recompute it to check that this report was made from a given file.", "", "L", false)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
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
	add := func(t string, l int) { out = append(out, tocEntry{title: t, level: l}) }
	add("Executive summary", 0)
	add("Scope and assumptions", 1)
	add("Threats by category, severity and status", 1)
	add("Top risks", 1)
	add("Data assets", 0)
	add("Diagrams", 0)
	for _, d := range r.m.DiagramList() {
		add(diagramTitle(r.m, d), 1)
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
	if len(r.o.History) > 0 {
		add("Change history", 0)
	}
	add("Validation findings", 0)
	add("Appendix: rules that fired", 0)
	return out
}

func diagramTitle(m *model.Model, d *model.Diagram) string {
	return fmt.Sprintf("Level %d: %s", m.Level(d), d.Name)
}

// table draws rows of cells with wrapped text; header rows are bold on grey.
func (r *report) table(widths []float64, rows [][]string, header bool) {
	for i, row := range rows {
		bold := header && i == 0
		style := ""
		if bold {
			style = "B"
		}
		r.font(style, 9, InkColor)
		lines := 1
		for j, cell := range row {
			lines = max(lines, len(r.pdf.SplitText(cell, widths[j]-2)))
		}
		h := float64(lines)*4.2 + 2
		r.need(h)
		x, y := r.pdf.GetX(), r.pdf.GetY()
		for j, cell := range row {
			if bold {
				r.pdf.SetFillColor(235, 238, 242)
				r.pdf.Rect(x, y, widths[j], h, "F")
			}
			r.pdf.SetDrawColor(210, 210, 210)
			r.pdf.SetLineWidth(0.2)
			r.pdf.Rect(x, y, widths[j], h, "D")
			r.pdf.SetXY(x+1, y+1)
			r.pdf.MultiCell(widths[j]-2, 4.2, cell, "", "L", false)
			x += widths[j]
		}
		r.pdf.SetXY(marginX, y+h)
	}
	r.pdf.Ln(2)
}

// bars draws a horizontal bar chart.
func (r *report) bars(labels []string, values []int, colors []color.Color) {
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	const labelW, barH = 48.0, 5.0
	r.need(float64(len(values))*(barH+1.5) + 4)
	for i, v := range values {
		y := r.pdf.GetY()
		r.font("", 9, InkColor)
		r.pdf.CellFormat(labelW, barH, labels[i], "", 0, "L", false, 0, "")
		w := (textW - labelW - 15) * float64(v) / float64(maxV)
		if v > 0 {
			r.pdf.SetFillColor(opaque(colors[i%len(colors)]))
			r.pdf.Rect(marginX+labelW, y+0.5, w, barH-1, "F")
		}
		r.pdf.SetXY(marginX+labelW+w+2, y)
		r.pdf.CellFormat(13, barH, fmt.Sprint(v), "", 1, "L", false, 0, "")
		r.pdf.SetY(y + barH + 1.5)
	}
	r.pdf.Ln(3)
}

func (r *report) summary() {
	m := r.m
	r.section("Executive summary", 0)
	open, crit := 0, 0
	for _, t := range r.live {
		if r.isOpen(t) {
			open++
			if t.Severity() >= model.SeverityHigh {
				crit++
			}
		}
	}
	r.para(fmt.Sprintf("The model has %d diagrams over %d levels, %d elements and %d data assets. The analysis "+
		"records %d threats, of which %d are open; %d open threats are high or critical.", len(m.Diagrams),
		maxLevel(m)+1, len(m.Elements), len(m.Assets), len(r.live), open, crit))

	r.section("Scope and assumptions", 1)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Scope", "", 1, "L", false, 0, "")
	r.para(orDash(m.Scope))
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Assumptions", "", 1, "L", false, 0, "")
	r.para(orDash(m.Assumptions))

	r.section("Threats by category, severity and status", 1)
	rows := [][]string{{"STRIDE category", "Threats", "Open", "Critical", "High", "Medium", "Low"}}
	var catLabels []string
	var catOpen []int
	for _, c := range model.Categories {
		var n, o int
		var sev [4]int
		for _, t := range r.live {
			if t.Category != c {
				continue
			}
			n++
			if r.isOpen(t) {
				o++
				sev[t.Severity()]++
			}
		}
		rows = append(rows, []string{c.Label(), fmt.Sprint(n), fmt.Sprint(o), fmt.Sprint(sev[3]), fmt.Sprint(sev[2]), fmt.Sprint(sev[1]), fmt.Sprint(sev[0])})
		catLabels, catOpen = append(catLabels, c.Label()), append(catOpen, o)
	}
	r.table([]float64{52, 20, 20, 20, 20, 20, 22}, rows, true)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Open threats by STRIDE category", "", 1, "L", false, 0, "")
	r.bars(catLabels, catOpen, []color.Color{Stroke[model.Process]})

	var sevLabels []string
	var sevOpen []int
	var sevColors []color.Color
	for i := len(model.Severities) - 1; i >= 0; i-- {
		s := model.Severities[i]
		n := 0
		for _, t := range r.live {
			if r.isOpen(t) && t.Severity() == s {
				n++
			}
		}
		sevLabels, sevOpen, sevColors = append(sevLabels, s.String()), append(sevOpen, n), append(sevColors, SeverityColors[s])
	}
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Open threats by severity", "", 1, "L", false, 0, "")
	r.bars(sevLabels, sevOpen, sevColors)

	statusRows := [][]string{{"Status", "Threats"}}
	var stLabels []string
	var stCounts []int
	for _, s := range model.Statuses {
		n := 0
		for _, t := range r.live {
			if t.Status == s && r.m.Suppressed(t.RuleID, t.ElementID) == nil {
				n++
			}
		}
		statusRows = append(statusRows, []string{s.Label(), fmt.Sprint(n)})
		stLabels, stCounts = append(stLabels, s.Label()), append(stCounts, n)
	}
	suppressed, obsolete := 0, len(m.Threats)-len(r.live)
	for _, t := range r.live {
		if m.Suppressed(t.RuleID, t.ElementID) != nil {
			suppressed++
		}
	}
	statusRows = append(statusRows, []string{"suppressed", fmt.Sprint(suppressed)}, []string{"obsolete (rule no longer fires)", fmt.Sprint(obsolete)})
	r.need(70)
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, "Threats by status", "", 1, "L", false, 0, "")
	r.bars(stLabels, stCounts, []color.Color{SeverityColors[2], SeverityColors[0], hex(0x5c6bc0), MutedColor, hex(0x00897b)})
	r.table([]float64{80, 30}, statusRows, true)
	if len(m.Suppressions) > 0 {
		rows := [][]string{{"Suppressed rule", "Where", "Justification"}}
		for _, k := range sortedKeys(m.Suppressions) {
			s := m.Suppressions[k]
			where := "whole model"
			if e := m.Elements[s.ElementID]; e != nil {
				where = e.Label()
			}
			rows = append(rows, []string{s.RuleID, where, s.Justification})
		}
		r.table([]float64{50, 50, textW - 100}, rows, true)
	}

	r.section("Top risks", 1)
	top := [][]string{{"ID", "Severity", "Element", "Threat"}}
	for _, t := range r.live {
		if len(top) > 15 {
			break
		}
		if r.isOpen(t) {
			top = append(top, []string{t.Code(), t.Severity().String(), elementName(m, t.ElementID), t.Title})
		}
	}
	if len(top) == 1 {
		r.para("No open threats.")
	} else {
		r.para(fmt.Sprintf("The open threats with the highest risk (%d open high or critical threats in all; each is detailed with its diagram).", crit))
		r.table([]float64{18, 20, 42, textW - 80}, top, true)
	}
}

func (r *report) isOpen(t *model.Threat) bool {
	return t.Status == model.Open && !t.Obsolete && r.m.Suppressed(t.RuleID, t.ElementID) == nil
}

func maxLevel(m *model.Model) int {
	n := 0
	for _, d := range m.Diagrams {
		n = max(n, m.Level(d))
	}
	return n
}

func elementName(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return e.Label()
	}
	return "?"
}

func (r *report) assets() {
	m := r.m
	r.section("Data assets", 0)
	if len(m.Assets) == 0 {
		r.para("The model classifies no data.")
		return
	}
	rows := [][]string{{"Data", "Classification", "Confidentiality", "Integrity", "Availability"}}
	for _, a := range m.AssetList() {
		rows = append(rows, []string{a.Name, a.Classification.String(), a.Confidentiality.String(), a.Integrity.String(), a.Availability.String()})
	}
	r.table([]float64{58, 30, 30, 28, textW - 146}, rows, true)
	for _, a := range m.AssetList() {
		var flows, holders []string
		for _, e := range m.ElementList() {
			for _, id := range e.Assets {
				if id != a.ID {
					continue
				}
				name := e.Label() + " (" + diagramNameOf(m, e) + ")"
				if e.Kind == model.DataFlow {
					flows = append(flows, name)
				} else {
					holders = append(holders, name)
				}
			}
		}
		r.need(20)
		r.font("B", 10, InkColor)
		r.pdf.MultiCell(textW, lineH, a.Name+" — "+a.Classification.String(), "", "L", false)
		r.para(a.Description)
		r.para("Flows over: " + orDash(strings.Join(flows, ", ")))
		r.para("Stored or processed by: " + orDash(strings.Join(holders, ", ")))
	}
}

func diagramNameOf(m *model.Model, e *model.Element) string {
	if d := m.Diagrams[e.Diagram]; d != nil {
		return d.Name
	}
	return "?"
}

// diagrams draws each diagram level by level, then lists its elements and
// the threats on them.
func (r *report) diagrams() {
	m := r.m
	r.section("Diagrams", 0)
	r.para("Each diagram is drawn as in the editor: processes as rounded shapes, external entities as rectangles, " +
		"data stores between two lines, trust boundaries dashed in red. The number on an element counts its open " +
		"threats, coloured by the worst one; a process refined by a child diagram is analysed through that diagram.")
	list := m.DiagramList()
	for i, d := range list {
		if i > 0 {
			r.pdf.AddPage()
		}
		r.section(diagramTitle(m, d), 1)
		if p := m.Elements[d.Refines]; p != nil {
			r.para(fmt.Sprintf("Refines the process %s of %s.", p.Label(), diagramNameOf(m, p)))
		}
		var refined []string
		for _, e := range m.ElementsIn(d.ID) {
			if c := m.ChildOf(e.ID); c != nil {
				refined = append(refined, fmt.Sprintf("%s (see %s)", e.Label(), diagramTitle(m, c)))
			}
		}
		if len(refined) > 0 {
			r.para("Refined here by child diagrams, whose threats stand for them and their flows: " + strings.Join(refined, ", ") + ".")
		}
		r.drawDiagram(d.ID)
		r.elementTable(d.ID)
		r.threatsOf(d.ID)
		r.progress(0.15 + 0.3*float64(i+1)/float64(len(list)))
	}
}

// drawDiagram fits a diagram into the text width (and at most 60 % of a
// page's height) and draws it as vectors.
func (r *report) drawDiagram(id string) {
	ext := Extent(r.m, id)
	scale := min(textW/ext.W, 160/ext.H, 0.5)
	h := ext.H * scale
	r.need(h + 4)
	y := r.pdf.GetY()
	s := &pdfSurface{pdf: r.pdf, scale: scale, offX: ext.X, offY: ext.Y, boxX: marginX + (textW-ext.W*scale)/2, boxY: y}
	r.pdf.SetAutoPageBreak(false, 18) // drawing text must never break the page
	DrawDiagram(s, r.m, id, r.badges)
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
			parts = append(parts, d.Label)
		case d.Type == model.Bool:
			parts = append(parts, "not "+strings.ToLower(d.Label[:1])+d.Label[1:])
		default:
			parts = append(parts, d.Label+": "+strings.ReplaceAll(v, "_", " "))
		}
	}
	return strings.Join(parts, "; ")
}

func (r *report) elementTable(diagramID string) {
	m := r.m
	rows := [][]string{{"Element", "Kind", "Technology / zone", "Properties"}}
	ix := model.NewIndex(m)
	for _, e := range m.ElementsIn(diagramID) {
		zone := ""
		if e.Kind == model.DataFlow {
			zone = elementName(m, e.Source) + " → " + elementName(m, e.Target)
		} else if z := ix.Innermost(e); z != nil && e.Kind != model.TrustBoundary {
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
		rows = append(rows, []string{e.Label(), e.Kind.Label(), tech + zone, props})
	}
	r.font("B", 11, InkColor)
	r.need(20)
	r.pdf.CellFormat(textW, 7, "Elements", "", 1, "L", false, 0, "")
	r.table([]float64{40, 24, 42, textW - 106}, rows, true)
}

func (r *report) threatsOf(diagramID string) {
	m := r.m
	var ts []*model.Threat
	for _, e := range m.ElementsIn(diagramID) {
		ts = append(ts, r.byElem[e.ID]...)
	}
	stride.SortThreats(ts)
	r.font("B", 11, InkColor)
	r.need(20)
	r.pdf.CellFormat(textW, 7, fmt.Sprintf("Threats (%d)", len(ts)), "", 1, "L", false, 0, "")
	if len(ts) == 0 {
		r.para("No threats on this diagram's elements.")
	}
	for _, t := range ts {
		r.threat(t)
	}
}

// threat writes one threat: title, classification, triage, why it was
// raised, what to do, references.
func (r *report) threat(t *model.Threat) {
	m := r.m
	status := t.Status.Label()
	if t.Obsolete {
		status = "obsolete (its rule no longer fires), was " + status
	}
	if s := m.Suppressed(t.RuleID, t.ElementID); s != nil {
		status += "; rule suppressed: " + s.Justification
	}
	r.need(28)
	y := r.pdf.GetY()
	r.pdf.SetFillColor(opaque(SeverityColors[t.Severity()]))
	r.pdf.Rect(marginX, y+0.8, 1.6, 4.2, "F")
	r.pdf.SetX(marginX + 3)
	r.font("B", 10, InkColor)
	r.pdf.MultiCell(textW-3, lineH, t.Code()+"  "+t.Title, "", "L", false)
	r.font("", 8.5, MutedColor)
	meta := fmt.Sprintf("%s · %s (likelihood %s, impact %s) · %s · on %s", t.Category.Label(), t.Severity(),
		t.Likelihood, t.Impact, status, elementName(m, t.ElementID))
	if t.RuleID != "" {
		meta += " · rule " + t.RuleID
	} else {
		meta += " · added by the analyst"
	}
	if t.Dread != nil {
		meta += fmt.Sprintf(" · DREAD %.1f", t.Dread.Score())
	}
	r.pdf.SetX(marginX + 3)
	r.pdf.MultiCell(textW-3, 4, meta, "", "L", false)
	field := func(label, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		r.pdf.SetX(marginX + 3)
		r.font("B", 8.5, InkColor)
		r.pdf.CellFormat(28, 4.2, label, "", 0, "L", false, 0, "")
		r.font("", 8.5, InkColor)
		r.pdf.MultiCell(textW-31, 4.2, text, "", "L", false)
	}
	field("Description", t.Description)
	field("Why", strings.Join(t.Facts, "\n"))
	field("Justification", t.Justification)
	mitigation := t.Mitigation
	if mitigation == "" && r.o.Rules != nil {
		if rule := r.o.Rules.Rule(t.RuleID); rule != nil && len(rule.Mitigations) > 0 {
			mitigation = rule.Mitigations[0].Do + " (see rule " + rule.ID + " in the appendix)"
		}
	}
	field("Mitigation", mitigation)
	field("References", strings.Join(t.References, ", "))
	r.pdf.Ln(2.5)
}

// attackTrees draws each of the model's attack trees with its values and
// minimal attack paths.
func (r *report) attackTrees() {
	if len(r.m.Trees) == 0 {
		return
	}
	r.section("Attack trees", 0)
	r.para("Each tree has the attacker's goal at its root. An OR node succeeds when any child does, an AND node " +
		"when all do. Values: the cheapest attack (minimum over OR, sum over AND, in the analyst's cost unit), " +
		"the probability of success (OR: 1 − Π(1 − p), AND: Π p) and the skill needed. Branches whose defense is " +
		"in place, or whose threat is mitigated, are cut (shown in grey).")
	for i, t := range r.m.TreeList() {
		if i > 0 {
			r.pdf.AddPage()
		}
		r.section(t.Name, 1)
		v := stride.Evaluate(r.m, t)
		root := v.Root(t)
		r.para(fmt.Sprintf("Target: %s. Cheapest attack: %s; probability of success: %.2f; skill needed: %s.",
			r.m.TargetName(t), FormatCost(root.Cost), root.Probability, root.Skill))
		if l, err := LayoutTree(t); err == nil {
			b := l.Bounds
			scale := min(textW/b.W, 120/b.H, 0.35)
			r.need(b.H*scale + 4)
			y := r.pdf.GetY()
			s := &pdfSurface{pdf: r.pdf, scale: scale, offX: b.X, offY: b.Y, boxX: marginX + (textW-b.W*scale)/2, boxY: y}
			r.pdf.SetAutoPageBreak(false, 18)
			DrawTree(s, r.m, t, v, l)
			r.pdf.SetAutoPageBreak(true, 18)
			r.pdf.SetXY(marginX, y+b.H*scale+4)
		}
		rows := [][]string{{"Node", "Gate", "Cost", "p", "Skill"}}
		t.Walk(func(n *model.TreeNode, depth int) {
			nv := v.Nodes[n.ID]
			label := strings.Repeat("   ", depth) + n.Label
			if nv.Defended {
				label += " [defended"
				if n.Defense != "" {
					label += ": " + n.Defense
				}
				label += "]"
			}
			rows = append(rows, []string{label, n.Gate.String(), FormatCost(nv.Cost), fmt.Sprintf("%.2f", nv.Probability), nv.Skill.String()})
		})
		r.table([]float64{textW - 64, 14, 16, 14, 20}, rows, true)
		r.font("B", 10, InkColor)
		r.need(20)
		r.pdf.CellFormat(textW, 6, "Minimal attack paths", "", 1, "L", false, 0, "")
		paths := [][]string{{"#", "Cost", "p", "Steps"}}
		for i, p := range v.Paths {
			var steps []string
			for _, id := range p.Leaves {
				steps = append(steps, t.Nodes[id].Label)
			}
			paths = append(paths, []string{fmt.Sprint(i + 1), FormatCost(p.Cost), fmt.Sprintf("%.2f", p.Probability), strings.Join(steps, " + ")})
		}
		if len(paths) == 1 {
			r.para("None: every branch is defended.")
		} else {
			r.table([]float64{8, 14, 14, textW - 36}, paths, true)
		}
	}
}

// changes lists what changed since an earlier version of the model.
func (r *report) changes() {
	if r.o.Since == nil {
		return
	}
	r.section("Changes since "+r.o.SinceLabel, 0)
	diffs := model.Diff(r.o.Since, r.m)
	if len(diffs) == 0 {
		r.para("Nothing changed.")
		return
	}
	rows := [][]string{{"Change", "What", "Details"}}
	for _, d := range diffs {
		name := d.What + " " + d.Name
		rows = append(rows, []string{d.Op, name, strings.Join(d.Details, "; ")})
	}
	r.table([]float64{20, 70, textW - 90}, rows, true)
}

// maxHistory bounds the trail printed: the latest entries matter most.
const maxHistory = 500

// history prints the audit trail, latest first.
func (r *report) history() {
	if len(r.o.History) == 0 {
		return
	}
	r.section("Change history", 0)
	h := r.o.History
	if len(h) > maxHistory {
		r.para(fmt.Sprintf("The %d latest of %d entries.", maxHistory, len(h)))
		h = h[len(h)-maxHistory:]
	}
	rows := [][]string{{"When (UTC)", "Who", "What"}}
	for i := len(h) - 1; i >= 0; i-- {
		c := h[i]
		rows = append(rows, []string{c.At.UTC().Format("2006-01-02 15:04"), c.Author, c.Action})
	}
	r.table([]float64{30, 36, textW - 66}, rows, true)
}

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
		if rule == nil {
			continue
		}
		r.need(35)
		r.font("B", 10, InkColor)
		r.pdf.MultiCell(textW, lineH, rule.ID+" — "+rule.GenericTitle(), "", "L", false)
		r.font("", 8.5, MutedColor)
		r.pdf.MultiCell(textW, 4, fmt.Sprintf("%s · applies to %s · default risk %s · %d threat(s) · %s",
			rule.Category.Label(), rule.AppliesTo.Label(), model.Risk(rule.Likelihood, rule.Impact), fired[id],
			strings.Join(rule.References, ", ")), "", "L", false)
		if rule.When != "" {
			r.font("", 8.5, InkColor)
			r.pdf.MultiCell(textW, 4, "Condition: "+rule.When, "", "L", false)
		}
		for i, mt := range rule.Mitigations {
			r.font("B", 8.5, InkColor)
			r.pdf.MultiCell(textW, 4.2, fmt.Sprintf("Mitigation %d: %s", i+1, mt.Do), "", "L", false)
			r.font("", 8.5, InkColor)
			if mt.Example != "" {
				r.pdf.MultiCell(textW, 4.2, "Example: "+mt.Example, "", "L", false)
			}
			r.pdf.MultiCell(textW, 4.2, "Verify: "+mt.Verify, "", "L", false)
		}
		r.pdf.Ln(2.5)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

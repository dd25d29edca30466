package render

import (
	"fmt"
	"image/color"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

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
	// History adds the audit trail (latest entries first) when
	// WithHistory is set; a file without a trail says so.
	History     []model.Change
	WithHistory bool
	// Since, when set, adds what changed since that earlier version of
	// the model, named by SinceLabel.
	Since      *model.Model
	SinceLabel string
	// Progress, when set, is called with the fraction done (0..1).
	Progress func(done float64)
	// Omit leaves threats of these statuses out of the threat listings
	// (the summary still counts them); OnlyConfirmed leaves out assumed
	// threats; ByElement lists the threats in a chapter of their own,
	// element by element and interaction by interaction, instead of with
	// each diagram.
	Omit          []model.Status
	OnlyConfirmed bool
	ByElement     bool
	// Date, when set, is the report's date (rampart report --date);
	// otherwise the report is dated by the model's last change, so the
	// same model gives the same bytes.
	Date time.Time
}

// reportDate is the date the report carries, and where it comes from.
func (o ReportOptions) reportDate(m *model.Model) (time.Time, string) {
	switch {
	case !o.Date.IsZero():
		return o.Date, "given when the report was made"
	case !m.Modified.IsZero():
		return m.Modified, "the model's last change"
	case !m.Source.Imported.IsZero():
		// An import not edited since: it last changed when it was imported.
		return m.Source.Imported, "when the model was imported"
	}
	return time.Time{}, "the model records no date"
}

// fixedEpoch dates the PDF of a model that records no date: a fixed
// date, so that two runs give the same bytes.
var fixedEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Report writes the audit report of a model as PDF. The same model gives
// the same bytes: the document's dates are the model's modification time
// and everything is written in a fixed order.
func Report(w io.Writer, m *model.Model, o ReportOptions) error {
	// The contents need the page of every section: lay the report out once
	// to learn them, then again to write it. What both passes look up is
	// worked out once, so each pass costs time in proportion to the model.
	facts := newReportFacts(m)
	first := newReport(m, o, facts, nil, 0)
	if err := first.build(); err != nil {
		return err
	}
	second := newReport(m, o, facts, first.toc, 0.5)
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

// reportFacts is what the report looks up about the model, found once for
// both passes: each is a map or a list built in one walk over the model,
// so no chapter walks every element for every diagram or data asset.
type reportFacts struct {
	findings []model.Finding
	badges   map[string]Badge
	live     []*model.Threat // not obsolete, worst first
	byElem   map[string][]*model.Threat
	ix       *model.Index
	in       map[string][]*model.Element // diagram ID → its elements, as ElementsIn orders them
	children map[string]*model.Diagram   // process ID → the diagram refining it
	levels   map[string]int              // diagram ID → its level
	carriers map[string][]*model.Element // data asset ID → the elements carrying or holding it, as ElementList orders them
	brief    bool                        // one row per threat: there are more than maxDetailed
	// openQuestions are what the assumed open threats rest on.
	openQuestions []stride.Question
	// heights caches each threat block's height, measured in the first
	// pass (see keepTogether).
	heights map[string]float64
	// plans caches each diagram's drawing plan, worked out in the first
	// pass; nil for a diagram too large to draw.
	plans map[string]*diagramPlan
	// retired says why each obsolete threat no longer applies.
	retired map[string]string
}

func newReportFacts(m *model.Model) *reportFacts {
	f := &reportFacts{findings: model.Validate(m), byElem: m.ThreatsByElement(), ix: model.NewIndex(m),
		in: map[string][]*model.Element{}, children: map[string]*model.Diagram{}, levels: map[string]int{},
		carriers: map[string][]*model.Element{}}
	f.badges = Badges(m, f.findings)
	f.openQuestions = stride.Questions(m)
	f.heights = map[string]float64{}
	f.plans = map[string]*diagramPlan{}
	f.retired = stride.ObsoleteReasons(m, nil)
	for _, t := range m.ThreatList() {
		if !t.Obsolete {
			f.live = append(f.live, t)
		}
	}
	stride.SortThreats(f.live)
	f.brief = len(f.live) > maxDetailed
	for _, e := range m.ElementList() {
		f.in[e.Diagram] = append(f.in[e.Diagram], e)
		for _, a := range e.Assets {
			f.carriers[a] = append(f.carriers[a], e)
		}
	}
	for _, id := range sortedKeys(m.Diagrams) {
		d := m.Diagrams[id]
		if _, taken := f.children[d.Refines]; d.Refines != "" && !taken {
			f.children[d.Refines] = d
		}
		f.levels[id] = m.Level(d)
	}
	return f
}

// report is one pass of laying the report out; each chapter is a method.
type report struct {
	*reportFacts
	fit   *stride.Fitter // mitigations that fit each threat; nil without rules
	pdf   *gofpdf.Fpdf
	m     *model.Model
	o     ReportOptions
	known []tocEntry // pages found by the first pass
	toc   []tocEntry
	// tableHead is the header row of the table being written, repeated
	// at the top of each page the table continues on.
	tableHead   []string
	tableWidths []float64
	links       map[string]int // threat ID → the link to its detail
	base        float64        // progress already reported by earlier passes
}

const (
	pageW, marginX = 210.0, 18.0
	textW          = pageW - 2*marginX
	lineH          = 5.0
)

func newReport(m *model.Model, o ReportOptions, facts *reportFacts, known []tocEntry, base float64) *report {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(reportFont, "", RegularTTF)
	pdf.AddUTF8FontFromBytes(reportFont, "B", BoldTTF)
	pdf.SetMargins(marginX, 20, marginX)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	date, _ := o.reportDate(m)
	if date.IsZero() {
		date = fixedEpoch
	}
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetTitle(pdfText("Threat model report: "+m.Name), true)
	var people []string
	for _, p := range append([]string{m.Owner}, m.Authors...) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(people, p) {
			people = append(people, p)
		}
	}
	pdf.SetAuthor(pdfText(strings.Join(people, ", ")), true)
	pdf.SetCreator("Rampart "+o.RampartVersion, true)
	pdf.SetProducer("Rampart "+o.RampartVersion, true)
	pdf.AliasNbPages("{nb}")
	r := &report{reportFacts: facts, pdf: pdf, m: m, o: o, known: known, base: base}
	if o.Rules != nil {
		r.fit = stride.NewFitter(o.Rules, m)
	}
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
	r.questions()
	r.review()
	r.assets()
	r.progress(0.15)
	r.diagrams()
	if r.o.ByElement {
		r.byElement()
	}
	r.attackTrees()
	r.changes()
	r.history()
	r.validation()
	r.origin()
	r.ruleSets()
	r.appendix()
	r.signOff()
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
	w := r.lineWidth()
	r.font("", 8, MutedColor)
	r.pdf.SetXY(marginX, 9)
	r.pdf.CellFormat(w/2, 4, pdfText(r.m.Name), "", 0, "L", false, 0, "")
	r.pdf.CellFormat(w/2, 4, "Threat model report", "", 0, "R", false, 0, "")
	r.pdf.SetDrawColor(200, 200, 200)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(marginX, 14, marginX+w, 14)
	r.pdf.SetXY(marginX, 20)
}

func (r *report) footer() {
	r.pdf.SetY(-12)
	r.font("", 8, MutedColor)
	hash := r.o.Hash
	if len(hash) > 16 {
		hash = hash[:16]
	}
	w := r.lineWidth()
	r.pdf.CellFormat(w/2, 4, "Rampart "+r.o.RampartVersion+" · model "+hash, "", 0, "L", false, 0, "")
	r.pdf.CellFormat(w/2, 4, fmt.Sprintf("Page %d of {nb}", r.pdf.PageNo()), "", 0, "R", false, 0, "")
}

func (r *report) font(style string, size float64, c color.Color) {
	r.pdf.SetFont(reportFont, style, size)
	r.pdf.SetTextColor(opaque(c))
}

// section starts a chapter (level 0) or a section, and records it for
// the contents and the PDF outline. A chapter starts on a new page unless
// more than half of this one is left, so short chapters do not leave
// near-empty pages behind them.
func (r *report) section(title string, level int) {
	r.tableHead = nil
	title = pdfText(title)
	if level == 0 {
		_, pageH := r.pdf.GetPageSize()
		switch {
		case r.pdf.PageNo() == 0 || pageH-20-r.pdf.GetY() < chapterRoom:
			r.pdf.AddPage()
		case r.pdf.GetY() > r.topY()+1:
			r.pdf.Ln(10)
		}
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

// lineWidth is the width between the margins of the current page: textW,
// or more on a landscape page (a wide diagram's).
func (r *report) lineWidth() float64 {
	if w, h := r.pdf.GetPageSize(); w > h {
		return w - 2*marginX
	}
	return textW
}

// landscapePage starts a landscape A4 page; AddPage goes back to portrait.
func (r *report) landscapePage() {
	r.pdf.AddPageFormat("L", r.pdf.GetPageSizeStr("A4"))
}

// chapterRoom is the room, in mm, a chapter needs left on a page to start
// there rather than on the next one.
const chapterRoom = 140.0

// topY is where text starts on a page, below the running header.
func (r *report) topY() float64 {
	_, top, _, _ := r.pdf.GetMargins()
	return top
}

// newPage starts a page for what must begin on one (the summary after the
// contents, the sign-off).
func (r *report) newPage() { r.pdf.AddPage() }

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
	r.tableHead = nil
	r.font("", 10, InkColor)
	r.pdf.MultiCell(textW, lineH, pdfText(text), "", "L", false)
	r.pdf.Ln(1.5)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// table draws rows of cells with wrapped text; header rows are bold on grey.
func (r *report) table(widths []float64, rows [][]string, header bool) {
	if !header {
		r.tableHead = nil
	}
	for i, row := range rows {
		r.row(widths, row, header && i == 0)
	}
	r.tableHead = nil
	r.pdf.Ln(2)
}

// row draws one row of a table; a table too long to hold in memory at
// once (the threats of a large model) is drawn row by row, then ended
// with Ln(2) as table ends it.
func (r *report) row(widths []float64, row []string, bold bool) {
	style := ""
	if bold {
		style = "B"
	}
	r.font(style, 9, InkColor)
	lines := 1
	cells := make([]string, len(row))
	for j, cell := range row {
		cells[j] = pdfText(cell) // measured as it is printed
		lines = max(lines, len(r.pdf.SplitText(cells[j], widths[j]-2)))
	}
	h := float64(lines)*4.2 + 2
	if bold {
		// A header with no room for a row under it goes to the next page.
		r.need(h + 12)
		r.tableHead, r.tableWidths = row, widths
	} else if _, pageH := r.pdf.GetPageSize(); r.pdf.GetY()+h > pageH-20 {
		r.pdf.AddPage()
		if r.tableHead != nil && slices.Equal(r.tableWidths, widths) {
			r.row(widths, r.tableHead, true)
			r.font("", 9, InkColor)
		}
	}
	x, y := r.pdf.GetX(), r.pdf.GetY()
	for j, cell := range cells {
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

// breaksPage reports whether a table row would start a new page.
func (r *report) breaksPage(widths []float64, row []string) bool {
	if _, pageH := r.pdf.GetPageSize(); r.pdf.GetY()+40 < pageH-20 {
		return false // no row of a few lines reaches the bottom from here
	}
	r.font("", 9, InkColor)
	lines := 1
	for j, cell := range row {
		lines = max(lines, len(r.pdf.SplitText(pdfText(cell), widths[j]-2)))
	}
	_, pageH := r.pdf.GetPageSize()
	return r.pdf.GetY()+float64(lines)*4.2+2 > pageH-20
}

// bars draws a horizontal bar chart.
func (r *report) bars(title string, labels []string, values []int, colors []color.Color) {
	maxV := 1
	for _, v := range values {
		maxV = max(maxV, v)
	}
	const labelW, barH = 48.0, 5.0
	r.need(6 + float64(len(values))*(barH+1.5) + 4) // the title stays with its chart
	r.font("B", 10, InkColor)
	r.pdf.CellFormat(textW, 6, title, "", 1, "L", false, 0, "")
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

func elementName(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return m.NameOf(e)
	}
	return "?"
}

func diagramNameOf(m *model.Model, e *model.Element) string {
	if d := m.Diagrams[e.Diagram]; d != nil {
		return d.Name
	}
	return "?"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// count writes n with the noun phrase that agrees with it: "1 rule set",
// "2 rule sets".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// isAre is the verb that agrees with n.
func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// askedThreats counts the open threats some open question settles.
func (r *report) askedThreats() int {
	asked := map[string]bool{}
	for _, q := range r.openQuestions {
		for _, c := range q.Threats {
			asked[c] = true
		}
	}
	return len(asked)
}

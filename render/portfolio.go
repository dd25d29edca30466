package render

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/jung-kurt/gofpdf"

	"github.com/rampart-tm/rampart/model"
)

// PortfolioModel is one model of a folder as the portfolio report shows
// it: where it is, who answers for it, and its threats summed up.
type PortfolioModel struct {
	Path, Name, Owner, Reviewer string
	Modified                    time.Time
	Open                        map[model.Severity]int
	ByStatus                    map[string]int
	Confirmed                   int      // open, confirmed, high or critical
	Worst                       []string // those threats, "T-0012 title (element)", worst first
	Reviewed, Reviewable        int
}

// Portfolio writes the report a security lead reviews on Monday: one page
// with every model of a folder, worst first, then a page per model with
// its confirmed high and critical threats. It is dated by the latest
// change among the models (or date, when given), so the same folder gives
// the same bytes.
func Portfolio(w io.Writer, folder string, models []PortfolioModel, date time.Time, version string) error {
	sorted := append([]PortfolioModel(nil), models...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Confirmed > sorted[j].Confirmed })
	if date.IsZero() {
		for _, m := range models {
			if m.Modified.After(date) {
				date = m.Modified
			}
		}
	}
	if date.IsZero() {
		date = fixedEpoch
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(reportFont, "", RegularTTF)
	pdf.AddUTF8FontFromBytes(reportFont, "B", BoldTTF)
	pdf.SetMargins(marginX, 20, marginX)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetCatalogSort(true) // the same folder gives the same bytes
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetProducer("Rampart "+version, true)
	pdf.SetTitle("Threat model portfolio: "+folder, true)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(reportFont, "", 8)
		pdf.SetTextColor(opaque(MutedColor))
		pdf.CellFormat(textW, 4, fmt.Sprintf("Rampart %s · portfolio of %s · page %d", version, pdfText(folder), pdf.PageNo()),
			"", 0, "C", false, 0, "")
	})
	font := func(style string, size float64) {
		pdf.SetFont(reportFont, style, size)
		pdf.SetTextColor(opaque(InkColor))
	}
	row := func(widths []float64, cells []string, head bool) {
		style := ""
		if head {
			style = "B"
		}
		font(style, 8.5)
		lines := 1
		for i, c := range cells {
			lines = max(lines, len(pdf.SplitText(pdfText(c), widths[i]-2)))
		}
		h := float64(lines)*4 + 2
		if _, pageH := pdf.GetPageSize(); pdf.GetY()+h > pageH-20 {
			pdf.AddPage()
		}
		x, y := pdf.GetX(), pdf.GetY()
		for i, c := range cells {
			if head {
				pdf.SetFillColor(235, 238, 242)
				pdf.Rect(x, y, widths[i], h, "F")
			}
			pdf.SetDrawColor(210, 210, 210)
			pdf.Rect(x, y, widths[i], h, "D")
			pdf.SetXY(x+1, y+1)
			pdf.MultiCell(widths[i]-2, 4, pdfText(c), "", "L", false)
			x += widths[i]
		}
		pdf.SetXY(marginX, y+h)
	}

	pdf.AddPage()
	font("B", 18)
	pdf.MultiCell(textW, 9, pdfText("Threat model portfolio"), "", "L", false)
	font("", 10)
	total := map[model.Severity]int{}
	confirmed := 0
	for _, m := range models {
		for s, n := range m.Open {
			total[s] += n
		}
		confirmed += m.Confirmed
	}
	pdf.MultiCell(textW, 5, pdfText(fmt.Sprintf("%s, %s. %s; %d open threats (%d critical, %d high), %d of them "+
		"confirmed high or critical. Worst first: by confirmed high and critical threats.", folder,
		date.UTC().Format("2 January 2006"), count(len(models), "model", "models"),
		total[model.SeverityCritical]+total[model.SeverityHigh]+total[model.SeverityMedium]+total[model.SeverityLow],
		total[model.SeverityCritical], total[model.SeverityHigh], confirmed)), "", "L", false)
	pdf.Ln(3)
	widths := []float64{44, 20, 24, 32, 24, 30}
	row(widths, []string{"Model (file)", "Last change", "Reviewer", "Open: critical / high / medium / low",
		"Confirmed high+", "Reviewed"}, true)
	for _, m := range sorted {
		last := "—"
		if !m.Modified.IsZero() {
			last = m.Modified.UTC().Format("2006-01-02")
		}
		row(widths, []string{m.Name + " (" + m.Path + ")", last, orDash(m.Reviewer),
			fmt.Sprintf("%d / %d / %d / %d", m.Open[model.SeverityCritical], m.Open[model.SeverityHigh],
				m.Open[model.SeverityMedium], m.Open[model.SeverityLow]),
			fmt.Sprint(m.Confirmed), fmt.Sprintf("%d of %d", m.Reviewed, m.Reviewable)}, false)
	}

	for _, m := range sorted {
		pdf.AddPage()
		font("B", 14)
		pdf.MultiCell(textW, 7, pdfText(m.Name), "", "L", false)
		font("", 9)
		pdf.MultiCell(textW, 4.5, pdfText(fmt.Sprintf("File %s · owner %s · reviewer %s · %d of %d elements and flows "+
			"reviewed.", m.Path, orDash(m.Owner), orDash(m.Reviewer), m.Reviewed, m.Reviewable)), "", "L", false)
		pdf.Ln(2)
		status := [][]string{{"Status", "Threats"}}
		for _, s := range append([]string{"open"}, sortedStatus(m.ByStatus)...) {
			if n := m.ByStatus[s]; n > 0 || s == "open" {
				status = append(status, []string{s, fmt.Sprint(n)})
			}
		}
		for i, r := range status {
			row([]float64{40, 20}, r, i == 0)
		}
		pdf.Ln(3)
		font("B", 10)
		pdf.MultiCell(textW, 5, pdfText(fmt.Sprintf("Confirmed high and critical threats (%d)", m.Confirmed)), "", "L", false)
		font("", 9)
		if len(m.Worst) == 0 {
			pdf.MultiCell(textW, 4.5, "None.", "", "L", false)
		}
		for _, t := range m.Worst {
			pdf.MultiCell(textW, 4.5, pdfText("• "+t), "", "L", false)
		}
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("write the portfolio: %w", err)
	}
	return nil
}

// sortedStatus lists the statuses other than open, in name order.
func sortedStatus(by map[string]int) []string {
	var out []string
	for s := range by {
		if s != "open" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

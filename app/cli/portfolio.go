package cli

import (
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// portfolioEntry is one model of a folder tree, analysed: what a security
// lead reads on Monday.
type portfolioEntry struct {
	Path       string         `json:"path"`
	Name       string         `json:"name"`
	Modified   string         `json:"last_change,omitempty"`
	Owner      string         `json:"owner,omitempty"`
	Reviewer   string         `json:"reviewer,omitempty"`
	Threats    int            `json:"threats"`
	Open       map[string]int `json:"open_by_severity"`
	ByStatus   map[string]int `json:"by_status"`
	Confirmed  int            `json:"confirmed_open_high_or_critical"`
	Reviewed   int            `json:"reviewed"`
	Reviewable int            `json:"reviewable"`
	failing    bool
	modified   time.Time
	worst      []string // the confirmed open high and critical threats, worst first
}

// modelExtensions are the files a folder's portfolio reads as models.
var modelExtensions = []string{".rampart", ".tm7", ".json", ".yaml", ".yml"}

// portfolio finds every model under dir (files of another kind, such as a
// package.json, are skipped with a note), analyses each as analyze does
// and sums it up, in path order.
func portfolio(cmd *cobra.Command, dir string, threshold model.Severity, failOn bool, gateAll bool) ([]portfolioEntry, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir // .git and the like
		}
		if !d.IsDir() && slices.Contains(modelExtensions, strings.ToLower(filepath.Ext(path))) {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the folder %s: %w", dir, err)
	}
	var out []portfolioEntry
	for _, path := range paths {
		m, err := storage.ReadAny(path)
		if err != nil {
			if strings.EqualFold(filepath.Ext(path), ".rampart") {
				fmt.Fprintf(cmd.ErrOrStderr(), "rampart: warning: %s: %v\n", path, err)
			}
			continue // not a model
		}
		lib, err := analyseModel(cmd.ErrOrStderr(), path+": ", path, m)
		if err != nil {
			return nil, err
		}
		e := summarise(m)
		e.Path, _ = filepath.Rel(dir, path)
		if failOn {
			gate, err := gateThreats(m, lib, false)
			if err != nil {
				return nil, err
			}
			for _, t := range gate.ThreatList() {
				if failing(gate, t, threshold) && (gateAll || t.Confidence == model.Confirmed) {
					e.failing = true
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// summarise counts a model's threats by severity and status.
func summarise(m *model.Model) portfolioEntry {
	e := portfolioEntry{Name: m.Name, Owner: m.Owner, Reviewer: m.Reviewer, Open: map[string]int{}, ByStatus: map[string]int{}}
	switch {
	case !m.Modified.IsZero():
		e.modified = m.Modified
	case !m.Source.Imported.IsZero():
		e.modified = m.Source.Imported
	}
	if !e.modified.IsZero() {
		e.Modified = e.modified.UTC().Format(time.RFC3339)
	}
	live := m.ThreatList()
	stride.SortThreats(live)
	for _, t := range live {
		if t.Obsolete {
			continue
		}
		e.Threats++
		status := t.Status.String()
		if m.Suppressed(t.RuleID, t.ElementID) != nil {
			status = "suppressed"
		}
		e.ByStatus[status]++
		if status != "open" {
			continue
		}
		e.Open[t.Severity().String()]++
		if t.Confidence == model.Confirmed && t.Severity() >= model.SeverityHigh {
			e.Confirmed++
			e.worst = append(e.worst, fmt.Sprintf("%s %s (%s, %s)", t.Code(), t.Title, t.Severity(), elementName(m, t.ElementID)))
		}
	}
	e.Reviewed, e.Reviewable = m.ReviewCoverage()
	return e
}

// writePortfolio prints one line per model, worst first by confirmed high
// and critical threats, then the totals.
func writePortfolio(w io.Writer, entries []portfolioEntry) {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b portfolioEntry) int { return b.Confirmed - a.Confirmed })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tLAST CHANGE\tREVIEWER\tOPEN (CRIT/HIGH/MED/LOW)\tCONFIRMED HIGH+\tREVIEWED\tFILE")
	total := portfolioEntry{Open: map[string]int{}}
	for _, e := range sorted {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d/%d/%d\t%d\t%d of %d\t%s\n", cell(e.Name, 40), orNone(e.Modified), cell(orNone(e.Reviewer), 24),
			e.Open["critical"], e.Open["high"], e.Open["medium"], e.Open["low"], e.Confirmed, e.Reviewed, e.Reviewable,
			model.Printable(e.Path))
		for k, v := range e.Open {
			total.Open[k] += v
		}
		total.Confirmed += e.Confirmed
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d models: %d open threats (%d critical, %d high), %d confirmed high or critical\n", len(entries),
		total.Open["critical"]+total.Open["high"]+total.Open["medium"]+total.Open["low"], total.Open["critical"],
		total.Open["high"], total.Confirmed)
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// reportFolder writes the portfolio report of every model in a folder
// tree.
func reportFolder(cmd *cobra.Command, dir, out string, date time.Time) error {
	entries, err := portfolio(cmd, dir, 0, false, false)
	if err != nil {
		return err
	}
	var models []render.PortfolioModel
	for _, e := range entries {
		pm := render.PortfolioModel{Path: e.Path, Name: e.Name, Owner: e.Owner, Reviewer: e.Reviewer, Modified: e.modified,
			Open: map[model.Severity]int{}, ByStatus: e.ByStatus, Confirmed: e.Confirmed, Worst: e.worst,
			Reviewed: e.Reviewed, Reviewable: e.Reviewable}
		for name, n := range e.Open {
			if s, err := model.ParseSeverity(name); err == nil {
				pm.Open[s] = n
			}
		}
		models = append(models, pm)
	}
	return writeOutput(cmd, out, func(w io.Writer) error {
		return render.Portfolio(w, filepath.Base(filepath.Clean(dir)), models, date, assets.Version)
	})
}

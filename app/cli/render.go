package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// loadAnalysed reads a model and brings its threats up to date, warning
// on stderr about rules that did not load. It returns the hash of the
// model as the file holds it, before the analysis.
func loadAnalysed(cmd *cobra.Command, path string) (*model.Model, *stride.Library, string, error) {
	m, err := storage.ReadAny(path)
	if err != nil {
		return nil, nil, "", err
	}
	hash, err := storage.Hash(m)
	if err != nil {
		return nil, nil, "", err
	}
	lib, errs := stride.ForModel(path, m)
	if lib == nil {
		return nil, nil, "", errs[0]
	}
	sayRuleSources(cmd.ErrOrStderr(), lib)
	errs = append(errs, stride.Run(lib, m)...)
	for _, e := range errs {
		fmt.Fprintln(cmd.ErrOrStderr(), "rampart: warning:", e)
	}
	return m, lib, hash, nil
}

func reportCmd() *cobra.Command {
	var out, since, date, confidence string
	var history, byElement bool
	var omit []string
	cmd := &cobra.Command{
		Use:   "report FILE|DIR -o OUT.pdf",
		Short: "Write the audit report as PDF",
		Long: "Writes the report an auditor signs: cover with the model's SHA-256 (of its canonical JSON, as\n" +
			"`rampart export` writes it), contents, executive summary, data assets, every diagram with its\n" +
			"elements and threats, validation findings and the rules that fired. The same model gives the\n" +
			"same bytes. Given a folder, writes the portfolio: a page with every model of its tree, worst\n" +
			"first, then a page per model with its confirmed high and critical threats.",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !strings.EqualFold(filepath.Ext(out), ".pdf") && out != "-" && out != "" {
				return usagef("the report is a PDF: name it OUT.pdf, not %s", out)
			}
			if err := requireOutput(cmd, out, storage.FormatOther, args[0], since); err != nil {
				return err
			}
			if info, err := os.Stat(args[0]); err == nil && info.IsDir() {
				var when time.Time
				if date != "" {
					if when, err = parseDate(date); err != nil {
						return usageError{err}
					}
				}
				return reportFolder(cmd, args[0], out, when)
			}
			m, lib, hash, err := loadAnalysed(cmd, args[0])
			if err != nil {
				return err
			}
			opts := render.ReportOptions{RampartVersion: assets.Version, Hash: hash, Rules: lib, ByElement: byElement}
			switch confidence {
			case "all":
			case "confirmed":
				opts.OnlyConfirmed = true
			default:
				return usagef("unknown confidence %q (want confirmed or all)", confidence)
			}
			for _, name := range omit {
				st, err := model.ParseStatus(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(name), "-", "_"), " ", "_"))
				if err != nil {
					return usageError{fmt.Errorf("--omit: %w", err)}
				}
				opts.Omit = append(opts.Omit, st)
			}
			if date != "" {
				if opts.Date, err = parseDate(date); err != nil {
					return usageError{err}
				}
			}
			opts.WithHistory = history
			if history && strings.EqualFold(filepath.Ext(args[0]), ".rampart") {
				if opts.History, err = storage.History(args[0]); err != nil {
					return err
				}
			}
			if since != "" {
				if opts.Since, err = storage.ReadAny(since); err != nil {
					return err
				}
				opts.SinceLabel = filepath.Base(since)
				if v := opts.Since.Version; v != "" {
					opts.SinceLabel = "version " + v + " (" + filepath.Base(since) + ")"
				}
			}
			return writeOutput(cmd, out, func(w io.Writer) error { return render.Report(w, m, opts) })
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the PDF to write (- for standard output)")
	cmd.Flags().StringSliceVar(&omit, "omit", nil, "leave threats of these statuses out of the lists (mitigated, not-applicable, accepted, transferred)")
	cmd.Flags().StringVar(&confidence, "confidence", "all", "confirmed: list only confirmed threats; all: assumed ones too")
	cmd.Flags().BoolVar(&byElement, "by-element", false, "list the threats element by element and interaction by interaction")
	cmd.Flags().StringVar(&date, "date", "", "the report's date (YYYY-MM-DD or RFC 3339); default: the model's last change")
	cmd.Flags().BoolVar(&history, "history", false, "add the file's change history (who changed what, when)")
	cmd.Flags().StringVar(&since, "since", "", "add a chapter on the changes since this earlier version of the model")
	return cmd
}

func renderCmd() *cobra.Command {
	var out, diagram string
	var layout bool
	cmd := &cobra.Command{
		Use:   "render FILE [--diagram NAME] [--layout] -o OUT.(png|svg)",
		Short: "Draw a diagram as PNG or SVG",
		Long: "Draws one diagram (the context diagram unless --diagram names another) as the editor shows it,\n" +
			"with its threat badges. --layout lays it out with graphviz first instead of keeping its positions.",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ext := strings.ToLower(filepath.Ext(out))
			if ext != ".png" && ext != ".svg" && out != "" {
				return usagef("the output must end in .png or .svg, not %s", out)
			}
			if err := requireOutput(cmd, out, storage.FormatOther, args[0]); err != nil {
				return err
			}
			m, _, _, err := loadAnalysed(cmd, args[0])
			if err != nil {
				return err
			}
			d := m.Root()
			if diagram != "" {
				if d = m.DiagramByName(diagram); d == nil {
					d = m.Diagrams[diagram]
				}
				if d == nil {
					var names []string
					for _, x := range m.DiagramList() {
						names = append(names, x.Name)
					}
					return usagef("no diagram named %q (the model has: %s)", diagram, strings.Join(names, ", "))
				}
			}
			if d == nil {
				return fmt.Errorf("the model has no diagram")
			}
			if layout {
				l, err := render.AutoLayout(m, d.ID)
				if err != nil {
					return err
				}
				edit, err := render.LayoutEdit(m, d.ID, l)
				if err != nil {
					return err
				}
				if err := edit.Apply(m); err != nil {
					return err
				}
			}
			badges := render.Badges(m, model.Validate(m))
			return writeOutput(cmd, out, func(w io.Writer) error {
				if ext == ".png" {
					return render.PNG(w, m, d.ID, badges)
				}
				return render.SVG(w, m, d.ID, badges)
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the PNG or SVG file to write")
	cmd.Flags().StringVar(&diagram, "diagram", "", "the diagram to draw, by name (default: the context diagram)")
	cmd.Flags().BoolVar(&layout, "layout", false, "lay the diagram out with graphviz instead of using its positions")
	return cmd
}

// parseDate reads a date as people give one on a command line.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("--date %q: give a date as YYYY-MM-DD, or a time as RFC 3339", s)
}

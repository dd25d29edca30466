package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/storage/otm"
	"github.com/rampart-tm/rampart/storage/threatdragon"
	"github.com/rampart-tm/rampart/stride"
	"github.com/spf13/cobra"
)

func validateCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a model against the rules of data-flow diagrams",
		Long: "Lists what is wrong with the model's diagrams: flows without an end or without a process,\n" +
			"unnamed or duplicate elements, overlapping boundaries, child diagrams that do not balance.\n" +
			"Exits 1 when there are errors (warnings alone exit 0).",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := storage.ReadAny(args[0])
			if err != nil {
				return err
			}
			findings := model.Validate(m)
			out := cmd.OutOrStdout()
			switch format {
			case "text":
				for _, f := range findings {
					where := ""
					if d := m.Diagrams[f.DiagramID]; d != nil {
						where = " [" + model.Printable(d.Name) + "]"
					}
					fmt.Fprintf(out, "%s%s\n", f, where)
				}
				fmt.Fprintf(out, "%s: %s\n", filepath.Base(args[0]), summarize(findings))
			case "json":
				type finding struct {
					Severity  model.FindingSeverity `json:"severity"`
					Message   string                `json:"message"`
					ElementID string                `json:"element_id,omitempty"`
					Diagram   string                `json:"diagram,omitempty"`
				}
				list := []finding{}
				for _, f := range findings {
					d := ""
					if dg := m.Diagrams[f.DiagramID]; dg != nil {
						d = dg.Name
					}
					list = append(list, finding{f.Severity, f.Message, f.ElementID, d})
				}
				if err := printJSON(out, map[string]any{"findings": list}); err != nil {
					return err
				}
			default:
				return usagef("unknown format %q (want text or json)", format)
			}
			for _, f := range findings {
				if f.Severity == model.Error {
					return errFindings
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func summarize(fs []model.Finding) string {
	errs, warns := 0, 0
	for _, f := range fs {
		if f.Severity == model.Error {
			errs++
		} else {
			warns++
		}
	}
	if errs+warns == 0 {
		return "valid"
	}
	return fmt.Sprintf("%d error(s), %d warning(s)", errs, warns)
}

func exportCmd() *cobra.Command {
	var format, out, what string
	cmd := &cobra.Command{
		Use:   "export FILE --format json|threatdragon|otm|csv|jira [--what threats|mitigations] -o OUT",
		Short: "Write a model in another format, or its open threats for an issue tracker",
		Long: "json writes Rampart's canonical JSON: stable order, so a model kept in git diffs cleanly.\n" +
			"threatdragon writes an OWASP Threat Dragon v2 model (each diagram a STRIDE diagram).\n" +
			"otm writes an Open Threat Model (OTM 0.2) checked against its schema: JSON, or YAML when OUT\n" +
			"ends in .yaml or .yml. What the format has no place for is listed on standard error.\n" +
			"csv and jira write the open threats (or, with --what mitigations, the mitigations they call for,\n" +
			"one per element) as rows an issue tracker imports, analysed as `analyze` does: summary, why it\n" +
			"was raised, what to do with an example and how to verify it, severity as priority, labels, and\n" +
			"a stable key so a second export updates rather than duplicates. csv is RFC 4180; jira is the\n" +
			"layout of Jira's CSV import (map External issue ID to keep the key). Cells that a spreadsheet\n" +
			"would read as a formula are escaped.\n" +
			"-o - writes to standard output.",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			formats := map[string]storage.Format{"json": storage.FormatRampartJSON, "threatdragon": storage.FormatThreatDragon,
				"otm": storage.FormatOTM, "csv": storage.FormatOther, "jira": storage.FormatOther}
			if _, ok := formats[format]; !ok {
				return usagef("unknown format %q (want json, threatdragon, otm, csv or jira)", format)
			}
			if what != "threats" && what != "mitigations" {
				return usagef("unknown --what %q (want threats or mitigations)", what)
			}
			if err := requireOutput(cmd, out, formats[format], args[0]); err != nil {
				return err
			}
			m, err := storage.ReadAny(args[0])
			if err != nil {
				return err
			}
			if format == "csv" || format == "jira" {
				return exportTracker(cmd, args[0], m, out, what, format == "jira")
			}
			var data []byte
			var notes []string
			switch format {
			case "json":
				data, err = storage.MarshalJSON(m)
			case "threatdragon":
				data, err = threatdragon.Write(m)
			default:
				ext := strings.ToLower(filepath.Ext(out))
				data, notes, err = otm.Write(m, ext == ".yaml" || ext == ".yml")
			}
			if err != nil {
				return err
			}
			for _, n := range notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "rampart: note:", n)
			}
			return writeOutput(cmd, out, func(w io.Writer) error {
				_, err := w.Write(data)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", "output format: json, threatdragon, otm, csv or jira")
	cmd.Flags().StringVar(&what, "what", "threats", "csv and jira: the open threats, or the mitigations they call for")
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write (- for standard output)")
	return cmd
}

func importCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "import IN -o OUT.rampart",
		Short: "Turn a model from another tool into a .rampart file",
		Long: "Reads a Threat Dragon model (v1 or v2 JSON), a Microsoft Threat Modeling Tool model (.tm7),\n" +
			"an Open Threat Model (OTM, JSON or YAML), a Threagile model (YAML), Rampart JSON or a .rampart\n" +
			"file, and writes a .rampart file. What the other tool's model had that Rampart leaves out is\n" +
			"listed on standard error. A .tm7's knowledge base comes along as a rule set of the model, so\n" +
			"analysis keeps producing TMT's threats. Diagrams the file does not draw are laid out with graphviz.",
		Args: exactlyOneFile("input file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireOutput(cmd, out, storage.FormatRampart, args[0]); err != nil {
				return err
			}
			in, err := storage.ImportFile(args[0])
			if err != nil {
				return err
			}
			m := in.Model
			if m.Source.Tool != "" && m.Source.Imported.IsZero() {
				m.Source.Imported = time.Now().UTC()
			}
			layOut(m, in)
			for _, w := range in.Notes {
				fmt.Fprintln(cmd.ErrOrStderr(), "rampart: note:", w)
			}
			return writeModel(cmd, m, out)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the .rampart file to write")
	return cmd
}

// layOut lays out with graphviz the diagrams an import had to draw itself.
// The import's own drawing already puts each element in its trust zones;
// when graphviz cannot improve on it, that drawing stays, with a note.
func layOut(m *model.Model, in *storage.Imported) {
	for _, id := range in.Unplaced {
		d := m.Diagrams[id]
		if d == nil {
			continue
		}
		l, err := render.AutoLayout(m, id)
		var edit model.Edit
		if err == nil {
			edit, err = render.LayoutEdit(m, id, l)
		}
		if err == nil {
			err = edit.Apply(m)
		}
		if err != nil {
			note := fmt.Sprintf("diagram %q keeps Rampart's simple drawing: graphviz could not lay it out (%v)", d.Name, err)
			in.Notes = append(in.Notes, note)
			m.Source.Notes = append(m.Source.Notes, note)
		}
	}
}

func demoCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "demo -o OUT.rampart",
		Short: "Write the bundled demo model",
		Long:  "Writes the demo model, analysed, with an attack tree: a microservices web shop over three diagram levels.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireOutput(cmd, out, storage.FormatRampart); err != nil {
				return err
			}
			m, err := storage.Demo()
			if err != nil {
				return err
			}
			lib, err := stride.Builtin()
			if err != nil {
				return err
			}
			if errs := stride.Run(lib, m); len(errs) > 0 {
				return errs[0]
			}
			// The demo's attack tree: the orders database, the asset most paths lead to.
			tree, err := stride.Derive(lib, m, "orders-db")
			if err != nil {
				return err
			}
			tree.ID = "orders-db-tree"
			m.Trees[tree.ID] = tree
			return writeModel(cmd, m, out)
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "the .rampart file to write")
	return cmd
}

// writeModel writes a model to a new .rampart file and says so.
func writeModel(cmd *cobra.Command, m *model.Model, path string) error {
	if !strings.HasSuffix(path, ".rampart") {
		return usagef("the output must be a .rampart file, not %s", path)
	}
	if err := storage.WriteNew(path, m); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d diagrams, %d elements, %d threats\n",
		path, len(m.Diagrams), len(m.Elements), len(m.Threats))
	return nil
}

// analyseModel runs the analysis on a model as analyze does, with the
// rules that apply to it, warning on w of what did not load or run
// (prefixed by where, when given).
func analyseModel(w io.Writer, where, path string, m *model.Model) (*stride.Library, error) {
	lib, errs := stride.ForModel(path, m)
	if lib == nil {
		return nil, errs[0]
	}
	for _, e := range append(errs, stride.Run(lib, m)...) {
		fmt.Fprintf(w, "rampart: warning: %s%v\n", where, e)
	}
	return lib, nil
}

// exportTracker analyses the model as analyze does and writes its open
// threats, or their mitigations, for an issue tracker.
func exportTracker(cmd *cobra.Command, path string, m *model.Model, out, what string, jira bool) error {
	lib, err := analyseModel(cmd.ErrOrStderr(), "", path, m)
	if err != nil {
		return err
	}
	items := trackerItems(m, lib, what)
	return writeOutput(cmd, out, func(w io.Writer) error { return writeTracker(w, items, jira) })
}

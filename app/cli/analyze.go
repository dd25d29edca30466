package cli

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

func analyzeCmd() *cobra.Command {
	var format, failOn, confidence string
	var rules []string
	var trustModelRules bool
	cmd := &cobra.Command{
		Use:   "analyze FILE|DIR [--format table|json|sarif] [--fail-on low|medium|high|critical] [--confidence confirmed|all]",
		Short: "Suggest STRIDE threats for a model",
		Long: "Applies the rule library to every element and flow of the model and lists the threats, with the\n" +
			"triage recorded in the file. The analyst's rules are read from the user's config folder\n" +
			"(rampart/rules.yaml), from " + stride.RulesFileName + " next to the model, and from --rules.\n" +
			"A threat is confirmed when a property the model states points at it, assumed when it rests on\n" +
			"properties nobody stated; --confidence confirmed lists only confirmed threats.\n" +
			"With --fail-on, exits 1 when an open, confirmed threat (not suppressed) is at or above that\n" +
			"severity; with --confidence all given too, assumed threats count as well.\n" +
			"Rules that came with the model (stored in it, or in " + stride.RulesFileName + " beside it) are\n" +
			"listed with their hashes; --fail-on judges built-in rules as built in unless --trust-model-rules.\n" +
			"Given a folder, analyses every model in its tree and sums each up on one line (or in JSON): open\n" +
			"threats by severity and status, confirmed high and critical ones, last change, reviewer, review.",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var threshold model.Severity
			if failOn != "" {
				var err error
				if threshold, err = model.ParseSeverity(failOn); err != nil {
					return usageError{err}
				}
			}
			if format != "table" && format != "json" && format != "sarif" {
				return usagef("unknown format %q (want table, json or sarif)", format)
			}
			if confidence != "confirmed" && confidence != "all" {
				return usagef("unknown confidence %q (want confirmed or all)", confidence)
			}
			// The gate counts assumed threats only when asked to.
			gateAll := confidence == "all" && cmd.Flags().Changed("confidence")
			if info, err := os.Stat(args[0]); err == nil && info.IsDir() {
				return analyzeFolder(cmd, args[0], format, threshold, failOn != "", gateAll)
			}
			builtin := stride.BuiltinLater()
			m, err := storage.ReadAny(args[0])
			if err != nil {
				return err
			}
			lib, errs := stride.ForModelFrom(builtin, args[0], m, rules...)
			if lib == nil {
				return errs[0]
			}
			for _, e := range errs {
				fmt.Fprintln(cmd.ErrOrStderr(), "rampart: warning:", e)
			}
			sayRuleSources(cmd.ErrOrStderr(), lib)
			// stride.Run in steps: what the JSON needs besides the threats
			// is worked out while they are merged, on the processor that
			// merging leaves idle.
			found, ruleErrs := stride.Analyze(lib, m)
			stride.WriteTexts(found)
			var prep chan jsonPrep
			if format == "json" {
				prep = make(chan jsonPrep, 1)
				go func() { prep <- prepareJSON(lib, m) }()
			}
			stride.Apply(m, found)
			for _, e := range ruleErrs {
				fmt.Fprintln(cmd.ErrOrStderr(), "rampart: warning:", e)
			}
			threats := reportable(m)
			if confidence == "confirmed" {
				threats = slices.DeleteFunc(threats, func(t *model.Threat) bool { return t.Confidence != model.Confirmed })
			}
			out := cmd.OutOrStdout()
			switch format {
			case "table":
				writeTable(out, m, threats)
			case "json":
				err = writeJSONPrepared(out, m, lib, <-prep, threats)
			case "sarif":
				err = writeSARIF(out, args[0], m, lib, threats)
			}
			if err != nil {
				return err
			}
			if failOn != "" {
				gate, err := gateThreats(m, lib, trustModelRules)
				if err != nil {
					return err
				}
				for _, t := range gate.ThreatList() {
					if failing(gate, t, threshold) && (gateAll || t.Confidence == model.Confirmed) {
						return errFindings
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or sarif")
	cmd.Flags().StringVar(&failOn, "fail-on", "", "exit 1 when an open threat is at or above this severity: low, medium, high or critical")
	cmd.Flags().StringArrayVar(&rules, "rules", nil, "an extra rules file (repeatable)")
	cmd.Flags().StringVar(&confidence, "confidence", "all",
		"confirmed: only threats a stated property points at; all: assumed ones too (and --fail-on counts them)")
	cmd.Flags().BoolVar(&trustModelRules, "trust-model-rules", false,
		"let rules that came with the model (stored in it or beside it) decide --fail-on for built-in rule ids")
	return cmd
}

// reportable lists the model's threats for output: the live ones worst
// first, then the obsolete ones, each by number (stride.SortThreats after
// model.ThreatList, in one sort: a large model has tens of thousands).
func reportable(m *model.Model) []*model.Threat {
	out := make([]*model.Threat, 0, len(m.Threats))
	for _, t := range m.Threats {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *model.Threat) int {
		if a.Obsolete != b.Obsolete {
			if a.Obsolete {
				return 1
			}
			return -1
		}
		if !a.Obsolete {
			if c := cmp.Compare(b.Severity(), a.Severity()); c != 0 {
				return c
			}
		}
		if c := cmp.Compare(a.Number, b.Number); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// failing reports whether a threat should fail the pipeline.
func failing(m *model.Model, t *model.Threat, threshold model.Severity) bool {
	return m.IsOpen(t) && t.Severity() >= threshold
}

func writeTable(w io.Writer, m *model.Model, threats []*model.Threat) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tCONFIDENCE\tCATEGORY\tELEMENT\tTHREAT")
	counts := map[model.Severity]int{}
	open, confirmed := 0, 0
	for _, t := range threats {
		status := t.Status.Label()
		switch {
		case t.Obsolete:
			status = "obsolete"
		case m.Suppressed(t.RuleID, t.ElementID) != nil:
			status = "suppressed"
		case t.Status == model.Open:
			open++
			counts[t.Severity()]++
			if t.Confidence == model.Confirmed {
				confirmed++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Code(), t.Severity(), status, t.Confidence, t.Category.Label(),
			cell(elementName(m, t.ElementID), 30), cell(t.Title, 80))
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d threats, %d open (%d confirmed, %d assumed): %d critical, %d high, %d medium, %d low\n", len(threats), open,
		confirmed, open-confirmed,
		counts[model.SeverityCritical], counts[model.SeverityHigh], counts[model.SeverityMedium], counts[model.SeverityLow])
}

// cell is a text as a table or a terminal line shows it: one line of at
// most max characters, with the characters that would steer the terminal
// (escapes, bidirectional overrides) written out visibly.
func cell(s string, max int) string { return model.Printable(oneLine(s, max)) }

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func elementName(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return m.NameOf(e)
	}
	return id
}

func diagramName(m *model.Model, elementID string) string {
	if e := m.Elements[elementID]; e != nil {
		if d := m.Diagrams[e.Diagram]; d != nil {
			return d.Name
		}
	}
	return ""
}

// writeSARIF writes SARIF 2.1.0 as GitHub code scanning reads it: one
// result per live threat, located at the model file, with the element as a
// logical location and the threat ID as a stable fingerprint.
func writeSARIF(w io.Writer, path string, m *model.Model, lib *stride.Library, threats []*model.Threat) error {
	type message struct {
		Text string `json:"text"`
	}
	ruleIndex := map[string]int{}
	var rules []map[string]any
	addRule := func(id string, r *stride.Rule, c *stride.Concern, t *model.Threat) int {
		if i, ok := ruleIndex[id]; ok {
			return i
		}
		entry := map[string]any{"id": id, "name": id}
		var help strings.Builder
		if c != nil {
			entry["shortDescription"] = message{c.Title}
			entry["fullDescription"] = message{oneLine(c.Description, 1000)}
			for _, mt := range c.Mitigations {
				fmt.Fprintf(&help, "- %s\n  Verify: %s\n", mt.Do, mt.Verify)
			}
			entry["properties"] = map[string]any{"tags": append([]string{"security", "STRIDE", c.Category.Label()}, c.References...),
				"security-severity": securitySeverity(t.Severity())}
		} else if r != nil {
			entry["shortDescription"] = message{r.Title}
			entry["fullDescription"] = message{oneLine(r.Description, 1000)}
			for _, mt := range r.Mitigations {
				fmt.Fprintf(&help, "- %s\n  Verify: %s\n", mt.Do, mt.Verify)
			}
			props := map[string]any{"tags": append([]string{"security", "STRIDE", r.Category.Label()}, r.References...),
				"security-severity": securitySeverity(model.Risk(r.Likelihood, r.Impact))}
			if r.Set != nil {
				props["rule_source"] = r.Set.Name
			}
			if r.Overridden() {
				props["overridden"] = true
			}
			entry["properties"] = props
		} else {
			entry["shortDescription"] = message{"Threat recorded by the analyst"}
			entry["properties"] = map[string]any{"tags": []string{"security", "STRIDE", t.Category.Label()}}
			help.WriteString("A threat the analyst added or imported; see its description.")
		}
		entry["help"] = message{help.String()}
		rules = append(rules, entry)
		ruleIndex[id] = len(rules) - 1
		return len(rules) - 1
	}
	results := []map[string]any{}
	for _, t := range threats {
		if t.Obsolete {
			continue
		}
		id := t.RuleID
		if id == "" {
			id = "manual"
		}
		idx := addRule(id, lib.Rule(t.RuleID), lib.Concern(t.RuleID), t)
		res := map[string]any{
			"ruleId": id, "ruleIndex": idx, "level": sarifLevel(t.Severity()),
			"message": message{fmt.Sprintf("%s %s (%s, %s): %s", t.Code(), t.Title, t.Category.Label(), t.Severity(),
				oneLine(strings.Join(t.Facts, "; "), 800))},
			"locations": []any{map[string]any{
				"physicalLocation": map[string]any{
					"artifactLocation": map[string]any{"uri": filepath.ToSlash(path)},
					"region":           map[string]any{"startLine": 1},
				},
				"logicalLocations": []any{map[string]any{
					"name": elementName(m, t.ElementID), "kind": "element",
					"fullyQualifiedName": diagramName(m, t.ElementID) + "/" + elementName(m, t.ElementID),
				}},
			}},
			"partialFingerprints": map[string]string{"rampartThreatId/v1": t.ID},
			"properties": map[string]any{"status": t.Status.String(), "element_id": t.ElementID,
				"confidence": t.Confidence.String()},
		}
		if s := m.Suppressed(t.RuleID, t.ElementID); s != nil || t.Status != model.Open {
			kind, just := "external", t.Justification
			if s != nil {
				kind, just = "inSource", s.Justification
			}
			res["suppressions"] = []any{map[string]any{"kind": kind, "justification": just}}
		}
		results = append(results, res)
	}
	if rules == nil {
		rules = []map[string]any{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "Rampart", "version": assets.Version, "semanticVersion": assets.Version,
				"informationUri": assets.Website, "rules": rules,
			}},
			"results":    results,
			"properties": ruleSetsJSON(lib),
		}},
	}
	return printJSON(w, doc)
}

func sarifLevel(s model.Severity) string {
	switch s {
	case model.SeverityCritical, model.SeverityHigh:
		return "error"
	case model.SeverityMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub uses to rank alerts.
func securitySeverity(s model.Severity) string {
	return [...]string{"2.0", "5.5", "8.0", "9.5"}[s]
}

func rulesCmd() *cobra.Command {
	var format string
	var files []string
	cmd := &cobra.Command{
		Use:   "rules [FILE] [--rules FILE] [--format table|json]",
		Short: "List the rule library as the engine loads it (for a model, as it applies to that model)",
		Long: "Lists every rule: id, STRIDE category, where it applies, its condition, references and the rule\n" +
			"set it comes from. With a model FILE, the rule sets that model brings (stored in it, or in\n" +
			stride.RulesFileName + " beside it) are loaded too, and the built-in rules they replace are marked.\n" +
			"Rules that do not load are reported on standard error, and the command exits 2.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("unknown format %q (want table or json)", format)
			}
			var path string
			var m *model.Model
			if len(args) == 1 {
				path = args[0]
				var err error
				if m, err = storage.ReadAny(path); err != nil {
					return err
				}
			}
			lib, errs := stride.ForModel(path, m, files...)
			if lib == nil {
				return errs[0]
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				type jsonRule struct {
					*stride.Rule
					RuleSet    string `json:"rule_set"`
					Overridden bool   `json:"overrides_builtin"`
				}
				list := []jsonRule{}
				for _, r := range lib.Rules {
					j := jsonRule{Rule: r, Overridden: r.Overridden()}
					if r.Set != nil {
						j.RuleSet = r.Set.Name
					}
					list = append(list, j)
				}
				doc := ruleSetsJSON(lib)
				doc["version"], doc["rules"], doc["concerns"] = lib.Version, list, lib.Concerns()
				if err := printJSON(out, doc); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tCATEGORY\tAPPLIES TO\tRISK\tCONDITION\tREFERENCES\tSOURCE")
				for _, r := range lib.Rules {
					source := "built in"
					if r.Set != nil {
						source = r.Set.Name
						if !r.Set.Trusted {
							source += " [came with the model]"
						}
					}
					if r.Overridden() {
						source += " [overrides the built-in rule]"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(r.ID, 80), r.Category.Label(), cell(appliesTo(r), 48),
						model.Risk(r.Likelihood, r.Impact), cell(r.When, 70), cell(strings.Join(r.References, ", "), 200), cell(source, 100))
				}
				tw.Flush()
				fmt.Fprintf(out, "\n%d rules, library version %s\n", len(lib.Rules), lib.Version)
				// A concern is raised once per element for all its rules:
				// its id is the rule id of the threats it gives.
				members := map[string][]string{}
				for _, r := range lib.Rules {
					if r.Concern != "" {
						members[r.Concern] = append(members[r.Concern], r.ID)
					}
				}
				fmt.Fprintln(out, "Concerns (one threat per element for all their rules):")
				for _, c := range lib.Concerns() {
					fmt.Fprintf(out, "  %s (%s): %s\n", c.ID, c.Category.Label(), strings.Join(members[c.ID], ", "))
				}
				fmt.Fprintf(out, "Rule sets (combined sha256 %s):\n", lib.Hash())
				for _, s := range lib.Sources {
					fmt.Fprintf(out, "  %s: sha256 %s, %d added, %d replaced\n", model.Printable(s.Label()), s.SHA256, s.Added, s.Replaced)
				}
				for _, o := range lib.Overrides() {
					fmt.Fprintf(out, "  override of %s by %s: %s\n", model.Printable(o.RuleID), model.Printable(o.By),
						model.Printable(strings.Join(o.Changes, "; ")))
				}
			}
			if len(errs) > 0 {
				for _, e := range errs {
					fmt.Fprintln(cmd.ErrOrStderr(), "rampart:", e)
				}
				return fmt.Errorf("%d rule(s) did not load", len(errs))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	cmd.Flags().StringArrayVar(&files, "rules", nil, "a rules file to load after the built-in ones (repeatable)")
	return cmd
}

func appliesTo(r *stride.Rule) string {
	s := r.AppliesTo.Label()
	if len(r.Source) > 0 {
		s += " from " + strings.Join(r.Source, "|")
	}
	if len(r.Target) > 0 {
		s += " to " + strings.Join(r.Target, "|")
	}
	if r.Crosses != nil {
		if *r.Crosses {
			s += ", crossing"
		} else {
			s += ", within a zone"
		}
	}
	return s
}

// analyzeFolder is analyze over every model of a folder tree: a portfolio.
func analyzeFolder(cmd *cobra.Command, dir, format string, threshold model.Severity, failOn, gateAll bool) error {
	if format == "sarif" {
		return usagef("sarif describes one model: give a file, or --format table or json for a folder")
	}
	entries, err := portfolio(cmd, dir, threshold, failOn, gateAll)
	if err != nil {
		return err
	}
	if format == "json" {
		if err := printJSON(cmd.OutOrStdout(), map[string]any{"folder": dir, "models": entries}); err != nil {
			return err
		}
	} else {
		writePortfolio(cmd.OutOrStdout(), entries)
	}
	for _, e := range entries {
		if e.failing {
			return errFindings
		}
	}
	return nil
}

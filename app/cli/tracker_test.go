package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll() // RFC 4180
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", path, err)
	}
	return rows
}

// The open threats export as rows a tracker imports, one per open threat
// with a stable key; a second export gives the same keys; Jira's layout
// maps severity onto its priorities and labels carry no spaces; the
// mitigations export names each mitigation once per element.
func TestExportForIssueTrackers(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "demo.rampart")
	if code, _, errOut := run(t, "demo", "-o", model); code != 0 {
		t.Fatal(errOut)
	}
	out := filepath.Join(dir, "threats.csv")
	if code, _, errOut := run(t, "export", model, "--format", "csv", "-o", out); code != 0 {
		t.Fatal(errOut)
	}
	rows := readCSV(t, out)
	if strings.Join(rows[0], ",") != "Key,Summary,Severity,Description,Mitigation,Labels" {
		t.Fatalf("header %v", rows[0])
	}
	m, _ := storage.ReadAny(model)
	open := 0
	for _, th := range m.ThreatList() {
		if th.Status.String() == "open" && !th.Obsolete && m.Suppressed(th.RuleID, th.ElementID) == nil {
			open++
		}
	}
	keys := map[string]bool{}
	for _, r := range rows[1:] {
		if keys[r[0]] || m.Threats[r[0]] == nil {
			t.Errorf("key %q is not one open threat's id", r[0])
		}
		keys[r[0]] = true
		if !strings.Contains(r[3], "Why:") || !strings.Contains(r[4], "Verify:") {
			t.Errorf("%s: no reason or no verification: %q / %q", r[0], r[3], r[4])
		}
	}
	if len(keys) != open {
		t.Errorf("%d rows for %d open threats", len(keys), open)
	}
	again := filepath.Join(dir, "again.csv")
	run(t, "export", model, "--format", "csv", "-o", again)
	for i, r := range readCSV(t, again)[1:] {
		if r[0] != rows[i+1][0] {
			t.Fatalf("row %d's key changed between exports: %s, then %s", i+1, rows[i+1][0], r[0])
		}
	}

	jira := filepath.Join(dir, "jira.csv")
	if code, _, errOut := run(t, "export", model, "--format", "jira", "-o", jira); code != 0 {
		t.Fatal(errOut)
	}
	j := readCSV(t, jira)
	if j[0][0] != "Summary" || j[0][len(j[0])-1] != "External issue ID" {
		t.Fatalf("Jira header %v", j[0])
	}
	for _, r := range j[1:] {
		if !strings.Contains(" Highest High Medium Low ", " "+r[2]+" ") {
			t.Errorf("priority %q is not one of Jira's", r[2])
		}
		for i, h := range j[0] {
			if h == "Labels" && strings.Contains(r[i], " ") {
				t.Errorf("label %q has a space", r[i])
			}
		}
	}

	mit := filepath.Join(dir, "mitigations.csv")
	if code, _, errOut := run(t, "export", model, "--format", "csv", "--what", "mitigations", "-o", mit); code != 0 {
		t.Fatal(errOut)
	}
	seen := map[string]bool{}
	for _, r := range readCSV(t, mit)[1:] {
		if seen[r[0]] || !strings.Contains(r[3], "Settles:") {
			t.Errorf("mitigation row %q repeats or settles nothing", r[0])
		}
		seen[r[0]] = true
	}
}

// A name that a spreadsheet would run as a formula is written as text.
func TestTrackerExportEscapesFormulas(t *testing.T) {
	dir := t.TempDir()
	m := model.New("=HYPERLINK(\"http://evil\")")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: model.RootDiagramID, Name: "@SUM(1+1)", W: 100, H: 50}
	m.Elements["u"] = &model.Element{ID: "u", Kind: model.ExternalEntity, Diagram: model.RootDiagramID, Name: "-2+3", X: 300, W: 100, H: 50}
	m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: "+cmd", Source: "u", Target: "p"}
	path := filepath.Join(dir, "odd.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "odd.csv")
	if code, _, errOut := run(t, "export", path, "--format", "csv", "-o", out); code != 0 {
		t.Fatal(errOut)
	}
	rows := readCSV(t, out)
	if len(rows) < 2 {
		t.Fatal("no threats exported")
	}
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
}

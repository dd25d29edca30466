package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

// analyze on a folder sums up every model in its tree, one line each (or
// in JSON), skips files that are not models and hidden folders, and gates
// the whole folder with --fail-on.
func TestAnalyzeAFolderIsAPortfolio(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "-o", filepath.Join(dir, "shop.rampart")); code != 0 {
		t.Fatal(errOut)
	}
	team := filepath.Join(dir, "team-a")
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	os.MkdirAll(team, 0o755)
	td, _ := os.ReadFile(filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v2-threat-model.json"))
	os.WriteFile(filepath.Join(team, "demo.json"), td, 0o644)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name": "not a model"}`), 0o644)
	os.WriteFile(filepath.Join(dir, ".git", "hidden.json"), td, 0o644)

	code, out, errOut := run(t, "analyze", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Web shop", "Demo Threat Model", "Jane Smith", "shop.rampart", filepath.Join("team-a", "demo.json"),
		"2 models:"} {
		if !strings.Contains(out, want) {
			t.Errorf("the portfolio lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "analyze", dir, "--format", "json")
	var doc struct {
		Models []struct {
			Path      string         `json:"path"`
			Open      map[string]int `json:"open_by_severity"`
			Confirmed int            `json:"confirmed_open_high_or_critical"`
		} `json:"models"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || len(doc.Models) != 2 {
		t.Fatalf("JSON portfolio: exit %d, %v, %d models", code, err, len(doc.Models))
	}
	if doc.Models[0].Open["high"] == 0 || doc.Models[0].Confirmed == 0 {
		t.Errorf("the shop's open high threats are not counted: %+v", doc.Models[0])
	}
	if code, _, _ := run(t, "analyze", dir, "--fail-on", "high"); code != 1 {
		t.Errorf("--fail-on high over the folder exits %d, want 1", code)
	}
	if code, _, _ := run(t, "analyze", dir, "--format", "sarif"); code != 2 {
		t.Errorf("sarif over a folder exits %d, want 2", code)
	}
}

// report on a folder writes the portfolio: one overview page, then a page
// per model with its confirmed high and critical threats, the same bytes
// each time.
func TestReportAFolderIsAPortfolio(t *testing.T) {
	dir := t.TempDir()
	models := filepath.Join(dir, "models")
	os.MkdirAll(models, 0o755)
	if code, _, errOut := run(t, "demo", "-o", filepath.Join(models, "shop.rampart")); code != 0 {
		t.Fatal(errOut)
	}
	td, _ := os.ReadFile(filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v2-threat-model.json"))
	os.WriteFile(filepath.Join(models, "demo.json"), td, 0o644)
	var runs [][]byte
	for _, name := range []string{"a.pdf", "b.pdf"} {
		out := filepath.Join(dir, name)
		if code, _, errOut := run(t, "report", models, "-o", out); code != 0 {
			t.Fatal(errOut)
		}
		data, _ := os.ReadFile(out)
		runs = append(runs, data)
	}
	if string(runs[0]) != string(runs[1]) {
		t.Error("two portfolio reports of the same folder differ")
	}
	text := pdfWords(t, filepath.Join(dir, "a.pdf"))
	for _, want := range []string{"Threat model portfolio", "2 models", "Web shop", "Demo Threat Model",
		"Confirmed high and critical threats"} {
		if !strings.Contains(text, want) {
			t.Errorf("the portfolio lacks %q", want)
		}
	}
	if !regexp.MustCompile(`T-\d{4} SQL injection into Catalog DB`).MatchString(text) {
		t.Error("the portfolio lacks the demo's confirmed SQL injection, with its code")
	}
}

// A security lead's Monday folder: twenty models of a dozen teams, one
// line each in the table, one page each in the report.
func TestPortfolioOfTwentyModels(t *testing.T) {
	dir := t.TempDir()
	demo := demoFile(t)
	for i := range 20 {
		team := filepath.Join(dir, fmt.Sprintf("team-%02d", i%12))
		os.MkdirAll(team, 0o755)
		path := filepath.Join(team, fmt.Sprintf("service-%02d.rampart", i))
		data, _ := os.ReadFile(demo)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		editFile(t, path, "Lead", func(m *model.Model) model.Edit {
			info := m.Info.Clone()
			info.Name = fmt.Sprintf("Service %02d", i)
			return model.SetInfo(m, info)
		})
	}
	code, out, errOut := run(t, "analyze", dir)
	if code != 0 || !strings.Contains(out, "20 models:") {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for i := range 20 {
		if !strings.Contains(out, fmt.Sprintf("Service %02d", i)) {
			t.Errorf("the table lacks Service %02d", i)
		}
	}
	pdf := filepath.Join(t.TempDir(), "portfolio.pdf")
	if code, _, errOut := run(t, "report", dir, "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	if text := pdfWords(t, pdf); !strings.Contains(text, "20 models") || !strings.Contains(text, "Service 19") {
		t.Error("the portfolio report lacks the twenty models")
	}
}

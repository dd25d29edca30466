package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

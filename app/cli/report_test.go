package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// The same model, rules and options give the same report bytes for every
// model, imported ones too, however far apart the runs; --date dates it.
func TestReportsAreStableAndDated(t *testing.T) {
	models := []string{
		filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v2-threat-model.json"),
		filepath.Join("..", "..", "storage", "threatdragon", "testdata", "three-tier-web-app.json"),
		filepath.Join("..", "..", "stride", "testdata", "tmt", "MTMT_nested_tz.tm7"),
	}
	dir := t.TempDir()
	report := func(pass int) [][]byte {
		var out [][]byte
		for i, m := range models {
			if _, err := os.Stat(m); err != nil {
				continue // a corpus file not copied into this tree
			}
			pdf := filepath.Join(dir, strings.Repeat("r", pass)+string(rune('a'+i))+".pdf")
			if code, _, errOut := run(t, "report", m, "-o", pdf); code != 0 {
				t.Fatalf("report %s: %s", m, errOut)
			}
			data, _ := os.ReadFile(pdf)
			out = append(out, data)
		}
		return out
	}
	first := report(1)
	time.Sleep(1100 * time.Millisecond) // PDF dates count seconds
	second := report(2)
	for i := range first {
		if !bytes.Equal(first[i], second[i]) {
			t.Errorf("%s: two runs gave different reports", models[i])
		}
	}
	if len(first) == 0 {
		t.Fatal("no model to report")
	}
	dated := filepath.Join(dir, "dated.pdf")
	if code, _, errOut := run(t, "report", models[0], "--date", "2026-11-29", "-o", dated); code != 0 {
		t.Fatal(errOut)
	}
	if text := pdfWords(t, dated); !strings.Contains(text, "29 November 2026, 00:00 UTC (given when the report was made)") {
		t.Errorf("--date is not on the cover")
	}
	if text := pdfWords(t, filepath.Join(dir, "ra.pdf")); !strings.Contains(text, "undated: the model records no date") {
		t.Errorf("an undated model's report must say it has no date")
	}
}

// pdfWords is a PDF's text, whitespace collapsed.
func pdfWords(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// --history on a model without a trail says so rather than print nothing.
func TestReportHistoryOfAnImportSaysNothingWasRecorded(t *testing.T) {
	pdf := filepath.Join(t.TempDir(), "h.pdf")
	model := filepath.Join("..", "..", "storage", "threatdragon", "testdata", "three-tier-web-app.json")
	if code, _, errOut := run(t, "report", model, "--history", "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	if text := pdfWords(t, pdf); !strings.Contains(text, "Change history No change is recorded") {
		t.Error("the history chapter of an import must say nothing was recorded")
	}
}

// Facts and values print in plain words: no engine internals.
func TestReportSpeaksPlainWords(t *testing.T) {
	dir := t.TempDir()
	for _, model := range []string{demoIn(t, dir, "shop.rampart"),
		filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v2-threat-model.json")} {
		pdf := filepath.Join(dir, filepath.Base(model)+".pdf")
		if code, _, errOut := run(t, "report", model, "-o", pdf); code != 0 {
			t.Fatal(errOut)
		}
		text := pdfWords(t, pdf)
		for _, internal := range []string{"<nil>", "= false", "= unset", "very_high", "not authenticates", "config_file"} {
			if strings.Contains(text, internal) {
				t.Errorf("%s: the report says %q", filepath.Base(model), internal)
			}
		}
	}
}

// Pages read like a document: a threat's block is not split from its
// heading, and a table that runs over a page repeats its header.
func TestReportKeepsBlocksTogetherAndRepeatsHeaders(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join("..", "..", "storage", "threatdragon", "testdata", "online-game.json")
	pdf := filepath.Join(dir, "game.pdf")
	if code, _, errOut := run(t, "report", model, "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pages := strings.Split(string(out), "\f")
	firstLine := func(page string) string {
		var lines []string
		for _, l := range strings.Split(page, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) < 2 {
			return ""
		}
		return lines[1] // lines[0] is the running header
	}
	chapter := -1
	for i, page := range pages {
		first := firstLine(page)
		for _, field := range []string{"Why ", "Mitigation ", "References ", "Confidence ", "Justification "} {
			if strings.HasPrefix(first, field) {
				t.Errorf("page %d starts inside a threat's block: %q", i+1, first)
			}
		}
		for _, l := range strings.Split(page, "\n") {
			if strings.TrimSpace(l) == "Open questions" { // the chapter's heading, not its contents line
				chapter = i
			}
		}
	}
	if chapter < 0 || !strings.HasPrefix(firstLine(pages[chapter+1]), "Element") {
		t.Errorf("the questions table continues without its header (chapter on page %d)", chapter+1)
	}
}

// An imported model's report says where it came from, keeps the other
// tool's threats apart, shows roles, and has a page to sign.
func TestReportOfAnImportSaysWhereItCameFrom(t *testing.T) {
	dir := t.TempDir()
	td := filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v2-threat-model.json")
	imported := filepath.Join(dir, "td.rampart")
	if code, _, errOut := run(t, "import", td, "-o", imported); code != 0 {
		t.Fatal(errOut)
	}
	pdf := filepath.Join(dir, "td.pdf")
	if code, _, errOut := run(t, "report", imported, "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	text := pdfWords(t, pdf)
	for _, want := range []string{"Owner Mike Goodwin", "Reviewer Jane Smith", "Contributors",
		"Made with Threat Dragon, file v2-threat-model.json (SHA-256", "imported", "Where the model came from",
		"recorded in Threat Dragon", "What the import left out or changed", "Sign-off", "Prepared by", "Approved by"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(text, "added by the analyst") {
		t.Error("Threat Dragon's threats are labelled as the analyst's")
	}
}

// An auditor can ask for threats element by element, without mitigated
// or assumed ones.
func TestReportOptionsForAuditors(t *testing.T) {
	dir := t.TempDir()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	stride.Run(lib, m)
	var done *model.Threat
	for _, th := range m.ThreatList() {
		if !th.Obsolete && th.Confidence == model.Confirmed {
			done = th
			break
		}
	}
	done.Status, done.Justification = model.Mitigated, "fixed in 2.3"
	path := filepath.Join(dir, "shop.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "shop.pdf")
	if code, _, errOut := run(t, "report", path, "--by-element", "--omit", "mitigated,not-applicable",
		"--confidence", "confirmed", "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	text := pdfWords(t, pdf)
	for _, want := range []string{"Threats by element", "Interactions", "left out of the lists below"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(text, done.Code()+" "+done.Title) {
		t.Errorf("the mitigated threat %s is listed", done.Code())
	}
	if strings.Contains(text, "· assumed ·") {
		t.Error("an assumed threat is listed")
	}
	if code, _, _ := run(t, "report", path, "--omit", "done", "-o", pdf); code != 2 {
		t.Error("an unknown status is a usage error")
	}
}

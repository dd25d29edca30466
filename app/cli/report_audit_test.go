package cli_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// reportOf imports a model from another tool and writes its report; it
// gives the report's text as pdftotext lays it out, pages split.
func reportOf(t *testing.T, source string) []string {
	t.Helper()
	dir := t.TempDir()
	model := filepath.Join(dir, "m.rampart")
	if code, _, errOut := run(t, "import", source, "-o", model); code != 0 {
		t.Fatal(errOut)
	}
	pdf := filepath.Join(dir, "m.pdf")
	if code, _, errOut := run(t, "report", model, "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	return append(strings.Split(string(out), "\f"), string(info))
}

// An imported report reads as a document an auditor files: dated by the
// import (the PDF's own dates agree), numbers in words that agree with
// them, the summary and the Open questions chapter telling one story, each
// rule set's hash on one unbroken line, and chart titles kept with their
// charts.
func TestImportedReportReadsAsEvidence(t *testing.T) {
	for _, source := range []string{
		filepath.Join("testdata", "MTMT_nested_tz.tm7"),
		filepath.Join("..", "..", "storage", "threatdragon", "testdata", "v1-test-model.json"),
	} {
		t.Run(filepath.Base(source), func(t *testing.T) {
			pages := reportOf(t, source)
			info := pages[len(pages)-1]
			pages = pages[:len(pages)-1]
			text := strings.Join(pages, "\n")
			words := strings.Join(strings.Fields(text), " ")
			if !strings.Contains(words, "(when the model was imported)") || strings.Contains(words, "rampart report --date") {
				t.Error("the cover must date an import by when it was imported, with no command-line hint")
			}
			if strings.Contains(info, "2000") {
				t.Errorf("the PDF's own dates must be the report's date:\n%s", info)
			}
			if m := regexp.MustCompile(`\w\(s\)|\b1 (diagrams|levels|elements|threats|rule sets)\b`).FindString(words); m != "" {
				t.Errorf("numbers and nouns disagree: %q", m)
			}
			if strings.Contains(words, "import notes, see Where the model came from") &&
				strings.Contains(words, "This model was made with") &&
				strings.Contains(words[strings.Index(words, "This model was made with"):], "see Where the model came from") {
				t.Error("the origin chapter refers the reader to itself")
			}
			summary := regexp.MustCompile(`(\d+) of these rest on properties nobody has stated`).FindStringSubmatch(words)
			questions := regexp.MustCompile(`(\d+) of them rests? on properties nobody has stated`).FindStringSubmatch(words)
			if (summary == nil) != (questions == nil) || summary != nil && summary[1] != questions[1] {
				t.Errorf("the summary (%v) and Open questions (%v) count the asked threats differently", summary, questions)
			}
			hash := regexp.MustCompile(`(?m)^\s*SHA-256 ([0-9a-f]{64})\s*$`)
			if len(hash.FindAllString(text, -1)) == 0 {
				t.Error("each rule set's SHA-256 must print on one line of its own")
			}
			for i, page := range pages {
				lines := strings.Split(strings.TrimRight(page, "\n "), "\n")
				for len(lines) > 0 && (strings.TrimSpace(lines[len(lines)-1]) == "" || strings.Contains(lines[len(lines)-1], "Page ")) {
					lines = lines[:len(lines)-1]
				}
				if len(lines) > 0 && strings.HasPrefix(strings.TrimSpace(lines[len(lines)-1]), "Open threats by") {
					t.Errorf("page %d ends with a chart's title, its chart on the next page", i+1)
				}
			}
		})
	}
}

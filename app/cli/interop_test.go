package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func testdata(pkg, name string) string {
	return filepath.Join("..", "..", "storage", pkg, "testdata", name)
}

type analysed struct {
	Threats []struct {
		RuleID      string   `json:"rule_id"`
		Category    string   `json:"category"`
		Severity    string   `json:"severity"`
		Obsolete    bool     `json:"obsolete"`
		ElementName string   `json:"element_name"`
		Facts       []string `json:"facts"`
		Notes       string   `json:"mitigation_notes"`
	} `json:"threats"`
}

func analyzeJSON(t *testing.T, args ...string) analysed {
	t.Helper()
	code, out, errOut := run(t, append([]string{"analyze", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("analyze %v: exit %d: %s", args, code, errOut)
	}
	var a analysed
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// A Threagile model imports with its counts, laid out with graphviz
// around its nested boundaries, and analysis raises confirmed threats
// that rest on the properties it carried.
func TestImportThreagileAndAnalyze(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tg.rampart")
	code, stdout, errOut := run(t, "import", testdata("threagile", "threagile-example-model.yaml"), "-o", out)
	if code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	if !strings.Contains(stdout, "1 diagrams, 39 elements, 2 threats") {
		t.Errorf("import said %q", stdout)
	}
	if !strings.Contains(errOut, "rampart: note: risk tracking for Threagile's generated risks was left out") {
		t.Errorf("what was left out is not on standard error: %q", errOut)
	}
	m, err := storage.ReadAny(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Source.Tool != "Threagile" || len(m.Source.Notes) == 0 {
		t.Errorf("source %+v", m.Source)
	}
	ix := model.NewIndex(m)
	if b := ix.Innermost(m.Elements["sql-database"]); b == nil || b.ID != "erp-dmz" {
		t.Errorf("after layout the database is in %v", b)
	}
	a := analyzeJSON(t, "--confidence", "confirmed", out)
	carried := map[string]bool{}
	for _, th := range a.Threats {
		for _, f := range th.Facts {
			for _, fact := range []string{"Encrypted in transit: no", "Encrypted at rest: no", "Deserializes objects: yes",
				"Authenticates callers: no", "Over a public network: yes", "Stores credentials: yes"} {
				if strings.Contains(f, fact) {
					carried[fact] = true
				}
			}
		}
	}
	if len(carried) < 6 {
		t.Errorf("confirmed threats rest on %v, want all six Threagile properties", carried)
	}
}

// An OTM model imports (YAML), exports to OTM as JSON and as YAML, and
// the export compares equal with the model it came from.
func TestOTMImportExport(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "shop.rampart")
	if code, _, errOut := run(t, "import", testdata("otm", "shop.otm.yaml"), "-o", model); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	for _, name := range []string{"shop.otm.json", "shop.otm.yaml"} {
		out := filepath.Join(dir, name)
		if code, _, errOut := run(t, "export", model, "--format", "otm", "-o", out); code != 0 {
			t.Fatalf("export %s: %s", name, errOut)
		}
		data, _ := os.ReadFile(out)
		if json := strings.HasPrefix(string(data), "{"); json != strings.HasSuffix(name, ".json") {
			t.Errorf("%s starts %q", name, data[:min(20, len(data))])
		}
		code, diff, errOut := run(t, "diff", model, out)
		if code != 0 || !strings.Contains(diff, "0 change(s)") {
			t.Errorf("diff with %s: exit %d %s%s", name, code, diff, errOut)
		}
		a := analyzeJSON(t, "--confidence", "all", out)
		if len(a.Threats) == 0 {
			t.Errorf("%s: analysis found nothing", name)
		}
	}
	other := filepath.Join(dir, "other.rampart")
	if code, _, errOut := run(t, "demo", "-o", other); code != 0 {
		t.Fatal(errOut)
	}
	if code, _, errOut := run(t, "export", model, "--format", "otm", "-o", other); code != 2 || !strings.Contains(errOut, "a Rampart model") {
		t.Errorf("an OTM export over another model: exit %d, %q", code, errOut)
	}
	if code, _, errOut := run(t, "export", other, "--format", "json", "-o", filepath.Join(dir, "shop.otm.yaml")); code != 2 ||
		!strings.Contains(errOut, "an Open Threat Model") {
		t.Errorf("a JSON export over an OTM model: exit %d, %q", code, errOut)
	}
}

// What TMT recorded survives import, analysis and the report: priorities
// (five threats are medium), mitigation texts, and who recorded them.
func TestTMTTriageReachesTheReport(t *testing.T) {
	tm7 := testdata("tmt", "MTMT_example.tm7")
	a := analyzeJSON(t, "--confidence", "all", tm7)
	medium, mitigations := 0, 0
	for _, th := range a.Threats {
		if !strings.HasPrefix(th.RuleID, "tmt:") {
			continue
		}
		if th.Severity == "medium" {
			medium++
		}
		if th.Notes != "" {
			mitigations++
		}
	}
	if medium != 5 || mitigations != 43 {
		t.Errorf("%d medium (want 5), %d with TMT's mitigation (want 43)", medium, mitigations)
	}
	pdf := filepath.Join(t.TempDir(), "tmt.pdf")
	if code, _, errOut := run(t, "report", tm7, "-o", pdf); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	text := pdfWords(t, pdf)
	for _, want := range []string{"recorded in Microsoft Threat Modeling Tool",
		"Restrict access to Azure Postgres DB instances by configuring server-level firewall rules"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
}

// A custom template's threats are found again with their categories.
func TestCustomTemplateAnalysis(t *testing.T) {
	a := analyzeJSON(t, "--confidence", "all", testdata("tmt", "custom_template.tm7"))
	cats := map[string]int{}
	for _, th := range a.Threats {
		if strings.HasPrefix(th.RuleID, "tmt:") {
			if th.Obsolete {
				t.Errorf("%s on %s is obsolete", th.RuleID, th.ElementName)
			}
			cats[th.Category]++
		}
	}
	if cats["Spoofing"] != 3 || cats["Tampering"] != 1 || cats["DenialOfService"] != 5 || cats["ElevationOfPrivilege"] != 4 {
		t.Errorf("categories %v", cats)
	}
}

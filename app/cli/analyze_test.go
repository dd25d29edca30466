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

func demoFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "shop.rampart")
	if code, _, e := run(t, "demo", "-o", p); code != 0 {
		t.Fatal(e)
	}
	return p
}

func TestAnalyzeJSONHasTheContractFields(t *testing.T) {
	code, out, errOut := run(t, "analyze", demoFile(t), "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc struct {
		Threats []map[string]any `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Threats) < 40 {
		t.Fatalf("%d threats", len(doc.Threats))
	}
	cats := map[string]bool{"Spoofing": true, "Tampering": true, "Repudiation": true, "InformationDisclosure": true,
		"DenialOfService": true, "ElevationOfPrivilege": true}
	for _, th := range doc.Threats {
		for _, f := range []string{"id", "rule_id", "title", "category", "severity", "status", "element_id",
			"element_name", "element_kind", "diagram", "description", "mitigations", "references"} {
			if _, ok := th[f]; !ok {
				t.Fatalf("threat lacks %q: %v", f, th)
			}
		}
		if !cats[th["category"].(string)] {
			t.Fatalf("category %q", th["category"])
		}
	}
	first := doc.Threats[0]
	if first["severity"] != "critical" {
		t.Errorf("threats should come worst first, got %v", first["severity"])
	}
	if ms := first["mitigations"].([]any); len(ms) == 0 || ms[0].(map[string]any)["verify"] == "" {
		t.Errorf("mitigations should say what to do and how to verify: %v", ms)
	}
}

func TestAnalyzeFailOnExitCodes(t *testing.T) {
	p := demoFile(t)
	if code, _, _ := run(t, "analyze", p, "--fail-on", "critical"); code != 1 {
		t.Errorf("the demo has open critical threats: exit %d, want 1", code)
	}
	if code, _, _ := run(t, "analyze", p); code != 0 {
		t.Errorf("without --fail-on: exit %d", code)
	}
	if code, _, e := run(t, "analyze", p, "--fail-on", "severe"); code != 2 || !strings.Contains(e, "unknown severity") {
		t.Errorf("bad --fail-on: exit %d %q", code, e)
	}
}

func TestAnalyzeSARIF(t *testing.T) {
	p := demoFile(t)
	code, out, _ := run(t, "analyze", p, "--format", "sarif")
	if code != 0 {
		t.Fatal(code)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string           `json:"name"`
					Rules []map[string]any `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Fingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].Tool.Driver.Name != "Rampart" {
		t.Fatalf("not SARIF 2.1.0 from Rampart: %+v", doc)
	}
	r := doc.Runs[0]
	if len(r.Results) < 40 {
		t.Fatalf("%d results", len(r.Results))
	}
	for _, res := range r.Results {
		if r.Tool.Driver.Rules[res.RuleIndex]["id"] != res.RuleID {
			t.Fatalf("ruleIndex %d does not point at %s", res.RuleIndex, res.RuleID)
		}
		if res.Locations[0].Physical.Artifact.URI == "" || res.Fingerprints["rampartThreatId/v1"] == "" {
			t.Fatal("results need a location and a stable fingerprint")
		}
		if res.Level != "error" && res.Level != "warning" && res.Level != "note" {
			t.Fatalf("level %q", res.Level)
		}
	}
}

func TestRulesListsTheLibraryAndReportsBadRules(t *testing.T) {
	code, out, _ := run(t, "rules", "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var doc struct {
		Rules []map[string]any `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rules) < 100 {
		t.Fatalf("%d rules", len(doc.Rules))
	}
	for _, f := range []string{"id", "title", "category", "applies_to", "condition", "references"} {
		if _, ok := doc.Rules[0][f]; !ok {
			t.Errorf("rule lacks %q", f)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: x.bad\n    title: Bad\n    category: Spoofing\n    applies_to: process\n    when: \"el.nope\"\n"), 0o644)
	code, out, errOut := run(t, "rules", "--rules", bad)
	if code != 2 || !strings.Contains(errOut, "bad.yaml:2: rule x.bad: condition: el.nope is not a fact") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "ee.spoofing") {
		t.Error("the good rules are still listed")
	}
}

func TestImportOtherToolsAndAnalyze(t *testing.T) {
	dir := t.TempDir()
	td := filepath.Join(dir, "td.rampart")
	code, out, e := run(t, "import", "testdata/v2-threat-model.json", "-o", td)
	if code != 0 || !strings.Contains(out, "14 threats") {
		t.Fatalf("import Threat Dragon: exit %d %s %s", code, out, e)
	}
	tm := filepath.Join(dir, "tmt.rampart")
	code, out, e = run(t, "import", "testdata/MTMT_nested_tz.tm7", "-o", tm)
	if code != 0 || !strings.Contains(out, "16 threats") || !strings.Contains(e, "not connected") {
		t.Fatalf("import TMT: exit %d %s %s", code, out, e)
	}
	// The knowledge base came along: TMT's threats are found again, not obsolete.
	code, out, _ = run(t, "analyze", tm, "--format", "json")
	var doc struct {
		Threats []struct {
			RuleID   string `json:"rule_id"`
			Obsolete bool   `json:"obsolete"`
		} `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("analyze: exit %d, %v", code, err)
	}
	live := 0
	for _, th := range doc.Threats {
		if strings.HasPrefix(th.RuleID, "tmt:") && !th.Obsolete {
			live++
		}
	}
	if live != 16 {
		t.Fatalf("%d of TMT's 16 threats are live after analysis", live)
	}
	// Any FILE argument may be another tool's model.
	if code, _, e := run(t, "analyze", "testdata/MTMT_nested_tz.tm7", "--rules", "testdata/default.tb7", "--fail-on", "critical"); code != 0 {
		t.Fatalf("analyze a .tm7 with a .tb7: exit %d %s", code, e)
	}
	code, out, _ = run(t, "rules", "--rules", "testdata/default.tb7")
	if code != 0 || !strings.Contains(out, "tmt:S7.1") {
		t.Fatalf("rules from a .tb7: exit %d", code)
	}
	tdOut := filepath.Join(dir, "back.json")
	if code, _, e := run(t, "export", td, "--format", "threatdragon", "-o", tdOut); code != 0 {
		t.Fatal(e)
	}
	code, out, _ = run(t, "import", tdOut, "-o", filepath.Join(dir, "again.rampart"))
	if code != 0 || !strings.Contains(out, "14 threats") {
		t.Fatalf("re-import of the Threat Dragon export: %s", out)
	}
}

func TestAttackTreeCommand(t *testing.T) {
	p := demoFile(t)
	code, out, e := run(t, "attack-tree", p, "--target", "Orders DB", "-o", filepath.Join(t.TempDir(), "tree.svg"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	for _, want := range []string{"Attack tree: Orders DB", "cheapest attack:", "Via Customer → API gateway → Order API (Orders service) → Orders DB", "minimal attack paths"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if code, _, e := run(t, "attack-tree", p, "--target", "Nope"); code != 2 || !strings.Contains(e, `no element or data asset named "Nope"`) {
		t.Errorf("unknown target: exit %d %s", code, e)
	}
	if code, _, _ := run(t, "attack-tree", p); code != 2 {
		t.Error("--target is required")
	}
}

func TestDiffTMTAgainstItsEditedImport(t *testing.T) {
	dir := t.TempDir()
	imported := filepath.Join(dir, "nested.rampart")
	if code, _, e := run(t, "import", "testdata/MTMT_nested_tz.tm7", "-o", imported); code != 0 {
		t.Fatal(e)
	}
	code, out, _ := run(t, "diff", "testdata/MTMT_nested_tz.tm7", imported)
	if code != 0 || !strings.Contains(out, "0 change(s)") {
		t.Fatalf("a fresh import differs from its source: %s", out)
	}
	f, m, err := storage.Open(imported)
	if err != nil {
		t.Fatal(err)
	}
	var mongo, threat string
	for _, e := range m.Elements {
		if e.Name == "Sandbox Mongo" {
			mongo = e.ID
		}
	}
	for _, th := range m.ThreatList() {
		threat = th.ID
		break
	}
	m.Elements[mongo].Name = "Sandbox Postgres"
	m.Threats[threat].Status = model.Mitigated
	if err := f.Save(m); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, _ = run(t, "diff", "testdata/MTMT_nested_tz.tm7", imported, "--format", "json")
	if code != 0 {
		t.Fatal(code)
	}
	var doc struct {
		Changes []struct {
			Op, What, Name string
			Details        []string
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Changes) != 2 || !strings.Contains(strings.Join(doc.Changes[0].Details, ";"), "Sandbox Mongo → Sandbox Postgres") ||
		!strings.Contains(strings.Join(doc.Changes[1].Details, ";"), "status: open → mitigated") {
		t.Fatalf("changes: %+v", doc.Changes)
	}
}

package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// vendorRules is what a model received from elsewhere might bring beside
// it: the SQL injection rule lowered to low, caller spoofing disabled.
func vendorRules(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "stride", "testdata", "vendor-rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A rules file beside a model cannot change the verdict of --fail-on
// silently: it is listed with its hash, its overrides are warned about,
// and the gate judges built-in rules as built in.
func TestRulesBesideTheModelDoNotLowerTheGate(t *testing.T) {
	dir := t.TempDir()
	shop := demoIn(t, dir, "shop.rampart")
	if code, _, _ := run(t, "analyze", shop, "--fail-on", "critical"); code != 1 {
		t.Fatalf("the demo has an open critical threat: exit %d", code)
	}
	if err := os.WriteFile(filepath.Join(dir, "rampart-rules.yaml"), vendorRules(t), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "analyze", shop, "--fail-on", "critical")
	if code != 1 {
		t.Errorf("with the vendor's rules: exit %d, want 1 still", code)
	}
	for _, want := range []string{"rampart-rules.yaml beside the model (came with the model)", "sha256",
		"warning: built-in rule inject.sql is overridden", "severity low instead of critical",
		"built-in rule xb.spoofing-source is overridden", "disabled"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code, _, _ := run(t, "analyze", shop, "--fail-on", "critical", "--trust-model-rules"); code != 0 {
		t.Errorf("trusting the model's rules: exit %d, want 0", code)
	}
	_, out, _ := run(t, "analyze", shop, "--format", "json")
	var doc struct {
		RulesHash string `json:"rules_hash"`
		RuleSets  []struct {
			Name    string `json:"name"`
			Trusted bool   `json:"trusted"`
			SHA256  string `json:"sha256"`
		} `json:"rule_sets"`
		Overrides []struct {
			RuleID  string `json:"rule_id"`
			Weakens bool   `json:"weakens"`
		} `json:"overrides"`
		Threats []struct {
			RuleID         string `json:"rule_id"`
			RuleOverridden bool   `json:"rule_overridden"`
		} `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.RuleSets) != 2 || doc.RuleSets[1].Trusted || len(doc.RulesHash) != 64 || len(doc.Overrides) != 2 {
		t.Errorf("provenance in JSON: %+v", doc)
	}
	marked := false
	for _, th := range doc.Threats {
		marked = marked || th.RuleID == "inject.sql" && th.RuleOverridden
	}
	if !marked {
		t.Error("threats of an overridden rule are marked so")
	}
	_, sarif, _ := run(t, "analyze", shop, "--format", "sarif")
	if !strings.Contains(sarif, `"overrides"`) || !strings.Contains(sarif, `"overridden": true`) {
		t.Error("SARIF lists the overrides")
	}
	code, table, _ := run(t, "rules", shop)
	if code != 0 || !strings.Contains(table, "overrides the built-in rule") || !strings.Contains(table, "override of inject.sql") {
		t.Errorf("rules FILE shows the rules as they apply to the model: exit %d\n%s", code, table[max(0, len(table)-1500):])
	}
}

// The report says which rule sets produced it, with hashes, marks the
// threats of an overridden rule, and lists the open questions.
func TestReportShowsRuleSetsAndQuestions(t *testing.T) {
	dir := t.TempDir()
	shop := demoIn(t, dir, "shop.rampart")
	if err := os.WriteFile(filepath.Join(dir, "rampart-rules.yaml"), vendorRules(t), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "shop.pdf")
	if code, _, errOut := run(t, "report", shop, "-o", pdf); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	_, rules, _ := run(t, "rules", shop, "--format", "json")
	var doc struct {
		Hash string `json:"rules_hash"`
	}
	if err := json.Unmarshal([]byte(rules), &doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Rule sets", "rampart-rules.yaml beside the model", "Built-in rules overridden",
		"inject.sql", "rule overridden by rampart-rules.yaml", "Open questions", "questions settle them", doc.Hash[:24]} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

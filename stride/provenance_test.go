package stride_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// vendorRules lowers inject.sql to low and disables xb.spoofing-source,
// as a rules file that came with a model from a vendor might.
func vendorRules(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vendor-rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRulesThatCameWithTheModelAreListedAndNotTrusted(t *testing.T) {
	dir := t.TempDir()
	modelPath := filepath.Join(dir, "shop.rampart")
	if err := os.WriteFile(filepath.Join(dir, stride.RulesFileName), vendorRules(t), 0o644); err != nil {
		t.Fatal(err)
	}
	m := demo(t)
	m.RuleSets = map[string]*model.RuleSet{"vendor": {Name: "vendor", Format: model.RuleSetYAML, Data: "rules: []\n"}}
	lib, errs := stride.ForModel(modelPath, m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var names []string
	for _, s := range lib.Sources {
		names = append(names, s.Name)
		if len(s.SHA256) != 64 {
			t.Errorf("%s has no SHA-256", s.Name)
		}
	}
	joined := strings.Join(names, " | ")
	if !strings.Contains(joined, "built in") || !strings.Contains(joined, "rampart-rules.yaml beside the model") ||
		!strings.Contains(joined, "embedded in the model: vendor") {
		t.Errorf("sources: %s", joined)
	}
	folder := lib.Sources[len(lib.Sources)-1]
	if folder.Trusted || folder.Replaced != 2 || folder.Added != 1 {
		t.Errorf("folder source: %+v; want untrusted, 2 replaced, 1 added", folder)
	}
	over := map[string]stride.Override{}
	for _, o := range lib.Overrides() {
		over[o.RuleID] = o
	}
	if o := over["inject.sql"]; !o.Weakens || o.Trusted || !strings.Contains(strings.Join(o.Changes, ";"), "severity low instead of critical") {
		t.Errorf("inject.sql override: %+v", o)
	}
	if o := over["xb.spoofing-source"]; !o.Weakens || !strings.Contains(strings.Join(o.Changes, ";"), "disabled") {
		t.Errorf("xb.spoofing-source override: %+v", o)
	}
	if !lib.Rule("inject.sql").Overridden() || lib.Rule("proc.dos").Overridden() {
		t.Error("Overridden marks the replaced rules only")
	}
	trusted := lib.Trusted()
	if r := trusted.Rule("inject.sql"); r.Likelihood != model.High || r.Set.Kind != stride.SourceBuiltin {
		t.Errorf("the trusted library keeps the built-in inject.sql, got %+v", r)
	}
	if trusted.Rule("vendor.extra") == nil {
		t.Error("rules the model's set added stay: they can only raise threats")
	}
	before := lib.Hash()
	os.WriteFile(filepath.Join(dir, stride.RulesFileName), []byte(strings.Replace(string(vendorRules(t)), "impact: low", "impact: medium", 1)), 0o644)
	again, _ := stride.ForModel(modelPath, m)
	if again.Hash() == before {
		t.Error("the combined hash must change with any rule set")
	}
}

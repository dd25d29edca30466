package stride_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/tmt"
	"github.com/rampart-tm/rampart/stride"
)

// A custom template's knowledge base names its categories by GUID. Its
// threat types still translate, with the STRIDE category its category list
// gives, so analysis regenerates the threats TMT recorded instead of
// marking them obsolete, and keeps what TMT recorded about them.
func TestCustomTemplateThreatsAreRegenerated(t *testing.T) {
	m, _, err := tmt.ReadModel(readTestdata(t, "custom_template.tm7"))
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]model.Category{}
	for id, th := range m.Threats {
		before[id] = th.Category
	}
	lib, errs := stride.ForModel("", m)
	if len(errs) > 0 {
		t.Fatalf("the knowledge base did not translate: %v", errs)
	}
	if r := lib.Rule("tmt:S1"); r == nil || r.Category != model.Spoofing {
		t.Fatalf("tmt:S1 = %+v", r)
	}
	stride.Run(lib, m)
	cats := map[model.Category]int{}
	for id, cat := range before {
		th := m.Threats[id]
		if th == nil || th.Obsolete {
			t.Errorf("%s: made obsolete", id)
			continue
		}
		if th.Category != cat {
			t.Errorf("%s: %v after analysis, %v as recorded", id, th.Category, cat)
		}
		if th.Origin != "Microsoft Threat Modeling Tool" || th.Severity() != model.SeverityHigh {
			t.Errorf("%s: origin %q, severity %v", id, th.Origin, th.Severity())
		}
		cats[th.Category]++
	}
	if cats[model.Spoofing] != 3 || cats[model.DenialOfService] != 5 || cats[model.ElevationOfPrivilege] != 4 {
		t.Errorf("categories %v", cats)
	}
}

// Medium priorities and mitigation texts TMT recorded survive analysis.
func TestRecordedTriageSurvivesAnalysis(t *testing.T) {
	m, _, err := tmt.ReadModel(readTestdata(t, "MTMT_example.tm7"))
	if err != nil {
		t.Fatal(err)
	}
	lib, errs := stride.ForModel("", m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	stride.Run(lib, m)
	medium, mitigated := 0, 0
	for _, th := range m.Threats {
		if !strings.HasPrefix(th.RuleID, "tmt:") || th.Obsolete {
			continue
		}
		if th.Severity() == model.SeverityMedium {
			medium++
		}
		if th.Mitigation != "" {
			mitigated++
		}
	}
	if medium != 5 || mitigated != 43 {
		t.Errorf("after analysis: %d medium (want 5), %d with TMT's mitigation text (want 43)", medium, mitigated)
	}
}

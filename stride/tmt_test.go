package stride_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/tmt"
	"github.com/rampart-tm/rampart/stride"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "tmt", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestTMTOracle analyses each TMT corpus model with its knowledge base and
// checks that, on every flow where TMT recorded threats, the translated
// rules raise exactly the threat types TMT recorded there.
func TestTMTOracle(t *testing.T) {
	for model7, kb := range map[string]string{"MTMT_nested_tz.tm7": "default.tb7", "MTMT_example.tm7": "Azure-Cloud-Services.tb7"} {
		t.Run(model7, func(t *testing.T) {
			m, _, err := tmt.ReadModel(readTestdata(t, model7))
			if err != nil {
				t.Fatal(err)
			}
			recorded := map[string][]string{}
			for _, th := range m.Threats {
				recorded[th.ElementID] = append(recorded[th.ElementID], strings.TrimPrefix(th.RuleID, "tmt:"))
			}
			lib := &stride.Library{}
			if errs := lib.AddKB(readTestdata(t, kb), kb); len(errs) > 0 {
				t.Fatalf("knowledge base did not translate: %v", errs)
			}
			found, errs := stride.Analyze(lib, m)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			fired := map[string][]string{}
			for _, f := range found {
				fired[f.Element.ID] = append(fired[f.Element.ID], strings.TrimPrefix(f.Rule.ID, "tmt:"))
			}
			total := 0
			for flow, want := range recorded {
				sort.Strings(want)
				got := fired[flow]
				sort.Strings(got)
				total += len(want)
				if !slices.Equal(got, want) {
					t.Errorf("flow %s: TMT recorded %v, the rules raise %v", m.Elements[flow].Label(), want, got)
				}
			}
			if total == 0 {
				t.Fatal("no recorded threats to compare")
			}
		})
	}
}

func TestTMTModelCarriesItsKnowledgeBase(t *testing.T) {
	m, _, err := tmt.ReadModel(readTestdata(t, "MTMT_nested_tz.tm7"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.RuleSets) != 1 {
		t.Fatalf("rule sets %v", m.RuleSets)
	}
	lib, errs := stride.ForModel("", m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if lib.Rule("tmt:S1") == nil || lib.Rule("ee.spoofing") == nil {
		t.Fatal("the library should hold TMT's rules next to Rampart's")
	}
	before := len(m.Threats)
	stride.Run(lib, m)
	kept := 0
	for _, th := range m.Threats {
		if strings.HasPrefix(th.RuleID, "tmt:") && !th.Obsolete {
			kept++
		}
	}
	if kept != before {
		t.Errorf("analysis should find TMT's %d threats again, found %d", before, kept)
	}
}

func TestUntranslatableFiltersAreReportedByThreatID(t *testing.T) {
	kb := `<KnowledgeBase><ThreatTypes>
<ThreatType><GenerationFilters><Include>source is 'GE.P' and flow fancy 'x'</Include><Exclude/></GenerationFilters><Id>X1</Id><ShortTitle>Bad</ShortTitle><Category>S</Category></ThreatType>
<ThreatType><GenerationFilters><Include>target is 'GE.DS'</Include><Exclude/></GenerationFilters><Id>X2</Id><ShortTitle>Store {target.Name}</ShortTitle><Category>T</Category></ThreatType>
</ThreatTypes></KnowledgeBase>`
	lib := &stride.Library{}
	errs := lib.AddKB([]byte(kb), "custom.tb7")
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "tmt:X1") {
		t.Fatalf("errors %v", errs)
	}
	r := lib.Rule("tmt:X2")
	if r == nil || r.Title != "Store {target.name}" {
		t.Fatalf("X2 = %+v", r)
	}
	m := model.New("x")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", W: 10, H: 10}
	m.Elements["s"] = &model.Element{ID: "s", Kind: model.DataStore, Diagram: "context", Name: "Orders", X: 50, W: 10, H: 10}
	m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Source: "p", Target: "s"}
	found, _ := stride.Analyze(lib, m)
	if len(found) != 1 || found[0].Threat().Title != "Store Orders" {
		t.Fatalf("a Rampart-drawn model should get TMT threats too: %v", found)
	}
}

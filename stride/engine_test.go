package stride_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

func demo(t testing.TB) *model.Model {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func analyzed(t testing.TB, lib *stride.Library, m *model.Model) *model.Model {
	t.Helper()
	if errs := stride.Run(lib, m); len(errs) > 0 {
		t.Fatal(errs)
	}
	return m
}

func TestLibraryIsLargeAndCoversStride(t *testing.T) {
	lib := builtin(t)
	if n := len(lib.Rules); n < 100 {
		t.Errorf("%d rules; the library should have at least 100", n)
	}
	per := map[model.Category]int{}
	for _, r := range lib.Rules {
		per[r.Category]++
		if len(r.Mitigations) == 0 || len(r.References) == 0 || r.Description == "" || r.Attack == "" {
			t.Errorf("rule %s lacks mitigations, references, description or attack example", r.ID)
		}
		for _, mt := range r.Mitigations {
			if mt.Do == "" || mt.Verify == "" {
				t.Errorf("rule %s has a mitigation without what to do or how to verify it", r.ID)
			}
		}
	}
	for _, c := range model.Categories {
		if per[c] < 5 {
			t.Errorf("only %d rules for %s", per[c], c.Label())
		}
	}
}

func TestDemoThreatsAreSensible(t *testing.T) {
	m := analyzed(t, builtin(t), demo(t))
	if len(m.Threats) < 40 {
		t.Fatalf("only %d threats on the demo", len(m.Threats))
	}
	worst := map[string]model.Severity{}
	for _, th := range m.Threats {
		e := m.Elements[th.ElementID]
		if e.OutOfScope {
			t.Errorf("threat %q on out-of-scope %s", th.Title, e.Label())
		}
		if m.ChildOf(e.ID) != nil {
			t.Errorf("threat %q on %s, which its child diagram refines", th.Title, e.Label())
		}
		if len(th.Facts) == 0 {
			t.Errorf("threat %q does not explain itself", th.Title)
		}
		worst[e.ID] = max(worst[e.ID], th.Severity())
	}
	// The Internet-facing entry flow and the stores of restricted or
	// confidential data carry serious threats.
	for _, id := range []string{"i-order", "user-db", "payments-db", "i-webhook", "catalog-svc"} {
		if worst[id] < model.SeverityHigh {
			t.Errorf("%s: worst threat is %v, want high or critical", m.Elements[id].Label(), worst[id])
		}
	}
	if _, ok := worst["email-provider"]; ok {
		t.Error("the out-of-scope email provider got threats")
	}
	// The interaction explains the boundary crossing and the data.
	th := m.Threats[stride.ThreatID("data.lower-trust-target", "i-order")]
	if th == nil {
		t.Fatal("the card number entering the DMZ gateway should be flagged")
	}
	facts := strings.Join(th.Facts, "; ")
	for _, want := range []string{"Customer → API gateway", "crosses boundary Internet", "restricted data Card number"} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
}

func TestReanalysisKeepsTriage(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	id := stride.ThreatID("inject.sql", "f-catalog-db")
	th := m.Threats[id]
	if th == nil {
		t.Fatal("no SQL injection threat on the catalog database flow")
	}
	num := th.Number
	var h model.History
	must(t, h.Do(m, model.SetStatus(m, id, model.Mitigated, "sqlc generates parameterized queries")))
	must(t, h.Do(m, model.SetMitigation(m, id, "Migrated to sqlc in 2026-10")))
	must(t, h.Do(m, model.SetRisk(m, id, model.Low, model.VeryHigh)))
	must(t, h.Do(m, model.SetDread(m, id, &model.Dread{Damage: 8, Reproducibility: 3, Exploitability: 4, AffectedUsers: 9, Discoverability: 2})))
	// An unrelated edit, then analysis again.
	must(t, h.Do(m, model.Rename(m, "catalog-svc", "Product service")))
	analyzed(t, lib, m)
	th = m.Threats[id]
	if th.Status != model.Mitigated || th.Justification != "sqlc generates parameterized queries" ||
		th.Mitigation != "Migrated to sqlc in 2026-10" || th.Likelihood != model.Low || th.Impact != model.VeryHigh ||
		th.Dread == nil || th.Dread.Damage != 8 || th.Number != num {
		t.Fatalf("triage lost: %+v", th)
	}
	if !strings.Contains(th.Title, "Product service") {
		t.Errorf("the title should follow the rename: %q", th.Title)
	}
	// A fix makes the rule stop firing: the threat stays, obsolete, with its triage.
	must(t, h.Do(m, model.SetProp(m, "catalog-db", "parameterized_queries", "true")))
	analyzed(t, lib, m)
	th = m.Threats[id]
	if th == nil || !th.Obsolete || th.Status != model.Mitigated {
		t.Fatalf("after the fix the threat should be kept as obsolete: %+v", th)
	}
	// And it comes back, triage intact, when the condition holds again.
	must(t, h.Do(m, model.SetProp(m, "catalog-db", "parameterized_queries", "false")))
	analyzed(t, lib, m)
	if th = m.Threats[id]; th.Obsolete || th.Status != model.Mitigated {
		t.Fatalf("threat did not return as it was: %+v", th)
	}
}

func TestAnalysisIsStableAndNumbersAreNeverReused(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	found, _ := stride.Analyze(lib, m)
	if e := stride.Merge(m, found); e != nil {
		t.Fatalf("analysing an unchanged model changes it: %s", e)
	}
	seen := map[int]bool{}
	for _, th := range m.Threats {
		if seen[th.Number] {
			t.Fatalf("number %d used twice", th.Number)
		}
		seen[th.Number] = true
	}
}

func TestOutOfScopeProducesNoThreats(t *testing.T) {
	lib := builtin(t)
	m := demo(t)
	m.Elements["payments-db"].OutOfScope = true
	m.Elements["payments-db"].OutOfScopeReason = "managed by the payments team"
	analyzed(t, lib, m)
	onFlow := 0
	for _, th := range m.Threats {
		if th.ElementID == "payments-db" && !th.Obsolete {
			t.Errorf("threat %q on something out of scope", th.Title)
		}
		if th.ElementID == "f-payments-db" && !th.Obsolete {
			onFlow++
		}
	}
	// The connection from an element in scope is still the model's: what
	// travels on it, and the credentials it carries, are its business.
	if onFlow == 0 {
		t.Error("the flow from the payments service to the store out of scope lost its threats")
	}
}

func TestBadCustomRulesAreReportedAndTheRestRun(t *testing.T) {
	lib := builtin(t)
	custom := `version: "acme-1"
rules:
  - id: acme.ok
    title: "{el.name} is an ACME legacy system"
    category: Tampering
    applies_to: process
    when: "el.technology == 'batch_job'"
    description: Legacy batch jobs are out of support.
    attack: Unpatched job scheduler.
    likelihood: medium
    impact: medium
    references: [ACME-1]
    mitigations: [{do: Replace it., verify: It is gone.}]
  - id: acme.typo
    title: Typo
    category: Tampering
    applies_to: process
    when: "el.sanitises_input == false"
  - id: acme.syntax
    title: Broken
    category: Spoofing
    applies_to: data_flow
    when: "flow.encrypted &&"
  - id: acme.category
    title: Wrong category
    category: Sneaking
    applies_to: process
`
	errs := lib.Add([]byte(custom), "acme.yaml")
	if len(errs) != 3 {
		t.Fatalf("want 3 errors, got %v", errs)
	}
	msgs := errors.Join(errs...).Error()
	for _, want := range []string{"acme.yaml:14: rule acme.typo: condition: el.sanitises_input is not a fact",
		"acme.yaml:19: rule acme.syntax: condition:", "acme.yaml:24: rule acme.category", `unknown STRIDE category "Sneaking"`} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors lack %q:\n%s", want, msgs)
		}
	}
	if lib.Rule("acme.ok") == nil || lib.Rule("ee.spoofing") == nil {
		t.Fatal("good rules must still load")
	}
	m := model.New("x")
	m.Elements["j"] = &model.Element{ID: "j", Kind: model.Process, Diagram: "context", Name: "Nightly job", W: 10, H: 10,
		Props: map[string]string{"technology": "batch_job"}}
	found, runErrs := stride.Analyze(lib, m)
	if len(runErrs) > 0 {
		t.Fatal(runErrs)
	}
	ok := false
	for _, f := range found {
		ok = ok || (f.Rule.ID == "acme.ok" && f.Threat().Title == "Nightly job is an ACME legacy system")
	}
	if !ok {
		t.Fatal("the custom rule did not fire")
	}
}

func TestSuppressionIsRecordedNotHidden(t *testing.T) {
	lib := builtin(t)
	m := analyzed(t, lib, demo(t))
	id := stride.ThreatID("mq.flooding", "order-events")
	if m.Threats[id] == nil {
		t.Fatal("no flooding threat on the queue")
	}
	must(t, model.Suppress(m, &model.Suppression{RuleID: "mq.flooding", ElementID: "order-events",
		Justification: "RabbitMQ max-length policy set by the platform team"}).Apply(m))
	analyzed(t, lib, m)
	if m.Threats[id] == nil || m.Suppressed("mq.flooding", "order-events") == nil {
		t.Fatal("a suppressed threat stays in the model, marked by its suppression")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkAnalyzeLarge analyses the generated model with 1000 elements,
// 2000 flows and 50 boundaries: the work the editor does after each edit.
func BenchmarkAnalyzeLarge(b *testing.B) {
	lib := builtin(b)
	m := modelgen.Large(1000)
	for b.Loop() {
		if _, errs := stride.Analyze(lib, m); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkAnalyzeAndMergeLarge includes merging into the model's threats.
func BenchmarkAnalyzeAndMergeLarge(b *testing.B) {
	lib := builtin(b)
	m := modelgen.Large(1000)
	stride.Run(lib, m)
	for b.Loop() {
		found, _ := stride.Analyze(lib, m)
		stride.Merge(m, found)
	}
}

package stride_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/tmt"
	"github.com/rampart-tm/rampart/stride"
)

// hostileRules is a rules file with a good rule and a bad one, at line 7.
const hostileRules = `rules:
  - id: acme.good
    title: Good
    category: Tampering
    applies_to: process
    when: "el.technology == 'batch_job'"
  - id: acme.bad
    title: Bad
    category: Tampering
    applies_to: %s
    when: %q
`

// TestHostileConditionsAreRefusedAtLoad checks that conditions built to
// exhaust memory or time, to crash the evaluator or to vary between runs
// are refused when their rule loads, by file, line and rule, while the
// other rules of the file load. Each case returns at once: none of them is
// ever run.
func TestHostileConditionsAreRefusedAtLoad(t *testing.T) {
	for _, c := range []struct {
		name, kind, when, want string
	}{
		{"repeat", "process", `len(repeat(repeat("a", 100000), 100000)) > 0`,
			"repeat() is not allowed in a condition: it can build unbounded text"},
		{"nested replace", "process", `len(replace(replace(el.name, "", el.name + el.name), "", el.name + el.name)) > 0`,
			"replace() is not allowed in a condition: it can build unbounded text"},
		{"join", "process", `len(join(split(el.name, ""), el.name)) > 0`, "join() is not allowed"},
		{"let doublings", "process", `let a = "xx"; let b = a + a; let c = b + b; let d = c + c; len(d) > 0`,
			"let is not allowed in a condition"},
		{"sequence", "process", `el.data; true`, "';' is not allowed"},
		{"reduce doubling", "process", `len(reduce(1..64, #acc + #acc, "x")) > 0`, "reduce() is not allowed in a condition"},
		{"nested predicates over large ranges", "process", `all(1..10000, all(1..10000, all(1..10000, true)))`,
			"1..10000 is too large a range"},
		{"predicates nested three deep", "process", `all(1..3, all(1..3, all(1..3, true)))`, "nested too deep"},
		{"fact lists nested three deep", "process", `any(el.outgoing, any(.target.outgoing, any(.target.outgoing, .encrypted)))`,
			"nested too deep"},
		{"huge range", "process", `len(1..1000000000) > 0`, "too large a range"},
		{"range to the largest number", "process", `len(-9223372036854775807..9223372036854775807) > 0`, "too large a range"},
		{"computed range", "process", `len(0..el.callers * 1000000) > 0`, "must be written with whole numbers"},
		{"too many steps", "process", `any(1..100, any(1..100, # == el.callers))`, "steps on each element"},
		{"too long", "process", strings.Repeat("el.data == 1 || ", 900) + "true", "the condition is too long"},
		{"toJSON", "process", `len(toJSON(el)) > 0`, "toJSON() is not allowed"},
		{"fromJSON", "process", `fromJSON(el.name) != nil`, "fromJSON() is not allowed"},
		{"base64 churn", "process", `len(toBase64(toBase64(toBase64(el.name)))) > 0`, "toBase64() is not allowed"},
		{"fromBase64", "process", `fromBase64(el.name) != ""`, "fromBase64() is not allowed"},
		{"now", "process", `now().Year() > 2000`, "now() is not allowed in a condition: it reads the clock"},
		{"date", "process", `date("2030-01-01") > date("2020-01-01")`, "date() is not allowed"},
		{"duration", "process", `duration("1h") > duration("1m")`, "duration() is not allowed"},
		{"timezone", "process", `timezone("UTC") != nil`, "timezone() is not allowed"},
		// These would recurse through the cyclic graph of facts and
		// overflow the stack, or walk the whole model.
		{"string of an element", "process", `string(el) != ""`, "string() works on single values"},
		{"sort", "process", `len(sort(el.outgoing)) > 0`, "sort() is not allowed"},
		{"elements compared", "data_flow", `source == target`, "== compares single values or lists of them, not a whole element"},
		{"element sought in a list", "process", `el in el.outgoing`, "in looks for a single value"},
		{"$env", "process", `len($env) > 0`, "$env is not allowed"},
		{"map building text", "process", `len(map(el.outgoing, el.name + el.name)) > 0`, "map() may only pick a fact"},
		{"predicate over split text", "process", `any(split(el.name, ""), any(split(el.name, ""), # == "x"))`,
			"cannot go through a list split from text"},
		{"computed pattern", "process", `el.name matches el.zone_name`, "pattern of matches must be written in the rule"},
		{"computed key", "process", `el[el.name] == ""`, "must name a fact in quotes"},
		{"slice", "process", `el.outgoing[0:2] == []`, "slices like x[1:3] are not allowed"},
		{"other builtin", "process", `len(uniq(el.set)) > 0`, "uniq() is not allowed in a condition: conditions may call only"},
	} {
		t.Run(c.name, func(t *testing.T) {
			lib := &stride.Library{}
			errs := lib.Add(fmt.Appendf(nil, hostileRules, c.kind, c.when), "hostile.yaml")
			if len(errs) != 1 {
				t.Fatalf("want one error, got %v", errs)
			}
			var re *stride.RuleError
			if !errors.As(errs[0], &re) || re.RuleID != "acme.bad" || re.Line != 7 {
				t.Errorf("the error should name the rule and its line: %#v", errs[0])
			}
			msg := errs[0].Error()
			if !strings.HasPrefix(msg, "hostile.yaml:7: rule acme.bad: condition: ") || !strings.Contains(msg, c.want) {
				t.Errorf("error %q\nshould say %q", msg, c.want)
			}
			if lib.Rule("acme.bad") != nil || lib.Rule("acme.good") == nil {
				t.Error("the bad rule should be left out and the good one loaded")
			}
		})
	}
}

// TestLegitimateConditionsAreAccepted loads conditions of every shape the
// built-in rules use, and the other things the allow-list is there for,
// and runs them on the demo model without a runtime error.
func TestLegitimateConditionsAreAccepted(t *testing.T) {
	conds := map[string][]string{
		"process": {
			// shapes of the built-in rules
			`el.technology == 'web_app' && !el.encodes_output`,
			`el.technology in ['load_balancer', 'waf'] && any(el.outgoing, {!.encrypted})`,
			`any(el.outgoing, {.target.kind == 'process' && !.target.audit_logging})`,
			`any(el.incoming, {.source.technology in ['message_queue', 'message_broker']}) && !el.idempotent`,
			`'memory_safe' in el.set && !el.memory_safe && el.has_inbound`,
			`el.data >= 1 && el.zone_trust >= 0 && el.zone_trust < el.data`,
			`el.exposed && !el.behind_gateway && !(el.technology in ['api_gateway', 'waf', 'load_balancer'])`,
			`el.runs_in_container && el.privilege_level == 'root'`,
			`el.technology == 'ci_cd' && el.secrets_storage != 'vault'`,
			// and what else the allow-list admits
			`any(el.outgoing, any(.target.outgoing, .target.technology == 'sql_database'))`,
			`count(el.incoming, .source.exposed) >= 2 || none(el.incoming, .local)`,
			`one(el.outgoing, .local) || all(el.outgoing, {.data < 3})`,
			`'card' in el.data_names || len(el.data_names) > 3`,
			`el.data in 0..3 && el.zone_trust not in -5..-2`,
			`lower(el.name) contains 'admin' || upper(trim(el.name)) startsWith 'API' || hasSuffix(el.name, 'svc')`,
			`el.name matches '^(?i)adm' || indexOf(el.name, 'x') > 2 || hasPrefix(el.name, 'x')`,
			`(el.exposed ? 2 : 1) > el.zone_trust`,
			`'sql_database' in map(el.outgoing, .target.technology)`,
			`len(filter(el.outgoing, .encrypted)) < len(el.outgoing)`,
			`len(el.outgoing) > 0 && el.outgoing[0].target.exposed`,
			`string(el.data) == '2' || int(el.zone_trust) < 0 || float(el.callers) > 1.5 || abs(el.data) > 2`,
			`max(el.data, el.zone_trust) >= 2 && min(el.data, 3) < 4 && el.data ** 2 + el.data % 2 - 1 < 10 / 2`,
			`all(['a', 'b'], {# != el.name}) && any(1..3, # == el.data)`,
			`len(keys(el)) > 0 && first(el.outgoing)?.encrypted != true && last(el.incoming) == nil`,
			`(el['tmt:codeType'] ?? '') == 'Managed' || el.name not contains 'x'`,
			`'vault' in split(el.secrets_storage, ',') || last(split(el.name, ' ')) == 'db'`,
			`sum(el.outgoing, .data) > 4 || find(el.outgoing, .local) != nil || findLast(el.outgoing, .local) == nil`,
			`el.set == ['technology'] || {'a': 1}['a'] == el.data || 'x' in values(el)`,
			`el.outgoing | any(.encrypted)`,
		},
		"data_flow": {
			`!flow.authenticates_source && !flow.mutual_tls && source.authenticates_itself != true && !(target.kind == 'external_entity' && flow.encrypted)`,
			`!(source.secrets_storage in ['vault', 'none'])`,
			`flow.public_network || source.zone == 'internet' || source.zone_trust == 0`,
			`flow.from_lower_trust && !flow.replay_protected && (flow.data >= 2 || target.data >= 2)`,
			`any([source, target], .exposed) && flow.crossings >= 1 && 'DMZ' in flow.boundaries`,
			`any(flow.crossing_types, # == 'GE.TB.B') || len(target.incoming) > 2 || source != nil`,
		},
		"data_store": {
			`el.shared || (el.technology in ['sql_database', 'nosql_database'] && el.callers >= 2)`,
			`el.backup && !el.encrypted_at_rest && el.data >= 2`,
		},
	}
	var file strings.Builder
	file.WriteString("rules:\n")
	n := 0
	for kind, list := range conds {
		for _, when := range list {
			n++
			fmt.Fprintf(&file, "  - {id: ok.%d, title: OK, category: Tampering, applies_to: %s, when: %q}\n", n, kind, when)
		}
	}
	lib := &stride.Library{}
	if errs := lib.Add([]byte(file.String()), "legit.yaml"); len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	if len(lib.Rules) != n {
		t.Fatalf("%d rules loaded of %d", len(lib.Rules), n)
	}
	if _, errs := stride.Analyze(lib, demo(t)); len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
}

// TestTMTTranslationsAreAccepted loads filters of every shape TMT writes,
// and the knowledge bases of the TMT corpus (alone and carried by models).
func TestTMTTranslationsAreAccepted(t *testing.T) {
	filters := [][2]string{
		{`source is 'GE.P' and target is 'GE.DS'`, ``},
		{`flow crosses 'GE.TB.B' or flow crosses 'GE.TB.L'`, `target is 'ROOT'`},
		{`(source is 'GE.EI' or  source is 'GE.P') and (target is 'GE.P' ) and (flow.authenticatesSource is 'Not Selected' or flow.authenticatesSource is 'Yes')`,
			`(target is 'SE.P.TMCore.ThickClient' or target.codeType is 'Managed') or (flow crosses 'SE.TB.L.TMCore.Machine')`},
		{`not (target.MS is 'Yes') and flow.54851a3b-65da-4902-b4e0-94ef015be735 is 'None'`, ``},
	}
	var kb strings.Builder
	kb.WriteString("<KnowledgeBase><ThreatTypes>\n")
	for i, f := range filters {
		fmt.Fprintf(&kb, "<ThreatType><GenerationFilters><Include>%s</Include><Exclude>%s</Exclude></GenerationFilters><Id>T%d</Id><ShortTitle>T</ShortTitle><Category>S</Category></ThreatType>\n",
			f[0], f[1], i)
	}
	kb.WriteString("</ThreatTypes></KnowledgeBase>")
	lib := &stride.Library{}
	if errs := lib.AddKB([]byte(kb.String()), "shapes.tb7"); len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	if len(lib.Rules) != len(filters) {
		t.Fatalf("%d rules loaded of %d", len(lib.Rules), len(filters))
	}

	kbs, _ := filepath.Glob(filepath.Join("testdata", "tmt", "*.tb7"))
	models, _ := filepath.Glob(filepath.Join("testdata", "tmt", "*.tm7"))
	if len(kbs) == 0 || len(models) == 0 {
		t.Fatal("no TMT corpus")
	}
	for _, name := range kbs {
		lib := &stride.Library{}
		if errs := lib.AddKB(readTestdata(t, filepath.Base(name)), name); len(errs) > 0 {
			t.Errorf("%s: %v", name, errors.Join(errs...))
		}
	}
	for _, name := range models {
		m, _, err := tmt.ReadModel(readTestdata(t, filepath.Base(name)))
		if err != nil {
			t.Fatal(err)
		}
		if _, errs := stride.ForModel("", m); len(errs) > 0 {
			t.Errorf("%s: %v", name, errors.Join(errs...))
		}
	}
}

// TestKnowledgeBaseCannotSmuggleACondition checks a TMT filter written to
// break out of its quotes in the translation (a backslash ending an
// attribute name) and run code of its own: whatever the translation
// makes of it, the code never runs.
func TestKnowledgeBaseCannotSmuggleACondition(t *testing.T) {
	kb := `<KnowledgeBase><ThreatTypes><ThreatType><GenerationFilters>
<Include>target.x\ is ', "") || len(repeat("a", 10)) > 0 //'</Include><Exclude/>
</GenerationFilters><Id>X1</Id><ShortTitle>Smuggled</ShortTitle><Category>S</Category></ThreatType></ThreatTypes></KnowledgeBase>`
	lib := &stride.Library{}
	errs := lib.AddKB([]byte(kb), "smuggled.tb7")
	// The attribute name and value are quoted as strings, so the filter is
	// an odd attribute test, not code.
	if len(errs) > 0 {
		t.Fatalf("the filter broke out of its quotes: %v", errs)
	}
	m := model.New("x")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", W: 10, H: 10}
	m.Elements["s"] = &model.Element{ID: "s", Kind: model.DataStore, Diagram: "context", X: 50, W: 10, H: 10}
	m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Source: "p", Target: "s"}
	if found, _ := stride.Analyze(lib, m); len(found) > 0 {
		t.Fatalf("the smuggled code ran: %v", found)
	}
}

package stride_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// A scenario is a small model built around the element a rule looks at:
// for a node rule, the element "el" with callers and neighbours; for a
// flow rule, a flow from "source" to "target", and with back a flow from
// the target to the source: named "Order" and "Order result", they make
// el a request and back its response, or the other way round. Zones put
// an end in a trust boundary of that zone type ("named:DMZ": a boundary
// named so, whose zone the model does not state).
type scenario struct {
	El      map[string]string `yaml:"el"`      // the element's properties (node rules)
	Flow    map[string]string `yaml:"flow"`    // the flow's properties (flow rules)
	Name    string            `yaml:"name"`    // the flow's name (flow rules)
	Back    *link             `yaml:"back"`    // a flow from the target back to the source (flow rules)
	Source  *node             `yaml:"source"`  // default: a process
	Target  *node             `yaml:"target"`  // default: a process
	Zone    string            `yaml:"zone"`    // zone around el, or around the target of a flow
	From    string            `yaml:"from"`    // zone around the source of a flow, or of el's callers
	Data    string            `yaml:"data"`    // classification of data on el or the flow
	Callers *int              `yaml:"callers"` // processes calling el (default 1)
	Caller  *node             `yaml:"caller"`  // what the callers are (default a process); for a flow rule, one caller of its source
	In      []peer            `yaml:"in"`      // more flows into el
	Out     []peer            `yaml:"out"`     // flows out of el
	Scope   string            `yaml:"scope"`   // "out" puts el out of scope
	CallerF map[string]string `yaml:"call"`    // properties of the callers' flows
	Called  string            `yaml:"called"`  // el's name (node rules)
}

type node struct {
	Kind  string            `yaml:"kind"`
	Name  string            `yaml:"name"`
	Props map[string]string `yaml:"props"`
}

// link is a flow the scenario adds beside el.
type link struct {
	Name  string            `yaml:"name"`
	Props map[string]string `yaml:"props"`
}

type peer struct {
	Kind  string            `yaml:"kind"`
	Props map[string]string `yaml:"props"`
	Flow  map[string]string `yaml:"flow"`
}

type fixture struct {
	Rule  string   `yaml:"rule"`
	Fires scenario `yaml:"fires"`
	Quiet scenario `yaml:"quiet"`
}

func props(p map[string]string) map[string]string {
	if len(p) == 0 {
		return nil
	}
	return p
}

func kindOf(t *testing.T, s string, def model.Kind) model.Kind {
	if s == "" {
		return def
	}
	k, err := model.ParseKind(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// build makes the scenario's model and returns it with the ID of the
// element the rule should (or should not) fire on.
func (s scenario) build(t *testing.T, rule *stride.Rule) (*model.Model, string) {
	m := model.New("fixture")
	n := 0
	add := func(e *model.Element) *model.Element {
		n++
		if e.ID == "" {
			e.ID = fmt.Sprintf("e%d", n)
		}
		e.Diagram = model.RootDiagramID
		if e.Kind != model.DataFlow && e.W == 0 {
			e.W, e.H = 100, 50
		}
		if e.Name == "" {
			e.Name = e.ID
		}
		m.Elements[e.ID] = e
		return e
	}
	zone := func(around *model.Element, z string) {
		if z == "" {
			return
		}
		b := &model.Element{Kind: model.TrustBoundary, X: around.X - 20, Y: around.Y - 20, W: around.W + 40, H: around.H + 40,
			Props: map[string]string{"zone": z}}
		if name, ok := strings.CutPrefix(z, "named:"); ok { // only its name suggests a zone
			b.Name, b.Props = name, map[string]string{}
		}
		add(b)
	}
	asset := func(e *model.Element) {
		if s.Data == "" {
			return
		}
		c, err := model.ParseClassification(s.Data)
		if err != nil {
			t.Fatal(err)
		}
		m.Assets["a"] = &model.DataAsset{ID: "a", Name: "Data", Classification: c}
		e.Assets = []string{"a"}
	}
	if rule.AppliesTo == model.DataFlow {
		src, dst := s.Source, s.Target
		if src == nil {
			src = &node{}
		}
		if dst == nil {
			dst = &node{}
		}
		a := add(&model.Element{ID: "source", Name: src.Name, Kind: kindOf(t, src.Kind, model.Process), X: 0, Props: props(src.Props)})
		b := add(&model.Element{ID: "target", Name: dst.Name, Kind: kindOf(t, dst.Kind, model.Process), X: 400, Props: props(dst.Props)})
		zone(a, s.From)
		zone(b, s.Zone)
		f := add(&model.Element{ID: "el", Kind: model.DataFlow, Source: a.ID, Target: b.ID, Name: s.Name, Props: props(s.Flow)})
		if f.Name == "el" {
			f.Name = "" // an unnamed flow, as most are
		}
		asset(f)
		if s.Back != nil {
			add(&model.Element{Kind: model.DataFlow, Source: b.ID, Target: a.ID, Name: s.Back.Name, Props: props(s.Back.Props)})
		}
		if c := s.Caller; c != nil { // who calls the flow's source
			p := add(&model.Element{Name: c.Name, Kind: kindOf(t, c.Kind, model.Process), X: -400, Props: props(c.Props)})
			add(&model.Element{Kind: model.DataFlow, Source: p.ID, Target: a.ID, Props: props(s.CallerF)})
		}
		if s.Scope == "out" {
			f.OutOfScope = true
		}
		return m, f.ID
	}
	el := add(&model.Element{ID: "el", Name: s.Called, Kind: rule.AppliesTo, X: 400, Y: 300, Props: props(s.El)})
	asset(el)
	zone(el, s.Zone)
	if s.Scope == "out" {
		el.OutOfScope, el.OutOfScopeReason = true, "test"
	}
	callers := 1
	if s.Callers != nil {
		callers = *s.Callers
	}
	if rule.AppliesTo == model.ExternalEntity {
		callers = 0
	}
	for i := range callers {
		c := &node{}
		if s.Caller != nil {
			c = s.Caller
		}
		p := add(&model.Element{Kind: kindOf(t, c.Kind, model.Process), X: 0, Y: float64(i * 200), Props: props(c.Props)})
		zone(p, s.From)
		add(&model.Element{Kind: model.DataFlow, Source: p.ID, Target: el.ID, Props: props(s.CallerF)})
	}
	for i, x := range s.In {
		p := add(&model.Element{Kind: kindOf(t, x.Kind, model.Process), X: 0, Y: float64(1000 + i*200), Props: props(x.Props)})
		add(&model.Element{Kind: model.DataFlow, Source: p.ID, Target: el.ID, Props: props(x.Flow)})
	}
	for i, x := range s.Out {
		p := add(&model.Element{Kind: kindOf(t, x.Kind, model.Process), X: 800, Y: float64(i * 200), Props: props(x.Props)})
		add(&model.Element{Kind: model.DataFlow, Source: el.ID, Target: p.ID, Props: props(x.Flow)})
	}
	return m, el.ID
}

func fires(t *testing.T, lib *stride.Library, rule *stride.Rule, s scenario) (bool, []string) {
	m, id := s.build(t, rule)
	found, errs := stride.Analyze(lib, m)
	for _, err := range errs {
		t.Errorf("%s: %v", rule.ID, err)
	}
	var ids []string
	for _, f := range found {
		ids = append(ids, f.ID)
		ids = append(ids, f.FormerIDs()...) // the rules a concern's threat gathers
	}
	return slices.Contains(ids, stride.ThreatID(rule.ID, id)), ids
}

// TestEveryRuleFiresAndStaysQuiet checks each built-in rule against its
// fixtures: it must fire in one model and not in a near-identical other.
func TestEveryRuleFiresAndStaysQuiet(t *testing.T) {
	lib := builtin(t)
	data, err := os.ReadFile("testdata/fixtures.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []fixture
	if err := yaml.Unmarshal(data, &fixtures); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, fx := range fixtures {
		rule := lib.Rule(fx.Rule)
		if rule == nil {
			t.Errorf("fixture for unknown rule %s", fx.Rule)
			continue
		}
		covered[fx.Rule] = true
		t.Run(fx.Rule, func(t *testing.T) {
			if ok, got := fires(t, lib, rule, fx.Fires); !ok {
				t.Errorf("does not fire where it should; fired: %v", got)
			}
			if ok, _ := fires(t, lib, rule, fx.Quiet); ok {
				t.Errorf("fires where it should not")
			}
		})
	}
	for _, r := range lib.Rules {
		if !covered[r.ID] {
			t.Errorf("rule %s has no fixture", r.ID)
		}
	}
}

func builtin(t testing.TB) *stride.Library {
	t.Helper()
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// Package stride is Rampart's threat engine: a rule library kept as data,
// applied per element and per interaction (each flow, with the trust
// boundaries it crosses), giving threats with stable identities so the
// analyst's triage survives re-analysis. It is pure: a model in, threats
// out, no GUI and no database.
package stride

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
)

// Mitigation is what to do about a threat, written so an analyst can hand
// it to a developer: the action, an example, and how to check it is done.
type Mitigation struct {
	Do      string `yaml:"do" json:"do"`
	Example string `yaml:"example,omitempty" json:"example,omitempty"`
	Verify  string `yaml:"verify" json:"verify"`
	// Fits names the settings the mitigation is written for (see
	// Contexts): a service mesh, Kubernetes, a desktop app... Empty means
	// it fits anywhere.
	Fits []string `yaml:"fits,omitempty" json:"fits,omitempty"`
	// Unless names settings the mitigation is wrong for, though written
	// for anywhere else: network rules for a file, say.
	Unless []string `yaml:"unless,omitempty" json:"unless,omitempty"`
}

// Text is the mitigation as one text: what to do, then its example and
// how to verify it, each on a line of its own.
func (mt Mitigation) Text() string {
	text := mt.Do
	if mt.Example != "" {
		text += "\nExample: " + mt.Example
	}
	if mt.Verify != "" {
		text += "\nVerify: " + mt.Verify
	}
	return text
}

// Rule is one entry of the library: where it applies, the condition on
// properties (an expression), and the threat it raises.
type Rule struct {
	ID       string         `yaml:"id" json:"id"`
	Title    string         `yaml:"title" json:"title"`
	Category model.Category `yaml:"category" json:"category"`
	// AppliesTo is the element kind the rule looks at: process,
	// external_entity, data_store or data_flow.
	AppliesTo model.Kind `yaml:"applies_to" json:"applies_to"`
	// Source and Target narrow a flow rule to flows whose ends are of these
	// kinds or technologies (any of them).
	Source []string `yaml:"source,omitempty" json:"source,omitempty"`
	Target []string `yaml:"target,omitempty" json:"target,omitempty"`
	// Crosses, when set, requires (true) or excludes (false) flows that
	// cross a trust boundary.
	Crosses *bool `yaml:"crosses,omitempty" json:"crosses,omitempty"`
	// Direction "request" keeps a flow rule off responses (see
	// markResponses): a caller to authenticate, input to validate.
	Direction string `yaml:"direction,omitempty" json:"direction,omitempty"`
	// Side "server" keeps a rule off client programs (a browser, a mobile
	// or desktop app), "client" keeps it on them; for a flow rule it is
	// the target's side.
	Side string `yaml:"side,omitempty" json:"side,omitempty"`
	// Concern names what the threat is about when several rules raise it
	// (caller authentication, audit logging...): findings of one concern
	// on one element are reported once. At says, for a flow rule, which
	// element the fix belongs to: source, target or the flow itself.
	Concern string `yaml:"concern,omitempty" json:"concern,omitempty"`
	At      string `yaml:"at,omitempty" json:"at,omitempty"`
	// Evidence "scope" says the facts that place the rule are the
	// weakness itself (restricted data sent to a less trusted zone): with
	// them stated, not inferred, the threat is confirmed. Other rules are
	// confirmed only by a stated control or capability (see judge).
	Evidence string `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	// When is the condition, an expr-lang expression over the element's
	// facts (see Facts); empty means always.
	When         string       `yaml:"when,omitempty" json:"condition,omitempty"`
	Description  string       `yaml:"description" json:"description"`
	Attack       string       `yaml:"attack" json:"attack_example"`
	Likelihood   model.Level  `yaml:"likelihood" json:"likelihood"`
	Impact       model.Level  `yaml:"impact" json:"impact"`
	ImpactByData bool         `yaml:"impact_by_data,omitempty" json:"impact_by_data,omitempty"`
	References   []string     `yaml:"references" json:"references"`
	Mitigations  []Mitigation `yaml:"mitigations" json:"mitigations"`

	Origin      string      `yaml:"-" json:"origin"` // the file it came from
	Line        int         `yaml:"-" json:"line"`
	Set         *RuleSource `yaml:"-" json:"-"` // the rule set that loaded it
	prev        *Rule       // the rule of an earlier set it replaced
	program     *vm.Program // the compiled condition
	uses        []fieldRef  // the facts the condition reads, for explanations
	title       template
	description template
	guards      guards        // necessary conditions checked before the expression
	funcs       []expr.Option // functions the condition may call (translated TMT filters)
}

// Library is a loaded, compiled rule set.
type Library struct {
	Version  string
	Rules    []*Rule
	Sources  []*RuleSource // every rule set loaded, in order
	byID     map[string]*Rule
	concerns map[string]*Concern
	loading  *RuleSource // the set being loaded
}

// Rule finds a rule by ID, or nil.
func (l *Library) Rule(id string) *Rule { return l.byID[id] }

// RuleError is a rule that could not be loaded; the other rules still run.
type RuleError struct {
	Origin string
	Line   int
	RuleID string
	Err    error
}

func (e *RuleError) Error() string {
	id := ""
	if e.RuleID != "" {
		id = " rule " + e.RuleID + ":"
	}
	if e.Line == 0 {
		return fmt.Sprintf("%s:%s %v", e.Origin, id, e.Err)
	}
	return fmt.Sprintf("%s:%d:%s %v", e.Origin, e.Line, id, e.Err)
}

// ruleFile is the YAML form of a rules file.
type ruleFile struct {
	Version  string      `yaml:"version"`
	Concerns []yaml.Node `yaml:"concerns"`
	Rules    []yaml.Node `yaml:"rules"`
}

// Builtin loads the rule library built into Rampart.
func Builtin() (*Library, error) {
	lib := &Library{byID: map[string]*Rule{}}
	errs := lib.addSource("built in", SourceBuiltin, assets.RulesYAML, func() []error {
		return lib.Add(assets.RulesYAML, "built-in rules")
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return lib, nil
}

// Add reads rules from YAML. Each rule that does not load is reported with
// its file, line and ID, and left out; the others are added.
func (l *Library) Add(data []byte, origin string) []error {
	var f ruleFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return []error{fmt.Errorf("rules %s: %w", origin, err)}
	}
	if l.byID == nil {
		l.byID = map[string]*Rule{}
	}
	if f.Version != "" && l.Version == "" {
		l.Version = f.Version
	} else if f.Version != "" {
		l.Version += "+" + f.Version
	}
	errs := l.addConcerns(f.Concerns, origin)
	for i := range f.Rules {
		node := &f.Rules[i]
		r := &Rule{}
		if err := node.Decode(r); err != nil {
			errs = append(errs, &RuleError{origin, node.Line, idOf(node), err})
			continue
		}
		r.Origin, r.Line = origin, node.Line
		err := r.compile()
		if err == nil {
			err = l.checkConcern(r)
		}
		if err != nil {
			errs = append(errs, &RuleError{origin, node.Line, r.ID, err})
			continue
		}
		l.put(r)
	}
	return errs
}

// put adds a rule, replacing the one with its ID, keeping the rules sorted.
func (l *Library) put(r *Rule) {
	old := l.byID[r.ID]
	if old != nil {
		l.Rules = slices.DeleteFunc(l.Rules, func(x *Rule) bool { return x == old })
	}
	r.prev, r.Set = old, l.loading
	if src := l.loading; src != nil && old != nil {
		src.Replaced++
	} else if src != nil {
		src.Added++
	}
	l.byID[r.ID] = r
	i := sort.Search(len(l.Rules), func(i int) bool { return l.Rules[i].ID >= r.ID })
	l.Rules = slices.Insert(l.Rules, i, r)
}

// idOf finds the id field of a rule node that failed to decode.
func idOf(n *yaml.Node) string {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "id" {
			return n.Content[i+1].Value
		}
	}
	return ""
}

// compile checks a rule's fields and compiles its condition.
func (r *Rule) compile() error {
	switch {
	case strings.TrimSpace(r.ID) == "":
		return errors.New("a rule needs an id")
	case strings.ContainsAny(r.ID, "@ \t\n"):
		return fmt.Errorf("id %q may not contain spaces or @", r.ID)
	case r.Title == "":
		return errors.New("a rule needs a title")
	case r.AppliesTo == model.TrustBoundary:
		return errors.New("rules apply to processes, external entities, data stores or data flows")
	case r.AppliesTo != model.DataFlow && (len(r.Source) > 0 || len(r.Target) > 0 || r.Crosses != nil || r.Direction != "" || r.At != ""):
		return errors.New("source, target, crosses, direction and at apply to data_flow rules only")
	case r.Direction != "" && r.Direction != "request":
		return fmt.Errorf("direction %q: the only direction is request", r.Direction)
	case r.Side != "" && r.Side != "server" && r.Side != "client":
		return fmt.Errorf("side %q: a side is server or client", r.Side)
	case r.At != "" && r.At != "source" && r.At != "target" && r.At != "flow":
		return fmt.Errorf("at %q: the fix is at the source, the target or the flow", r.At)
	case r.At != "" && r.Concern == "":
		return errors.New("at needs a concern")
	case r.Evidence != "" && r.Evidence != "scope":
		return fmt.Errorf("evidence %q: the only evidence is scope", r.Evidence)
	}
	for _, sel := range append(slices.Clone(r.Source), r.Target...) {
		if !validSelector(sel) {
			return fmt.Errorf("%q is neither an element kind nor a technology", sel)
		}
	}
	cond := strings.TrimSpace(r.When)
	if cond == "" {
		cond = "true"
	}
	check := &factChecker{rule: r}
	opts := append([]expr.Option{expr.Env(sampleEnv(r.AppliesTo)), expr.AsBool(), expr.Patch(check)}, r.funcs...)
	prog, err := compileCondition(cond, opts...)
	if err != nil {
		return fmt.Errorf("condition: %w", err)
	}
	if check.err != nil {
		return fmt.Errorf("condition: %w", check.err)
	}
	r.program, r.uses = prog, check.uses
	r.guards = guardsOf(prog.Node())
	r.title, r.description = parseTemplate(r.Title), parseTemplate(r.Description)
	return nil
}

// validSelector reports whether a source/target selector names a node kind
// or a technology.
func validSelector(s string) bool {
	if k, err := model.ParseKind(s); err == nil && k.IsNode() {
		return true
	}
	for _, list := range [][]string{model.ProcessTechnologies, model.EntityTechnologies, model.StoreTechnologies} {
		if slices.Contains(list, s) {
			return true
		}
	}
	return false
}

// matches reports whether an element of a kind and technology (stated or
// inferred) is one a selector names.
func matches(sel []string, kind, tech string) bool {
	if len(sel) == 0 {
		return true
	}
	for _, s := range sel {
		if s == kind || s == tech {
			return true
		}
	}
	return false
}

// GenericTitle is the rule's title with its placeholders named, for
// listings of rules rather than threats ("‹element› deserializes …").
func (r *Rule) GenericTitle() string {
	return placeholder.ReplaceAllStringFunc(r.Title, func(ph string) string {
		m := placeholder.FindStringSubmatch(ph)
		if m[2] == "name" {
			return map[string]string{"el": "‹element›", "flow": "‹flow›", "source": "‹source›", "target": "‹target›"}[m[1]]
		}
		return "‹" + m[1] + " " + strings.ReplaceAll(m[2], "_", " ") + "›"
	})
}

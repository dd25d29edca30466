package stride

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/vm"

	"github.com/rampart-tm/rampart/model"
)

// Finding is a rule that fired on an element, before it is merged with the
// threats already in the model. Its threat (title, texts, explanation) is
// written when first asked for: analysis after every edit only needs to
// know what fired.
type Finding struct {
	Rule    *Rule
	Element *model.Element
	ID      string // the threat's stable ID
	// Confidence and Assumes say how far the finding rests on what the
	// model states (see judge).
	Confidence model.Confidence
	Assumes    []string
	// Concern, when set, makes this the one finding of a concern on the
	// element: Members are the findings it gathers, Rule the worst of
	// theirs.
	Concern *Concern
	Members []*Finding
	fb      *factBase
	threat  *model.Threat
}

// Threat is the threat the rule raises on the element: ID, rule, element,
// title, category, description, why it fired, references, likelihood and
// impact.
func (f *Finding) Threat() *model.Threat {
	if f.threat == nil {
		if f.Concern != nil {
			f.threat = f.concernThreat()
		} else {
			f.threat = f.Rule.threat(f.Element, f.fb, f.fb.contextOf(f.Element))
		}
		t := f.threat
		t.Confidence, t.Assumes = f.Confidence, f.Assumes
		t.Facts = append(t.Facts, f.fb.recordedLines(f.Element, t.Category)...)
		// An assumption is never critical: until someone states the
		// weakness, it is only as likely as the assumption.
		for t.Confidence == model.Assumed && t.Severity() == model.SeverityCritical && t.Likelihood > model.Low {
			t.Likelihood--
		}
	}
	return f.threat
}

// ThreatID is the stable identity of the threat a rule raises on an element.
func ThreatID(ruleID, elementID string) string { return ruleID + "@" + elementID }

// Analyze applies every rule to every element in scope and returns what
// fired, ordered by diagram, element and rule. A process whose child diagram
// has taken over is analysed through that diagram (its children and
// interface flows), so its threats are not counted twice; so are the flows
// that touch it in its own diagram (see levels). Runtime errors of a condition are
// returned with the rule and element, and the rest still runs.
func Analyze(lib *Library, m *model.Model) ([]Finding, []error) {
	fb := newFactBase(m)
	byKind := map[model.Kind][]*Rule{}
	for _, r := range lib.Rules {
		byKind[r.AppliesTo] = append(byKind[r.AppliesTo], r)
	}
	hits, errs := fb.fire(fb.analysable(), byKind)
	// The hits judge could not decide without changing facts in place
	// (see judge) are judged here, one at a time.
	found := make([]Finding, 0, len(hits))
	var machine vm.VM
	var env map[string]any
	var envOf *model.Element
	for i := range hits {
		h := &hits[i]
		if !h.judged {
			if h.el != envOf {
				env, envOf = fb.env(h.el), h.el // hits come element by element
			}
			h.conf, h.assumes, _ = fb.judge(h.rule, h.el, env, &machine)
		}
		found = append(found, Finding{Rule: h.rule, Element: h.el, ID: ThreatID(h.rule.ID, h.el.ID), Confidence: h.conf,
			Assumes: h.assumes, fb: fb})
	}
	return consolidate(lib, found), errs
}

// hit is a rule whose condition holds on an element, and how far it rests
// on what the model states, when judged.
type hit struct {
	rule    *Rule
	el      *model.Element
	judged  bool
	conf    model.Confidence
	assumes []string
}

// fire runs the rules of each element's kind on it, and judges what fired
// as far as it can without changing facts, on every processor: the facts
// are only read. Hits and errors come in the elements' order.
func (fb *factBase) fire(elements []*model.Element, byKind map[model.Kind][]*Rule) ([]hit, []error) {
	const size = 64
	type piece struct {
		hits []hit
		errs []error
	}
	pieces := make([]piece, (len(elements)+size-1)/size)
	inPieces(len(elements), size, func(lo, hi int) {
		var machine vm.VM
		p := &pieces[lo/size]
		for _, e := range elements[lo:hi] {
			env := fb.env(e)
			facts := fb.facts[e.ID]
			at := fb.placeOf(e)
			for _, r := range byKind[e.Kind] {
				if !r.appliesTo(at) || !r.guards.hold(facts) {
					continue
				}
				out, err := machine.Run(r.program, env)
				if err != nil {
					p.errs = append(p.errs, fmt.Errorf("rule %s on %s: %w", r.ID, e.Label(), err))
					continue
				}
				if fired, _ := out.(bool); fired {
					h := hit{rule: r, el: e}
					h.conf, h.assumes, h.judged = fb.judge(r, e, env, nil)
					p.hits = append(p.hits, h)
				}
			}
		}
	})
	var hits []hit
	var errs []error
	for _, p := range pieces {
		hits = append(hits, p.hits...)
		errs = append(errs, p.errs...)
	}
	return hits, errs
}

// analysable lists the elements rules look at, in report order: by
// diagram depth-first, then kind and name. Boundaries, elements out of
// scope, refined processes, unconnected flows, flows between two elements
// out of scope and flows stood for by interface flows are left out.
func (fb *factBase) analysable() []*model.Element {
	m := fb.m
	var out []*model.Element
	for _, d := range m.DiagramList() {
		for _, e := range m.ElementsIn(d.ID) {
			switch {
			case e.Kind == model.TrustBoundary || e.OutOfScope || fb.refined[e.ID]:
			case e.Kind == model.DataFlow:
				// A flow from or to an element out of scope stays in: the
				// user someone left out of scope still sends requests, and
				// they reach what is in scope.
				src, dst := m.Elements[e.Source], m.Elements[e.Target]
				if src == nil || dst == nil || src.OutOfScope && dst.OutOfScope || fb.stands[e.ID] || fb.halves[e.ID] != nil {
					continue
				}
				out = append(out, e)
			default:
				out = append(out, e)
			}
		}
	}
	return out
}

// place is what decides where rules apply, read once per element: the
// rule loop asks it for every rule.
type place struct {
	kind             model.Kind
	client, response bool
	managed          bool // a provider's service: custom-code threats are the provider's
	crosses          bool
	srcKind, srcTech string
	dstKind, dstTech string
	targetIsClient   bool
	targetIsManaged  bool
}

func (fb *factBase) placeOf(e *model.Element) place {
	f := fb.facts[e.ID]
	p := place{kind: e.Kind, client: f["client"] == true, response: f["response"] == true, managed: f["managed"] == true}
	if e.Kind == model.DataFlow {
		p.crosses, _ = f["crosses"].(bool)
		src, _ := f["source"].(Facts)
		dst, _ := f["target"].(Facts)
		p.srcKind, _ = src["kind"].(string)
		p.srcTech, _ = src["technology"].(string)
		p.dstKind, _ = dst["kind"].(string)
		p.dstTech, _ = dst["technology"].(string)
		p.targetIsClient = dst["client"] == true
		p.targetIsManaged = dst["managed"] == true
	}
	return p
}

// appliesTo checks where a rule applies before its condition runs.
func (r *Rule) appliesTo(p place) bool {
	if r.AppliesTo != p.kind {
		return false
	}
	if p.kind != model.DataFlow {
		return r.Side == "" || (r.Side == "client") == p.client && !(r.Side == "server" && p.managed)
	}
	if r.Direction == "request" && p.response {
		return false
	}
	if !matches(r.Source, p.srcKind, p.srcTech) || !matches(r.Target, p.dstKind, p.dstTech) {
		return false
	}
	if r.Side != "" && ((r.Side == "client") != p.targetIsClient || r.Side == "server" && p.targetIsManaged) {
		return false
	}
	return r.Crosses == nil || p.crosses == *r.Crosses
}

// risk is the likelihood and impact of the rule's threat on an element
// with these facts: the impact rises with the data's classification when
// the rule says so.
func (r *Rule) risk(f Facts) (model.Level, model.Level) {
	impact := r.Impact
	if r.ImpactByData {
		if d, _ := f["data"].(int); d >= 0 && model.Level(d) > impact {
			impact = model.Level(d)
		}
	}
	return r.Likelihood, impact
}

// threat builds the threat a rule raises on an element.
func (r *Rule) threat(e *model.Element, fb *factBase, context []string) *model.Threat {
	f := fb.facts[e.ID]
	t := &model.Threat{
		ID: ThreatID(r.ID, e.ID), RuleID: r.ID, ElementID: e.ID,
		Title:       r.title.fill(f),
		Category:    r.Category,
		Description: r.description.fill(f),
		Facts:       fb.explain(r, e, append(make([]string, 0, len(context)+len(r.uses)), context...), ""),
		References:  r.References, // shared: threats are copied before they are changed
	}
	t.Likelihood, t.Impact = r.risk(f)
	// Texts that quote long names stay within the model's bounds.
	t.Title, _ = model.Cut(t.Title, model.MaxTitleLen)
	t.Description, _ = model.Cut(t.Description, model.MaxTextLen)
	for i := range t.Facts {
		t.Facts[i], _ = model.Cut(t.Facts[i], model.MaxTextLen)
	}
	return t
}

// placeholder matches {el.x}, {flow.x}, {source.x} and {target.x} in a
// rule's text.
var placeholder = regexp.MustCompile(`\{(el|flow|source|target)\.([a-z_]+)\}`)

// template is a rule text cut at its placeholders, parsed once when the
// rule loads: filling it then costs no regular expression per threat.
type template struct {
	literals []string   // len(refs)+1 pieces of text around the placeholders
	refs     []fieldRef // the facts the placeholders name
	size     int        // of the literals, to make room once
}

func parseTemplate(text string) template {
	var t template
	last := 0
	for _, m := range placeholder.FindAllStringSubmatchIndex(text, -1) {
		t.literals = append(t.literals, text[last:m[0]])
		t.refs = append(t.refs, fieldRef{text[m[2]:m[3]], text[m[4]:m[5]]})
		last = m[1]
	}
	t.literals = append(t.literals, text[last:])
	for _, l := range t.literals {
		t.size += len(l)
	}
	return t
}

// fill replaces the placeholders by the facts they name; lists are joined
// with commas.
func (t template) fill(f Facts) string {
	if len(t.refs) == 0 {
		return t.literals[0]
	}
	var b strings.Builder
	b.Grow(t.size + 24*len(t.refs))
	for i, ref := range t.refs {
		b.WriteString(t.literals[i])
		of := f
		if ref.role == "source" || ref.role == "target" {
			of, _ = f[ref.role].(Facts)
		}
		switch v := of[ref.field].(type) {
		case nil:
			b.WriteString("?")
		case string:
			b.WriteString(v)
		case []string:
			b.WriteString(strings.Join(v, ", "))
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteString(t.literals[len(t.literals)-1])
	return b.String()
}

// contextOf is context, computed once per element.
func (fb *factBase) contextOf(e *model.Element) []string {
	if c, ok := fb.contexts[e.ID]; ok {
		return c
	}
	c := fb.context(e)
	fb.contexts[e.ID] = c
	return c
}

// context is what every threat on an element says first: where it is,
// which boundaries a flow crosses, and the data it carries or holds.
func (fb *factBase) context(e *model.Element) []string {
	f := fb.facts[e.ID]
	out := []string{}
	if e.Kind == model.DataFlow {
		src, _ := f["source"].(Facts)
		dst, _ := f["target"].(Facts)
		line := fmt.Sprintf("flow %s: %v → %v", fb.name(e), src["name"], dst["name"])
		if names, _ := f["boundaries"].([]string); len(names) > 0 {
			line += " crosses boundary " + strings.Join(names, ", ")
		}
		out = append(out, line)
	} else if z, _ := f["zone_name"].(string); z != "" {
		out = append(out, e.Kind.Label()+" "+e.Label()+" is in "+z)
	}
	if names, _ := f["data_names"].([]string); len(names) > 0 {
		d, _ := f["data"].(int)
		verb := "holds "
		if e.Kind == model.DataFlow {
			verb = "carries "
		}
		out = append(out, verb+model.Classifications[d].String()+" data "+strings.Join(names, ", "))
	}
	return out
}

// explain says why a rule fired, after the lines out has (the element's
// context): each fact the condition read, as stated, inferred or not
// stated, each line starting with indent.
func (fb *factBase) explain(r *Rule, e *model.Element, out []string, indent string) []string {
	f := fb.facts[e.ID]
	for _, u := range r.uses {
		switch u.field {
		case "data", "data_names", "boundaries", "crosses", "crossings", "incoming", "outgoing", "source", "target",
			"name", "id", "set", "kind", "response":
			continue // said in the context, or not a value worth printing
		}
		el, of, lead := e, f, indent
		if u.role == "source" || u.role == "target" {
			el = fb.roleElement(u.role, e)
			of, _ = f[u.role].(Facts)
			if el == nil || of == nil {
				continue
			}
			lead = indent + u.role + " " + el.Label() + ": "
		}
		if line := fb.factLine(el, of, u.field, lead); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func factText(v any) string {
	switch x := v.(type) {
	case nil:
		return "unknown"
	case string:
		if x == "" {
			return "unset"
		}
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

// Merge brings the model's threats in line with a fresh analysis, keeping
// the analyst's triage: a threat found again keeps its status,
// justification, mitigation notes and (when the analyst set them)
// likelihood and impact, and takes the rule's current text; a new threat
// gets the next number; a generated threat no longer found is marked
// obsolete, never dropped. It returns the edit (nil when nothing changes).
func Merge(m *model.Model, found []Finding) model.Edit {
	b := &model.Batch{Label: "analysed the model"}
	merge(m, found, func(t *model.Threat, label func() string) {
		b.Edits = append(b.Edits, model.PutThreat(m, t, label()))
	})
	if len(b.Edits) == 0 {
		return nil
	}
	return b
}

// merge is Merge, handing each threat to put, which owns it, with what
// the change is called (written only when asked: Run does not).
func merge(m *model.Model, found []Finding, put func(t *model.Threat, label func() string)) {
	next := m.NextThreatNumber()
	seen := make(map[string]bool, len(found))
	var key []byte
	for i := range found {
		t := found[i].Threat()
		found[i].threat = nil // put owns it now
		seen[t.ID] = true
		old := m.Threats[t.ID]
		if old == nil {
			t.Number = next
			next++
			var formers []*model.Threat
			formers, key = formerThreats(m, &found[i], key)
			if len(formers) > 0 {
				carryTriage(t, formers[0])
			}
			put(t, func() string { return "found threat " + t.Code() + " " + t.Title })
			for _, f := range formers {
				seen[f.ID] = true
				gone := f.Clone()
				gone.Obsolete = true
				gone.Justification = strings.TrimSpace("Now part of " + t.Code() + ". " + gone.Justification)
				put(gone, func() string { return "threat " + f.Code() + " is now part of " + t.Code() })
			}
			continue
		}
		t.Number = old.Number
		carryTriage(t, old)
		if !sameThreat(old, t) {
			put(t, func() string { return "updated threat " + t.Code() })
		}
	}
	// The threats no longer found, in the model's order (ThreatList's),
	// without sorting the many that are still found.
	var stale []*model.Threat
	for _, old := range m.Threats {
		if !old.Manual && old.RuleID != "" && !seen[old.ID] && !old.Obsolete {
			stale = append(stale, old)
		}
	}
	slices.SortFunc(stale, func(a, b *model.Threat) int {
		if c := cmp.Compare(a.Number, b.Number); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, old := range stale {
		t := old.Clone()
		t.Obsolete = true
		put(t, func() string { return "threat " + t.Code() + " no longer applies" })
	}
}

// carryTriage gives a fresh threat what the analyst decided about an
// earlier one: status, justification, mitigation notes, and the risk
// when they set it.
func carryTriage(t, old *model.Threat) {
	t.Status, t.Justification, t.Mitigation, t.Origin = old.Status, old.Justification, old.Mitigation, old.Origin
	t.RiskSet, t.Dread = old.RiskSet, old.Dread
	if old.RiskSet {
		t.Likelihood, t.Impact = old.Likelihood, old.Impact
	}
}

// formerThreats are the live generated threats a concern's threat takes
// the place of (those of f.FormerIDs), the most decided first (a triaged
// one before an open one, then by number). The IDs are written in key, a
// buffer the caller keeps, only to be looked up: a large model has tens
// of thousands.
func formerThreats(m *model.Model, f *Finding, key []byte) ([]*model.Threat, []byte) {
	var out []*model.Threat
	look := func(ruleID, elementID string) {
		key = append(append(append(key[:0], ruleID...), '@'), elementID...)
		if t := m.Threats[string(key)]; t != nil && !t.Obsolete && !t.Manual && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	for _, mb := range f.Members {
		look(mb.Rule.ID, mb.Element.ID)
		if e := mb.Element; e.Kind == model.DataFlow {
			look(mb.Rule.ID, e.Source)
			look(mb.Rule.ID, e.Target)
		}
	}
	if len(out) < 2 {
		return out, key
	}
	sort.SliceStable(out, func(i, j int) bool {
		if oi, oj := out[i].Status == model.Open, out[j].Status == model.Open; oi != oj {
			return !oi
		}
		return out[i].Number < out[j].Number
	})
	return out, key
}

func sameThreat(a, b *model.Threat) bool {
	return a.Title == b.Title && a.Category == b.Category && a.Description == b.Description && a.Origin == b.Origin &&
		a.Confidence == b.Confidence && slices.Equal(a.Assumes, b.Assumes) &&
		a.Likelihood == b.Likelihood && a.Impact == b.Impact && !a.Obsolete && a.RuleID == b.RuleID &&
		slices.Equal(a.Facts, b.Facts) && slices.Equal(a.References, b.References)
}

// Run analyses a model and merges the result into it (outside any undo
// history): the command line's analysis.
func Run(lib *Library, m *model.Model) []error {
	found, errs := Analyze(lib, m)
	WriteTexts(found)
	Apply(m, found)
	return errs
}

// Apply merges what an analysis of the model found into it, as Run does,
// writing the texts not written yet (see WriteTexts).
func Apply(m *model.Model, found []Finding) {
	WriteTexts(found)
	if n := len(m.Threats) + len(found); n > 2*len(m.Threats) {
		// Room for the threats found at once: a map that grows copies
		// itself, and a first analysis finds tens of thousands.
		threats := make(map[string]*model.Threat, n)
		maps.Copy(threats, m.Threats)
		m.Threats = threats
	}
	// Straight into the model: no edit to undo, so no copies to keep.
	merge(m, found, func(t *model.Threat, _ func() string) { m.Threats[t.ID] = t })
}

// WriteTexts writes the threats of findings (titles, descriptions, why
// they fired) on every processor: for a large model the texts cost as
// much as finding the threats. Findings of one analysis only.
func WriteTexts(found []Finding) {
	if len(found) == 0 {
		return
	}
	// What the texts share (each element's context) is worked out first,
	// so the writers only read.
	fb := found[0].fb
	var els []*model.Element
	for i := range found {
		e := found[i].Element
		if _, ok := fb.contexts[e.ID]; !ok && (len(els) == 0 || els[len(els)-1] != e) {
			els = append(els, e)
		}
	}
	contexts := make([][]string, len(els))
	inPieces(len(els), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			contexts[i] = fb.context(els[i])
		}
	})
	for i, e := range els {
		fb.contexts[e.ID] = contexts[i]
	}
	// Pieces taken in turn: a concern's threat costs many times a rule's.
	inPieces(len(found), 256, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			found[i].Threat()
		}
	})
}

// SortThreats orders threats by severity (worst first), then number.
func SortThreats(ts []*model.Threat) {
	sort.SliceStable(ts, func(i, j int) bool {
		if si, sj := ts[i].Severity(), ts[j].Severity(); si != sj {
			return si > sj
		}
		return ts[i].Number < ts[j].Number
	})
}

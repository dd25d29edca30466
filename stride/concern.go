package stride

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/model"
)

// Concern is what several rules can raise about one element: caller
// authentication is missing whether it shows on the process (nobody
// checks callers), on each flow into it (the sender is not
// authenticated) or between services (no mutual TLS). An analyst fixes it
// once, where it belongs, so it is reported once there, listing every
// flow and fact that led to it. A concern's threat has the concern's ID as
// its rule and concern@element as its ID.
type Concern struct {
	ID          string         `yaml:"id" json:"id"`
	Title       string         `yaml:"title" json:"title"`
	Category    model.Category `yaml:"category" json:"category"`
	Description string         `yaml:"description" json:"description"`
	References  []string       `yaml:"references" json:"references"`
	Mitigations []Mitigation   `yaml:"mitigations" json:"mitigations"`

	Origin      string `yaml:"-" json:"origin"`
	Line        int    `yaml:"-" json:"line"`
	title       template
	description template
}

// Concern finds a concern by ID, or nil.
func (l *Library) Concern(id string) *Concern { return l.concerns[id] }

// Concerns lists the library's concerns by ID.
func (l *Library) Concerns() []*Concern {
	out := make([]*Concern, 0, len(l.concerns))
	for _, c := range l.concerns {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Concern) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// addConcerns reads the concerns section of a rules file.
func (l *Library) addConcerns(nodes []yaml.Node, origin string) []error {
	if l.concerns == nil {
		l.concerns = map[string]*Concern{}
	}
	var errs []error
	for i := range nodes {
		node := &nodes[i]
		c := &Concern{}
		err := node.Decode(c)
		switch {
		case err != nil:
		case c.ID == "" || strings.ContainsAny(c.ID, "@ \t\n"):
			err = fmt.Errorf("a concern needs an id without spaces or @")
		case l.byID[c.ID] != nil:
			err = fmt.Errorf("concern %s has the id of a rule", c.ID)
		case c.Title == "" || c.Description == "" || len(c.Mitigations) == 0:
			err = errors.New("a concern needs a title, a description and mitigations")
		}
		if err != nil {
			errs = append(errs, &RuleError{origin, node.Line, idOf(node), err})
			continue
		}
		c.Origin, c.Line = origin, node.Line
		c.title, c.description = parseTemplate(c.Title), parseTemplate(c.Description)
		l.concerns[c.ID] = c
	}
	return errs
}

// checkConcern checks that a rule's concern exists and shares its STRIDE
// category.
func (l *Library) checkConcern(r *Rule) error {
	if r.Concern == "" {
		return nil
	}
	c := l.concerns[r.Concern]
	switch {
	case c == nil:
		return fmt.Errorf("unknown concern %q", r.Concern)
	case c.Category != r.Category:
		return fmt.Errorf("concern %s is %s, the rule %s", c.ID, c.Category.Label(), r.Category.Label())
	}
	return nil
}

// anchor is the element where a finding's fix belongs, or nil when that
// element is out of scope: whoever owns it owns the fix.
func (f *Finding) anchor() *model.Element {
	e := f.Element
	if e.Kind != model.DataFlow {
		return e
	}
	var id string
	switch f.Rule.At {
	case "source":
		id = e.Source
	case "target":
		id = e.Target
	default:
		return e
	}
	if a := f.fb.m.Elements[id]; a != nil && !a.OutOfScope {
		return a
	}
	return nil
}

// consolidate reports each concern once per element: the findings of
// rules with a concern are gathered on the element their fix belongs to.
// Findings without a concern pass through. Order follows the first
// finding of each group.
func consolidate(lib *Library, found []Finding) []Finding {
	out := make([]Finding, 0, len(found))
	at := map[string]int{}
	for k := range found {
		f := &found[k]
		c := lib.concerns[f.Rule.Concern]
		if c == nil {
			out = append(out, *f)
			continue
		}
		a := f.anchor()
		if a == nil {
			continue
		}
		id := ThreatID(c.ID, a.ID)
		i, ok := at[id]
		if !ok {
			i = len(out)
			at[id] = i
			out = append(out, Finding{Element: a, ID: id, Concern: c, Confidence: model.Assumed, fb: f.fb})
		}
		g := &out[i]
		g.Members = append(g.Members, f)
		if f.Confidence == model.Confirmed {
			g.Confidence, g.Assumes = model.Confirmed, nil
		} else if g.Confidence == model.Assumed {
			g.Assumes = append(g.Assumes, f.Assumes...)
		}
	}
	for i := range out {
		if g := &out[i]; g.Concern != nil {
			sort.Strings(g.Assumes)
			g.Assumes = slices.Compact(g.Assumes)
			if g.Rule == nil {
				g.Rule = g.worst()
			}
		}
	}
	return out
}

// worst is the rule of the member with the highest risk, for the risk of
// the concern's threat.
func (f *Finding) worst() *Rule {
	var best *Rule
	for _, m := range f.Members {
		if best == nil || model.Risk(m.Rule.Likelihood, m.Rule.Impact) > model.Risk(best.Likelihood, best.Impact) {
			best = m.Rule
		}
	}
	return best
}

// maxDetailedMembers is how many of a concern's findings its threat
// explains one by one; the others are named. A hub with fifty flows
// into it needs the list, not fifty copies of the same reasons.
const maxDetailedMembers = 8

// concernThreat is the threat of a concern's findings on one element.
func (f *Finding) concernThreat() *model.Threat {
	fb, c, a := f.fb, f.Concern, f.Element
	facts := fb.facts[a.ID]
	t := &model.Threat{
		ID: f.ID, RuleID: c.ID, ElementID: a.ID,
		Title:       c.title.fill(facts),
		Category:    c.Category,
		Description: c.description.fill(facts),
		References:  slices.Clone(c.References),
	}
	lines := slices.Clone(fb.contextOf(a))
	members := f.Members
	if len(members) > 1 {
		members = slices.Clone(members)
		sort.SliceStable(members, func(i, j int) bool { return members[i].Element.Label() < members[j].Element.Label() })
	}
	var more []string // members beyond maxDetailedMembers, by name only
	for i, m := range members {
		// Each member says what it found and why; its long description is
		// the concern's.
		r, mf := m.Rule, fb.facts[m.Element.ID]
		likelihood, impact := r.risk(mf)
		if model.Risk(likelihood, impact) > model.Risk(t.Likelihood, t.Impact) {
			t.Likelihood, t.Impact = likelihood, impact
		}
		for _, ref := range r.References {
			if !slices.Contains(t.References, ref) {
				t.References = append(t.References, ref)
			}
		}
		if i >= maxDetailedMembers {
			more = append(more, fb.name(m.Element))
			continue
		}
		line := r.title.fill(mf)
		if m.Element != a {
			line = m.Element.Kind.Label() + " " + fb.name(m.Element) + ": " + line
		}
		lines = fb.explain(r, m.Element, append(lines, line), "  ")
	}
	if len(more) > 0 {
		lines = append(lines, fmt.Sprintf("also on %d more: %s", len(more), strings.Join(dedupe(more), ", ")))
	}
	// Keep no spare room: a large model holds hundreds of thousands.
	t.Facts = slices.Clip(dedupe(lines))
	if len(t.Facts) < cap(lines)/2 {
		t.Facts = slices.Clone(t.Facts)
	}
	t.References = slices.Clip(t.References)
	return t
}

// name is an element's name as threats print it: for an unnamed flow,
// "Source → Target".
func (fb *factBase) name(e *model.Element) string {
	if n, ok := fb.facts[e.ID]["name"].(string); ok && n != "" {
		return n
	}
	return e.Label()
}

func dedupe(lines []string) []string {
	if len(lines) <= 32 {
		// A threat has a few lines: looking back costs less than a map.
		out := lines[:0]
		for _, l := range lines {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
		return out
	}
	seen := map[string]bool{}
	out := lines[:0]
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// FormerIDs are the IDs a concern's threat had when each of its rules
// raised its own threat: merging carries their triage over.
func (f *Finding) FormerIDs() []string {
	var out []string
	for _, m := range f.Members {
		out = append(out, ThreatID(m.Rule.ID, m.Element.ID))
		if e := m.Element; e.Kind == model.DataFlow {
			// A rule that moved between a flow and its ends keeps its triage.
			out = append(out, ThreatID(m.Rule.ID, e.Source), ThreatID(m.Rule.ID, e.Target))
		}
	}
	return out
}

package stride

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// SourceKind says where a rule set came from, which decides whether its
// rules may change what Rampart concludes.
type SourceKind int

const (
	// SourceBuiltin is the library built into Rampart.
	SourceBuiltin SourceKind = iota
	// SourceUser is the analyst's own rules file in their config folder.
	SourceUser
	// SourceCommandLine is a file named with --rules.
	SourceCommandLine
	// SourceModelFolder is a rules file beside the model: it came with the
	// model (from a repository, from a vendor), not from the analyst.
	SourceModelFolder
	// SourceModel is a rule set stored inside the model file.
	SourceModel
	// SourceKB is a TMT knowledge base embedded from a .tm7: it adds its
	// own tmt: rules and replaces none of Rampart's.
	SourceKB
)

var sourceKindNames = [...]string{"built-in", "user", "command-line", "model-folder", "model", "tmt-kb"}

func (k SourceKind) String() string { return sourceKindNames[k] }

// MarshalText writes the kind by name.
func (k SourceKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Trusted tells whether rules of this kind were chosen by the analyst
// running Rampart: the built-in library, their own rules file, and files
// they name on the command line. Rules that travel with a model are not:
// whoever wrote the model wrote them.
func (k SourceKind) Trusted() bool {
	return k == SourceBuiltin || k == SourceUser || k == SourceCommandLine
}

// RuleSource is one rule set the library loaded.
type RuleSource struct {
	Name     string     `json:"name"` // "built in", a path, "embedded in the model: NAME"
	Kind     SourceKind `json:"kind"`
	Trusted  bool       `json:"trusted"`
	SHA256   string     `json:"sha256"`
	Added    int        `json:"added"`    // rules with a new id
	Replaced int        `json:"replaced"` // rules that took the place of an earlier set's rule
}

// Label is how a source is named in messages: its name, and "not trusted"
// when it came with the model.
func (s *RuleSource) Label() string {
	if s.Trusted {
		return s.Name
	}
	return s.Name + " (came with the model)"
}

// addSource loads a rule set, recording where its rules came from.
func (l *Library) addSource(name string, kind SourceKind, data []byte, load func() []error) []error {
	sum := sha256.Sum256(data)
	src := &RuleSource{Name: name, Kind: kind, Trusted: kind.Trusted(), SHA256: hex.EncodeToString(sum[:])}
	l.Sources = append(l.Sources, src)
	l.loading = src
	defer func() { l.loading = nil }()
	return load()
}

// Hash is one SHA-256 over every loaded rule set, in loading order: two
// analyses with the same hash ran the same rules.
func (l *Library) Hash() string {
	h := sha256.New()
	for _, s := range l.Sources {
		fmt.Fprintf(h, "%s\x00%s\n", s.Name, s.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Override is a rule that took the place of a built-in one.
type Override struct {
	RuleID  string      `json:"rule_id"`
	Source  *RuleSource `json:"-"`
	By      string      `json:"by"`      // the source's name
	Changes []string    `json:"changes"` // what differs, in words
	// Weakens is set when the override lowers the rule's severity or keeps
	// it from firing where it did.
	Weakens bool `json:"weakens"`
	Trusted bool `json:"trusted"`
}

// Overrides lists the built-in rules that other rule sets replaced, in
// rule order.
func (l *Library) Overrides() []Override {
	var out []Override
	for _, r := range l.Rules {
		base := r.builtin()
		if base == nil || base == r {
			continue
		}
		o := Override{RuleID: r.ID, Source: r.Set, Trusted: r.Set != nil && r.Set.Trusted}
		if r.Set != nil {
			o.By = r.Set.Name
		}
		o.Changes, o.Weakens = compareRules(base, r)
		out = append(out, o)
	}
	return out
}

// builtin is the built-in rule this one replaced (through any number of
// replacements), itself when it is built in, or nil.
func (r *Rule) builtin() *Rule {
	for x := r; x != nil; x = x.prev {
		if x.Set != nil && x.Set.Kind == SourceBuiltin {
			return x
		}
	}
	return nil
}

// Overridden tells whether a rule replaced a built-in one.
func (r *Rule) Overridden() bool {
	b := r.builtin()
	return b != nil && b != r
}

// compareRules says what an override changed, and whether the change can
// hide a threat the built-in rule raises (a lower severity, a narrower
// place, a condition that no longer holds).
func compareRules(base, r *Rule) (changes []string, weakens bool) {
	if a, b := model.Risk(base.Likelihood, base.Impact), model.Risk(r.Likelihood, r.Impact); a != b {
		changes = append(changes, fmt.Sprintf("severity %s instead of %s", b, a))
		weakens = weakens || b < a
	}
	if base.ImpactByData && !r.ImpactByData {
		changes = append(changes, "impact no longer follows the data's classification")
		weakens = true
	}
	if strings.TrimSpace(base.When) != strings.TrimSpace(r.When) {
		if constantFalse(r.When) {
			changes = append(changes, "disabled (its condition is always false)")
		} else {
			changes = append(changes, fmt.Sprintf("condition %q instead of %q", oneLineText(r.When), oneLineText(base.When)))
		}
		weakens = true // a different condition may not hold where the built-in one did
	}
	if base.AppliesTo != r.AppliesTo || !slices.Equal(base.Source, r.Source) || !slices.Equal(base.Target, r.Target) ||
		!sameCrossing(base.Crosses, r.Crosses) {
		changes = append(changes, "applies elsewhere")
		weakens = true
	}
	if base.Category != r.Category {
		changes = append(changes, fmt.Sprintf("category %s instead of %s", r.Category.Label(), base.Category.Label()))
	}
	if base.Title != r.Title || base.Description != r.Description {
		changes = append(changes, "texts changed")
	}
	if len(changes) == 0 {
		changes = append(changes, "replaced by an identical rule")
	}
	return changes, weakens
}

func sameCrossing(a, b *bool) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// constantFalse tells whether a condition is plainly always false.
func constantFalse(cond string) bool {
	c := strings.ToLower(strings.Join(strings.Fields(cond), ""))
	return c == "false" || c == "(false)" || c == "!true" || c == "nottrue" || c == "1==2" || c == "0==1"
}

func oneLineText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// Trusted is the library as the analyst's own sources define it: every
// rule that a set which came with the model put in place of a trusted
// rule goes back to that rule. Rules such sets added stay: they can only
// raise threats. Gates (--fail-on) use it, so a model cannot lower the
// verdict on itself.
func (l *Library) Trusted() *Library {
	out := &Library{Version: l.Version, Sources: l.Sources, byID: map[string]*Rule{}, concerns: l.concerns}
	for _, r := range l.Rules {
		x := r
		for x != nil && x.prev != nil && (x.Set == nil || !x.Set.Trusted) {
			x = x.prev
		}
		if x == nil {
			continue
		}
		out.Rules = append(out.Rules, x)
		out.byID[x.ID] = x
	}
	return out
}

// Untrusted lists the sets that came with the model and replaced rules.
func (l *Library) Untrusted() []*RuleSource {
	var out []*RuleSource
	for _, s := range l.Sources {
		if !s.Trusted && s.Replaced > 0 {
			out = append(out, s)
		}
	}
	return out
}

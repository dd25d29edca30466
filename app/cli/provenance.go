package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// sayRuleSources tells on stderr which rule sets besides the built-in
// library were loaded, with their hashes, and every built-in rule they
// replaced: a model from elsewhere must not change the verdict silently.
func sayRuleSources(w io.Writer, lib *stride.Library) {
	if len(lib.Sources) <= 1 {
		return
	}
	for _, s := range lib.Sources {
		fmt.Fprintf(w, "rampart: rules: %s (sha256 %s, %d added, %d replaced)\n", s.Label(), s.SHA256[:16], s.Added, s.Replaced)
	}
	for _, o := range lib.Overrides() {
		what := "note"
		if o.Weakens && !o.Trusted {
			what = "warning"
		}
		fmt.Fprintf(w, "rampart: %s: built-in rule %s is overridden by %s: %s\n", what, o.RuleID, o.By, strings.Join(o.Changes, "; "))
	}
	if len(lib.Untrusted()) > 0 {
		fmt.Fprintln(w, "rampart: note: --fail-on judges built-in rules as built in; --trust-model-rules lets the model's rules decide")
	}
}

// ruleSetsJSON is the provenance block of JSON and SARIF output.
func ruleSetsJSON(lib *stride.Library) map[string]any {
	overrides := lib.Overrides()
	if overrides == nil {
		overrides = []stride.Override{}
	}
	return map[string]any{"rules_hash": lib.Hash(), "rule_sets": lib.Sources, "overrides": overrides}
}

// gateThreats are the threats --fail-on judges. Unless the model's own
// rule sets are trusted, the model is analysed again with the trusted
// library (stride.Library.Trusted), so a rule set that came with the model
// cannot lower or silence a built-in rule to pass the gate.
func gateThreats(m *model.Model, lib *stride.Library, trustModelRules bool) (*model.Model, error) {
	if trustModelRules || len(lib.Untrusted()) == 0 {
		return m, nil
	}
	gate := m.Clone()
	if errs := stride.Run(lib.Trusted(), gate); len(errs) > 0 {
		return nil, errs[0]
	}
	return gate, nil
}

package stride

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/rampart-tm/rampart/model"
)

// The names of the facts a rule's condition may read, per role and kind,
// and the checker that holds conditions to them (see Facts for what each
// means).

// Roles a condition can name: el is the element the rule applies to; a
// flow rule also has flow (the same element), source and target.
var roles = map[string]bool{"el": true, "flow": true, "source": true, "target": true}

var computedNode = []string{"id", "name", "kind", "technology", "out_of_scope", "set", "data", "data_names",
	"zone", "zone_trust", "zone_name", "zone_stated", "incoming", "outgoing", "has_inbound", "callers", "exposed", "client",
	"person", "anonymous", "serves_people", "consumes", "reads", "receives_input", "managed", "non_web"}

var computedFlow = []string{"id", "name", "kind", "out_of_scope", "set", "data", "data_names", "zone", "zone_trust",
	"zone_name", "zone_stated", "source", "target", "crosses", "crossings", "boundaries", "trust_drop", "from_lower_trust", "local",
	"crossing_types", "response"}

// fieldsOf lists the fact names a role has for a rule on a kind.
func fieldsOf(role string, k model.Kind) []string {
	var kinds []model.Kind
	switch {
	case role == "source" || role == "target":
		kinds = []model.Kind{model.Process, model.ExternalEntity, model.DataStore}
	default:
		kinds = []model.Kind{k}
	}
	var out []string
	for _, kk := range kinds {
		if kk == model.DataFlow {
			out = append(out, computedFlow...)
		} else {
			out = append(out, computedNode...)
		}
		for _, d := range model.PropsFor(kk) {
			out = append(out, d.Key)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sampleEnv is the shape of the facts for compiling a rule's condition.
func sampleEnv(k model.Kind) map[string]any {
	env := map[string]any{"el": map[string]any{}}
	if k == model.DataFlow {
		env["flow"], env["source"], env["target"] = map[string]any{}, map[string]any{}, map[string]any{}
	}
	return env
}

// fieldRef is one fact a condition reads, like target.sanitizes_input.
type fieldRef struct{ role, field string }

// factChecker rejects conditions that read facts that do not exist (a
// misspelt property would otherwise read as unset forever), and records
// the facts a condition reads so a threat can say why it fired.
type factChecker struct {
	rule *Rule
	uses []fieldRef
	err  error
}

func (c *factChecker) Visit(node *ast.Node) {
	m, ok := (*node).(*ast.MemberNode)
	if !ok {
		return
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return
	}
	defer func() {
		// A property nobody set is not in an element's facts: it reads
		// as its unset value (false, or no text) through "??".
		if def, ok := unsetValue[prop.Value]; ok {
			ast.Patch(node, &ast.BinaryNode{Operator: "??", Left: m, Right: def()})
		}
	}()
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || !roles[id.Value] {
		return
	}
	if !slices.Contains(fieldsOf(id.Value, c.rule.AppliesTo), prop.Value) && !strings.Contains(prop.Value, ":") {
		if c.err == nil {
			c.err = fmt.Errorf("%s.%s is not a fact of a %s rule", id.Value, prop.Value, c.rule.AppliesTo.Label())
		}
		return
	}
	ref := fieldRef{id.Value, prop.Value}
	if id.Value == "flow" {
		ref.role = "el"
	}
	if !slices.Contains(c.uses, ref) {
		c.uses = append(c.uses, ref)
	}
}

// unsetValue is, for each property of the schema, the node of the value a
// condition reads when the property is not set: false for a yes-or-no
// property, no text for the others.
var unsetValue = func() map[string]func() ast.Node {
	out := map[string]func() ast.Node{}
	for _, d := range model.Schema {
		if d.Type == model.Bool {
			out[d.Key] = func() ast.Node { return &ast.BoolNode{Value: false} }
		} else {
			out[d.Key] = func() ast.Node { return &ast.StringNode{Value: ""} }
		}
	}
	return out
}()

// unsetFact is unsetValue as a fact's value, for the guards.
func unsetFact(key string) any {
	for _, d := range model.Schema {
		if d.Key == key {
			if d.Type == model.Bool {
				return false
			}
			return ""
		}
	}
	return nil
}

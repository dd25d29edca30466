package stride

import (
	"slices"

	"github.com/expr-lang/expr/ast"

	"github.com/rampart-tm/rampart/model"
)

// guard is a cheap necessary condition read off a rule's expression: a
// conjunct like el.fetches_urls, !el.encrypted, el.technology == 'cache'
// or el.technology in ['a', 'b']. Analysis checks the guards in Go before
// running the expression, so the many rules that do not apply to an
// element cost a map lookup rather than a run of the expression machine.
type guard struct {
	field string
	want  any      // true or false for a boolean fact, or a string
	oneOf []string // for `in`
}

type guards []guard

func (gs guards) hold(f Facts) bool {
	for _, g := range gs {
		v, ok := f[g.field]
		if !ok {
			v = unsetFact(g.field)
		}
		switch {
		case g.oneOf != nil:
			s, ok := v.(string)
			if !ok || !slices.Contains(g.oneOf, s) {
				return false
			}
		case v != g.want:
			return false
		}
	}
	return true
}

// guardsOf collects the guards of the top-level && chain of a condition.
// Anything it does not recognise is simply not a guard: the expression
// still decides.
func guardsOf(n ast.Node) guards {
	var out guards
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch x := n.(type) {
		case *ast.BinaryNode:
			switch x.Operator {
			case "&&", "and":
				walk(x.Left)
				walk(x.Right)
			case "==":
				if f, ok := elField(x.Left); ok {
					if s, ok := x.Right.(*ast.StringNode); ok {
						out = append(out, guard{field: f, want: s.Value})
					}
				}
			case "in":
				if f, ok := elField(x.Left); ok {
					if arr, ok := x.Right.(*ast.ArrayNode); ok {
						var vals []string
						for _, it := range arr.Nodes {
							s, ok := it.(*ast.StringNode)
							if !ok {
								return
							}
							vals = append(vals, s.Value)
						}
						out = append(out, guard{field: f, oneOf: vals})
					}
				}
			}
		case *ast.UnaryNode:
			if x.Operator == "!" || x.Operator == "not" {
				if f, ok := elField(x.Node); ok && boolFact(f) {
					out = append(out, guard{field: f, want: false})
				}
			}
		default:
			if f, ok := elField(n); ok && boolFact(f) {
				out = append(out, guard{field: f, want: true})
			}
		}
	}
	walk(n)
	return out
}

// elField recognises el.x and flow.x, also as (el.x ?? unset).
func elField(n ast.Node) (string, bool) {
	if b, ok := n.(*ast.BinaryNode); ok && b.Operator == "??" {
		n = b.Left
	}
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return "", false
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || (id.Value != "el" && id.Value != "flow") {
		return "", false
	}
	p, ok := m.Property.(*ast.StringNode)
	return p.Value, ok
}

// boolFact reports whether a fact is always a boolean: a boolean property
// of the schema, or a computed boolean.
func boolFact(f string) bool {
	switch f {
	case "out_of_scope", "has_inbound", "exposed", "crosses", "trust_drop", "from_lower_trust", "local":
		return true
	}
	for _, d := range model.Schema {
		if d.Key == f {
			return d.Type == model.Bool
		}
	}
	return false
}

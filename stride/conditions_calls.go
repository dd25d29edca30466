package stride

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
)

// The condition check's part for calls: the functions a rule set adds,
// expr's builtins, and the predicates (any, all, filter, map) that run a
// closure on each item of a list.

// call checks a call of a function the rule's source adds.
func (c *conditionCheck) call(x *ast.CallNode) (shape, error) {
	callee, ok := x.Callee.(*ast.IdentifierNode)
	if !ok {
		_, err := c.shapeOf(x.Callee) // now().Year(): say what is wrong with now()
		if err == nil {
			err = fmt.Errorf("method calls are not allowed in a condition")
		}
		return shape{}, err
	}
	name := callee.Value
	if _, ok := c.funcs[name]; !ok {
		// Disabled builtins parse as calls of unknown functions.
		return shape{}, refused(name)
	}
	// The rule source's own functions read facts without printing,
	// comparing or walking them.
	out := shape{kind: scalarShape, cost: 1}
	for _, a := range x.Arguments {
		s, err := c.shapeOf(a)
		if err != nil {
			return shape{}, err
		}
		out.cost = addCost(out.cost, s.cost)
	}
	return out, nil
}

// refused says why a function is not allowed.
func refused(name string) error {
	if why, ok := refusedBuiltins[name]; ok {
		return fmt.Errorf("%s() is not allowed in a condition: %s", name, why)
	}
	if _, ok := builtin.Index[name]; ok {
		return fmt.Errorf("%s() is not allowed in a condition: conditions may call only %s", name, allowedNames())
	}
	return fmt.Errorf("unknown function %s(): conditions may call only %s", name, allowedNames())
}

func allowedNames() string {
	var names []string
	for n := range conditionBuiltins {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// predicateBuiltins run a closure on each item of a list.
var predicateBuiltins = map[string]bool{
	"all": true, "any": true, "none": true, "one": true, "filter": true, "map": true, "count": true,
	"sum": true, "find": true, "findLast": true, "findIndex": true, "findLastIndex": true,
	"groupBy": true, "sortBy": true, "reduce": true,
}

func (c *conditionCheck) builtin(x *ast.BuiltinNode) (shape, error) {
	if !conditionBuiltins[x.Name] {
		return shape{}, refused(x.Name)
	}
	if predicateBuiltins[x.Name] {
		return c.predicate(x)
	}
	args := make([]shape, len(x.Arguments))
	cost := 1
	for i, a := range x.Arguments {
		s, err := c.shapeOf(a)
		if err != nil {
			return shape{}, err
		}
		args[i], cost = s, addCost(cost, s.cost)
	}
	out := shape{kind: scalarShape}
	switch x.Name {
	case "len":
	case "first", "last":
		if len(args) == 1 && args[0].kind == listShape {
			out = itemOf(args[0])
		} else {
			out = shape{kind: unknownShape}
		}
	case "keys", "values":
		if len(args) != 1 || (args[0].kind != factsShape && args[0].kind != recordShape) {
			return shape{}, fmt.Errorf("%s() takes an element, such as el, or a map", x.Name)
		}
		out = shape{kind: listShape, elem: scalarShape, items: -1}
		if x.Name == "values" {
			out.elem = unknownShape
		}
	case "min", "max":
		if len(args) == 1 && args[0].kind == listShape && args[0].elem == scalarShape {
			break
		}
		fallthrough
	default:
		for _, s := range args {
			if s.kind != scalarShape {
				return shape{}, fmt.Errorf("%s() works on single values such as el.name or el.data, not on %s", x.Name, describe(s))
			}
		}
		if x.Name == "split" {
			out = shape{kind: listShape, elem: scalarShape, items: -1, text: true}
		}
	}
	out.cost = cost
	return out, nil
}

// predicate checks any(), all(), filter() and the like: what they go
// through, how deep they nest, and what map() keeps.
func (c *conditionCheck) predicate(x *ast.BuiltinNode) (shape, error) {
	if len(x.Arguments) == 0 {
		return shape{}, fmt.Errorf("%s() needs a list", x.Name)
	}
	list, err := c.shapeOf(x.Arguments[0])
	if err != nil {
		return shape{}, err
	}
	switch {
	case list.kind != listShape:
		return shape{}, fmt.Errorf("%s() goes through a list, such as el.outgoing, not %s", x.Name, describe(list))
	case list.text:
		return shape{}, fmt.Errorf("%s() cannot go through a list split from text, which is as long as the text: "+
			"test the text with contains, or the list with in", x.Name)
	}
	if len(c.items) >= maxPredicateDepth {
		return shape{}, fmt.Errorf("%s() is nested too deep: a condition may nest any(), all(), filter() and the like %d deep at most",
			x.Name, maxPredicateDepth)
	}
	body := shape{kind: scalarShape}
	if len(x.Arguments) > 1 {
		p, ok := x.Arguments[1].(*ast.PredicateNode)
		if !ok {
			return shape{}, fmt.Errorf("%s() takes a list and a test", x.Name)
		}
		c.items = append(c.items, itemOf(list))
		body, err = c.shapeOf(p.Node)
		c.items = c.items[:len(c.items)-1]
		if err != nil {
			return shape{}, err
		}
		if x.Name == "map" && !picks(p.Node) {
			return shape{}, fmt.Errorf("map() may only pick a fact from each item, like map(el.outgoing, .target.name): " +
				"use any(), all() or count() to test the items")
		}
	}
	n := list.items
	if n < 0 {
		n = 1 // each item of a list from the model counts once
	}
	out := shape{kind: scalarShape}
	switch x.Name {
	case "filter":
		out = shape{kind: listShape, elem: list.elem, items: list.items}
	case "map":
		out = shape{kind: listShape, elem: body.kind, items: list.items}
	case "find", "findLast":
		out = itemOf(list)
	}
	out.cost = addCost(1, addCost(list.cost, mulCost(n, max(body.cost, 1))))
	return out, nil
}

// picks reports whether a map() body only picks a value out of the item:
// a fact, a fact of a fact, the item itself, or a literal.
func picks(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.PointerNode, *ast.IdentifierNode:
		return true
	case *ast.ChainNode:
		return picks(x.Node)
	case *ast.MemberNode:
		return !x.Method && literal(x.Property) && picks(x.Node)
	}
	return literal(n)
}

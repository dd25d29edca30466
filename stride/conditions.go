package stride

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Rule conditions come from files anyone can write, and a model received
// from someone else carries its own rule sets, so a condition is checked
// before it is compiled: it may use only what cannot make one evaluation
// grow without bound. One condition, run on one element, then takes at
// most maxConditionSteps steps for each item of the element's fact lists
// (or pair of items, with predicates nested two deep), a step on a text
// costing as long as the text, and holds no more than those lists and a
// copy of a text for each of its parts. A condition that oversteps is
// refused when its rule loads, with the reason, rather than exhausting
// memory or running for hours during analysis.
//
// What a condition may use:
//
//   - literals, the roles (el, flow, source, target) and their facts by
//     name (el.x, el['tmt:x']), list items by a number written in the rule;
//   - operators on single values: comparison, and/or/not, in, contains,
//     startsWith, endsWith, matches (with a pattern written in the rule),
//     arithmetic, ?? and the conditional; == and != on single values or
//     lists of them, never on whole elements;
//   - lists of values written in the rule, maps of literals, and ranges of
//     at most maxRange numbers written in the rule;
//   - the functions of conditionBuiltins, and those the rule's source adds
//     (the translated TMT tests);
//   - predicates (any, all, filter, …) over fact lists, lists written in
//     the rule and small ranges, nested at most maxPredicateDepth deep.
//
// And what it may not: let and ';', reduce, text builders (repeat,
// replace, join), conversions of whole values (toJSON, fromJSON, base64),
// the clock (now, date, duration, timezone), method calls, slices, $env,
// and any other builtin.
const (
	// maxConditionNodes bounds the length of a condition. The longest
	// translated TMT filter in the corpus has 191 nodes; knowledge bases
	// written by hand can list many more stencils.
	maxConditionNodes = 5000
	// maxRange bounds a range written in a condition (1..10).
	maxRange = 100
	// maxPredicateDepth bounds how deep predicates nest: two deep is
	// quadratic in an element's links, enough to look at a neighbour's
	// neighbours.
	maxPredicateDepth = 2
	// maxConditionSteps bounds the work of one evaluation, counting each
	// item of a list from the model once and each item of a list or range
	// written in the rule in full.
	maxConditionSteps = 10000
)

// conditionBuiltins are the expr builtins a condition may call: each
// returns a single value, an item of a list, or a list no longer than its
// input (a list of facts, or for split, a text).
var conditionBuiltins = map[string]bool{
	// predicates, bounded by their list and by maxPredicateDepth
	"all": true, "any": true, "none": true, "one": true, "filter": true, "map": true, "count": true,
	"sum": true, "find": true, "findLast": true, "findIndex": true, "findLastIndex": true,
	// on single values
	"len": true, "lower": true, "upper": true, "trim": true, "trimPrefix": true, "trimSuffix": true,
	"hasPrefix": true, "hasSuffix": true, "indexOf": true, "lastIndexOf": true, "split": true,
	"abs": true, "ceil": true, "floor": true, "round": true, "int": true, "float": true, "string": true,
	"min": true, "max": true,
	// on lists and maps
	"first": true, "last": true, "keys": true, "values": true,
}

// refusedBuiltins say why the builtins most likely to be tried are left
// out; the others are refused as not needed.
var refusedBuiltins = map[string]string{
	"repeat":     "it can build unbounded text",
	"replace":    "it can build unbounded text",
	"join":       "it can build unbounded text",
	"reduce":     "its running value can double at each item and grow without bound",
	"toJSON":     "it turns whole values into text, which can be unboundedly large",
	"fromJSON":   "it builds values from text, which can be unboundedly large",
	"toBase64":   "it turns whole values into text, which can be unboundedly large",
	"fromBase64": "it builds values from text, which can be unboundedly large",
	"now":        "it reads the clock, and a rule must give the same answer every run",
	"date":       "conditions test the model, not dates, and a rule must give the same answer every run",
	"duration":   "conditions test the model, not dates, and a rule must give the same answer every run",
	"timezone":   "conditions test the model, not dates, and a rule must give the same answer every run",
	"sortBy":     "sorting is not needed to test an element",
	"sort":       "sorting is not needed to test an element",
	"groupBy":    "it builds maps of lists, which is not needed to test an element",
}

// conditionLimits are added to the compiler's options, so that it refuses
// what the check refuses even if the check let something through: every
// builtin but conditionBuiltins is disabled and the length is capped.
// (expr still parses a disabled predicate builtin such as reduce, so the
// check is what keeps those out.)
var conditionLimits = func() []expr.Option {
	opts := []expr.Option{expr.MaxNodes(maxConditionNodes)}
	for _, name := range builtin.Names {
		if !conditionBuiltins[name] {
			opts = append(opts, expr.DisableBuiltin(name))
		}
	}
	return opts
}()

// compileCondition compiles a rule's condition with expr after checking
// that it keeps within what a condition may do (see the limits above).
// It parses the condition with the options the compiler gets, so the
// check sees the tree the compiler compiles.
func compileCondition(cond string, opts ...expr.Option) (*vm.Program, error) {
	opts = append(slices.Clone(opts), conditionLimits...)
	cfg := conf.CreateNew()
	for _, op := range opts {
		op(cfg)
	}
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	cfg.MaxNodes = conf.DefaultMaxNodes // the check reports a long condition in its own words
	if tree, err := parser.ParseWithConfig(cond, cfg); err == nil {
		if err := checkCondition(tree.Node, cfg.Functions); err != nil {
			return nil, err
		}
	}
	// A condition that does not parse gets the compiler's own message.
	return expr.Compile(cond, opts...)
}

// checkCondition refuses a parsed condition that does more than a
// condition may; funcs are the functions the rule's source adds.
func checkCondition(root ast.Node, funcs map[string]*builtin.Function) error {
	var count nodeCount
	ast.Walk(&root, &count)
	if count > maxConditionNodes {
		return fmt.Errorf("the condition is too long: %d parts, at most %d", count, maxConditionNodes)
	}
	c := &conditionCheck{funcs: funcs}
	s, err := c.shapeOf(root)
	if err != nil {
		return err
	}
	if s.cost > maxConditionSteps {
		return fmt.Errorf("the condition would take about %d steps on each element, at most %d: "+
			"use shorter lists or ranges, or fewer nested any(), all() or filter()", s.cost, maxConditionSteps)
	}
	return nil
}

type nodeCount int

func (n *nodeCount) Visit(*ast.Node) { *n++ }

// shapeKind is what a condition's value is, as far as the check needs to
// know: facts link to their neighbours' facts, so the graph they form must
// not be printed, compared whole or otherwise walked from end to end.
type shapeKind int

const (
	unknownShape shapeKind = iota // anything, including facts
	scalarShape                   // a single text, number, boolean or nil
	factsShape                    // an element's facts
	listShape
	recordShape // a map written in the rule
)

// shape is a value's kind, and for a list, its items' kind and length.
type shape struct {
	kind  shapeKind
	elem  shapeKind // of a list's items
	items int       // of a list written in the rule, or -1 when the model decides
	text  bool      // a list cut from text: as long as the text
	cost  int       // steps to compute it, as counted for maxConditionSteps
}

// factShapes are the facts (see Facts) that are not single values.
var factShapes = map[string]shape{
	"source":         {kind: factsShape},
	"target":         {kind: factsShape},
	"incoming":       {kind: listShape, elem: factsShape, items: -1},
	"outgoing":       {kind: listShape, elem: factsShape, items: -1},
	"set":            {kind: listShape, elem: scalarShape, items: -1},
	"data_names":     {kind: listShape, elem: scalarShape, items: -1},
	"boundaries":     {kind: listShape, elem: scalarShape, items: -1},
	"crossing_types": {kind: listShape, elem: scalarShape, items: -1},
}

// itemOf is the shape of an item of a list of shape s.
func itemOf(s shape) shape {
	if s.elem == listShape {
		return shape{kind: listShape, elem: unknownShape, items: -1}
	}
	return shape{kind: s.elem}
}

// conditionCheck walks a parsed condition, working out the shape and cost
// of each part and refusing what a condition may not do.
type conditionCheck struct {
	funcs map[string]*builtin.Function // added by the rule's source
	items []shape                      // the item of each enclosing predicate, innermost last
}

// addCost adds without overflowing: costs are compared with a small limit.
func addCost(a, b int) int { return min(a+b, 1<<40) }

func mulCost(a, b int) int {
	if a > 0 && b > (1<<40)/a {
		return 1 << 40
	}
	return a * b
}

// shapeOf works out the shape and cost of a part of a condition, or why
// it is not allowed.
func (c *conditionCheck) shapeOf(n ast.Node) (shape, error) {
	switch x := n.(type) {
	case *ast.NilNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BytesNode:
		return shape{kind: scalarShape, cost: 1}, nil
	case *ast.IdentifierNode:
		if roles[x.Value] {
			return shape{kind: factsShape, cost: 1}, nil
		}
		if x.Value == "$env" {
			return shape{}, fmt.Errorf("$env is not allowed in a condition: read facts through el, flow, source or target")
		}
		return shape{}, fmt.Errorf("unknown name %s: a condition reads facts through el, and in a data_flow rule flow, source and target", x.Value)
	case *ast.UnaryNode:
		switch x.Operator {
		case "!", "not", "-", "+":
		default:
			return shape{}, fmt.Errorf("the operator %s is not allowed in a condition", x.Operator)
		}
		return c.scalars(x.Operator, x.Node)
	case *ast.BinaryNode:
		return c.binary(x)
	case *ast.ChainNode:
		return c.shapeOf(x.Node)
	case *ast.MemberNode:
		return c.member(x)
	case *ast.ConditionalNode:
		cond, err := c.scalars("if", x.Cond)
		if err != nil {
			return shape{}, err
		}
		a, err := c.shapeOf(x.Exp1)
		if err != nil {
			return shape{}, err
		}
		b, err := c.shapeOf(x.Exp2)
		if err != nil {
			return shape{}, err
		}
		out := either(a, b)
		out.cost = addCost(cond.cost, addCost(a.cost, b.cost))
		return out, nil
	case *ast.ArrayNode:
		out := shape{kind: listShape, items: len(x.Nodes), cost: 1}
		for i, item := range x.Nodes {
			s, err := c.shapeOf(item)
			if err != nil {
				return shape{}, err
			}
			if s.kind != scalarShape && s.kind != factsShape {
				return shape{}, fmt.Errorf("a list in a condition holds single values or elements, not %s", describe(s))
			}
			if i == 0 {
				out.elem = s.kind
			} else if s.kind != out.elem {
				out.elem = unknownShape
			}
			out.cost = addCost(out.cost, s.cost)
		}
		return out, nil
	case *ast.MapNode:
		out := shape{kind: recordShape, cost: 1}
		for _, p := range x.Pairs {
			pair, ok := p.(*ast.PairNode)
			if !ok || !literal(pair.Key) || !literal(pair.Value) {
				return shape{}, fmt.Errorf("a map in a condition may hold only values written in the rule")
			}
			out.cost = addCost(out.cost, 2)
		}
		return out, nil
	case *ast.PointerNode:
		return c.pointer(x)
	case *ast.CallNode:
		return c.call(x)
	case *ast.BuiltinNode:
		return c.builtin(x)
	case *ast.VariableDeclaratorNode:
		return shape{}, fmt.Errorf("let is not allowed in a condition: a variable can double a value at each step")
	case *ast.SequenceNode:
		return shape{}, fmt.Errorf("';' is not allowed in a condition: a condition is a single expression")
	case *ast.SliceNode:
		return shape{}, fmt.Errorf("slices like x[1:3] are not allowed in a condition: use hasPrefix, hasSuffix, first or last")
	}
	return shape{}, fmt.Errorf("%s is not allowed in a condition", strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."), "Node"))
}

// either is the shape of a value that is either a or b.
func either(a, b shape) shape {
	if a.kind == b.kind && a.elem == b.elem && a.text == b.text {
		if a.items != b.items {
			a.items = max(a.items, b.items)
			if b.items < 0 {
				a.items = -1
			}
		}
		return a
	}
	return shape{kind: unknownShape}
}

// literal reports whether a node is a value written in the rule.
func literal(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.NilNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode, *ast.StringNode:
		return true
	case *ast.UnaryNode:
		_, isInt := x.Node.(*ast.IntegerNode)
		_, isFloat := x.Node.(*ast.FloatNode)
		return x.Operator == "-" && (isInt || isFloat)
	}
	return false
}

// intLiteral reads a whole number written in the rule (5, -1).
func intLiteral(n ast.Node) (int, bool) {
	switch x := n.(type) {
	case *ast.IntegerNode:
		return x.Value, true
	case *ast.UnaryNode:
		if i, ok := x.Node.(*ast.IntegerNode); ok && x.Operator == "-" {
			return -i.Value, true
		}
	}
	return 0, false
}

// scalars checks that an operator's operands are single values.
func (c *conditionCheck) scalars(op string, operands ...ast.Node) (shape, error) {
	out := shape{kind: scalarShape, cost: 1}
	for _, o := range operands {
		s, err := c.shapeOf(o)
		if err != nil {
			return shape{}, err
		}
		if s.kind != scalarShape {
			return shape{}, fmt.Errorf("%s works on single values such as el.name or el.data, not on %s", op, describe(s))
		}
		out.cost = addCost(out.cost, s.cost)
	}
	return out, nil
}

// flat reports whether a value holds only single values: a list of them
// or a map written in the rule.
func flat(s shape) bool {
	return s.kind == recordShape || s.kind == listShape && s.elem == scalarShape
}

// describe names a shape for messages.
func describe(s shape) string {
	switch s.kind {
	case factsShape:
		return "a whole element"
	case listShape:
		return "a list"
	case recordShape:
		return "a map"
	}
	return "a value whose kind is not known when the rule loads"
}

func (c *conditionCheck) binary(x *ast.BinaryNode) (shape, error) {
	switch x.Operator {
	case "..":
		return c.rangeOf(x)
	case "==", "!=":
		left, err := c.shapeOf(x.Left)
		if err != nil {
			return shape{}, err
		}
		right, err := c.shapeOf(x.Right)
		if err != nil {
			return shape{}, err
		}
		// Values of different types are unequal at once, and a single
		// value is never walked: only two composite values are compared
		// item by item, which for facts means their whole neighbourhood.
		if left.kind != scalarShape && right.kind != scalarShape && (!flat(left) || !flat(right)) {
			culprit := left
			if flat(left) {
				culprit = right
			}
			return shape{}, fmt.Errorf("%s compares single values or lists of them, not %s", x.Operator, describe(culprit))
		}
		return shape{kind: scalarShape, cost: addCost(1, addCost(left.cost+max(left.items, 0), right.cost+max(right.items, 0)))}, nil
	case "in":
		left, err := c.shapeOf(x.Left)
		if err != nil {
			return shape{}, err
		}
		if left.kind != scalarShape {
			return shape{}, fmt.Errorf("in looks for a single value such as el.technology, not for %s", describe(left))
		}
		right, err := c.shapeOf(x.Right)
		if err != nil {
			return shape{}, err
		}
		// A single value compared with anything is compared shallowly,
		// so the right side may be a list of facts, or facts (a key).
		return shape{kind: scalarShape, cost: addCost(1, addCost(left.cost, addCost(right.cost, max(right.items, 0))))}, nil
	case "matches":
		if _, ok := x.Right.(*ast.StringNode); !ok {
			return shape{}, fmt.Errorf("the pattern of matches must be written in the rule, in quotes, so it is checked when the rule loads")
		}
		return c.scalars(x.Operator, x.Left, x.Right)
	case "<", ">", "<=", ">=", "and", "&&", "or", "||", "contains", "startsWith", "endsWith",
		"+", "-", "*", "/", "%", "**", "^", "??":
		return c.scalars(x.Operator, x.Left, x.Right)
	}
	return shape{}, fmt.Errorf("the operator %s is not allowed in a condition", x.Operator)
}

// rangeOf checks a range: its ends must be written in the rule, and close.
func (c *conditionCheck) rangeOf(x *ast.BinaryNode) (shape, error) {
	from, ok1 := intLiteral(x.Left)
	to, ok2 := intLiteral(x.Right)
	if !ok1 || !ok2 {
		return shape{}, fmt.Errorf("a range in a condition must be written with whole numbers, like 1..10: a computed range can be made arbitrarily large")
	}
	n := 0
	if to >= from {
		d := uint64(to) - uint64(from) // cannot overflow when to >= from
		if d >= maxRange {
			return shape{}, fmt.Errorf("%d..%d is too large a range for a condition: a range may hold at most %d numbers; compare with < and > instead",
				from, to, maxRange)
		}
		n = int(d) + 1
	}
	return shape{kind: listShape, elem: scalarShape, items: n, cost: 1 + n}, nil
}

func (c *conditionCheck) member(x *ast.MemberNode) (shape, error) {
	base, err := c.shapeOf(x.Node)
	if err != nil {
		return shape{}, err
	}
	if x.Method {
		return shape{}, fmt.Errorf("method calls are not allowed in a condition")
	}
	out := shape{kind: unknownShape}
	if name, ok := x.Property.(*ast.StringNode); ok {
		switch base.kind {
		case factsShape:
			out = shape{kind: scalarShape}
			if s, ok := factShapes[name.Value]; ok {
				out = s
			}
		case recordShape:
			out = shape{kind: scalarShape}
		}
	} else if _, ok := intLiteral(x.Property); ok {
		switch base.kind {
		case listShape:
			out = itemOf(base)
		case scalarShape:
			out = shape{kind: scalarShape}
		}
	} else {
		return shape{}, fmt.Errorf("x[…] in a condition must name a fact in quotes, like el['tmt:codeType'], " +
			"or an item by a number written in the rule, like el.outgoing[0]")
	}
	out.cost = addCost(base.cost, 1)
	return out, nil
}

func (c *conditionCheck) pointer(x *ast.PointerNode) (shape, error) {
	if len(c.items) == 0 {
		return shape{}, fmt.Errorf("# and .fact mean something only inside any(), all(), filter() and the like")
	}
	switch x.Name {
	case "":
		out := c.items[len(c.items)-1]
		out.cost = 1
		return out, nil
	case "index":
		return shape{kind: scalarShape, cost: 1}, nil
	}
	return shape{}, fmt.Errorf("#%s is not allowed in a condition", x.Name)
}

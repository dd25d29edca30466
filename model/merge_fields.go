package model

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// field is one value of a thing as a merge compares it: read and written
// as text, so that a conflict can keep both sides' values.
type mergeField[T any] struct {
	name string
	get  func(*T) string
	set  func(*T, string) error
	// merge combines two different changes where that is safe (two sets
	// of data assets); ok false leaves a conflict.
	merge func(base, ours, theirs string) (v string, ok bool)
	// pick settles two different changes of a value nobody typed (what
	// analysis wrote, a review's stamp): no conflict.
	pick func(ours, theirs *T) string
	// group names fields that are one decision: when one conflicts, the
	// others that differ conflict too, and are resolved with it.
	group string
}

func text[T any](name string, p func(*T) *string) mergeField[T] {
	return mergeField[T]{name: name, get: func(x *T) string { return *p(x) },
		set: func(x *T, v string) error { *p(x) = v; return nil }}
}

// prose is a text of several lines: edits of different lines merge.
func prose[T any](name string, p func(*T) *string) mergeField[T] {
	f := text(name, p)
	f.merge = mergeLines
	return f
}

func flag[T any](name string, p func(*T) *bool) mergeField[T] {
	return mergeField[T]{name: name, get: func(x *T) string { return strconv.FormatBool(*p(x)) },
		set: func(x *T, v string) (err error) { *p(x), err = strconv.ParseBool(v); return }}
}

func level[T any](name string, p func(*T) *Level) mergeField[T] {
	return mergeField[T]{name: name, get: func(x *T) string { return p(x).String() },
		set: func(x *T, v string) (err error) { *p(x), err = ParseLevel(v); return }}
}

// derived marks a field that analysis writes: ours is kept when both
// sides changed it, as the next analysis rewrites it anyway.
func derived[T any](f mergeField[T]) mergeField[T] {
	f.pick = func(o, _ *T) string { return f.get(o) }
	return f
}

// set3 merges space-separated sets: what either side added is in, what
// either side removed is out.
func set3(base, ours, theirs string) (string, bool) {
	b, o, t := strings.Fields(base), strings.Fields(ours), strings.Fields(theirs)
	var out []string
	for _, x := range append(slices.Clone(o), t...) {
		inO, inT, inB := slices.Contains(o, x), slices.Contains(t, x), slices.Contains(b, x)
		if (inO && inT) || !inB {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), " "), true
}

func numText(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func nums(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d numbers separated by commas, got %q", n, s)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		out[i] = v
	}
	return out, nil
}

func elementFields(es ...*Element) []mergeField[Element] {
	fs := []mergeField[Element]{
		{name: "kind", get: func(e *Element) string { return e.Kind.String() },
			set: func(e *Element, v string) (err error) { e.Kind, err = ParseKind(v); return }},
		text("diagram", func(e *Element) *string { return &e.Diagram }),
		text("name", func(e *Element) *string { return &e.Name }),
		prose("description", func(e *Element) *string { return &e.Description }),
		{name: "bounds", get: func(e *Element) string {
			return numText(e.X) + "," + numText(e.Y) + "," + numText(e.W) + "," + numText(e.H)
		},
			set: func(e *Element, v string) error {
				n, err := nums(v, 4)
				if err == nil {
					e.X, e.Y, e.W, e.H = n[0], n[1], n[2], n[3]
				}
				return err
			}},
		text("source", func(e *Element) *string { return &e.Source }),
		text("target", func(e *Element) *string { return &e.Target }),
		{name: "points", get: func(e *Element) string {
			var s []string
			for _, p := range e.Points {
				s = append(s, numText(p.X)+","+numText(p.Y))
			}
			return strings.Join(s, " ")
		}, set: func(e *Element, v string) error {
			e.Points = nil
			for _, p := range strings.Fields(v) {
				n, err := nums(p, 2)
				if err != nil {
					return err
				}
				e.Points = append(e.Points, Point{n[0], n[1]})
			}
			return nil
		}},
		{name: "data assets", get: func(e *Element) string { return strings.Join(e.Assets, " ") },
			set: func(e *Element, v string) error { e.Assets = sortedUnique(strings.Fields(v)); return nil }, merge: set3},
		flag("out of scope", func(e *Element) *bool { return &e.OutOfScope }),
		prose("out-of-scope reason", func(e *Element) *string { return &e.OutOfScopeReason }),
	}
	var keys []string
	for _, e := range es {
		if e != nil {
			for k := range e.Props {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		fs = append(fs, propField(k))
	}
	return fs
}

// propField is one property of an element. The stamps of a review follow
// the later review, so two people reviewing the same element do not
// conflict over when they did.
func propField(key string) mergeField[Element] {
	f := mergeField[Element]{name: "properties." + key, get: func(e *Element) string { return e.Props[key] },
		set: func(e *Element, v string) error {
			if v == "" {
				delete(e.Props, key)
			} else {
				if e.Props == nil {
					e.Props = map[string]string{}
				}
				e.Props[key] = v
			}
			if len(e.Props) == 0 {
				e.Props = nil
			}
			return nil
		}}
	if key == reviewByKey || key == reviewAtKey {
		f.pick = func(o, t *Element) string {
			if t.Props[reviewAtKey] > o.Props[reviewAtKey] {
				return t.Props[key]
			}
			return o.Props[key]
		}
	}
	return f
}

func diagramFields(...*Diagram) []mergeField[Diagram] {
	return []mergeField[Diagram]{
		text("name", func(d *Diagram) *string { return &d.Name }),
		text("refines", func(d *Diagram) *string { return &d.Refines }),
	}
}

func assetFields(...*DataAsset) []mergeField[DataAsset] {
	return []mergeField[DataAsset]{
		text("name", func(a *DataAsset) *string { return &a.Name }),
		prose("description", func(a *DataAsset) *string { return &a.Description }),
		{name: "classification", get: func(a *DataAsset) string { return a.Classification.String() },
			set: func(a *DataAsset, v string) (err error) { a.Classification, err = ParseClassification(v); return }},
		level("confidentiality", func(a *DataAsset) *Level { return &a.Confidentiality }),
		level("integrity", func(a *DataAsset) *Level { return &a.Integrity }),
		level("availability", func(a *DataAsset) *Level { return &a.Availability }),
	}
}

// triageGroup is a threat's triage: its status, the justification and
// the mitigation notes, one decision.
const triageGroup = "triage"

func triage(f mergeField[Threat]) mergeField[Threat] { f.group = triageGroup; return f }

// threatFields: the triage is the analyst's and can conflict; what a rule
// wrote is analysis output, and so are likelihood and impact unless the
// analyst set them.
func threatFields(ts ...*Threat) []mergeField[Threat] {
	manual, riskSet := false, false
	for _, t := range ts {
		if t != nil {
			manual = manual || t.Manual
			riskSet = riskSet || t.RiskSet
		}
	}
	written := func(f mergeField[Threat]) mergeField[Threat] {
		if manual {
			return f
		}
		return derived(f)
	}
	risk := func(f mergeField[Threat]) mergeField[Threat] {
		if riskSet {
			return f
		}
		return derived(f)
	}
	lines := func(name string, p func(*Threat) *[]string) mergeField[Threat] {
		return mergeField[Threat]{name: name, get: func(t *Threat) string { return strings.Join(*p(t), "\n") },
			set: func(t *Threat, v string) error {
				*p(t) = nil
				*p(t) = strings.FieldsFunc(v, func(r rune) bool { return r == '\n' })
				return nil
			}}
	}
	return []mergeField[Threat]{
		derived(text("rule", func(t *Threat) *string { return &t.RuleID })),
		text("element", func(t *Threat) *string { return &t.ElementID }),
		written(text("title", func(t *Threat) *string { return &t.Title })),
		written(mergeField[Threat]{name: "category", get: func(t *Threat) string { return t.Category.String() },
			set: func(t *Threat, v string) (err error) { t.Category, err = ParseCategory(v); return }}),
		written(text("description", func(t *Threat) *string { return &t.Description })),
		derived(lines("facts", func(t *Threat) *[]string { return &t.Facts })),
		written(lines("references", func(t *Threat) *[]string { return &t.References })),
		risk(level("likelihood", func(t *Threat) *Level { return &t.Likelihood })),
		risk(level("impact", func(t *Threat) *Level { return &t.Impact })),
		flag("risk set", func(t *Threat) *bool { return &t.RiskSet }),
		triage(mergeField[Threat]{name: "status", get: func(t *Threat) string { return t.Status.String() },
			set: func(t *Threat, v string) (err error) { t.Status, err = ParseStatus(v); return }}),
		triage(prose("justification", func(t *Threat) *string { return &t.Justification })),
		triage(prose("mitigation", func(t *Threat) *string { return &t.Mitigation })),
		{name: "DREAD", get: func(t *Threat) string {
			if d := t.Dread; d != nil {
				return fmt.Sprintf("%d,%d,%d,%d,%d", d.Damage, d.Reproducibility, d.Exploitability, d.AffectedUsers, d.Discoverability)
			}
			return ""
		}, set: func(t *Threat, v string) error {
			if v == "" {
				t.Dread = nil
				return nil
			}
			n, err := nums(v, 5)
			if err == nil {
				t.Dread = &Dread{int(n[0]), int(n[1]), int(n[2]), int(n[3]), int(n[4])}
			}
			return err
		}},
		flag("manual", func(t *Threat) *bool { return &t.Manual }),
		derived(flag("obsolete", func(t *Threat) *bool { return &t.Obsolete })),
		derived(mergeField[Threat]{name: "confidence", get: func(t *Threat) string { return t.Confidence.String() },
			set: func(t *Threat, v string) (err error) { t.Confidence, err = ParseConfidence(v); return }}),
		derived(lines("assumes", func(t *Threat) *[]string { return &t.Assumes })),
		derived(text("origin", func(t *Threat) *string { return &t.Origin })),
	}
}

func suppressionFields(...*Suppression) []mergeField[Suppression] {
	return []mergeField[Suppression]{prose("justification", func(s *Suppression) *string { return &s.Justification })}
}

func ruleSetFields(...*RuleSet) []mergeField[RuleSet] {
	return []mergeField[RuleSet]{
		text("format", func(r *RuleSet) *string { return &r.Format }),
		prose("rules", func(r *RuleSet) *string { return &r.Data }),
	}
}

func conflictFields(...*Conflict) []mergeField[Conflict] {
	return []mergeField[Conflict]{derived(text("ours", func(c *Conflict) *string { return &c.Ours })),
		derived(text("theirs", func(c *Conflict) *string { return &c.Theirs }))}
}

// treeFields: each step of a tree is a value of its own, so that two
// sides changing different steps merge, and a step both changed
// differently is one conflict (see keepTreesWhole for a merge of steps
// that would break the tree).
func treeFields(ts ...*AttackTree) []mergeField[AttackTree] {
	fs := []mergeField[AttackTree]{
		text("name", func(t *AttackTree) *string { return &t.Name }),
		text("target", func(t *AttackTree) *string { return &t.Target }),
		text("goal", func(t *AttackTree) *string { return &t.Root }),
	}
	var ids []string
	for _, t := range ts {
		if t != nil {
			ids = append(ids, sortedKeys(t.Nodes)...)
		}
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		fs = append(fs, stepField(id))
	}
	return fs
}

// stepPrefix starts the field of one step of a tree: "steps/n12".
const stepPrefix = "steps/"

// stepField is one step of a tree, as JSON; "" when the tree lacks it.
func stepField(id string) mergeField[AttackTree] {
	return mergeField[AttackTree]{name: stepPrefix + id,
		get: func(t *AttackTree) string { return nodesText(one(t.Nodes[id])) },
		set: func(t *AttackTree, v string) error {
			n, err := parseNodes(v)
			if err != nil {
				return err
			}
			if t.Nodes == nil {
				t.Nodes = map[string]*TreeNode{}
			}
			delete(t.Nodes, id)
			if n[id] != nil {
				t.Nodes[id] = n[id]
			}
			return nil
		}}
}

// stepsField is all the steps of a tree, for the conflict a broken merge
// of steps leaves.
var stepsField = mergeField[AttackTree]{name: "steps", get: func(t *AttackTree) string { return nodesText(t.Nodes) },
	set: func(t *AttackTree, v string) (err error) { t.Nodes, err = parseNodes(v); return }}

// nodesText is a tree's nodes as JSON, one per line in ID order: the same
// nodes always give the same text.
func nodesText(nodes map[string]*TreeNode) string {
	var lines []string
	for _, id := range sortedKeys(nodes) {
		b, _ := json.Marshal(nodes[id]) // plain fields: cannot fail
		lines = append(lines, string(b))
	}
	return strings.Join(lines, "\n")
}

func parseNodes(s string) (map[string]*TreeNode, error) {
	out := map[string]*TreeNode{}
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var n TreeNode
		if err := json.Unmarshal([]byte(line), &n); err != nil {
			return nil, fmt.Errorf("attack tree steps: %w", err)
		}
		out[n.ID] = &n
	}
	return out, nil
}

func one(n *TreeNode) map[string]*TreeNode {
	if n == nil {
		return nil
	}
	return map[string]*TreeNode{n.ID: n}
}

func infoFields(...*Info) []mergeField[Info] {
	return []mergeField[Info]{
		text("name", func(i *Info) *string { return &i.Name }),
		prose("description", func(i *Info) *string { return &i.Description }),
		text("version", func(i *Info) *string { return &i.Version }),
		{name: "authors", get: func(i *Info) string { return strings.Join(i.Authors, "\n") },
			set: func(i *Info, v string) error {
				i.Authors = strings.FieldsFunc(v, func(r rune) bool { return r == '\n' })
				return nil
			}, merge: lines3},
		text("owner", func(i *Info) *string { return &i.Owner }),
		text("reviewer", func(i *Info) *string { return &i.Reviewer }),
		prose("scope", func(i *Info) *string { return &i.Scope }),
		prose("assumptions", func(i *Info) *string { return &i.Assumptions }),
	}
}

// lines3 merges lists of lines (authors) as sets, keeping ours' order and
// adding theirs' new lines after.
func lines3(base, ours, theirs string) (string, bool) {
	split := func(s string) []string { return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' }) }
	b, o, t := split(base), split(ours), split(theirs)
	var out []string
	for _, x := range append(slices.Clone(o), t...) {
		keep := (slices.Contains(o, x) && slices.Contains(t, x)) || !slices.Contains(b, x)
		if keep && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return strings.Join(out, "\n"), true
}

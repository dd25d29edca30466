package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

func elements(m *Model) map[string]*Element         { return m.Elements }
func diagrams(m *Model) map[string]*Diagram         { return m.Diagrams }
func assets(m *Model) map[string]*DataAsset         { return m.Assets }
func threats(m *Model) map[string]*Threat           { return m.Threats }
func suppressions(m *Model) map[string]*Suppression { return m.Suppressions }
func ruleSets(m *Model) map[string]*RuleSet         { return m.RuleSets }

func elementChange(id string, before, after *Element, label string) Edit {
	return &change[Element]{elements, (*Element).Clone, id, before, after, label}
}

// AddElement adds a new element, inside the canvas (see ClampRect). A text
// beyond its bound is refused.
func AddElement(e *Element) Edit {
	after := e.Clone()
	clampGeometry(after)
	if err := checkElement(after); err != nil {
		return failed{err}
	}
	return elementChange(e.ID, nil, after, "added "+e.Kind.Label()+" "+e.Label())
}

// UpdateElement replaces an element by a changed copy of it, kept inside
// the canvas: a move or a resize stops at its edge. A text beyond its
// bound is refused.
func UpdateElement(m *Model, after *Element, label string) Edit {
	a := after.Clone()
	clampGeometry(a)
	if err := checkElement(a); err != nil {
		return failed{err}
	}
	return elementChange(after.ID, cloneOrNil(m.Elements[after.ID]), a, label)
}

// checkElement refuses an element whose texts are beyond their bounds.
func checkElement(e *Element) error {
	long := tooLong(e.Name, MaxNameLen) || tooLong(e.Description, MaxTextLen) || tooLong(e.OutOfScopeReason, MaxTextLen)
	for k, v := range e.Props {
		long = long || tooLong(k, MaxKeyLen) || tooLong(v, MaxValueLen)
	}
	if !long {
		return nil // the usual case, without words for a message
	}
	of := " of " + e.Label()
	if _, long := Cut(e.Name, MaxNameLen); long {
		of = " of " + e.Kind.Label() + " " + short(e.Name)
	}
	errs := []error{CheckText("the name"+of, e.Name, MaxNameLen),
		CheckText("the description"+of, e.Description, MaxTextLen),
		CheckText("the out-of-scope reason"+of, e.OutOfScopeReason, MaxTextLen)}
	for k, v := range e.Props {
		errs = append(errs, CheckText("a property key"+of, k, MaxKeyLen), CheckText("property "+short(k)+of, v, MaxValueLen))
	}
	return errors.Join(errs...)
}

// Rename gives an element a new name. Typing a name merges into one step.
func Rename(m *Model, id, name string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("rename", id)
	}
	after := e.Clone()
	after.Name = name
	return Mergeable(UpdateElement(m, after, fmt.Sprintf("renamed %s to %s", e.Label(), after.Label())), "rename:"+id)
}

// Describe sets an element's description. Typing merges into one step.
func Describe(m *Model, id, text string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("describe", id)
	}
	after := e.Clone()
	after.Description = text
	return Mergeable(UpdateElement(m, after, "described "+e.Label()), "describe:"+id)
}

// SetProp sets (or, with "", clears) a property of an element.
func SetProp(m *Model, id, key, value string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("set "+key, id)
	}
	after := e.Clone()
	if after.Props == nil {
		after.Props = map[string]string{}
	}
	if value == "" {
		delete(after.Props, key)
	} else {
		after.Props[key] = value
	}
	if len(after.Props) == 0 {
		after.Props = nil
	}
	label := fmt.Sprintf("set %s %s = %s", e.Label(), key, value)
	if value == "" {
		label = fmt.Sprintf("cleared %s %s", e.Label(), key)
	}
	return Mergeable(UpdateElement(m, after, label), "prop:"+id+":"+key)
}

// SetScope marks an element in or out of scope, with the reason.
func SetScope(m *Model, id string, out bool, reason string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("set scope", id)
	}
	after := e.Clone()
	after.OutOfScope, after.OutOfScopeReason = out, reason
	label := "put " + e.Label() + " in scope"
	if out {
		label = "put " + e.Label() + " out of scope"
	}
	return Mergeable(UpdateElement(m, after, label), "scope:"+id)
}

// SetAssets sets the data assets an element carries or holds.
func SetAssets(m *Model, id string, assetIDs []string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("set data", id)
	}
	after := e.Clone()
	after.Assets = sortedUnique(assetIDs)
	return UpdateElement(m, after, "set the data of "+e.Label())
}

// MoveElements moves nodes, boundaries and flow bend points by (dx, dy) as
// one step.
//
// The move stops where the first of them would leave the canvas, so the
// group keeps its shape.
func MoveElements(m *Model, ids []string, dx, dy float64) Edit {
	dx, dy = keepInside(m, ids, dx, dy)
	var names []string
	b := &Batch{}
	for _, id := range sortedUnique(ids) {
		e := m.Elements[id]
		if e == nil {
			continue
		}
		after := e.Clone()
		after.X += dx
		after.Y += dy
		for i := range after.Points {
			after.Points[i].X += dx
			after.Points[i].Y += dy
		}
		b.Edits = append(b.Edits, UpdateElement(m, after, ""))
		names = append(names, e.Label())
	}
	b.Label = "moved " + joinNames(names)
	return b
}

// SetBounds places and sizes an element (resizing a boundary, say), within
// the canvas (see ClampRect).
func SetBounds(m *Model, id string, r Rect) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("resize", id)
	}
	after := e.Clone()
	r = ClampRect(r)
	after.X, after.Y, after.W, after.H = r.X, r.Y, r.W, r.H
	return UpdateElement(m, after, "resized "+e.Label())
}

// SetPoints sets a flow's bend points or a line boundary's polyline.
func SetPoints(m *Model, id string, pts []Point) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("bend", id)
	}
	after := e.Clone()
	after.Points = slices.Clone(pts)
	return UpdateElement(m, after, "reshaped "+e.Label())
}

// Connect sets the ends of a flow.
func Connect(m *Model, id, source, target string) Edit {
	e := m.Elements[id]
	if e == nil {
		return missing("connect", id)
	}
	after := e.Clone()
	after.Source, after.Target = source, target
	return UpdateElement(m, after, fmt.Sprintf("connected %s from %s to %s", e.Label(),
		labelOf(m, source), labelOf(m, target)))
}

// DeleteElements removes elements as one step, with what cannot stand
// without them: the flows attached to them, the child diagrams of
// processes (with everything in those), the interface flows that stand for
// deleted flows in child diagrams, and the threats and suppressions of all
// of these.
func DeleteElements(m *Model, ids []string) Edit {
	gone := map[string]bool{}
	interfaces := m.InterfaceSets()
	var goneDiagrams []string
	var visit func(id string)
	visit = func(id string) {
		e := m.Elements[id]
		if e == nil || gone[id] {
			return
		}
		gone[id] = true
		for _, stub := range interfaces[id] { // one in each child a flow between refined processes has
			visit(stub.ID)
		}
		if child := m.ChildOf(id); child != nil {
			goneDiagrams = append(goneDiagrams, child.ID)
			for _, c := range m.Elements {
				if c.Diagram == child.ID {
					visit(c.ID)
				}
			}
		}
	}
	for _, id := range ids {
		visit(id)
	}
	// Flows attached to anything deleted go too, and flows attached to
	// those (a damaged or imported model may end a flow on a flow).
	for more := true; more; {
		more = false
		for _, e := range m.Elements {
			if !gone[e.ID] && (gone[e.Source] || gone[e.Target]) {
				visit(e.ID)
				more = true
			}
		}
	}
	b := &Batch{}
	var names []string
	for _, id := range sortedKeys(gone) {
		e := m.Elements[id]
		if slices.Contains(ids, id) {
			names = append(names, e.Label())
		}
		b.Edits = append(b.Edits, elementChange(id, e.Clone(), nil, ""))
	}
	for _, id := range goneDiagrams {
		b.Edits = append(b.Edits, &change[Diagram]{diagrams, (*Diagram).Clone, id, m.Diagrams[id].Clone(), nil, ""})
	}
	for _, t := range m.ThreatList() {
		if gone[t.ElementID] {
			b.Edits = append(b.Edits, threatChange(t.ID, t.Clone(), nil, ""))
		}
	}
	goneThreats := map[string]bool{}
	for _, t := range m.Threats {
		if gone[t.ElementID] {
			goneThreats[t.ID] = true
		}
	}
	for _, k := range sortedKeys(m.Suppressions) {
		if s := m.Suppressions[k]; s.ElementID != "" && gone[s.ElementID] {
			b.Edits = append(b.Edits, suppressionChange(k, s.Clone(), nil, ""))
		}
	}
	b.Edits = append(b.Edits, unlinkTrees(m, func(id string) bool { return gone[id] || goneThreats[id] })...)
	b.Label = "deleted " + joinNames(names)
	return b
}

// AddDiagram adds a diagram.
func AddDiagram(d *Diagram) Edit {
	return &change[Diagram]{diagrams, (*Diagram).Clone, d.ID, nil, d.Clone(), "added diagram " + d.Name}
}

// RenameDiagram gives a diagram a new name.
func RenameDiagram(m *Model, id, name string) Edit {
	d := m.Diagrams[id]
	if d == nil {
		return missing("rename diagram", id)
	}
	if err := CheckText("the name of diagram "+short(d.Name), name, MaxNameLen); err != nil {
		return failed{err}
	}
	after := d.Clone()
	after.Name = name
	return Mergeable(&change[Diagram]{diagrams, (*Diagram).Clone, id, d.Clone(), after,
		fmt.Sprintf("renamed diagram %s to %s", d.Name, name)}, "rename-diagram:"+id)
}

// Refine creates the child diagram of a process, with an interface flow for
// every flow that enters or leaves the process in its parent. Each stub
// keeps the outside end and starts unconnected inside; it is drawn from its
// first (or to its last) point at the edge of the child diagram.
func Refine(m *Model, processID, diagramID string, newID func() string) Edit {
	p := m.Elements[processID]
	if p == nil || p.Kind != Process {
		return missing("refine", processID)
	}
	b := &Batch{Label: "opened a child diagram of " + p.Label()}
	b.Edits = append(b.Edits, AddDiagram(&Diagram{ID: diagramID, Name: p.Label(), Refines: processID}))
	var in, out []*Element
	for _, f := range m.Elements {
		if f.Kind != DataFlow || f.Diagram != p.Diagram || f.Source == f.Target {
			continue
		}
		if f.Target == processID {
			in = append(in, f)
		} else if f.Source == processID {
			out = append(out, f)
		}
	}
	SortElements(in)
	SortElements(out)
	for i, f := range in {
		b.Edits = append(b.Edits, AddElement(interfaceStub(f, diagramID, true, i, newID())))
	}
	for i, f := range out {
		b.Edits = append(b.Edits, AddElement(interfaceStub(f, diagramID, false, i, newID())))
	}
	return b
}

// SetInfo replaces the model's description. A text beyond its bound is
// refused.
func SetInfo(m *Model, after Info) Edit {
	errs := []error{CheckText("the model's name", after.Name, MaxNameLen),
		CheckText("the model's description", after.Description, MaxTextLen),
		CheckText("the model's version", after.Version, MaxNameLen),
		CheckText("the model's scope", after.Scope, MaxTextLen),
		CheckText("the model's assumptions", after.Assumptions, MaxTextLen),
		CheckText("the model's owner", after.Owner, MaxNameLen),
		CheckText("the model's reviewer", after.Reviewer, MaxNameLen)}
	for _, a := range after.Authors {
		errs = append(errs, CheckText("an author's name", a, MaxNameLen))
	}
	if err := errors.Join(errs...); err != nil {
		return failed{err}
	}
	return &setInfo{m.Info.Clone(), after.Clone()}
}

type setInfo struct{ before, after Info }

func (s *setInfo) Apply(m *Model) error { m.Info = s.after.Clone(); return nil }
func (s *setInfo) Revert(m *Model)      { m.Info = s.before.Clone() }
func (s *setInfo) String() string       { return "changed the model's properties" }

// AddAsset adds a data asset.
func AddAsset(a *DataAsset) Edit {
	if err := checkAsset(a); err != nil {
		return failed{err}
	}
	return &change[DataAsset]{assets, (*DataAsset).Clone, a.ID, nil, a.Clone(), "added data asset " + a.Name}
}

// UpdateAsset replaces a data asset by a changed copy.
func UpdateAsset(m *Model, after *DataAsset) Edit {
	if err := checkAsset(after); err != nil {
		return failed{err}
	}
	var before *DataAsset
	if a := m.Assets[after.ID]; a != nil {
		before = a.Clone()
	}
	return Mergeable(&change[DataAsset]{assets, (*DataAsset).Clone, after.ID, before, after.Clone(),
		"changed data asset " + after.Name}, "asset:"+after.ID)
}

func checkAsset(a *DataAsset) error {
	return errors.Join(CheckText("the name of a data asset", a.Name, MaxNameLen),
		CheckText("the description of data asset "+short(a.Name), a.Description, MaxTextLen))
}

// DeleteAsset removes a data asset and its links to elements.
func DeleteAsset(m *Model, id string) Edit {
	a := m.Assets[id]
	if a == nil {
		return missing("delete data asset", id)
	}
	b := &Batch{Label: "deleted data asset " + a.Name}
	for _, e := range m.ElementList() {
		if slices.Contains(e.Assets, id) {
			after := e.Clone()
			after.Assets = slices.DeleteFunc(after.Assets, func(x string) bool { return x == id })
			if len(after.Assets) == 0 {
				after.Assets = nil
			}
			b.Edits = append(b.Edits, UpdateElement(m, after, ""))
		}
	}
	b.Edits = append(b.Edits, &change[DataAsset]{assets, (*DataAsset).Clone, id, a.Clone(), nil, ""})
	b.Edits = append(b.Edits, unlinkTrees(m, func(x string) bool { return x == id })...)
	return b
}

// failed is an edit that cannot apply, for constructors given a missing ID.
type failed struct{ err error }

func (f failed) Apply(*Model) error { return f.err }
func (f failed) Revert(*Model)      {}
func (f failed) String() string     { return f.err.Error() }

func missing(what, id string) Edit {
	return failed{fmt.Errorf("%s: %w: %s does not exist", what, ErrConflict, id)}
}

func cloneOrNil(e *Element) *Element {
	if e == nil {
		return nil
	}
	return e.Clone()
}

func cloneProps(p map[string]string) map[string]string {
	if len(p) == 0 {
		return nil
	}
	out := make(map[string]string, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

func labelOf(m *Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return e.Label()
	}
	return "nothing"
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return "nothing"
	case 1, 2, 3:
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:2], ", "), len(names)-2)
}

func sortedUnique(ids []string) []string {
	out := slices.Clone(ids)
	sort.Strings(out)
	out = slices.Compact(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// PutRuleSet adds a rule set to the model or replaces the one of that name.
func PutRuleSet(m *Model, r *RuleSet) Edit {
	var before *RuleSet
	if cur := m.RuleSets[r.Name]; cur != nil {
		before = cur.Clone()
	}
	return &change[RuleSet]{ruleSets, (*RuleSet).Clone, r.Name, before, r.Clone(), "added rule set " + r.Name}
}

// DeleteRuleSet removes a rule set from the model.
func DeleteRuleSet(m *Model, name string) Edit {
	r := m.RuleSets[name]
	if r == nil {
		return missing("remove rule set", name)
	}
	return &change[RuleSet]{ruleSets, (*RuleSet).Clone, name, r.Clone(), nil, "removed rule set " + name}
}

// keepInside shortens a move of elements so that none leaves the canvas.
func keepInside(m *Model, ids []string, dx, dy float64) (float64, float64) {
	first := true
	var minX, minY, maxX, maxY float64
	grow := func(x1, y1, x2, y2 float64) {
		if first {
			minX, minY, maxX, maxY, first = x1, y1, x2, y2, false
			return
		}
		minX, minY, maxX, maxY = min(minX, x1), min(minY, y1), max(maxX, x2), max(maxY, y2)
	}
	for _, id := range ids {
		e := m.Elements[id]
		if e == nil {
			continue
		}
		if e.Kind != DataFlow && !e.IsLine() {
			grow(e.X, e.Y, e.X+e.W, e.Y+e.H)
		}
		for _, p := range e.Points {
			grow(p.X, p.Y, p.X, p.Y)
		}
	}
	if first {
		return ClampCoord(dx), ClampCoord(dy)
	}
	clamp := func(d, lo, hi float64) float64 {
		if math.IsNaN(d) {
			return 0
		}
		return max(min(d, MaxCoord-hi), -MaxCoord-lo)
	}
	return clamp(dx, minX, maxX), clamp(dy, minY, maxY)
}

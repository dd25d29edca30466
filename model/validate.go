package model

import (
	"fmt"
	"sort"
	"strings"
)

// FindingSeverity says how bad a validation finding is.
type FindingSeverity int

// Finding severities.
const (
	Warning FindingSeverity = iota
	Error
)

var findingNames = enumNames{"warning", "error"}

func (s FindingSeverity) String() string { return findingNames.name(int(s)) }

// MarshalText writes the severity's name.
func (s FindingSeverity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *FindingSeverity) UnmarshalText(b []byte) error {
	v, err := findingNames.parse("finding severity", string(b))
	*s = FindingSeverity(v)
	return err
}

// Finding is one problem validation found.
type Finding struct {
	ElementID string // "" when it is about a diagram or the model
	DiagramID string
	Severity  FindingSeverity
	Message   string
}

// String is the finding as a line of text: its message quotes names, so
// characters that would steer a terminal are written out (see Printable).
func (f Finding) String() string { return f.Severity.String() + ": " + Printable(f.Message) }

// Validate checks the model against the rules of data-flow diagrams and
// returns its findings, errors first, then by diagram and message.
func Validate(m *Model) []Finding {
	v := &validator{m: m, ix: NewIndex(m)}
	v.diagrams()
	names := map[string]map[string][]*Element{} // diagram → name → elements
	for _, e := range m.ElementList() {
		v.element(e)
		if e.Name != "" && e.Kind != DataFlow {
			if names[e.Diagram] == nil {
				names[e.Diagram] = map[string][]*Element{}
			}
			names[e.Diagram][e.Name] = append(names[e.Diagram][e.Name], e)
		}
	}
	for _, byName := range names {
		for name, es := range byName {
			if len(es) < 2 {
				continue
			}
			for _, e := range es[1:] {
				v.add(e, Warning, fmt.Sprintf("%d elements in diagram %s are named %q", len(es), v.diagramName(e.Diagram), name))
			}
		}
	}
	v.overlaps()
	v.conflicts()
	sort.SliceStable(v.out, func(i, j int) bool {
		a, b := v.out[i], v.out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.DiagramID != b.DiagramID {
			return a.DiagramID < b.DiagramID
		}
		return a.Message < b.Message
	})
	return v.out
}

// UnresolvedConflict starts the message of a finding about a merge
// conflict, which is about the model's versions, not its diagrams.
const UnresolvedConflict = "merge conflict not resolved"

// conflicts reports each merge conflict not yet resolved, on the element
// it is about (a threat's on its element), so the canvas marks it.
func (v *validator) conflicts() {
	for _, c := range v.m.ConflictList() {
		f := Finding{Severity: Error, Message: UnresolvedConflict + " (choose ours or theirs in Rampart): " + c.String()}
		switch c.What {
		case "element":
			f.ElementID = c.Subject
		case "threat":
			if t := v.m.Threats[c.Subject]; t != nil {
				f.ElementID = t.ElementID
			}
		case "diagram":
			f.DiagramID = c.Subject
		}
		if e := v.m.Elements[f.ElementID]; e != nil {
			f.DiagramID = e.Diagram
		}
		v.out = append(v.out, f)
	}
}

type validator struct {
	m     *Model
	ix    *Index
	out   []Finding
	flows map[string][]*Element // diagram ID → its flows, made on first use
}

// flowsIn returns the flows of a diagram, in no order.
func (v *validator) flowsIn(diagramID string) []*Element {
	if v.flows == nil {
		v.flows = map[string][]*Element{}
		for _, e := range v.m.Elements {
			if e.Kind == DataFlow {
				v.flows[e.Diagram] = append(v.flows[e.Diagram], e)
			}
		}
	}
	return v.flows[diagramID]
}

func (v *validator) add(e *Element, sev FindingSeverity, msg string) {
	v.out = append(v.out, Finding{ElementID: e.ID, DiagramID: e.Diagram, Severity: sev, Message: msg})
}

func (v *validator) diagramName(id string) string {
	if d := v.m.Diagrams[id]; d != nil && d.Name != "" {
		return d.Name
	}
	return id
}

func (v *validator) diagrams() {
	roots := 0
	for _, d := range v.m.DiagramList() {
		if d.Refines == "" {
			roots++
			continue
		}
		p := v.m.Elements[d.Refines]
		switch {
		case p == nil:
			v.out = append(v.out, Finding{DiagramID: d.ID, Severity: Error,
				Message: fmt.Sprintf("diagram %s refines an element that does not exist", d.Name)})
			continue
		case p.Kind != Process:
			v.out = append(v.out, Finding{ElementID: p.ID, DiagramID: d.ID, Severity: Error,
				Message: fmt.Sprintf("diagram %s refines %s, which is not a process", d.Name, p.Label())})
			continue
		}
		v.balance(d, p)
	}
	if roots == 0 && len(v.m.Diagrams) > 0 {
		v.out = append(v.out, Finding{Severity: Error, Message: "the model has no top-level diagram: every diagram refines a process"})
	}
}

// balance checks that a child diagram's interface flows match the flows of
// the process it refines: the same number in each direction to each outside
// element.
func (v *validator) balance(d *Diagram, p *Element) {
	type end struct {
		outside string
		in      bool
	}
	want, have := map[end]int{}, map[end]int{}
	for _, f := range v.ix.FlowsOf(p.ID) {
		if f.Diagram != p.Diagram || f.Source == f.Target {
			continue
		}
		if f.Target == p.ID {
			want[end{f.Source, true}]++
		} else {
			want[end{f.Target, false}]++
		}
	}
	for _, f := range v.flowsIn(d.ID) {
		if s := v.m.Elements[f.Source]; s != nil && s.Diagram != d.ID {
			have[end{f.Source, true}]++
		}
		if t := v.m.Elements[f.Target]; t != nil && t.Diagram != d.ID {
			have[end{f.Target, false}]++
		}
	}
	var problems []string
	for k, n := range want {
		if have[k] != n {
			problems = append(problems, interfaceProblem(v.m, k.outside, k.in, n, have[k]))
		}
	}
	for k, n := range have {
		if _, ok := want[k]; !ok {
			problems = append(problems, interfaceProblem(v.m, k.outside, k.in, 0, n))
		}
	}
	sort.Strings(problems)
	for _, msg := range problems {
		v.out = append(v.out, Finding{ElementID: p.ID, DiagramID: d.ID, Severity: Error,
			Message: fmt.Sprintf("diagram %s does not balance with %s: %s", d.Name, p.Label(), msg)})
	}
}

func interfaceProblem(m *Model, outside string, in bool, want, have int) string {
	dir := "to"
	if in {
		dir = "from"
	}
	return fmt.Sprintf("%d flow(s) %s %s in the parent, %d in the child", want, dir, labelOf(m, outside), have)
}

func (v *validator) element(e *Element) {
	if d := v.m.Diagrams[e.Diagram]; d == nil {
		v.add(e, Error, fmt.Sprintf("%s is in a diagram that does not exist", e.Label()))
	}
	if strings.TrimSpace(e.Name) == "" {
		if e.Kind == DataFlow {
			// A report's reader cannot tell which flow a threat is on.
			v.add(e, Warning, fmt.Sprintf("a flow from %s to %s has no name", labelOf(v.m, e.Source), labelOf(v.m, e.Target)))
		} else {
			v.add(e, Warning, fmt.Sprintf("a %s has no name", e.Kind.Label()))
		}
	}
	if e.OutOfScope && strings.TrimSpace(e.OutOfScopeReason) == "" {
		v.add(e, Warning, fmt.Sprintf("%s is out of scope without a reason", e.Label()))
	}
	for k, val := range e.Props {
		if def := PropFor(e.Kind, k); def != nil {
			if err := def.Check(val); err != nil {
				v.add(e, Warning, fmt.Sprintf("%s: %v", e.Label(), err))
			}
		}
	}
	for _, id := range e.Assets {
		if v.m.Assets[id] == nil {
			v.add(e, Warning, fmt.Sprintf("%s refers to a data asset that does not exist (%s)", e.Label(), id))
		}
	}
	if e.Kind == DataFlow {
		v.flow(e)
	}
}

func (v *validator) flow(f *Element) {
	name := "flow " + f.Label()
	if f.Name == "" {
		name = "a flow"
	}
	src, dst := v.m.Elements[f.Source], v.m.Elements[f.Target]
	if src == nil || dst == nil {
		which := "source"
		if src != nil {
			which = "target"
		} else if dst == nil {
			which = "source and target"
		}
		if v.isInterface(f) {
			v.add(f, Warning, fmt.Sprintf("interface %s is not connected inside diagram %s", name, v.diagramName(f.Diagram)))
		} else {
			v.add(f, Error, fmt.Sprintf("%s has no %s", name, which))
		}
		return
	}
	if !src.Kind.IsNode() || !dst.Kind.IsNode() {
		v.add(f, Error, fmt.Sprintf("%s must connect processes, external entities or data stores", name))
		return
	}
	if f.Source == f.Target {
		v.add(f, Warning, fmt.Sprintf("%s starts and ends at %s", name, src.Label()))
	}
	if src.Kind != Process && dst.Kind != Process {
		v.add(f, Error, fmt.Sprintf("%s goes from %s %s to %s %s without a process between them",
			name, src.Kind.Label(), src.Label(), dst.Kind.Label(), dst.Label()))
	}
	for _, end := range []*Element{src, dst} {
		if end.Diagram != f.Diagram && !v.inAncestorOf(end, f.Diagram) {
			v.add(f, Error, fmt.Sprintf("%s reaches %s in another diagram", name, end.Label()))
		}
	}
	if src.Diagram != f.Diagram && dst.Diagram != f.Diagram {
		v.add(f, Error, fmt.Sprintf("%s has neither end in its own diagram", name))
	}
}

// isInterface reports whether a flow has an end in the parent diagram.
func (v *validator) isInterface(f *Element) bool {
	for _, id := range []string{f.Source, f.Target} {
		if e := v.m.Elements[id]; e != nil && v.inAncestorOf(e, f.Diagram) {
			return true
		}
	}
	return false
}

// inAncestorOf reports whether e lies in a diagram above this one: the
// one holding the process it refines, or one above that, from which an
// interface flow passes down through each level.
func (v *validator) inAncestorOf(e *Element, diagramID string) bool {
	for seen := 0; seen <= len(v.m.Diagrams); seen++ {
		d := v.m.Diagrams[diagramID]
		if d == nil {
			return false
		}
		p := v.m.Elements[d.Refines]
		if p == nil {
			return false
		}
		if p.Diagram == e.Diagram {
			return true
		}
		diagramID = p.Diagram
	}
	return false
}

// maxOverlapFindings is how many overlapping boundaries are named for one
// boundary; the rest are counted in one more finding, so a diagram of
// thousands of overlapping boxes gives findings in proportion to them.
const maxOverlapFindings = 3

// overlaps reports region boundaries that overlap without one holding the
// other: trust zones must nest. Each pair is named on the later of the two
// (in SortElements order), with the earlier ones first.
func (v *validator) overlaps() {
	for _, d := range sortedKeys(v.ix.regions) {
		rs := v.ix.regions[d]
		SortElements(rs)
		// Sweep from left to right: only boundaries that start before one
		// ends can overlap it.
		byX := make([]int, len(rs))
		for i := range byX {
			byX[i] = i
		}
		sort.SliceStable(byX, func(i, j int) bool { return rs[byX[i]].X < rs[byX[j]].X })
		named := make([][]int, len(rs)) // per boundary: the earlier ones it overlaps, at most maxOverlapFindings, smallest first
		more := make([]int, len(rs))
		for k, i := range byX {
			ri := rs[i].Bounds()
			for _, j := range byX[k+1:] {
				rj := rs[j].Bounds()
				if rj.X >= ri.X+ri.W {
					break
				}
				if !ri.Overlaps(rj) || ri.Encloses(rj) || rj.Encloses(ri) {
					continue
				}
				a, b := min(i, j), max(i, j)
				named[b] = append(named[b], a)
				if len(named[b]) > maxOverlapFindings {
					sort.Ints(named[b])
					named[b] = named[b][:maxOverlapFindings]
					more[b]++
				}
			}
		}
		type pair struct{ a, b int }
		var pairs []pair
		for b, as := range named {
			for _, a := range as {
				pairs = append(pairs, pair{a, b})
			}
		}
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i].a != pairs[j].a {
				return pairs[i].a < pairs[j].a
			}
			return pairs[i].b < pairs[j].b
		})
		for _, p := range pairs {
			a, b := rs[p.a], rs[p.b]
			v.add(b, Warning, fmt.Sprintf("trust boundaries %s and %s overlap without one holding the other", a.Label(), b.Label()))
		}
		for b, n := range more {
			if n > 0 {
				v.add(rs[b], Warning, fmt.Sprintf("trust boundary %s overlaps %d more boundaries without one holding the other", rs[b].Label(), n))
			}
		}
	}
}

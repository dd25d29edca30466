package model

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// A child diagram repeats each flow of the process it refines as an
// interface flow: the same outside end and direction, its inside end on an
// element of the child (or still loose, as Refine draws it). The pairing
// is what keeps the levels in step: deleting a flow deletes the interface
// flows that stand for it, and the analysis reads a parent flow through
// its interface flow once that is joined inside.

// interfaceEnd is the outside end of a flow of a refined process and
// whether the flow comes in from it.
type interfaceEnd struct {
	outside string
	in      bool
}

// Interfaces pairs every flow of a refined process, in the process's own
// diagram, with the interface flow of its child diagram that stands for
// it: flows of the same name first, the rest in ID order. A flow with no
// interface flow left over is not in the map.
func (m *Model) Interfaces() map[string]*Element {
	out := map[string]*Element{}
	for parent, stubs := range m.InterfaceSets() {
		out[parent] = stubs[0]
	}
	return out
}

// InterfaceSets lists, for every flow of a refined process, the interface
// flows that stand for it, one per child diagram in the order of the
// diagrams' IDs: a flow between two refined processes has one in each.
func (m *Model) InterfaceSets() map[string][]*Element {
	sets := map[string][]*Element{}
	byDiagram := map[string][]*Element{}
	for _, e := range m.Elements {
		if e.Kind == DataFlow {
			byDiagram[e.Diagram] = append(byDiagram[e.Diagram], e)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(m.Diagrams)) {
		d := m.Diagrams[id]
		p := m.Elements[d.Refines]
		if p == nil || p.Kind != Process || p.Diagram == d.ID {
			continue
		}
		parent := groupByEnd(byDiagram[p.Diagram], func(f *Element) (interfaceEnd, bool) {
			switch {
			case f.Source == f.Target:
			case f.Target == p.ID:
				return interfaceEnd{f.Source, true}, true
			case f.Source == p.ID:
				return interfaceEnd{f.Target, false}, true
			}
			return interfaceEnd{}, false
		})
		outside := func(id string) bool { e := m.Elements[id]; return e != nil && e.Diagram != d.ID }
		insideOrLoose := func(id string) bool { e := m.Elements[id]; return e == nil || e.Diagram == d.ID }
		child := groupByEnd(byDiagram[d.ID], func(f *Element) (interfaceEnd, bool) {
			switch {
			case outside(f.Source) && insideOrLoose(f.Target):
				return interfaceEnd{f.Source, true}, true
			case outside(f.Target) && insideOrLoose(f.Source):
				return interfaceEnd{f.Target, false}, true
			}
			return interfaceEnd{}, false
		})
		out := map[string]*Element{}
		for end, flows := range parent {
			pairInterfaces(flows, child[end], out)
		}
		for parent, stub := range out {
			sets[parent] = append(sets[parent], stub)
		}
	}
	return sets
}

// groupByEnd groups flows by their outside end, each group in ID order.
func groupByEnd(flows []*Element, endOf func(*Element) (interfaceEnd, bool)) map[interfaceEnd][]*Element {
	out := map[interfaceEnd][]*Element{}
	for _, f := range flows {
		if end, ok := endOf(f); ok {
			out[end] = append(out[end], f)
		}
	}
	for _, fs := range out {
		sort.Slice(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
	}
	return out
}

// pairInterfaces pairs parent flows with interface flows of the same
// outside end, those of the same name first.
func pairInterfaces(parent, child []*Element, out map[string]*Element) {
	used := make([]bool, len(child))
	for _, sameName := range []bool{true, false} {
		for _, f := range parent {
			if out[f.ID] != nil {
				continue
			}
			for j, c := range child {
				if !used[j] && (!sameName || c.Name == f.Name) {
					used[j], out[f.ID] = true, c
					break
				}
			}
		}
	}
}

// Joined reports whether an interface flow has both ends on elements.
func (m *Model) Joined(f *Element) bool {
	return m.Elements[f.Source] != nil && m.Elements[f.Target] != nil
}

// AddFlow adds a flow, and for each end that is a process with a child
// diagram, its interface flow in that diagram, loose inside, so the
// levels balance from the start.
func AddFlow(m *Model, f *Element, newID func() string) Edit {
	b := &Batch{Label: "added " + f.Label(), Edits: []Edit{AddElement(f)}}
	for _, end := range []string{f.Target, f.Source} {
		p := m.Elements[end]
		child := m.ChildOf(end)
		if p == nil || child == nil || p.Diagram != f.Diagram || f.Source == f.Target {
			continue
		}
		in := end == f.Target
		n := 0 // interface flows already drawn in this direction
		for _, e := range m.Elements {
			if e.Kind != DataFlow || e.Diagram != child.ID {
				continue
			}
			o := e.Target
			if in {
				o = e.Source
			}
			if x := m.Elements[o]; x != nil && x.Diagram != child.ID {
				n++
			}
		}
		b.Edits = append(b.Edits, AddElement(interfaceStub(f, child.ID, in, n, newID())))
	}
	if len(b.Edits) > 1 {
		b.Label = fmt.Sprintf("added %s, with its interface flow in the child diagram", f.Label())
	}
	return b
}

// interfaceStub is the interface flow for a flow of a refined process, the
// i-th in its direction: it keeps the outside end and is drawn from the
// left edge of the child diagram (inbound) or to its right edge.
func interfaceStub(f *Element, child string, in bool, i int, id string) *Element {
	const gap, left, right = 120.0, 40.0, 760.0
	y := 80 + float64(i)*gap
	stub := &Element{ID: id, Kind: DataFlow, Diagram: child, Name: f.Name,
		Props: cloneProps(f.Props), Assets: slices.Clone(f.Assets)}
	if in {
		stub.Source, stub.Points = f.Source, []Point{{left, y}, {left + 200, y}}
	} else {
		stub.Target, stub.Points = f.Target, []Point{{right - 200, y}, {right, y}}
	}
	return stub
}

package stride

import (
	"github.com/rampart-tm/rampart/model"
)

// levels says, for a model drawn over several levels, which level analyses
// what. A child diagram stands for a parent flow once the interface flow
// paired with it (see model.Interfaces) is joined inside; a parent flow it
// does not stand for is analysed where it is drawn. The child takes over
// the process it refines once it holds an element in scope and stands for
// one of the process's flows (or the process has none). Until then the
// process is analysed in its own diagram, so opening a process into a
// child diagram, or drawing a flow to a process that has one, never makes
// a threat disappear.
//
// A flow between two refined processes has an interface flow in each child
// diagram, two halves of one link: the link's threats are raised once, on
// the half where the data arrives (halves names the other half, with the
// one that carries them), read with the element that really sends on the
// link as its source rather than the process standing for it.
type levels struct {
	stands  map[string]bool           // parent flows stood for by joined interface flows
	refined map[string]bool           // processes analysed through their child diagram
	halves  map[string]*model.Element // interface flows whose link another half carries
	senders map[string]string         // a carrying half → the element sending on its link
}

func levelsOf(m *model.Model) levels {
	lv := levels{stands: map[string]bool{}, refined: map[string]bool{}, halves: map[string]*model.Element{},
		senders: map[string]string{}}
	if len(m.Diagrams) < 2 {
		return lv
	}
	for parentID, stubs := range m.InterfaceSets() {
		parent := m.Elements[parentID]
		var joined []*model.Element
		for _, stub := range stubs {
			if m.Joined(stub) {
				joined = append(joined, stub)
			}
		}
		if len(joined) == 0 {
			continue
		}
		lv.stands[parentID] = true
		carrier := joined[0]
		for _, stub := range joined {
			if stub.Source == parent.Source { // inside the target's child
				carrier = stub
			}
		}
		for _, stub := range joined {
			if stub != carrier {
				lv.halves[stub.ID] = carrier
				if carrier.Source == parent.Source && stub.Source != parent.Source {
					lv.senders[carrier.ID] = stub.Source // inside the source's child
				}
			}
		}
	}
	inner, flows, joined := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, e := range m.Elements {
		switch {
		case e.Kind == model.DataFlow:
			for _, end := range []string{e.Source, e.Target} {
				if e.Source != e.Target {
					flows[end] = true
					joined[end] = joined[end] || lv.stands[e.ID]
				}
			}
		case e.Kind != model.TrustBoundary && !e.OutOfScope:
			inner[e.Diagram] = true
		}
	}
	for _, d := range m.Diagrams {
		if p := m.Elements[d.Refines]; p != nil && p.Kind == model.Process && p.Diagram != d.ID {
			lv.refined[p.ID] = inner[d.ID] && (joined[p.ID] || !flows[p.ID])
		}
	}
	return lv
}

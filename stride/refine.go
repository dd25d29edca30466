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
type levels struct {
	stands  map[string]bool // parent flows stood for by joined interface flows
	refined map[string]bool // processes analysed through their child diagram
}

func levelsOf(m *model.Model) levels {
	lv := levels{stands: map[string]bool{}, refined: map[string]bool{}}
	if len(m.Diagrams) < 2 {
		return lv
	}
	for parent, stub := range m.Interfaces() {
		if m.Joined(stub) {
			lv.stands[parent] = true
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

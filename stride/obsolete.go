package stride

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// ObsoleteReasons says, for each obsolete threat of the model, why it no
// longer applies, in words an analyst can check: its element was deleted
// or put out of scope, a child diagram now analyses it, its rule left the
// library, or what the model states no longer raises it. A threat never
// retires without a reason the editor and the report can show.
func ObsoleteReasons(m *model.Model, lib *Library) map[string]string {
	out := map[string]string{}
	var r *retirement
	for _, t := range m.Threats {
		if !t.Obsolete {
			continue
		}
		if r == nil {
			r = newRetirement(m)
		}
		out[t.ID] = r.reason(m, lib, t)
	}
	return out
}

// ObsoleteReason is ObsoleteReasons for one threat; "" when it is live.
func ObsoleteReason(m *model.Model, lib *Library, t *model.Threat) string {
	if !t.Obsolete {
		return ""
	}
	return newRetirement(m).reason(m, lib, t)
}

// retirement is what the reasons are read from, worked out once.
type retirement struct {
	lv     levels
	ifaces map[string]*model.Element // parent flow ID → its interface flow
}

func newRetirement(m *model.Model) *retirement {
	return &retirement{lv: levelsOf(m), ifaces: m.Interfaces()}
}

func (r *retirement) reason(m *model.Model, lib *Library, t *model.Threat) string {
	lv := r.lv
	e := m.Elements[t.ElementID]
	switch {
	case strings.HasPrefix(t.Justification, "Now part of "):
		code, _, _ := strings.Cut(strings.TrimPrefix(t.Justification, "Now part of "), ".")
		return "it is now part of " + code + ", which says the same of this element"
	case e == nil:
		return "its element was deleted"
	case e.OutOfScope:
		return "its element is out of scope"
	case lv.refined[e.ID]:
		if d := m.ChildOf(e.ID); d != nil {
			return fmt.Sprintf("the child diagram %q now analyses this process, through the elements inside it", d.Name)
		}
	case lv.stands[e.ID]:
		if stub := r.ifaces[e.ID]; stub != nil {
			return fmt.Sprintf("its interface flow in %q, joined inside, now stands for it", diagramName(m, stub.Diagram))
		}
	case lv.halves[e.ID] != nil:
		return fmt.Sprintf("its link's threats are raised once, on its other half in %q", diagramName(m, lv.halves[e.ID].Diagram))
	}
	if e.Kind == model.DataFlow && (m.Elements[e.Source] == nil || m.Elements[e.Target] == nil) {
		return "the flow has lost one of its ends"
	}
	if lib != nil && t.RuleID != "" && lib.Rule(t.RuleID) == nil && lib.Concern(t.RuleID) == nil {
		return "its rule " + t.RuleID + " is no longer in the rule library"
	}
	return "what the model now states no longer raises it"
}

func diagramName(m *model.Model, id string) string {
	if d := m.Diagrams[id]; d != nil {
		return d.Name
	}
	return id
}

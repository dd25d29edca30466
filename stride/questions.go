package stride

import (
	"slices"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// Question is something the team can answer about an element to decide
// assumed threats: a property nobody stated that those threats rest on.
// Setting the property answers it; the threats that depended on it then
// disappear or are confirmed.
type Question struct {
	ElementID string
	Property  *model.PropDef
	Text      string   // "Does Orders API authenticate its callers?"
	Threats   []string // codes of the open threats that rest on it
}

// Questions lists the open questions of a model, grouped by element in
// diagram order, each element's in the order of its properties.
func Questions(m *model.Model) []Question {
	byKey := map[string]*Question{}
	for _, t := range m.ThreatList() {
		if !m.IsOpen(t) || t.Confidence != model.Assumed {
			continue
		}
		for _, a := range t.Assumes {
			id, key, ok := strings.Cut(a, ":")
			e := m.Elements[id]
			if !ok || e == nil || e.Prop(key) != "" {
				continue // answered since the threat was raised
			}
			q := byKey[a]
			if q == nil {
				d := model.PropFor(e.Kind, key)
				if d == nil || d.Question == "" {
					continue
				}
				q = &Question{ElementID: id, Property: d, Text: strings.ReplaceAll(d.Question, "{name}", m.NameOf(e))}
				byKey[a] = q
			}
			if code := t.Code(); !slices.Contains(q.Threats, code) {
				q.Threats = append(q.Threats, code)
			}
		}
	}
	order := map[string]int{}
	for i, d := range m.DiagramList() {
		for j, e := range m.ElementsIn(d.ID) {
			order[e.ID] = i*1_000_000 + j
		}
	}
	out := make([]Question, 0, len(byKey))
	for _, q := range byKey {
		out = append(out, *q)
	}
	slices.SortFunc(out, func(a, b Question) int {
		if a.ElementID != b.ElementID {
			if d := order[a.ElementID] - order[b.ElementID]; d != 0 {
				return d
			}
			return strings.Compare(a.ElementID, b.ElementID)
		}
		return propIndex(a.Property) - propIndex(b.Property)
	})
	return out
}

func propIndex(d *model.PropDef) int {
	for i := range model.Schema {
		if &model.Schema[i] == d {
			return i
		}
	}
	return len(model.Schema)
}

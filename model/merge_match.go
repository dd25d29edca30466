package model

import (
	"slices"
	"strings"
)

// matchAdded finds what both sides added independently, under different
// IDs: a diagram refining the same process, an element of the same kind
// and name in the same diagram (a flow also between the same ends), a
// data asset of the same name, a threat written by hand with the same
// title and category on the same element. It returns theirs with those things under
// ours' IDs, so the merge sees one thing; theirs itself is not changed.
func matchAdded(base, ours, theirs *Model) *Model {
	ids := map[string]string{}
	mapped := func(id string) string {
		if to, ok := ids[id]; ok {
			return to
		}
		return id
	}
	taken := map[string]bool{}
	added := func(id string, inBase, inOther bool) bool { return !inBase && !inOther && !taken[id] }
	for pass, more := 0, true; more && pass < 8; pass++ {
		more = false
		for _, tid := range sortedKeys(theirs.Diagrams) {
			td := theirs.Diagrams[tid]
			if _, done := ids[tid]; done || !added(tid, base.Diagrams[tid] != nil, ours.Diagrams[tid] != nil) {
				continue
			}
			for _, oid := range sortedKeys(ours.Diagrams) {
				od := ours.Diagrams[oid]
				same := (td.Refines != "" && mapped(td.Refines) == od.Refines) || (td.Refines == "" && od.Refines == "" && td.Name == od.Name)
				if same && added(oid, base.Diagrams[oid] != nil, theirs.Diagrams[oid] != nil) {
					ids[tid], taken[oid], more = oid, true, true
					break
				}
			}
		}
		for _, tid := range sortedKeys(theirs.Elements) {
			te := theirs.Elements[tid]
			if _, done := ids[tid]; done || te.Name == "" && te.Kind != DataFlow ||
				!added(tid, base.Elements[tid] != nil, ours.Elements[tid] != nil) {
				continue
			}
			for _, oid := range sortedKeys(ours.Elements) {
				oe := ours.Elements[oid]
				same := oe.Kind == te.Kind && oe.Name == te.Name && oe.Diagram == mapped(te.Diagram)
				if te.Kind == DataFlow {
					same = same && te.Source != "" && te.Target != "" && oe.Source == mapped(te.Source) && oe.Target == mapped(te.Target)
				}
				if same && added(oid, base.Elements[oid] != nil, theirs.Elements[oid] != nil) {
					ids[tid], taken[oid], more = oid, true, true
					break
				}
			}
		}
	}
	for _, tid := range sortedKeys(theirs.Assets) {
		if !added(tid, base.Assets[tid] != nil, ours.Assets[tid] != nil) {
			continue
		}
		for _, oid := range sortedKeys(ours.Assets) {
			if ours.Assets[oid].Name == theirs.Assets[tid].Name && added(oid, base.Assets[oid] != nil, theirs.Assets[oid] != nil) {
				ids[tid], taken[oid] = oid, true
				break
			}
		}
	}
	// A threat both sides wrote by hand: the same title and category on
	// the same element.
	for _, tid := range sortedKeys(theirs.Threats) {
		th := theirs.Threats[tid]
		if !th.Manual || !added(tid, base.Threats[tid] != nil, ours.Threats[tid] != nil) {
			continue
		}
		for _, oid := range sortedKeys(ours.Threats) {
			o := ours.Threats[oid]
			if o.Manual && o.ElementID == mapped(th.ElementID) && o.Title == th.Title && o.Category == th.Category &&
				added(oid, base.Threats[oid] != nil, theirs.Threats[oid] != nil) {
				ids[tid], taken[oid] = oid, true
				break
			}
		}
	}
	if len(ids) == 0 {
		return theirs
	}
	return renamed(theirs, ids)
}

// renamed is a copy of m with things under new IDs, and every reference
// to them (flow ends, refined processes, held data, threats and their
// IDs, suppressions, attack trees) following.
func renamed(m *Model, ids map[string]string) *Model {
	to := func(id string) string {
		if n, ok := ids[id]; ok {
			return n
		}
		return id
	}
	c := m.Clone()
	c.Diagrams, c.Elements, c.Assets = map[string]*Diagram{}, map[string]*Element{}, map[string]*DataAsset{}
	c.Threats, c.Suppressions = map[string]*Threat{}, map[string]*Suppression{}
	for _, d := range m.Diagrams {
		d = d.Clone()
		d.ID, d.Refines = to(d.ID), to(d.Refines)
		c.Diagrams[d.ID] = d
	}
	for _, e := range m.Elements {
		e = e.Clone()
		e.ID, e.Diagram, e.Source, e.Target = to(e.ID), to(e.Diagram), to(e.Source), to(e.Target)
		for i, a := range e.Assets {
			e.Assets[i] = to(a)
		}
		e.Assets = sortedUnique(e.Assets)
		c.Elements[e.ID] = e
	}
	for _, a := range m.Assets {
		a = a.Clone()
		a.ID = to(a.ID)
		c.Assets[a.ID] = a
	}
	threatIDs := map[string]string{}
	for _, t := range m.Threats {
		t = t.Clone()
		old := t.ID
		if n, ok := ids[t.ID]; ok {
			t.ID = n
		} else if t.ID == t.RuleID+"@"+t.ElementID {
			t.ID = t.RuleID + "@" + to(t.ElementID)
		}
		t.ElementID = to(t.ElementID)
		for i, a := range t.Assumes {
			if el, prop, ok := strings.Cut(a, ":"); ok {
				t.Assumes[i] = to(el) + ":" + prop
			}
		}
		threatIDs[old] = t.ID
		c.Threats[t.ID] = t
	}
	for _, s := range m.Suppressions {
		s = s.Clone()
		s.ElementID = to(s.ElementID)
		c.Suppressions[s.Key()] = s
	}
	for _, t := range c.Trees {
		t.Target = to(t.Target)
		for _, n := range t.Nodes {
			n.ElementID = to(n.ElementID)
			if id, ok := threatIDs[n.ThreatID]; ok {
				n.ThreatID = id
			}
		}
	}
	return c
}

// restoreReferenced brings back what one side deleted while the other
// still refers to it (a flow added to a deleted process, a threat triaged
// on a deleted element): the merged model keeps it, with a conflict that
// asks whether it goes.
func (mg *merger) restoreReferenced(base, ours, theirs *Model) {
	m := mg.out
	pick := func(get func(*Model) bool) *Model {
		for _, s := range []*Model{theirs, ours, base} {
			if get(s) {
				return s
			}
		}
		return nil
	}
	whole := map[string]bool{}
	for _, c := range mg.found {
		if c.Field == "" {
			whole[c.What+":"+c.Subject] = true
		}
	}
	note := func(what, id, name, usedBy string, inOurs bool) {
		if whole[what+":"+id] {
			return
		}
		whole[what+":"+id] = true
		c := &Conflict{What: what, Subject: id, Name: name, Ours: Deleted, Theirs: "(used by " + usedBy + ")"}
		if inOurs {
			c.Ours, c.Theirs = c.Theirs, Deleted
		}
		mg.conflict(c)
	}
	element := func(id, usedBy string) bool {
		if id == "" || m.Elements[id] != nil {
			return false
		}
		s := pick(func(s *Model) bool { return s.Elements[id] != nil })
		if s == nil {
			return false
		}
		e := s.Elements[id].Clone()
		m.Elements[id] = e
		note("element", id, e.Label(), usedBy, ours.Elements[id] != nil)
		return true
	}
	for more := true; more; {
		more = false
		for _, id := range sortedKeys(m.Elements) {
			e := m.Elements[id]
			more = element(e.Source, m.NameOf(e)) || more
			more = element(e.Target, m.NameOf(e)) || more
			if m.Diagrams[e.Diagram] == nil {
				if s := pick(func(s *Model) bool { return s.Diagrams[e.Diagram] != nil }); s != nil {
					d := s.Diagrams[e.Diagram].Clone()
					m.Diagrams[d.ID] = d
					note("diagram", d.ID, d.Name, e.Label(), ours.Diagrams[d.ID] != nil)
					more = true
				}
			}
			for _, a := range e.Assets {
				if m.Assets[a] == nil {
					if s := pick(func(s *Model) bool { return s.Assets[a] != nil }); s != nil {
						m.Assets[a] = s.Assets[a].Clone()
						note("data asset", a, m.Assets[a].Name, e.Label(), ours.Assets[a] != nil)
					}
				}
			}
		}
		for _, id := range sortedKeys(m.Diagrams) {
			more = element(m.Diagrams[id].Refines, "diagram "+m.Diagrams[id].Name) || more
		}
		for _, id := range sortedKeys(m.Threats) {
			t := m.Threats[id]
			more = element(t.ElementID, "threat "+t.Code()) || more
		}
		for _, k := range sortedKeys(m.Suppressions) {
			more = element(m.Suppressions[k].ElementID, "the suppression of "+m.Suppressions[k].RuleID) || more
		}
		for _, id := range sortedKeys(m.Trees) {
			t := m.Trees[id]
			if m.Assets[t.Target] == nil && m.Elements[t.Target] == nil {
				if s := pick(func(s *Model) bool { return s.Assets[t.Target] != nil }); s != nil {
					m.Assets[t.Target] = s.Assets[t.Target].Clone()
					note("data asset", t.Target, m.Assets[t.Target].Name, "attack tree "+t.Name, ours.Assets[t.Target] != nil)
				} else {
					more = element(t.Target, "attack tree "+t.Name) || more
				}
			}
			for _, n := range t.Nodes {
				more = element(n.ElementID, "attack tree "+t.Name) || more
				if n.ThreatID != "" && m.Threats[n.ThreatID] == nil {
					if s := pick(func(s *Model) bool { return s.Threats[n.ThreatID] != nil }); s != nil {
						th := s.Threats[n.ThreatID].Clone()
						m.Threats[th.ID] = th
						note("threat", th.ID, th.Code()+" "+th.Title, "attack tree "+t.Name, ours.Threats[th.ID] != nil)
						more = true
					}
				}
			}
		}
	}
}

// keepBelongings keeps, with an element the merge keeps although one side
// deleted it, what that side deleted with it and the other side still
// has: its flows, the child diagram that refines it with everything in
// it, and their threats and suppressions. Choosing the side that kept it
// then gives that side's model back whole; choosing the side that deleted
// it deletes them all again. It reports whether it restored anything.
func (mg *merger) keepBelongings(ours, theirs *Model) bool {
	m := mg.out
	restored := false
	for _, c := range slices.Clone(mg.found) {
		if c.What != "element" || c.Field != "" || m.Elements[c.Subject] == nil {
			continue
		}
		keeper := theirs
		if c.Theirs == Deleted {
			keeper = ours
		}
		held := map[string]bool{c.Subject: true}
		for grew := true; grew; {
			grew = false
			for _, d := range keeper.Diagrams {
				if held[d.Refines] && !held[d.ID] {
					held[d.ID], grew = true, true
					if m.Diagrams[d.ID] == nil {
						m.Diagrams[d.ID], restored = d.Clone(), true
					}
				}
			}
			for _, e := range keeper.Elements {
				if !held[e.ID] && (held[e.Source] || held[e.Target] || held[e.Diagram]) {
					held[e.ID], grew = true, true
					if m.Elements[e.ID] == nil {
						m.Elements[e.ID], restored = e.Clone(), true
					}
				}
			}
		}
		for _, t := range keeper.Threats {
			if held[t.ElementID] && m.Threats[t.ID] == nil {
				m.Threats[t.ID], restored = t.Clone(), true
			}
		}
		for k, sup := range keeper.Suppressions {
			if held[sup.ElementID] && m.Suppressions[k] == nil {
				m.Suppressions[k], restored = sup.Clone(), true
			}
		}
	}
	return restored
}

package modelgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/rampart-tm/rampart/model"
)

// odd are names that have broken other tools: empty, Unicode, quotes,
// newlines, SQL and markup.
var odd = []string{"", "Orders API", "Zahlungsdienst für Kunden", "注文サービス", "a → b", "O'Brien's \"db\"",
	"line one\nline two", "'; DROP TABLE elements; --", "<b>bold</b>", "tab\there", "  padded  "}

// Text returns a random short string, often an odd one.
func Text(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return odd[r.IntN(len(odd))]
	}
	return fmt.Sprintf("name %d", r.IntN(1000))
}

// Random builds a small model that uses every field with random values: for
// round-trip and undo property tests. Random models need not be valid DFDs.
func Random(r *rand.Rand) *model.Model {
	m := model.New(Text(r))
	m.Description = Text(r)
	m.Version = fmt.Sprintf("%d.%d", r.IntN(5), r.IntN(10))
	for range r.IntN(3) {
		m.Authors = append(m.Authors, Text(r))
	}
	m.Scope, m.Assumptions = Text(r), Text(r)
	if r.IntN(2) == 0 {
		m.Owner, m.Reviewer = Text(r), Text(r)
		m.Source = model.Source{Tool: "Threat Dragon", File: Text(r) + ".json", SHA256: "ab12",
			Imported: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), Notes: []string{Text(r), Text(r)}}
	}
	m.Created = time.Unix(r.Int64N(2e9), 0).UTC()
	m.Modified = m.Created.Add(time.Duration(r.IntN(1e6)) * time.Second)

	for range r.IntN(4) {
		a := RandomAsset(r)
		m.Assets[a.ID] = a
	}
	for range 1 + r.IntN(12) {
		e := RandomElement(r, m)
		m.Elements[e.ID] = e
	}
	// A child diagram or two under random processes.
	for _, e := range m.ElementList() {
		if e.Kind == model.Process && r.IntN(3) == 0 && m.ChildOf(e.ID) == nil {
			id := id(r)
			m.Diagrams[id] = &model.Diagram{ID: id, Name: Text(r), Refines: e.ID}
		}
	}
	if r.IntN(3) == 0 {
		rs := &model.RuleSet{Name: "kb " + Text(r), Format: model.RuleSetYAML, Data: "rules: []\n# " + Text(r)}
		m.RuleSets[rs.Name] = rs
	}
	num := 1
	for _, e := range m.ElementList() {
		for range r.IntN(3) {
			t := RandomThreat(r, e.ID, num)
			m.Threats[t.ID] = t
			num++
		}
		if r.IntN(5) == 0 {
			s := &model.Suppression{RuleID: "rule-" + fmt.Sprint(r.IntN(9)), ElementID: e.ID, Justification: Text(r)}
			m.Suppressions[s.Key()] = s
		}
	}
	if r.IntN(2) == 0 {
		if t := RandomTree(r, m); t != nil {
			m.Trees[t.ID] = t
		}
	}
	return m
}

// RandomTree returns an attack tree on one of m's elements, linking some
// of its threats, or nil when m has no elements.
func RandomTree(r *rand.Rand, m *model.Model) *model.AttackTree {
	els := m.ElementList()
	if len(els) == 0 {
		return nil
	}
	t := &model.AttackTree{ID: id(r), Name: Text(r), Target: els[r.IntN(len(els))].ID, Root: "n0",
		Nodes: map[string]*model.TreeNode{"n0": {ID: "n0", Label: Text(r), Gate: model.Or}}}
	threats := m.ThreatList()
	for i := 1; i <= 1+r.IntN(6); i++ {
		parent := fmt.Sprintf("n%d", r.IntN(i))
		if p := t.Nodes[parent]; p.Gate == model.Leaf {
			p.Gate = model.And
		}
		n := &model.TreeNode{ID: fmt.Sprintf("n%d", i), Parent: parent, Position: i, Label: Text(r),
			Cost: float64(r.IntN(100)) / 4, Probability: float64(r.IntN(101)) / 100, Skill: model.Levels[r.IntN(4)],
			Defense: Text(r), Defended: r.IntN(4) == 0}
		if len(threats) > 0 && r.IntN(2) == 0 {
			n.ThreatID = threats[r.IntN(len(threats))].ID
		}
		t.Nodes[n.ID] = n
	}
	return t
}

// RandomAsset returns a data asset with random fields.
func RandomAsset(r *rand.Rand) *model.DataAsset {
	return &model.DataAsset{ID: id(r), Name: Text(r), Description: Text(r),
		Classification:  model.Classifications[r.IntN(4)],
		Confidentiality: model.Levels[r.IntN(4)], Integrity: model.Levels[r.IntN(4)], Availability: model.Levels[r.IntN(4)]}
}

// RandomElement returns an element with random fields in one of m's
// diagrams, its ends (for a flow) and assets chosen among m's.
func RandomElement(r *rand.Rand, m *model.Model) *model.Element {
	diagrams := m.DiagramList()
	e := &model.Element{ID: id(r), Kind: model.Kinds[r.IntN(len(model.Kinds))],
		Diagram: diagrams[r.IntN(len(diagrams))].ID, Name: Text(r), Description: Text(r),
		X: float64(r.IntN(2000)) - 100, Y: float64(r.IntN(2000)) + 0.5, W: float64(r.IntN(300)), H: float64(r.IntN(200))}
	if r.IntN(2) == 0 {
		e.Props = props(r, e.Kind)
		if r.IntN(4) == 0 {
			e.Props["custom:"+Text(r)] = Text(r)
		}
		if len(e.Props) == 0 {
			e.Props = nil
		}
	}
	ids := m.ElementList()
	if e.Kind == model.DataFlow && len(ids) > 0 {
		e.W, e.H = 0, 0
		e.Source = ids[r.IntN(len(ids))].ID
		if r.IntN(5) > 0 {
			e.Target = ids[r.IntN(len(ids))].ID
		}
	}
	if e.Kind == model.DataFlow || (e.Kind == model.TrustBoundary && r.IntN(3) == 0) {
		for range r.IntN(4) {
			e.Points = append(e.Points, model.Point{X: float64(r.IntN(900)), Y: float64(r.IntN(900)) / 4})
		}
	}
	for _, a := range m.AssetList() {
		if r.IntN(2) == 0 {
			e.Assets = append(e.Assets, a.ID)
		}
	}
	if len(e.Assets) > 1 {
		e.Assets = sortStrings(e.Assets)
	}
	if r.IntN(4) == 0 {
		e.OutOfScope, e.OutOfScopeReason = true, Text(r)
	}
	return e
}

// RandomThreat returns a threat on an element with random fields.
func RandomThreat(r *rand.Rand, elementID string, number int) *model.Threat {
	t := &model.Threat{Number: number, ElementID: elementID, Title: Text(r),
		Category: model.Categories[r.IntN(6)], Description: Text(r),
		Likelihood: model.Levels[r.IntN(4)], Impact: model.Levels[r.IntN(4)],
		Status: model.Statuses[r.IntN(5)], Justification: Text(r), Mitigation: Text(r),
		Obsolete: r.IntN(4) == 0, RiskSet: r.IntN(3) == 0}
	if r.IntN(3) == 0 {
		t.Origin = "Threat Dragon"
	}
	if r.IntN(2) == 0 {
		t.Confidence = model.Assumed
		t.Assumes = []string{elementID + ":authenticates_callers", elementID + ":rate_limited"}[:1+r.IntN(2)]
	}
	if r.IntN(3) == 0 {
		t.Dread = &model.Dread{Damage: r.IntN(11), Reproducibility: r.IntN(11), Exploitability: r.IntN(11),
			AffectedUsers: r.IntN(11), Discoverability: r.IntN(11)}
	}
	if r.IntN(3) == 0 {
		t.Manual = true
		t.ID = "manual-" + id(r)
	} else {
		t.RuleID = fmt.Sprintf("rule-%d", r.IntN(9))
		t.ID = t.RuleID + "@" + elementID
	}
	for range r.IntN(3) {
		t.Facts = append(t.Facts, Text(r))
	}
	for range r.IntN(3) {
		t.References = append(t.References, fmt.Sprintf("CWE-%d", r.IntN(1000)))
	}
	return t
}

func sortStrings(s []string) []string { slices.Sort(s); return s }

// id returns a random ID drawn from r, so a seed gives the same model.
func id(r *rand.Rand) string { return fmt.Sprintf("%012x", r.Uint64()&0xffffffffffff) }

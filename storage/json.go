package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/rampart-tm/rampart/model"
)

// JSONFormat names Rampart's JSON form in its "format" field.
const JSONFormat = "rampart"

// JSONVersion is the version of the JSON form this Rampart writes.
const JSONVersion = 1

// ErrNotRampartJSON is returned for JSON that is not a Rampart model.
var ErrNotRampartJSON = errors.New("not a Rampart JSON model")

// The JSON form: fields in a fixed order, lists sorted by ID, empty fields
// left out, so the same model always gives the same bytes and a model kept
// in git diffs cleanly.
type jsonModel struct {
	Format       string            `json:"format"`
	Version      int               `json:"format_version"`
	Name         string            `json:"name"`
	Description  string            `json:"description,omitempty"`
	ModelVersion string            `json:"version,omitempty"`
	Authors      []string          `json:"authors,omitempty"`
	Owner        string            `json:"owner,omitempty"`
	Reviewer     string            `json:"reviewer,omitempty"`
	Source       *jsonSource       `json:"source,omitempty"`
	Scope        string            `json:"scope,omitempty"`
	Assumptions  string            `json:"assumptions,omitempty"`
	Created      time.Time         `json:"created"`
	Modified     time.Time         `json:"modified"`
	Diagrams     []jsonDiagram     `json:"diagrams"`
	Elements     []jsonElement     `json:"elements"`
	Assets       []jsonAsset       `json:"data_assets,omitempty"`
	Threats      []jsonThreat      `json:"threats,omitempty"`
	Suppressions []jsonSuppression `json:"suppressions,omitempty"`
	RuleSets     []jsonRuleSet     `json:"rule_sets,omitempty"`
	Trees        []jsonTree        `json:"attack_trees,omitempty"`
	Conflicts    []jsonConflict    `json:"conflicts,omitempty"`
}

// jsonConflict is what a merge left for the analyst (see model.Conflict).
type jsonConflict struct {
	ID      string `json:"id"`
	What    string `json:"what"`
	Subject string `json:"subject"`
	Name    string `json:"name"`
	Field   string `json:"field,omitempty"`
	Base    string `json:"base"`
	Ours    string `json:"ours"`
	Theirs  string `json:"theirs"`
}

type jsonSource struct {
	Tool     string     `json:"tool,omitempty"`
	File     string     `json:"file,omitempty"`
	SHA256   string     `json:"sha256,omitempty"`
	Imported *time.Time `json:"imported,omitempty"`
	Notes    []string   `json:"notes,omitempty"`
}

type jsonTree struct {
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	Target string     `json:"target"`
	Root   string     `json:"root"`
	Nodes  []jsonNode `json:"nodes"`
}

type jsonNode struct {
	ID          string      `json:"id"`
	Parent      string      `json:"parent,omitempty"`
	Position    int         `json:"position"`
	Label       string      `json:"label"`
	Gate        model.Gate  `json:"gate"`
	ThreatID    string      `json:"threat_id,omitempty"`
	ElementID   string      `json:"element_id,omitempty"`
	Cost        float64     `json:"cost"`
	Probability float64     `json:"probability"`
	Skill       model.Level `json:"skill"`
	Defense     string      `json:"defense,omitempty"`
	Defended    bool        `json:"defended,omitempty"`
}

type jsonRuleSet struct {
	Name   string `json:"name"`
	Format string `json:"format"`
	Data   string `json:"data"`
}

type jsonDiagram struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Refines string `json:"refines,omitempty"`
}

type jsonElement struct {
	ID               string            `json:"id"`
	Kind             model.Kind        `json:"kind"`
	Diagram          string            `json:"diagram"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	X                float64           `json:"x"`
	Y                float64           `json:"y"`
	W                float64           `json:"w,omitempty"`
	H                float64           `json:"h,omitempty"`
	Source           string            `json:"source,omitempty"`
	Target           string            `json:"target,omitempty"`
	Points           []model.Point     `json:"points,omitempty"`
	Props            map[string]string `json:"properties,omitempty"`
	Assets           []string          `json:"data_assets,omitempty"`
	OutOfScope       bool              `json:"out_of_scope,omitempty"`
	OutOfScopeReason string            `json:"out_of_scope_reason,omitempty"`
}

type jsonAsset struct {
	ID              string               `json:"id"`
	Name            string               `json:"name"`
	Description     string               `json:"description,omitempty"`
	Classification  model.Classification `json:"classification"`
	Confidentiality model.Level          `json:"confidentiality"`
	Integrity       model.Level          `json:"integrity"`
	Availability    model.Level          `json:"availability"`
}

type jsonThreat struct {
	ID            string         `json:"id"`
	Number        int            `json:"number"`
	RuleID        string         `json:"rule_id,omitempty"`
	ElementID     string         `json:"element_id"`
	Title         string         `json:"title"`
	Category      model.Category `json:"category"`
	Description   string         `json:"description,omitempty"`
	Facts         []string       `json:"facts,omitempty"`
	References    []string       `json:"references,omitempty"`
	Likelihood    model.Level    `json:"likelihood"`
	Impact        model.Level    `json:"impact"`
	Severity      model.Severity `json:"severity"` // derived; written for readers, ignored when read
	Status        model.Status   `json:"status"`
	Justification string         `json:"justification,omitempty"`
	Mitigation    string         `json:"mitigation,omitempty"`
	Manual        bool           `json:"manual,omitempty"`
	Obsolete      bool           `json:"obsolete,omitempty"`
	RiskSet       bool           `json:"risk_set,omitempty"`
	Dread         *jsonDread     `json:"dread,omitempty"`
	// Assumed marks a threat that rests on properties nobody stated, and
	// Assumes lists them (see model.Threat).
	Assumed bool     `json:"assumed,omitempty"`
	Assumes []string `json:"assumes,omitempty"`
	Origin  string   `json:"origin,omitempty"`
}

type jsonDread struct {
	Damage          int `json:"damage"`
	Reproducibility int `json:"reproducibility"`
	Exploitability  int `json:"exploitability"`
	AffectedUsers   int `json:"affected_users"`
	Discoverability int `json:"discoverability"`
}

type jsonSuppression struct {
	RuleID        string `json:"rule_id"`
	ElementID     string `json:"element_id,omitempty"`
	Justification string `json:"justification"`
}

// MarshalJSON writes the canonical JSON form of a model.
func MarshalJSON(m *model.Model) ([]byte, error) {
	j := jsonModel{Format: JSONFormat, Version: JSONVersion, Name: m.Name, Description: m.Description,
		ModelVersion: m.Version, Authors: m.Authors, Owner: m.Owner, Reviewer: m.Reviewer, Scope: m.Scope,
		Assumptions: m.Assumptions, Created: m.Created.UTC(), Modified: m.Modified.UTC(),
		Diagrams: []jsonDiagram{}, Elements: []jsonElement{}}
	if src := m.Source; src.Tool != "" || src.File != "" || len(src.Notes) > 0 {
		j.Source = &jsonSource{Tool: src.Tool, File: src.File, SHA256: src.SHA256, Notes: src.Notes}
		if !src.Imported.IsZero() {
			at := src.Imported.UTC()
			j.Source.Imported = &at
		}
	}
	for _, id := range sortedKeys(m.Diagrams) {
		d := m.Diagrams[id]
		j.Diagrams = append(j.Diagrams, jsonDiagram{d.ID, d.Name, d.Refines})
	}
	for _, id := range sortedKeys(m.Elements) {
		e := m.Elements[id]
		j.Elements = append(j.Elements, jsonElement{e.ID, e.Kind, e.Diagram, e.Name, e.Description,
			e.X, e.Y, e.W, e.H, e.Source, e.Target, e.Points, e.Props, e.Assets, e.OutOfScope, e.OutOfScopeReason})
	}
	for _, id := range sortedKeys(m.Assets) {
		a := m.Assets[id]
		j.Assets = append(j.Assets, jsonAsset{a.ID, a.Name, a.Description, a.Classification,
			a.Confidentiality, a.Integrity, a.Availability})
	}
	for _, id := range sortedKeys(m.Threats) {
		t := m.Threats[id]
		j.Threats = append(j.Threats, jsonThreat{t.ID, t.Number, t.RuleID, t.ElementID, t.Title, t.Category,
			t.Description, t.Facts, t.References, t.Likelihood, t.Impact, t.Severity(), t.Status,
			t.Justification, t.Mitigation, t.Manual, t.Obsolete, t.RiskSet, (*jsonDread)(t.Dread),
			t.Confidence == model.Assumed, t.Assumes, t.Origin})
	}
	for _, k := range sortedKeys(m.Suppressions) {
		s := m.Suppressions[k]
		j.Suppressions = append(j.Suppressions, jsonSuppression{s.RuleID, s.ElementID, s.Justification})
	}
	for _, k := range sortedKeys(m.RuleSets) {
		r := m.RuleSets[k]
		j.RuleSets = append(j.RuleSets, jsonRuleSet{r.Name, r.Format, r.Data})
	}
	for _, k := range sortedKeys(m.Trees) {
		t := m.Trees[k]
		jt := jsonTree{ID: t.ID, Name: t.Name, Target: t.Target, Root: t.Root, Nodes: []jsonNode{}}
		for _, nid := range sortedKeys(t.Nodes) {
			n := t.Nodes[nid]
			jt.Nodes = append(jt.Nodes, jsonNode{n.ID, n.Parent, n.Position, n.Label, n.Gate, n.ThreatID, n.ElementID,
				n.Cost, n.Probability, n.Skill, n.Defense, n.Defended})
		}
		j.Trees = append(j.Trees, jt)
	}
	for _, k := range sortedKeys(m.Conflicts) {
		c := m.Conflicts[k]
		j.Conflicts = append(j.Conflicts, jsonConflict{c.ID, c.What, c.Subject, c.Name, c.Field, c.Base, c.Ours, c.Theirs})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Hash is the SHA-256 of the model's canonical JSON, in hex: it ties a
// report to the exact model it was made from.
func Hash(m *model.Model) (string, error) {
	b, err := MarshalJSON(m)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// maxJSONSize bounds what UnmarshalJSON reads: a model file is untrusted.
const maxJSONSize = 256 << 20

// IsRampartJSON reports whether data looks like Rampart's JSON form.
func IsRampartJSON(data []byte) bool {
	var head struct {
		Format string `json:"format"`
	}
	return json.Unmarshal(data, &head) == nil && head.Format == JSONFormat
}

// UnmarshalJSON reads Rampart's JSON form. A document from a newer
// Rampart, with unknown fields, bad values or broken references is refused
// with a message that says where. Geometry and texts beyond the model's
// bounds are cut (see model.Bound); Import says what was.
func UnmarshalJSON(data []byte) (*model.Model, error) {
	m, _, err := unmarshalJSON(data)
	return m, err
}

// unmarshalJSON is UnmarshalJSON with the notes of what was cut.
func unmarshalJSON(data []byte) (*model.Model, []string, error) {
	m, err := decodeJSON(data)
	if err != nil {
		return nil, nil, err
	}
	return m, model.Bound(m), nil
}

func decodeJSON(data []byte) (*model.Model, error) {
	if len(data) > maxJSONSize {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrNotRampartJSON, maxJSONSize>>20)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"format_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotRampartJSON, jsonError(data, err))
	}
	if head.Format != JSONFormat {
		return nil, fmt.Errorf("%w: its \"format\" is %q", ErrNotRampartJSON, head.Format)
	}
	if head.Version > JSONVersion {
		return nil, fmt.Errorf("%w: it needs JSON format %d, this Rampart reads up to %d", ErrNewerVersion, head.Version, JSONVersion)
	}
	var j jsonModel
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotRampartJSON, jsonError(data, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: text after the model", ErrNotRampartJSON)
	}
	m := model.Empty()
	m.Info = model.Info{Name: j.Name, Description: j.Description, Version: j.ModelVersion,
		Authors: j.Authors, Owner: j.Owner, Reviewer: j.Reviewer, Scope: j.Scope, Assumptions: j.Assumptions}
	if src := j.Source; src != nil {
		m.Source = model.Source{Tool: src.Tool, File: src.File, SHA256: src.SHA256, Notes: src.Notes}
		if src.Imported != nil {
			m.Source.Imported = src.Imported.UTC()
		}
	}
	m.Created, m.Modified = j.Created.UTC(), j.Modified.UTC()
	var dups []string
	put := func(kind, id string, exists bool) {
		if exists || id == "" {
			dups = append(dups, fmt.Sprintf("%s %q", kind, id))
		}
	}
	for _, d := range j.Diagrams {
		put("diagram", d.ID, m.Diagrams[d.ID] != nil)
		m.Diagrams[d.ID] = &model.Diagram{ID: d.ID, Name: d.Name, Refines: d.Refines}
	}
	for _, e := range j.Elements {
		put("element", e.ID, m.Elements[e.ID] != nil)
		assets := slices.Clone(e.Assets)
		slices.Sort(assets)
		m.Elements[e.ID] = &model.Element{ID: e.ID, Kind: e.Kind, Diagram: e.Diagram, Name: e.Name,
			Description: e.Description, X: e.X, Y: e.Y, W: e.W, H: e.H, Source: e.Source, Target: e.Target,
			Points: e.Points, Props: e.Props, Assets: slices.Compact(assets),
			OutOfScope: e.OutOfScope, OutOfScopeReason: e.OutOfScopeReason}
	}
	for _, a := range j.Assets {
		put("data asset", a.ID, m.Assets[a.ID] != nil)
		m.Assets[a.ID] = &model.DataAsset{ID: a.ID, Name: a.Name, Description: a.Description,
			Classification: a.Classification, Confidentiality: a.Confidentiality, Integrity: a.Integrity,
			Availability: a.Availability}
	}
	for _, t := range j.Threats {
		put("threat", t.ID, m.Threats[t.ID] != nil)
		m.Threats[t.ID] = &model.Threat{ID: t.ID, Number: t.Number, RuleID: t.RuleID, ElementID: t.ElementID,
			Title: t.Title, Category: t.Category, Description: t.Description, Facts: t.Facts,
			References: t.References, Likelihood: t.Likelihood, Impact: t.Impact, Status: t.Status,
			Justification: t.Justification, Mitigation: t.Mitigation, Manual: t.Manual, Obsolete: t.Obsolete,
			RiskSet: t.RiskSet, Dread: (*model.Dread)(t.Dread), Assumes: t.Assumes, Origin: t.Origin}
		if t.Assumed {
			m.Threats[t.ID].Confidence = model.Assumed
		}
	}
	for _, s := range j.Suppressions {
		sup := &model.Suppression{RuleID: s.RuleID, ElementID: s.ElementID, Justification: s.Justification}
		put("suppression", sup.Key(), m.Suppressions[sup.Key()] != nil)
		m.Suppressions[sup.Key()] = sup
	}
	for _, r := range j.RuleSets {
		put("rule set", r.Name, m.RuleSets[r.Name] != nil)
		m.RuleSets[r.Name] = &model.RuleSet{Name: r.Name, Format: r.Format, Data: r.Data}
	}
	for _, jt := range j.Trees {
		put("attack tree", jt.ID, m.Trees[jt.ID] != nil)
		t := &model.AttackTree{ID: jt.ID, Name: jt.Name, Target: jt.Target, Root: jt.Root, Nodes: map[string]*model.TreeNode{}}
		for _, n := range jt.Nodes {
			put("attack tree node", jt.ID+"/"+n.ID, t.Nodes[n.ID] != nil)
			t.Nodes[n.ID] = &model.TreeNode{ID: n.ID, Parent: n.Parent, Position: n.Position, Label: n.Label, Gate: n.Gate,
				ThreatID: n.ThreatID, ElementID: n.ElementID, Cost: n.Cost, Probability: n.Probability, Skill: n.Skill,
				Defense: n.Defense, Defended: n.Defended}
		}
		m.Trees[t.ID] = t
	}
	for _, c := range j.Conflicts {
		put("conflict", c.ID, m.Conflicts[c.ID] != nil)
		m.Conflicts[c.ID] = &model.Conflict{ID: c.ID, What: c.What, Subject: c.Subject, Name: c.Name, Field: c.Field,
			Base: c.Base, Ours: c.Ours, Theirs: c.Theirs}
	}
	if len(dups) > 0 {
		return nil, fmt.Errorf("%w: empty or repeated IDs: %v", ErrNotRampartJSON, dups)
	}
	normalize(m)
	if err := model.CheckReferences(m); err != nil {
		return nil, err
	}
	return m, nil
}

// normalize makes empty collections nil, the form edits and the file use,
// so a model read from JSON equals the same model read from a file.
func normalize(m *model.Model) {
	if len(m.Authors) == 0 {
		m.Authors = nil
	}
	for _, e := range m.Elements {
		if len(e.Points) == 0 {
			e.Points = nil
		}
		if len(e.Props) == 0 {
			e.Props = nil
		}
		if len(e.Assets) == 0 {
			e.Assets = nil
		}
	}
	for _, t := range m.Threats {
		if len(t.Facts) == 0 {
			t.Facts = nil
		}
		if len(t.References) == 0 {
			t.References = nil
		}
	}
}

// jsonError adds the line and column to a syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// Package model is Rampart's domain: a threat model made of multi-level
// data-flow diagrams, data assets and threats. It is plain Go with no I/O;
// every change goes through an Edit so that undo, saving and the change log
// see one stream of edits.
package model

import (
	"slices"
	"sort"
	"time"
)

// Info describes a model as a whole.
type Info struct {
	Name        string
	Description string
	Version     string
	Authors     []string // who contributed to the model
	Owner       string   // who answers for the model
	Reviewer    string   // who reviewed it
	Scope       string   // what the analysis covers, for the report
	Assumptions string   // what the analysis takes for granted, for the report
	Source      Source   // where an imported model came from
}

// Source says where a model imported from another tool came from: the
// tool, the file and its SHA-256, when it was imported, and what the
// importer left out or changed. Empty for a model made in Rampart.
type Source struct {
	Tool     string // "Threat Dragon", "Microsoft Threat Modeling Tool"
	File     string // the file's name
	SHA256   string // of the file's bytes
	Imported time.Time
	Notes    []string
}

// Model is a threat model: a tree of diagrams, their elements, the data
// assets they carry and the threats found on them. Collections are keyed by
// ID; ordered views come from the methods below.
type Model struct {
	Info
	Created  time.Time
	Modified time.Time

	Diagrams     map[string]*Diagram
	Elements     map[string]*Element
	Assets       map[string]*DataAsset
	Threats      map[string]*Threat
	Suppressions map[string]*Suppression
	RuleSets     map[string]*RuleSet
	Trees        map[string]*AttackTree
	// Conflicts are what a merge could not settle, until the analyst
	// chooses (see Merge).
	Conflicts map[string]*Conflict
}

// RuleSet is a rule library that travels with the model: the knowledge
// base embedded in a Microsoft TMT model, or the analyst's rules, so the
// model keeps producing the same threats wherever it is opened.
type RuleSet struct {
	Name   string // unique in the model
	Format string // RuleSetTMT or RuleSetYAML
	Data   string
}

// Rule set formats.
const (
	RuleSetTMT  = "tmt-kb" // a TMT knowledge base (the XML of a .tb7)
	RuleSetYAML = "yaml"   // Rampart's rules format
)

// New returns an empty model with a context diagram.
func New(name string) *Model {
	m := Empty()
	m.Name = name
	m.Diagrams[RootDiagramID] = &Diagram{ID: RootDiagramID, Name: "Context"}
	return m
}

// Empty returns a model with no diagrams at all, for loaders to fill.
func Empty() *Model {
	return &Model{
		Diagrams:     map[string]*Diagram{},
		Elements:     map[string]*Element{},
		Assets:       map[string]*DataAsset{},
		Threats:      map[string]*Threat{},
		Suppressions: map[string]*Suppression{},
		RuleSets:     map[string]*RuleSet{},
		Trees:        map[string]*AttackTree{},
		Conflicts:    map[string]*Conflict{},
	}
}

// RootDiagramID is the ID New gives the context diagram.
const RootDiagramID = "context"

// Diagram is one data-flow diagram. The context diagram refines nothing; any
// other diagram refines one process of its parent diagram.
type Diagram struct {
	ID      string
	Name    string
	Refines string // ID of the process this diagram decomposes; "" for the context diagram
}

// Point is a position in diagram units.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Element is a node (process, external entity, data store), a data flow or a
// trust boundary. Geometry lives on the element: nodes and region
// boundaries are rectangles; flows run from the centre of Source to the
// centre of Target through Points; a line boundary is the polyline Points.
type Element struct {
	ID          string
	Kind        Kind
	Diagram     string // ID of the diagram that shows the element
	Name        string
	Description string

	X, Y, W, H float64 // top-left corner and size; zero size for flows and line boundaries

	Source, Target string  // flows only: IDs of the two ends ("" while unconnected)
	Points         []Point // flow bend points, or a line boundary's polyline

	Props            map[string]string // typed by Schema; values are strings ("true", "https")
	Assets           []string          // data assets a flow carries or a node holds, sorted
	OutOfScope       bool
	OutOfScopeReason string
}

// Centre is the middle of a node's rectangle.
func (e *Element) Centre() Point { return Point{e.X + e.W/2, e.Y + e.H/2} }

// IsLine reports whether a trust boundary is drawn as a line rather than a region.
func (e *Element) IsLine() bool { return e.Kind == TrustBoundary && len(e.Points) >= 2 }

// Prop returns a property's value, or "" when unset.
func (e *Element) Prop(key string) string { return e.Props[key] }

// Bool reports whether a boolean property is set to true.
func (e *Element) Bool(key string) bool { return e.Props[key] == "true" }

// NameOf is an element's name as lists and reports print it: its label,
// or for an unnamed flow its ends ("Browser → Web app").
func (m *Model) NameOf(e *Element) string {
	if e.Name == "" && e.Kind == DataFlow {
		src, dst := m.Elements[e.Source], m.Elements[e.Target]
		if src != nil && dst != nil {
			return src.Label() + " → " + dst.Label()
		}
	}
	return e.Label()
}

// Label is the name, or the kind when the element has no name yet.
func (e *Element) Label() string {
	if e.Name != "" {
		return e.Name
	}
	return "unnamed " + e.Kind.Label()
}

// DataAsset is a piece of data worth protecting.
type DataAsset struct {
	ID              string
	Name            string
	Description     string
	Classification  Classification
	Confidentiality Level
	Integrity       Level
	Availability    Level
}

// Threat is a threat on an element: suggested by a rule (RuleID set), added by
// the analyst, or imported. A generated threat's ID is RuleID@ElementID so
// that triage survives re-analysis.
type Threat struct {
	ID          string
	Number      int // shown as T-0042; assigned once, never reused
	RuleID      string
	ElementID   string
	Title       string
	Category    Category
	Description string
	Facts       []string // why the rule fired, in words
	References  []string // CWE, CAPEC, ASVS ids
	Likelihood  Level
	Impact      Level

	Status        Status
	Justification string // why the status is what it is
	Mitigation    string // the analyst's notes on what mitigates it

	Manual   bool // added by the analyst (or imported), not by a rule
	Obsolete bool // its rule no longer fires; kept with its triage
	// Confidence is whether the threat rests on what the model states;
	// Assumes lists the unknown properties it rests on otherwise, as
	// "elementID:property", the questions that decide it.
	Confidence Confidence
	Assumes    []string
	// Origin is the tool that recorded the threat, for one imported from
	// another tool ("Threat Dragon"); empty for Rampart's own and the
	// analyst's.
	Origin  string
	RiskSet bool // the analyst set likelihood and impact; analysis keeps them
	Dread   *Dread
}

// Dread is an optional DREAD rating of a threat, each score 0 to 10.
type Dread struct {
	Damage, Reproducibility, Exploitability, AffectedUsers, Discoverability int
}

// Score is the mean of the five ratings.
func (d *Dread) Score() float64 {
	return float64(d.Damage+d.Reproducibility+d.Exploitability+d.AffectedUsers+d.Discoverability) / 5
}

// Severity is the threat's risk from its likelihood and impact.
func (t *Threat) Severity() Severity { return Risk(t.Likelihood, t.Impact) }

// Code is the threat's display number ("T-0042").
func (t *Threat) Code() string { return threatCode(t.Number) }

// Suppression silences one rule on one element (or the whole model when
// ElementID is ""), with the analyst's reason. Suppressed threats are still
// listed, as such.
type Suppression struct {
	RuleID        string
	ElementID     string
	Justification string
}

// SuppressionKey is the key of a suppression in Model.Suppressions.
func SuppressionKey(ruleID, elementID string) string { return ruleID + "@" + elementID }

// Key is the suppression's key in Model.Suppressions.
func (s *Suppression) Key() string { return SuppressionKey(s.RuleID, s.ElementID) }

// Suppressed finds the suppression covering a rule on an element, if any.
func (m *Model) Suppressed(ruleID, elementID string) *Suppression {
	if s := m.Suppressions[SuppressionKey(ruleID, elementID)]; s != nil {
		return s
	}
	return m.Suppressions[SuppressionKey(ruleID, "")]
}

// IsOpen reports whether a threat still asks for work: open, raised by
// the current analysis (not obsolete) and not suppressed.
func (m *Model) IsOpen(t *Threat) bool {
	return t.Status == Open && !t.Obsolete && m.Suppressed(t.RuleID, t.ElementID) == nil
}

// Root returns the context diagram (the first top-level diagram by ID), or
// nil in a model without diagrams.
func (m *Model) Root() *Diagram {
	var root *Diagram
	for _, d := range m.Diagrams {
		if d.Refines == "" && (root == nil || d.ID < root.ID) {
			root = d
		}
	}
	return root
}

// ChildOf returns the diagram refining a process, or nil.
func (m *Model) ChildOf(processID string) *Diagram {
	for _, d := range m.Diagrams {
		if d.Refines == processID {
			return d
		}
	}
	return nil
}

// Parent returns the diagram holding the process d refines, or nil for the
// context diagram.
func (m *Model) Parent(d *Diagram) *Diagram {
	if p := m.Elements[d.Refines]; p != nil {
		return m.Diagrams[p.Diagram]
	}
	return nil
}

// Level is a diagram's depth: 0 for the context diagram. A cycle of
// refinements (possible only in a damaged file) stops the count.
func (m *Model) Level(d *Diagram) int {
	level := 0
	seen := map[string]bool{}
	for p := m.Parent(d); p != nil && !seen[p.ID]; p = m.Parent(p) {
		seen[p.ID] = true
		level++
	}
	return level
}

// DiagramList returns the diagrams depth-first from each top-level diagram
// (the context diagram first; models imported from other tools may have
// several), children ordered by name, so a tree view and the report agree. Diagrams
// not reachable from the root (a damaged file) come last, by ID.
func (m *Model) DiagramList() []*Diagram {
	children := map[string][]*Diagram{}
	for _, d := range m.Diagrams {
		if d.Refines == "" {
			continue
		}
		if p := m.Elements[d.Refines]; p != nil {
			children[p.Diagram] = append(children[p.Diagram], d)
		}
	}
	for _, c := range children {
		sort.Slice(c, func(i, j int) bool { return lessByName(c[i].Name, c[i].ID, c[j].Name, c[j].ID) })
	}
	var out []*Diagram
	seen := map[string]bool{}
	var roots []*Diagram
	for _, id := range sortedKeys(m.Diagrams) {
		if m.Diagrams[id].Refines == "" {
			roots = append(roots, m.Diagrams[id])
		}
	}
	var walk func(d *Diagram)
	walk = func(d *Diagram) {
		if seen[d.ID] {
			return
		}
		seen[d.ID] = true
		out = append(out, d)
		for _, c := range children[d.ID] {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	rest := sortedKeys(m.Diagrams)
	for _, id := range rest {
		if !seen[id] {
			out = append(out, m.Diagrams[id])
		}
	}
	return out
}

// DiagramByName finds a diagram by its name (case-sensitive), or nil.
func (m *Model) DiagramByName(name string) *Diagram {
	for _, d := range m.DiagramList() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// ElementsIn returns the elements of one diagram, sorted by kind then name.
func (m *Model) ElementsIn(diagramID string) []*Element {
	var out []*Element
	for _, e := range m.Elements {
		if e.Diagram == diagramID {
			out = append(out, e)
		}
	}
	SortElements(out)
	return out
}

// ElementList returns every element sorted by kind then name.
func (m *Model) ElementList() []*Element {
	out := make([]*Element, 0, len(m.Elements))
	for _, e := range m.Elements {
		out = append(out, e)
	}
	SortElements(out)
	return out
}

// SortElements orders elements by kind, then name, then ID.
func SortElements(es []*Element) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Kind != es[j].Kind {
			return es[i].Kind < es[j].Kind
		}
		return lessByName(es[i].Name, es[i].ID, es[j].Name, es[j].ID)
	})
}

// AssetList returns the data assets sorted by name.
func (m *Model) AssetList() []*DataAsset {
	out := make([]*DataAsset, 0, len(m.Assets))
	for _, a := range m.Assets {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return lessByName(out[i].Name, out[i].ID, out[j].Name, out[j].ID) })
	return out
}

// ThreatList returns the threats ordered by number, then ID.
func (m *Model) ThreatList() []*Threat {
	out := make([]*Threat, 0, len(m.Threats))
	for _, t := range m.Threats {
		out = append(out, t)
	}
	SortByNumber(out)
	return out
}

// SortByNumber puts threats in the model's order: by number, then ID.
func SortByNumber(ts []*Threat) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Number != ts[j].Number {
			return ts[i].Number < ts[j].Number
		}
		return ts[i].ID < ts[j].ID
	})
}

// ThreatsOf returns the threats on one element, ordered by number.
func (m *Model) ThreatsOf(elementID string) []*Threat {
	var out []*Threat
	for _, t := range m.Threats {
		if t.ElementID == elementID {
			out = append(out, t)
		}
	}
	SortByNumber(out)
	return out
}

// ThreatsByElement groups the threats by element, each group ordered by
// number: for listing many elements' threats at once.
func (m *Model) ThreatsByElement() map[string][]*Threat {
	out := map[string][]*Threat{}
	for _, t := range m.ThreatList() {
		out[t.ElementID] = append(out[t.ElementID], t)
	}
	return out
}

// NextThreatNumber is one more than the highest threat number in use.
func (m *Model) NextThreatNumber() int {
	n := 0
	for _, t := range m.Threats {
		n = max(n, t.Number)
	}
	return n + 1
}

// AssetsOf returns the data assets an element carries or holds.
func (m *Model) AssetsOf(e *Element) []*DataAsset {
	var out []*DataAsset
	for _, id := range e.Assets {
		if a := m.Assets[id]; a != nil {
			out = append(out, a)
		}
	}
	return out
}

// HighestClassification is the most sensitive classification among the
// assets an element carries or holds, and whether it has any.
func (m *Model) HighestClassification(e *Element) (Classification, bool) {
	var best Classification
	any := false
	for _, a := range m.AssetsOf(e) {
		if !any || a.Classification > best {
			best, any = a.Classification, true
		}
	}
	return best, any
}

func lessByName(a, aID, b, bID string) bool {
	if a != b {
		return a < b
	}
	return aID < bID
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

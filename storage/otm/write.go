package otm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/model"
)

// implicitZone holds, in a file Rampart writes, what no trust boundary
// holds: OTM wants every component in a zone or a component.
const implicitZone = "rampart-outside-boundaries"

// Write turns a model into an OTM document, in JSON or, with asYAML, in
// YAML. Every diagram is a diagram representation; a process's child
// diagram holds components whose parent is that process. The document is
// checked against the OTM schema before it is returned. Notes say what
// OTM has no place for.
func Write(m *model.Model, asYAML bool) ([]byte, []string, error) {
	w := &writer{m: m, ix: model.NewIndex(m)}
	doc := w.document()
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, nil, fmt.Errorf("write OTM: %w", err)
	}
	if err := Validate(js); err != nil {
		return nil, nil, fmt.Errorf("write OTM: the document does not satisfy the OTM schema: %w", err)
	}
	if !asYAML {
		return append(js, '\n'), w.notes, nil
	}
	var y bytes.Buffer
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, fmt.Errorf("write OTM: %w", err)
	}
	return y.Bytes(), w.notes, nil
}

type writer struct {
	m        *model.Model
	ix       *model.Index
	notes    []string
	implicit bool             // some component stands in no zone
	loose    []*model.Element // flows with an end missing: for Rampart only
}

// isStub reports whether a loose flow is an interface stub of a child
// diagram: its outside end is in the diagram above, its inside end not
// joined yet. The dataflow to the process already says what it says.
func (w *writer) isStub(f *model.Element) bool {
	for _, end := range []string{f.Source, f.Target} {
		if e := w.m.Elements[end]; e != nil && e.Diagram != f.Diagram {
			return true
		}
	}
	return false
}

func (w *writer) document() *document {
	m := w.m
	doc := &document{OTMVersion: Version, TrustZones: []trustZone{}, Components: []component{}, Dataflows: []dataflow{}}
	name := m.Name
	if strings.TrimSpace(name) == "" {
		name = "Untitled model"
	}
	a := attributes{formatKey: "1"}
	set := func(key, v string) {
		if v != "" {
			a[key] = v
		}
	}
	set("rampart:version", m.Version)
	set("rampart:reviewer", m.Reviewer)
	set("rampart:scope", m.Scope)
	set("rampart:assumptions", m.Assumptions)
	if len(m.Authors) > 0 {
		a["rampart:authors"] = jsonText(m.Authors)
	}
	for key, t := range map[string]time.Time{"rampart:created": m.Created, "rampart:modified": m.Modified} {
		if !t.IsZero() {
			a[key] = t.UTC().Format(time.RFC3339Nano)
		}
	}
	if len(m.Suppressions) > 0 {
		var list []model.Suppression
		for _, k := range slices.Sorted(maps.Keys(m.Suppressions)) {
			list = append(list, *m.Suppressions[k])
		}
		a["rampart:suppressions"] = jsonText(list)
	}
	doc.Project = project{Name: text(name), ID: text(slug(name)), Description: text(m.Description), Owner: text(m.Owner), Attributes: a}
	for _, d := range m.DiagramList() {
		rep := representation{Name: text(d.Name), ID: text(d.ID), Type: "diagram", Size: w.extent(d.ID),
			Attributes: attributes{"rampart:diagram": d.ID}}
		if d.Refines != "" {
			rep.Attributes["rampart:refines"] = d.Refines
		}
		doc.Representations = append(doc.Representations, rep)
	}
	for _, as := range m.AssetList() {
		doc.Assets = append(doc.Assets, asset{Name: text(as.Name), ID: text(as.ID), Description: text(as.Description),
			Risk: assetRisk{Confidentiality: number(rating(as.Confidentiality)), Integrity: number(rating(as.Integrity)),
				Availability: number(rating(as.Availability))},
			Attributes: attributes{"rampart:classification": as.Classification.String(), "rampart:confidentiality": as.Confidentiality.String(),
				"rampart:integrity": as.Integrity.String(), "rampart:availability": as.Availability.String()}})
	}
	byElement := m.ThreatsByElement()
	for _, e := range m.ElementList() {
		switch {
		case e.Kind == model.TrustBoundary:
			doc.TrustZones = append(doc.TrustZones, w.zone(e))
		case e.Kind.IsNode():
			c := w.component(e)
			c.Threats = w.instances(byElement[e.ID])
			doc.Components = append(doc.Components, c)
		case m.Elements[e.Source] == nil || m.Elements[e.Target] == nil:
			w.loose = append(w.loose, e)
			if !w.isStub(e) {
				w.notes = append(w.notes, fmt.Sprintf("flow %q is not connected at both ends, which OTM cannot say: "+
					"only Rampart will read it back", m.NameOf(e)))
			}
		default:
			f := w.dataflow(e)
			f.Threats = w.instances(byElement[e.ID])
			doc.Dataflows = append(doc.Dataflows, f)
		}
	}
	if w.implicit {
		doc.TrustZones = append(doc.TrustZones, trustZone{ID: implicitZone, Name: "Outside any trust boundary",
			Risk: zoneRisk{TrustRating: trustRating(50)}, Attributes: attributes{"rampart:implicit": "true"}})
	}
	for _, t := range m.ThreatList() {
		if m.Elements[t.ElementID] == nil {
			continue
		}
		doc.Threats = append(doc.Threats, w.threat(t))
		if t.Mitigation != "" {
			doc.Mitigations = append(doc.Mitigations, mitigation{ID: text("mitigation:" + t.ID), Name: text(firstLine(t.Mitigation)),
				Description: text(t.Mitigation), RiskReduction: number(map[bool]float64{true: 100, false: 0}[t.Status == model.Mitigated])})
		}
	}
	// Attack trees and rule sets have no place in OTM: they travel in the
	// project's attributes, for Rampart to read back.
	var trees []*model.AttackTree
	for _, id := range slices.Sorted(maps.Keys(m.Trees)) {
		trees = append(trees, m.Trees[id])
	}
	var sets []*model.RuleSet
	for _, name := range slices.Sorted(maps.Keys(m.RuleSets)) {
		sets = append(sets, m.RuleSets[name])
	}
	for key, v := range map[string]any{"rampart:attack_trees": trees, "rampart:rule_sets": sets, "rampart:loose_flows": w.loose} {
		if key == "rampart:attack_trees" && len(trees) == 0 || key == "rampart:rule_sets" && len(sets) == 0 ||
			key == "rampart:loose_flows" && len(w.loose) == 0 {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			w.notes = append(w.notes, fmt.Sprintf("%s could not be written and were left out: %v", strings.TrimPrefix(key, "rampart:"), err))
			continue
		}
		a[key] = string(b)
	}
	return doc
}

// extent is the size of the drawing of a diagram.
func (w *writer) extent(diagram string) *size {
	var wd, ht float64
	for _, e := range w.m.ElementsIn(diagram) {
		wd, ht = math.Max(wd, e.X+e.W), math.Max(ht, e.Y+e.H)
		for _, p := range e.Points {
			wd, ht = math.Max(wd, p.X), math.Max(ht, p.Y)
		}
	}
	return &size{Width: number(math.Ceil(wd) + 40), Height: number(math.Ceil(ht) + 40)}
}

// container is the region boundary of its own diagram that holds an
// element, or nil.
func (w *writer) container(e *model.Element) *model.Element {
	if e.IsLine() {
		return nil
	}
	chain := w.ix.BoundariesOf(e)
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].Diagram == e.Diagram && chain[i].ID != e.ID {
			return chain[i]
		}
	}
	return nil
}

// parentOf is where an element stands in OTM: its boundary, else the
// process its diagram refines, else (for a component) the implicit zone.
func (w *writer) parentOf(e *model.Element, component bool) *parent {
	if b := w.container(e); b != nil {
		return &parent{TrustZone: text(b.ID)}
	}
	if d := w.m.Diagrams[e.Diagram]; d != nil && w.m.Elements[d.Refines] != nil {
		return &parent{Component: text(d.Refines)}
	}
	if component {
		w.implicit = true
		return &parent{TrustZone: implicitZone}
	}
	return nil
}

// shapeOf is an element's place in its diagram, relative to the zone that
// holds it, as StartLeft writes it.
func (w *writer) shapeOf(e *model.Element) []shape {
	x, y := e.X, e.Y
	if b := w.container(e); b != nil {
		x, y = x-b.X, y-b.Y
	}
	return []shape{{Representation: text(e.Diagram), ID: text(e.ID + ":shape"), Position: &position{X: number(x), Y: number(y)},
		Size: &size{Width: number(e.W), Height: number(e.H)}}}
}

// attributesOf are an element's properties as they are, and Rampart's
// own fields.
func (w *writer) attributesOf(e *model.Element) attributes {
	a := attributes{"rampart:diagram": e.Diagram}
	for k, v := range e.Props {
		a[k] = v
	}
	if e.OutOfScope {
		a["rampart:out_of_scope"] = "true"
		if e.OutOfScopeReason != "" {
			a["rampart:out_of_scope_reason"] = e.OutOfScopeReason
		}
	}
	if len(e.Points) > 0 {
		a["rampart:points"] = jsonText(e.Points)
	}
	return a
}

func (w *writer) zone(e *model.Element) trustZone {
	z := trustZone{ID: text(e.ID), Name: text(e.Name), Description: text(e.Description), Parent: w.parentOf(e, false),
		Attributes: w.attributesOf(e)}
	z.Type = text(e.Prop("otm:type"))
	if z.Type == "" {
		z.Type = text(e.Prop("zone"))
	}
	z.Risk.TrustRating = trustRating(50) // the schema requires one
	if v, err := strconv.ParseFloat(e.Prop("otm:trustRating"), 64); err == nil {
		z.Risk.TrustRating = trustRating(v)
	} else if r, ok := map[string]float64{"untrusted": 0, "low": 30, "medium": 60, "high": 100}[e.Prop("trust")]; ok {
		z.Risk.TrustRating = trustRating(r)
	}
	if !e.IsLine() {
		z.Representations = w.shapeOf(e)
	}
	return z
}

func (w *writer) component(e *model.Element) component {
	c := component{ID: text(e.ID), Name: text(e.Name), Type: text(e.Prop("otm:type")), Description: text(e.Description),
		Parent: w.parentOf(e, true), Representations: w.shapeOf(e), Attributes: w.attributesOf(e)}
	if c.Type == "" {
		c.Type = text(typeOf(e))
	}
	c.Attributes["rampart:kind"] = e.Kind.String()
	c.Tags = tagsOf(e)
	if len(e.Assets) > 0 {
		list := make([]text, len(e.Assets))
		for i, a := range e.Assets {
			list[i] = text(a)
		}
		if e.Kind == model.DataStore {
			c.Assets = &holdings{Stored: list}
		} else {
			c.Assets = &holdings{Processed: list}
		}
	}
	return c
}

func (w *writer) dataflow(e *model.Element) dataflow {
	f := dataflow{ID: text(e.ID), Name: text(e.Name), Description: text(e.Description), Source: text(e.Source),
		Destination: text(e.Target), Tags: tagsOf(e), Attributes: w.attributesOf(e)}
	if e.Bool("bidirectional") {
		b := flag(true)
		f.Bidirectional = &b
	}
	for _, a := range e.Assets {
		f.Assets = append(f.Assets, text(a))
	}
	return f
}

func tagsOf(e *model.Element) []text {
	var out []text
	for _, t := range strings.Split(e.Prop("otm:tags"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, text(t))
		}
	}
	return out
}

// otmState is a threat's status in IriusRisk's words.
var otmState = map[model.Status]string{model.Open: "exposed", model.Mitigated: "mitigated", model.Accepted: "accepted",
	model.NotApplicable: "not-applicable", model.Transferred: "transferred"}

func (w *writer) instances(ts []*model.Threat) []instance {
	var out []instance
	for _, t := range ts {
		in := instance{Threat: text(t.ID), State: text(otmState[t.Status])}
		if t.Mitigation != "" {
			state := "recommended"
			if t.Status == model.Mitigated {
				state = "implemented"
			}
			in.Mitigations = []mitigationAt{{Mitigation: text("mitigation:" + t.ID), State: text(state)}}
		}
		out = append(out, in)
	}
	return out
}

// threat is a threat's definition: what another tool reads, and every
// field of Rampart's in attributes.
func (w *writer) threat(t *model.Threat) threat {
	likelihood := number(rating(t.Likelihood))
	d := threat{ID: text(t.ID), Name: text(t.Title), Description: text(t.Description), Categories: []text{text(t.Category.Label())},
		Risk: threatRisk{Likelihood: &likelihood, Impact: number(rating(t.Impact))}}
	for _, ref := range t.References {
		if strings.HasPrefix(strings.ToUpper(ref), "CWE-") {
			d.CWEs = append(d.CWEs, text(ref))
		}
	}
	a := attributes{"rampart:element": t.ElementID, "rampart:number": strconv.Itoa(t.Number),
		"rampart:category": t.Category.String(), "rampart:likelihood": t.Likelihood.String(), "rampart:impact": t.Impact.String(),
		"rampart:status": t.Status.String(), "rampart:confidence": t.Confidence.String()}
	for key, v := range map[string]string{"rampart:rule_id": t.RuleID, "rampart:justification": t.Justification,
		"rampart:mitigation": t.Mitigation, "rampart:origin": t.Origin} {
		if v != "" {
			a[key] = v
		}
	}
	for key, v := range map[string]bool{"rampart:manual": t.Manual, "rampart:obsolete": t.Obsolete, "rampart:risk_set": t.RiskSet} {
		if v {
			a[key] = "true"
		}
	}
	for key, list := range map[string][]string{"rampart:facts": t.Facts, "rampart:references": t.References, "rampart:assumes": t.Assumes} {
		if list != nil {
			a[key] = jsonText(list)
		}
	}
	if t.Dread != nil {
		a["rampart:dread"] = jsonText(t.Dread)
	}
	d.Attributes = a
	return d
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(line); len(r) > 120 {
		line = string(r[:119]) + "…"
	}
	return line
}

// slug is a project id from its name.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	if s := strings.TrimSuffix(b.String(), "-"); s != "" {
		return s
	}
	return "rampart-model"
}

// trustRating is a zone's rating as the file holds it.
func trustRating(v float64) *number { n := number(v); return &n }

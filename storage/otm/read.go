package otm

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// Tool names the format in a model's provenance and on the threats its
// files record.
const Tool = "Open Threat Model"

// formatKey marks a document Rampart wrote: its rampart:* attributes then
// hold Rampart's own fields.
const formatKey = "rampart:format_version"

// Read turns an OTM document into a Rampart model. Notes say what was left
// out or changed. Unplaced lists the diagrams whose drawing Rampart made
// up, because the file drew nothing or drew components outside their
// trust zones: a layout program may redo those.
func Read(data []byte) (m *model.Model, notes, unplaced []string, err error) {
	doc, err := decode(data)
	if err != nil {
		return nil, nil, nil, err
	}
	r := &reader{doc: doc, own: doc.Project.Attributes.text(formatKey) != "", m: model.Empty(),
		zones: map[string]*trustZone{}, comps: map[string]*component{}, up: map[string]string{},
		upIsComponent: map[string]bool{}, diagram: map[string]string{}, child: map[string]string{}}
	r.info()
	r.assets()
	r.index()
	r.containers()
	r.diagrams()
	r.elements()
	unplaced = r.geometry()
	r.flows()
	r.looseFlows()
	if !r.own {
		r.separate(unplaced)
	}
	r.threats()
	r.leftOut()
	r.notes = append(r.notes, model.Bound(r.m)...)
	if err := model.CheckReferences(r.m); err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %v", ErrNotOTM, err)
	}
	return r.m, r.notes, unplaced, nil
}

type reader struct {
	doc     *document
	own     bool // written by Rampart
	ownRoot bool // its context diagram is read
	m       *model.Model
	notes   []string

	zones map[string]*trustZone
	comps map[string]*component
	order []string // zone and component IDs in file order
	// up is what holds each zone and component (a zone or a component),
	// once missing parents and loops are cut.
	up            map[string]string
	upIsComponent map[string]bool
	diagram       map[string]string // element ID → diagram ID
	child         map[string]string // process ID → the diagram refining it
	number        int

	explicit map[flowKey][]string // the file's own flows, to stand for flows of deeper levels
	claimed  map[string]bool      // those already standing for one
	implicit string               // the zone a Rampart file puts around what no boundary holds
	loose    []*model.Element     // flows a Rampart file keeps for Rampart only
}

func (r *reader) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, args...))
}

func (r *reader) info() {
	p, a := r.doc.Project, r.doc.Project.Attributes
	r.m.Name = strings.TrimSpace(string(p.Name))
	if r.m.Name == "" {
		r.m.Name = "Open Threat Model"
	}
	r.m.Description, r.m.Owner = string(p.Description), strings.TrimSpace(string(p.Owner))
	if c := strings.TrimSpace(string(p.OwnerContact)); c != "" && !r.own {
		r.m.Owner = strings.TrimSpace(r.m.Owner + " <" + c + ">")
	}
	if !r.own {
		if tags := lenient.Texts(p.Tags); len(tags) > 0 {
			r.note("the project's tags (%s) were left out", strings.Join(tags, ", "))
		}
		if len(a) > 0 {
			r.note("the project's attributes (%s) were left out", strings.Join(slices.Sorted(maps.Keys(a)), ", "))
		}
		return
	}
	r.m.Version, r.m.Reviewer = a.text("rampart:version"), a.text("rampart:reviewer")
	r.m.Scope, r.m.Assumptions = a.text("rampart:scope"), a.text("rampart:assumptions")
	r.m.Authors = a.list("rampart:authors")
	r.m.Created, _ = time.Parse(time.RFC3339Nano, a.text("rampart:created"))
	r.m.Modified, _ = time.Parse(time.RFC3339Nano, a.text("rampart:modified"))
	var sups []model.Suppression
	if s := a.text("rampart:suppressions"); s != "" {
		if err := jsonUnmarshal(s, &sups); err != nil {
			r.note("the rule suppressions could not be read: %v", err)
		}
	}
	for i := range sups {
		s := sups[i]
		r.m.Suppressions[s.Key()] = &s
	}
	var trees []*model.AttackTree
	var sets []*model.RuleSet
	for _, field := range []struct {
		key  string
		into any
	}{{"rampart:attack_trees", &trees}, {"rampart:rule_sets", &sets}, {"rampart:loose_flows", &r.loose}} {
		if s := a.text(field.key); s != "" {
			if err := jsonUnmarshal(s, field.into); err != nil {
				r.note("the %s could not be read: %v", strings.ReplaceAll(strings.TrimPrefix(field.key, "rampart:"), "_", " "), err)
			}
		}
	}
	for _, t := range trees {
		if t != nil && t.ID != "" && t.Nodes != nil {
			r.m.Trees[t.ID] = t
		}
	}
	for _, rs := range sets {
		if rs != nil && rs.Name != "" {
			r.m.RuleSets[rs.Name] = rs
		}
	}
}

// looseFlows adds back the flows a Rampart file keeps for Rampart only,
// those whose diagram and ends are in the model.
func (r *reader) looseFlows() {
	for _, f := range r.loose {
		ok := f != nil && f.ID != "" && f.Kind == model.DataFlow && r.m.Elements[f.ID] == nil && r.m.Diagrams[f.Diagram] != nil
		for _, end := range []string{f.Source, f.Target} {
			ok = ok && (end == "" || r.m.Elements[end] != nil)
		}
		if !ok {
			r.note("a flow not connected at both ends does not fit the model and was left out")
			continue
		}
		r.m.Elements[f.ID] = f
	}
}

func (r *reader) assets() {
	for _, a := range r.doc.Assets {
		id := strings.TrimSpace(string(a.ID))
		if id == "" || r.m.Assets[id] != nil {
			r.note("asset %q has a missing or repeated id and was left out", a.Name)
			continue
		}
		d := &model.DataAsset{ID: id, Name: strings.TrimSpace(string(a.Name)), Description: string(a.Description)}
		d.Confidentiality, d.Integrity, d.Availability = level(a.Risk.Confidentiality), level(a.Risk.Integrity), level(a.Risk.Availability)
		d.Classification = classification(a.Risk.Confidentiality)
		if r.own {
			read := func(key string, into interface{ UnmarshalText([]byte) error }) {
				if v := a.Attributes.text(key); v != "" {
					_ = into.UnmarshalText([]byte(v))
				}
			}
			read("rampart:classification", &d.Classification)
			read("rampart:confidentiality", &d.Confidentiality)
			read("rampart:integrity", &d.Integrity)
			read("rampart:availability", &d.Availability)
		} else if c := strings.TrimSpace(string(a.Risk.Comment)); c != "" {
			d.Description = strings.TrimSpace(d.Description + "\n\nRisk: " + c)
		}
		r.m.Assets[id] = d
	}
}

// level reads OTM's 0–100 ratings as Rampart's four levels.
func level(n number) model.Level {
	switch v := float64(n); {
	case v > 75:
		return model.VeryHigh
	case v > 50:
		return model.High
	case v > 25:
		return model.Medium
	}
	return model.Low
}

// rating is the OTM rating Rampart writes for a level: level reads it back.
func rating(l model.Level) float64 { return float64(l+1) * 25 }

// classification reads how sensitive an asset is from its confidentiality.
func classification(c number) model.Classification {
	switch v := float64(c); {
	case v > 75:
		return model.Restricted
	case v > 50:
		return model.Confidential
	case v > 10:
		return model.Internal
	}
	return model.Public
}

// index collects the zones and components by id; a repeated id is left out.
func (r *reader) index() {
	for i := range r.doc.TrustZones {
		z := &r.doc.TrustZones[i]
		id := strings.TrimSpace(string(z.ID))
		if r.own && z.Attributes.text("rampart:implicit") == "true" {
			r.implicit = id // OTM wants a zone around everything; Rampart drew none
			continue
		}
		if id == "" || r.zones[id] != nil {
			r.note("trust zone %q has a missing or repeated id and was left out", z.Name)
			continue
		}
		r.zones[id] = z
		r.order = append(r.order, id)
	}
	for i := range r.doc.Components {
		c := &r.doc.Components[i]
		id := strings.TrimSpace(string(c.ID))
		if id == "" || r.comps[id] != nil || r.zones[id] != nil {
			r.note("component %q has a missing or repeated id and was left out", c.Name)
			continue
		}
		r.comps[id] = c
		r.order = append(r.order, id)
	}
}

// containers works out what holds each zone and component, cutting
// parents that are missing and chains that loop.
func (r *reader) containers() {
	for _, id := range r.order {
		var p *parent
		if z := r.zones[id]; z != nil {
			p = z.Parent
		} else {
			p = r.comps[id].Parent
		}
		isComp, pid := p.ref()
		pid = strings.TrimSpace(pid)
		switch {
		case pid == "" || pid == r.implicit && r.implicit != "":
		case isComp && r.comps[pid] == nil, !isComp && r.zones[pid] == nil && r.comps[pid] == nil:
			r.note("%s %q is in %q, which is not in the file; it was placed at the top of the diagram", r.what(id), r.name(id), pid)
		default:
			r.up[id], r.upIsComponent[id] = pid, r.comps[pid] != nil
		}
	}
	for _, id := range r.order {
		seen := map[string]bool{}
		for at := r.up[id]; at != "" && !seen[at]; at = r.up[at] {
			if at == id {
				// The loop is cut here; a loop further up is cut when its own members come.
				r.note("%s %q is inside itself through its parents; it was placed at the top of the diagram", r.what(id), r.name(id))
				delete(r.up, id)
				break
			}
			seen[at] = true
		}
	}
}

// attrs are a zone's or a component's attributes.
func (r *reader) attrs(id string) attributes {
	if z := r.zones[id]; z != nil {
		return z.Attributes
	}
	return r.comps[id].Attributes
}

func (r *reader) what(id string) string {
	if r.zones[id] != nil {
		return "trust zone"
	}
	return "component"
}

func (r *reader) name(id string) string {
	if z := r.zones[id]; z != nil {
		return string(z.Name)
	}
	if c := r.comps[id]; c != nil {
		return string(c.Name)
	}
	return id
}

// diagrams makes the context diagram and one child diagram for each
// component that holds others: the process it refines.
func (r *reader) diagrams() {
	root := &model.Diagram{ID: model.RootDiagramID, Name: "Context"}
	named := map[string]*model.Diagram{} // refined process → its diagram, as a Rampart file names them
	for _, rep := range r.doc.Representations {
		if !strings.EqualFold(string(rep.Type), "diagram") {
			continue
		}
		id, refines := rep.Attributes.text("rampart:diagram"), rep.Attributes.text("rampart:refines")
		switch {
		case r.own && id != "" && refines != "":
			named[refines] = &model.Diagram{ID: id, Name: string(rep.Name), Refines: refines}
		case r.own && id != "" && !r.ownRoot:
			root.ID, root.Name, r.ownRoot = id, string(rep.Name), true
		case r.own && id != "":
			// Another top-level diagram (a Threat Dragon import has several).
			r.m.Diagrams[id] = &model.Diagram{ID: id, Name: string(rep.Name)}
		case !r.own && root.Name == "Context" && strings.TrimSpace(string(rep.Name)) != "":
			root.Name = strings.TrimSpace(string(rep.Name))
		}
	}
	r.m.Diagrams[root.ID] = root
	for _, id := range r.order {
		if r.upIsComponent[id] && r.up[id] != "" && r.child[r.up[id]] == "" {
			p := r.up[id]
			d := named[p]
			if d == nil || r.m.Diagrams[d.ID] != nil {
				d = &model.Diagram{ID: "diagram-" + p, Name: strings.TrimSpace(string(r.comps[p].Name)), Refines: p}
			}
			r.m.Diagrams[d.ID], r.child[p] = d, d.ID
		}
	}
	// A process Rampart refined keeps its diagram, even an empty one.
	for p, d := range named {
		if r.comps[p] != nil && r.child[p] == "" && r.m.Diagrams[d.ID] == nil {
			r.m.Diagrams[d.ID], r.child[p] = d, d.ID
		}
	}
	var diagramOf func(id string, depth int) string
	diagramOf = func(id string, depth int) string {
		if d, ok := r.diagram[id]; ok {
			return d
		}
		d := root.ID
		switch up := r.up[id]; {
		case r.own && r.m.Diagrams[r.attrs(id).text("rampart:diagram")] != nil:
			d = r.attrs(id).text("rampart:diagram")
		case up == "" || depth > len(r.order):
		case r.upIsComponent[id]:
			d = r.child[up]
		default:
			d = diagramOf(up, depth+1)
		}
		r.diagram[id] = d
		return d
	}
	for _, id := range r.order {
		diagramOf(id, 0)
	}
}

// elements makes a trust boundary of each zone and a node of each
// component. A component that holds others is the process its child
// diagram refines.
func (r *reader) elements() {
	for _, id := range r.order {
		e := &model.Element{ID: id, Diagram: r.diagram[id], Props: map[string]string{}}
		var attrs []attributes
		if z := r.zones[id]; z != nil {
			e.Kind, e.Name, e.Description = model.TrustBoundary, strings.TrimSpace(string(z.Name)), string(z.Description)
			attrs = []attributes{z.Attributes, z.Properties}
			if !r.own {
				r.zoneProps(e, z)
			}
		} else {
			c := r.comps[id]
			e.Name, e.Description = strings.TrimSpace(string(c.Name)), string(c.Description)
			attrs = []attributes{c.Attributes, c.Properties}
			r.componentKind(e, c)
			r.holdings(e, c.Assets)
		}
		if r.own {
			r.ownProps(e, attrs[0])
		} else {
			foreignProps(e, attrs...)
			if c := r.comps[id]; c != nil && !e.OutOfScope {
				if what := networkResource(string(c.Type), lenient.Texts(c.Tags)); what != "" {
					// A VPC, subnet or security group holds or guards what
					// runs; it handles no data of its own.
					e.OutOfScope = true
					e.OutOfScopeReason = "a network resource (" + what + "), not a process: what runs in it is analysed"
				}
			}
		}
		if len(e.Props) == 0 {
			e.Props = nil
		}
		r.m.Elements[id] = e
	}
}

func (r *reader) zoneProps(e *model.Element, z *trustZone) {
	if z.Risk.TrustRating == nil {
		// No rating: the zone's type or name may still say what it is.
		r.zoneType(e, z)
		return
	}
	rate := float64(*z.Risk.TrustRating)
	e.Props["otm:trustRating"] = scalar(rate)
	switch {
	case rate <= 10:
		e.Props["trust"] = "untrusted"
	case rate <= 40:
		e.Props["trust"] = "low"
	case rate <= 70:
		e.Props["trust"] = "medium"
	default:
		e.Props["trust"] = "high"
	}
	r.zoneType(e, z)
}

// zoneType keeps a zone's type, and reads it as Rampart's zone where it is
// one ("internet").
func (r *reader) zoneType(e *model.Element, z *trustZone) {
	if t := strings.TrimSpace(string(z.Type)); t != "" {
		e.Props["otm:type"] = t
		if v, ok := propValue(model.PropFor(model.TrustBoundary, "zone"), t); ok {
			e.Props["zone"] = v
		} else if strings.EqualFold(t, "private") {
			e.Props["zone"] = "internal" // early drafts' "private" zones
		}
	}
}

func (r *reader) componentKind(e *model.Element, c *component) {
	typ, tags := strings.TrimSpace(string(c.Type)), lenient.Texts(c.Tags)
	if r.own {
		if err := e.Kind.UnmarshalText([]byte(c.Attributes.text("rampart:kind"))); err != nil || !e.Kind.IsNode() {
			e.Kind = kindOf(typ, tags)
		}
	} else {
		e.Kind = kindOf(typ, tags)
		if typ != "" {
			e.Props["otm:type"] = typ
		}
		if len(tags) > 0 {
			e.Props["otm:tags"] = strings.Join(tags, ", ")
		}
		if tech := technologyOf(e.Kind, typ); tech != "" {
			e.Props["technology"] = tech
		}
	}
	if r.child[e.ID] != "" && e.Kind != model.Process {
		r.note("component %q holds other components, so it is the process its diagram refines, not a %s", e.Name, e.Kind.Label())
		e.Kind = model.Process
		delete(e.Props, "technology")
	}
}

// holdings are the assets a component processes or stores.
func (r *reader) holdings(e *model.Element, h *holdings) {
	if h != nil {
		e.Assets = r.assetIDs(e.Name, append(append([]text{}, h.Processed...), h.Stored...))
	}
}

// assetIDs keeps the asset references that name an asset, sorted and once each.
func (r *reader) assetIDs(owner string, list []text) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range lenient.Texts(list) {
		switch {
		case seen[id]:
		case r.m.Assets[id] == nil:
			r.note("%q refers to asset %q, which is not in the file; the reference was left out", owner, id)
		default:
			out = append(out, id)
		}
		seen[id] = true
	}
	sort.Strings(out)
	return out
}

// ownProps reads the attributes of an element Rampart wrote: its
// properties as they were, and its own fields.
func (r *reader) ownProps(e *model.Element, a attributes) {
	for k, v := range a {
		if !strings.HasPrefix(k, "rampart:") {
			e.Props[k] = scalar(v)
		}
	}
	e.OutOfScope = a.text("rampart:out_of_scope") == "true"
	e.OutOfScopeReason = a.text("rampart:out_of_scope_reason")
	var pts []model.Point
	if s := a.text("rampart:points"); s != "" {
		_ = jsonUnmarshal(s, &pts)
	}
	e.Points = pts
}

// leftOut notes what the file has that Rampart keeps nowhere.
func (r *reader) leftOut() {
	for _, rep := range r.doc.Representations {
		if t := strings.ToLower(string(rep.Type)); t != "diagram" && t != "threat-model" {
			r.note("representation %q (%s) was left out: Rampart keeps diagrams only", rep.Name, rep.Type)
		}
	}
}

// finite is a coordinate read from a file, NaN and infinities as 0.
func finite(n number) float64 {
	if v := float64(n); !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v
	}
	return 0
}

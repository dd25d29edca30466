// Package threatdragon reads and writes OWASP Threat Dragon models (the v2
// JSON of Threat Dragon 2.x, and the v1 JSON of 1.x) as Rampart models.
package threatdragon

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// ErrNotThreatDragon is returned for JSON that is not a Threat Dragon model.
var ErrNotThreatDragon = errors.New("not a Threat Dragon model")

// Is reports whether data looks like a Threat Dragon model.
func Is(data []byte) bool {
	var head struct {
		Summary *json.RawMessage `json:"summary"`
		Detail  *struct {
			Diagrams json.RawMessage `json:"diagrams"`
		} `json:"detail"`
	}
	return json.Unmarshal(data, &head) == nil && head.Summary != nil && head.Detail != nil && head.Detail.Diagrams != nil
}

type tdModel struct {
	Version string `json:"version"`
	Summary struct {
		Title       string `json:"title"`
		Owner       string `json:"owner"`
		Description string `json:"description"`
	} `json:"summary"`
	Detail struct {
		Contributors []struct {
			Name string `json:"name"`
		} `json:"contributors"`
		Reviewer string      `json:"reviewer"`
		Diagrams []tdDiagram `json:"diagrams"`
	} `json:"detail"`
}

type tdDiagram struct {
	Title       string   `json:"title"`
	DiagramType string   `json:"diagramType"`
	Description string   `json:"description"`
	Cells       []tdCell `json:"cells"` // v2
	DiagramJSON struct {
		Cells []tdCell `json:"cells"`
	} `json:"diagramJson"` // v1
}

type tdPoint struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// tdEnd is a flow or boundary end: a cell (v2 "cell", v1 "id") or a point.
type tdEnd struct {
	Cell string   `json:"cell"`
	ID   string   `json:"id"`
	X    *float64 `json:"x"`
	Y    *float64 `json:"y"`
}

type tdCell struct {
	ID       string                           `json:"id"`
	Shape    string                           `json:"shape"` // v2
	Type     string                           `json:"type"`  // v1
	Position *tdPoint                         `json:"position"`
	Size     *struct{ Width, Height float64 } `json:"size"`
	Source   *tdEnd                           `json:"source"`
	Target   *tdEnd                           `json:"target"`
	Vertices []tdPoint                        `json:"vertices"`
	Attrs    json.RawMessage                  `json:"attrs"`
	Labels   json.RawMessage                  `json:"labels"`
	Data     map[string]any                   `json:"data"` // v2: name, properties, threats
	// v1 keeps the properties on the cell itself; they land here.
	Rest map[string]any `json:"-"`
}

// UnmarshalJSON keeps every field, so v1 properties can be read like v2 data.
func (c *tdCell) UnmarshalJSON(b []byte) error {
	type plain tdCell
	if err := json.Unmarshal(b, (*plain)(c)); err != nil {
		return err
	}
	return json.Unmarshal(b, &c.Rest)
}

// props are a cell's properties: data for v2, the cell itself for v1.
func (c *tdCell) props() map[string]any {
	if c.Data != nil {
		return c.Data
	}
	return c.Rest
}

// kind is the cell's shape as Threat Dragon registers it. Its registry
// also reads "trust-broundary-curve", the misspelt name older versions
// wrote for the curved boundary, and the agent shapes of its AI diagrams.
func (c *tdCell) kind() string {
	switch c.Shape {
	case "":
	case "trust-broundary-curve":
		return "trust-boundary-curve"
	default:
		return c.Shape
	}
	return map[string]string{"tm.Actor": "actor", "tm.Process": "process", "tm.Store": "store", "tm.Flow": "flow",
		"tm.Boundary": "trust-boundary-curve", "tm.BoundaryBox": "trust-boundary-box", "tm.Text": "td-text-block",
		"tm.Agent": "agent", "tm.Tool": "agent-tool"}[c.Type]
}

// label is the text drawn on the cell: v2 node attrs.text.text, flow
// labels[0].attrs.labelText.text, v1 attrs.text.text or labels[0].attrs.text.text.
func (c *tdCell) label() string {
	var attrs struct {
		Text  struct{ Text string } `json:"text"`
		Label struct{ Text string } `json:"label"`
	}
	_ = json.Unmarshal(c.Attrs, &attrs)
	if attrs.Text.Text != "" {
		return attrs.Text.Text
	}
	if attrs.Label.Text != "" {
		return attrs.Label.Text
	}
	var labels []struct {
		Attrs struct {
			LabelText struct{ Text string } `json:"labelText"`
			Text      struct{ Text string } `json:"text"`
			Label     struct{ Text string } `json:"label"` // a flow migrated from v1
		} `json:"attrs"`
	}
	_ = json.Unmarshal(c.Labels, &labels)
	if len(labels) > 0 {
		for _, t := range []string{labels[0].Attrs.LabelText.Text, labels[0].Attrs.Text.Text, labels[0].Attrs.Label.Text} {
			if t != "" {
				return t
			}
		}
	}
	return ""
}

func str(p map[string]any, key string) string {
	s, _ := p[key].(string)
	return s
}

func flag(p map[string]any, key string) (bool, bool) {
	b, ok := p[key].(bool)
	return b, ok
}

// Read turns a Threat Dragon model into a Rampart model. Each Threat
// Dragon diagram becomes a top-level diagram; the threats recorded on
// cells become the analyst's threats with their status and severity.
// Warnings say what could not be carried over, and what was cut or moved
// to keep the model within bounds (see model.Bound).
func Read(data []byte) (*model.Model, []string, error) {
	var td tdModel
	if err := json.Unmarshal(data, &td); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotThreatDragon, err)
	}
	if len(td.Detail.Diagrams) == 0 && td.Summary.Title == "" {
		return nil, nil, fmt.Errorf("%w: it has no summary and no diagrams", ErrNotThreatDragon)
	}
	m := model.Empty()
	m.Name = strings.TrimSpace(td.Summary.Title)
	if m.Name == "" {
		m.Name = "Threat Dragon model"
	}
	m.Description = td.Summary.Description
	m.Owner, m.Reviewer = strings.TrimSpace(td.Summary.Owner), strings.TrimSpace(td.Detail.Reviewer)
	for _, c := range td.Detail.Contributors {
		if c.Name != "" {
			m.Authors = append(m.Authors, c.Name)
		}
	}
	r := &reader{m: m}
	for i, d := range td.Detail.Diagrams {
		r.diagram(i, d)
	}
	r.warnings = append(r.warnings, model.Bound(m)...)
	if err := model.CheckReferences(m); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotThreatDragon, err)
	}
	return m, r.warnings, nil
}

type reader struct {
	m        *model.Model
	warnings []string
	number   int
	nodes    *nodeFinder // the nodes of the diagram being read
}

func (r *reader) warn(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

func (r *reader) diagram(i int, d tdDiagram) {
	id := fmt.Sprintf("d%02d", i+1)
	name := strings.TrimSpace(d.Title)
	if name == "" {
		name = fmt.Sprintf("Diagram %d", i+1)
	}
	if d.DiagramType != "" && d.DiagramType != "STRIDE" {
		name += " (" + d.DiagramType + ")"
		r.warn("diagram %q was drawn for %s in Threat Dragon: Rampart analyses it with STRIDE, and files its %s "+
			"threats under the STRIDE category nearest to theirs", name, d.DiagramType, d.DiagramType)
	}
	r.m.Diagrams[id] = &model.Diagram{ID: id, Name: name}
	cells := d.Cells
	if len(cells) == 0 {
		cells = d.DiagramJSON.Cells
	}
	// Nodes first, so flows can find their ends.
	for _, c := range cells {
		switch c.kind() {
		case "actor", "process", "store", "trust-boundary-box", "agent", "agent-tool":
			r.node(id, c)
		}
	}
	r.nodes = newNodeFinder(r.m.ElementsIn(id))
	for _, c := range cells {
		switch k := c.kind(); k {
		case "actor", "process", "store", "trust-boundary-box", "agent", "agent-tool":
		case "flow":
			r.flow(id, c)
		case "trust-boundary-curve":
			r.curve(id, c)
		case "td-text-block":
			r.warn("diagram %s: the text block %q is not a model element and was left out", name, oneLine(nameOf(c)))
		default:
			r.warn("diagram %s: cell %s of unknown kind %q was left out", name, c.ID, c.Shape+c.Type)
		}
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func nameOf(c tdCell) string {
	if n := str(c.props(), "name"); n != "" {
		return n
	}
	return c.label()
}

func (r *reader) node(diagram string, c tdCell) {
	p := c.props()
	e := &model.Element{ID: c.ID, Diagram: diagram, Name: oneLine(nameOf(c)), Description: str(p, "description"),
		Props: map[string]string{}}
	if c.Position != nil {
		e.X, e.Y = c.Position.X, c.Position.Y
	}
	if c.Size != nil {
		e.W, e.H = c.Size.Width, c.Size.Height
	}
	if e.W <= 0 || e.H <= 0 {
		e.W, e.H = 120, 60
	}
	// Threat Dragon writes every flag, false until someone ticks it: a
	// false flag is its default, not something the author stated. Only
	// ticked flags are kept, so analysis treats the rest as unknown.
	set := func(tdKey, key string) {
		if b, ok := flag(p, tdKey); ok && b {
			e.Props[key] = "true"
		}
	}
	switch c.kind() {
	case "actor":
		e.Kind = model.ExternalEntity
		set("providesAuthentication", "authenticates_itself")
	case "process":
		e.Kind = model.Process
		if web, _ := flag(p, "isWebApplication"); web {
			e.Props["technology"] = "web_app"
		}
		if lvl := strings.ToLower(strings.TrimSpace(str(p, "privilegeLevel"))); lvl != "" {
			if model.PropFor(model.Process, "privilege_level").Check(lvl) == nil {
				e.Props["privilege_level"] = lvl
			} else {
				e.Props["threatdragon:privilegeLevel"] = str(p, "privilegeLevel")
			}
		}
		for _, k := range []string{"handlesCardPayment", "handlesGoodsOrServices"} {
			if b, ok := flag(p, k); ok && b {
				e.Props["threatdragon:"+k] = "true"
			}
		}
		if f := str(p, "threatFrequency"); f != "" {
			e.Props["threatdragon:threatFrequency"] = f
		}
	case "store":
		e.Kind = model.DataStore
		set("isALog", "stores_logs")
		set("isEncrypted", "encrypted_at_rest")
		set("isSigned", "signed")
		set("storesCredentials", "stores_credentials")
		if b, ok := flag(p, "storesInventory"); ok && b {
			e.Props["threatdragon:storesInventory"] = "true"
		}
	case "agent":
		e.Kind = model.Process
		e.Props["technology"] = "ai_agent"
	case "agent-tool":
		e.Kind = model.Process // a tool an agent calls: code of its own
		e.Props["threatdragon:shape"] = "agent-tool"
	case "trust-boundary-box":
		e.Kind = model.TrustBoundary
	}
	r.scope(e, p)
	r.add(e)
	r.threats(e, p)
}

func (r *reader) scope(e *model.Element, p map[string]any) {
	if out, _ := flag(p, "outOfScope"); out {
		e.OutOfScope = true
		e.OutOfScopeReason = str(p, "reasonOutOfScope")
	}
}

func (r *reader) add(e *model.Element) {
	if len(e.Props) == 0 {
		e.Props = nil
	}
	if e.ID == "" || r.m.Elements[e.ID] != nil {
		r.warn("element %q has a missing or repeated id; it was given a new one", e.Label())
		e.ID = model.NewID()
	}
	r.m.Elements[e.ID] = e
}

// end resolves a flow end: a cell of the diagram, or a free point, which
// is attached to the node it touches (Threat Dragon lets a flow end just
// beside a shape).
func (r *reader) end(diagram string, end *tdEnd) (string, *model.Point) {
	if end == nil {
		return "", nil
	}
	id := end.Cell
	if id == "" {
		id = end.ID
	}
	if e := r.m.Elements[id]; e != nil && e.Diagram == diagram && e.Kind.IsNode() {
		return id, nil
	}
	if end.X == nil || end.Y == nil {
		return "", nil
	}
	p := model.Point{X: *end.X, Y: *end.Y}
	if best := r.nodes.touching(p); best != nil {
		return best.ID, nil
	}
	return "", &p
}

// snapDistance is how close to a node a free flow end must be to attach.
const snapDistance = 25.0

// nodeFinder finds the node a point touches among a diagram's nodes
// sorted by X, looking only at those whose X is near the point's, so
// reading a diagram with many free flow ends takes time in proportion to
// its size.
type nodeFinder struct {
	nodes []*model.Element // by X
	rank  map[*model.Element]int
	maxW  float64
}

// newNodeFinder indexes the nodes among a diagram's elements, given in
// ElementsIn order.
func newNodeFinder(es []*model.Element) *nodeFinder {
	f := &nodeFinder{rank: map[*model.Element]int{}}
	for _, e := range es {
		if e.Kind.IsNode() {
			f.rank[e] = len(f.nodes)
			f.nodes = append(f.nodes, e)
			f.maxW = math.Max(f.maxW, e.W)
		}
	}
	sort.SliceStable(f.nodes, func(i, j int) bool { return f.nodes[i].X < f.nodes[j].X })
	return f
}

// touching returns the node nearest to p within snapDistance of its
// outline, or nil; of nodes equally near, the last in ElementsIn order.
func (f *nodeFinder) touching(p model.Point) *model.Element {
	var best *model.Element
	dist := snapDistance
	end := sort.Search(len(f.nodes), func(i int) bool { return f.nodes[i].X > p.X+snapDistance })
	for i := end - 1; i >= 0; i-- {
		e := f.nodes[i]
		if e.X+f.maxW < p.X-snapDistance {
			break // no node further left reaches p
		}
		dx := math.Max(0, math.Max(e.X-p.X, p.X-(e.X+e.W)))
		dy := math.Max(0, math.Max(e.Y-p.Y, p.Y-(e.Y+e.H)))
		d := math.Hypot(dx, dy)
		if d < dist || (d == dist && best != nil && f.rank[e] > f.rank[best]) || (d == dist && best == nil) {
			best, dist = e, d
		}
	}
	return best
}

func (r *reader) flow(diagram string, c tdCell) {
	p := c.props()
	f := &model.Element{ID: c.ID, Kind: model.DataFlow, Diagram: diagram, Name: oneLine(nameOf(c)),
		Description: str(p, "description"), Props: map[string]string{}}
	src, sp := r.end(diagram, c.Source)
	dst, dp := r.end(diagram, c.Target)
	f.Source, f.Target = src, dst
	if sp != nil {
		f.Points = append(f.Points, *sp)
	}
	for _, v := range c.Vertices {
		f.Points = append(f.Points, model.Point{X: v.X, Y: v.Y})
	}
	if dp != nil {
		f.Points = append(f.Points, *dp)
	}
	if src == "" || dst == "" {
		r.warn("flow %q is not connected at both ends in Threat Dragon", f.Label())
	}
	for _, end := range []struct {
		td *tdEnd
		id string
	}{{c.Source, src}, {c.Target, dst}} {
		if end.id != "" && end.td.Cell == "" && end.td.ID == "" {
			r.warn("flow %q ends beside %q in Threat Dragon, not on it; it was attached to it", f.Label(), r.m.Elements[end.id].Label())
		}
	}
	for tdKey, key := range map[string]string{"isEncrypted": "encrypted", "isPublicNetwork": "public_network", "isBidirectional": "bidirectional"} {
		if b, ok := flag(p, tdKey); ok && b { // a false flag is Threat Dragon's default (see node)
			f.Props[key] = "true"
		}
	}
	if proto := strings.TrimSpace(str(p, "protocol")); proto != "" {
		f.Props["protocol"] = proto
	}
	r.scope(f, p)
	r.add(f)
	r.threats(f, p)
}

// curve reads a curved trust boundary as a line boundary through its
// vertices; a flow crosses it where their paths intersect.
func (r *reader) curve(diagram string, c tdCell) {
	b := &model.Element{ID: c.ID, Kind: model.TrustBoundary, Diagram: diagram, Name: oneLine(nameOf(c))}
	if c.Source != nil && c.Source.X != nil && c.Source.Y != nil {
		b.Points = append(b.Points, model.Point{X: *c.Source.X, Y: *c.Source.Y})
	}
	for _, v := range c.Vertices {
		b.Points = append(b.Points, model.Point{X: v.X, Y: v.Y})
	}
	if c.Target != nil && c.Target.X != nil && c.Target.Y != nil {
		b.Points = append(b.Points, model.Point{X: *c.Target.X, Y: *c.Target.Y})
	}
	if len(b.Points) < 2 && c.Position != nil && c.Size != nil {
		// Read as a node, the curve is its shape's arc across its box.
		x, y, w, h := c.Position.X, c.Position.Y, c.Size.Width, c.Size.Height
		b.Points = []model.Point{{X: x, Y: y + h}, {X: x + w/2, Y: y}, {X: x + w, Y: y + h}}
	}
	if len(b.Points) < 2 {
		r.warn("trust boundary %s has no line to draw and was left out", c.ID)
		return
	}
	if b.Name == "" {
		b.Name = "Trust boundary"
	}
	r.add(b)
}

// cia maps the CIA (and DIE) categories onto STRIDE.
var cia = map[string]model.Category{
	"confidentiality": model.InformationDisclosure, "integrity": model.Tampering, "availability": model.DenialOfService,
	"distributed": model.DenialOfService, "immutable": model.Tampering, "ephemeral": model.InformationDisclosure,
}

func (r *reader) threats(e *model.Element, p map[string]any) {
	list, _ := p["threats"].([]any)
	for i, raw := range list {
		tm, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		r.number++
		t := &model.Threat{Number: r.number, ElementID: e.ID, Manual: true, Origin: "Threat Dragon", Title: strings.TrimSpace(str(tm, "title")),
			Description: str(tm, "description"), Mitigation: str(tm, "mitigation")}
		if id := str(tm, "id"); id != "" {
			t.ID = "td-" + id
		} else {
			t.ID = fmt.Sprintf("td-%s-%d", e.ID, i+1)
		}
		if r.m.Threats[t.ID] != nil {
			t.ID = fmt.Sprintf("%s-%d", t.ID, r.number)
		}
		if t.Title == "" {
			t.Title = "Untitled threat"
		}
		typ := strings.TrimSpace(str(tm, "type"))
		if c, err := model.ParseCategory(typ); err == nil {
			t.Category = c
		} else if c, ok := cia[strings.ToLower(typ)]; ok {
			t.Category = c
		} else {
			t.Category = model.InformationDisclosure // LINDDUN and other privacy types
		}
		if typ != "" && typ != t.Category.Label() {
			t.Facts = append(t.Facts, "Threat Dragon type: "+typ)
		}
		switch strings.ToLower(strings.ReplaceAll(str(tm, "status"), " ", "")) {
		case "mitigated":
			t.Status = model.Mitigated
		case "notapplicable", "n/a":
			t.Status = model.NotApplicable
		default:
			t.Status = model.Open
		}
		t.Likelihood, t.Impact = model.Medium, model.Medium
		if s, err := model.ParseSeverity(str(tm, "severity")); err == nil {
			t.Likelihood, t.Impact = model.LevelsFor(s)
			t.RiskSet = true
		} else if sev := str(tm, "severity"); sev != "" {
			t.Facts = append(t.Facts, "Threat Dragon severity: "+sev)
		}
		if score, ok := tm["score"]; ok && fmt.Sprint(score) != "" {
			t.Facts = append(t.Facts, fmt.Sprintf("Threat Dragon score: %v", score))
		}
		r.m.Threats[t.ID] = t
	}
}

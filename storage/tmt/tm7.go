// Package tmt reads models made with the Microsoft Threat Modeling Tool
// (.tm7): drawing surfaces, stencils with their attributes, trust
// boundaries, and the threat instances TMT generated, with the knowledge
// base embedded in the file kept as a rule set of the model.
package tmt

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

// ErrNotTMT is returned for XML that is not a TMT model.
var ErrNotTMT = errors.New("not a Microsoft Threat Modeling Tool model")

// IsModel reports whether data looks like a .tm7 model.
func IsModel(data []byte) bool {
	head := data[:min(len(data), 512)]
	return bytes.Contains(head, []byte("<ThreatModel")) && bytes.Contains(head, []byte("ThreatModeling.Model"))
}

type tm7 struct {
	Surfaces []surface `xml:"DrawingSurfaceList>DrawingSurfaceModel"`
	Meta     struct {
		Assumptions, Contributors, HighLevelSystemDescription, Owner, Reviewer, ThreatModelName string
	} `xml:"MetaInformation"`
	Threats []threatKV `xml:"ThreatInstances>KeyValueOfstringThreatpc_P0_PhOB"`
	KB      struct {
		Generic    []elementType `xml:"GenericElements>ElementType"`
		Standard   []elementType `xml:"StandardElements>ElementType"`
		Categories []KBCategory  `xml:"ThreatCategories>ThreatCategory"`
		Types      []struct {
			ID       string `xml:"Id"`
			Category string `xml:"Category"`
		} `xml:"ThreatTypes>ThreatType"`
		Manifest struct {
			// A .tb7 writes attributes, the copy inside a .tm7 elements.
			Name        string `xml:"name,attr"`
			Version     string `xml:"version,attr"`
			NameElem    string `xml:"Name"`
			VersionElem string `xml:"Version"`
		} `xml:"Manifest"`
	} `xml:"KnowledgeBase"`
}

type elementType struct {
	ID             string `xml:"Id"`
	IDUpper        string `xml:"ID"`
	ParentID       string `xml:"ParentId"`
	ParentElement  string `xml:"ParentElement"`
	Name           string `xml:"Name"`
	Representation string `xml:"Representation"`
}

func (e elementType) id() string     { return strings.TrimSpace(e.ID + e.IDUpper) }
func (e elementType) parent() string { return strings.TrimSpace(e.ParentID + e.ParentElement) }

type surface struct {
	Guid    string    `xml:"Guid"`
	Props   []attr    `xml:"Properties>anyType"`
	Borders []stencil `xml:"Borders>KeyValueOfguidanyType>Value"`
	Lines   []stencil `xml:"Lines>KeyValueOfguidanyType>Value"`
}

type stencil struct {
	XType         string  `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	GenericTypeID string  `xml:"GenericTypeId"`
	Guid          string  `xml:"Guid"`
	TypeID        string  `xml:"TypeId"`
	Props         []attr  `xml:"Properties>anyType"`
	Left          float64 `xml:"Left"`
	Top           float64 `xml:"Top"`
	Width         float64 `xml:"Width"`
	Height        float64 `xml:"Height"`
	SourceGuid    string  `xml:"SourceGuid"`
	TargetGuid    string  `xml:"TargetGuid"`
	SourceX       float64 `xml:"SourceX"`
	SourceY       float64 `xml:"SourceY"`
	TargetX       float64 `xml:"TargetX"`
	TargetY       float64 `xml:"TargetY"`
	HandleX       float64 `xml:"HandleX"`
	HandleY       float64 `xml:"HandleY"`
}

type attr struct {
	XType         string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	DisplayName   string `xml:"DisplayName"`
	Name          string `xml:"Name"`
	SelectedIndex int    `xml:"SelectedIndex"`
	Value         struct {
		Text  string   `xml:",chardata"`
		Items []string `xml:"string"`
	} `xml:"Value"`
}

// value is the attribute's value: its text, or the selected item of a list.
func (a attr) value() string {
	if len(a.Value.Items) > 0 {
		if a.SelectedIndex >= 0 && a.SelectedIndex < len(a.Value.Items) {
			return strings.TrimSpace(a.Value.Items[a.SelectedIndex])
		}
		return ""
	}
	return strings.TrimSpace(a.Value.Text)
}

type threatKV struct {
	Key   string `xml:"Key"`
	Value struct {
		ID                 int    `xml:"Id"`
		TypeID             string `xml:"TypeId"`
		SourceGuid         string `xml:"SourceGuid"`
		FlowGuid           string `xml:"FlowGuid"`
		TargetGuid         string `xml:"TargetGuid"`
		DrawingSurfaceGuid string `xml:"DrawingSurfaceGuid"`
		State              string `xml:"State"`
		StateInformation   string `xml:"StateInformation"`
		Priority           string `xml:"Priority"`
		Props              []struct {
			Key   string `xml:"Key"`
			Value string `xml:"Value"`
		} `xml:"Properties>KeyValueOfstringstring"`
	} `xml:"Value"`
}

// kbRegion finds the knowledge base embedded in a .tm7 file.
var kbRegion = regexp.MustCompile(`(?s)<KnowledgeBase[\s>].*</KnowledgeBase>`)

// EmbeddedKB returns the XML of the knowledge base embedded in a .tm7
// model, or nil.
func EmbeddedKB(data []byte) []byte { return kbRegion.Find(data) }

// ReadModel turns a .tm7 model into a Rampart model. Every drawing surface
// becomes a top-level diagram; stencils keep their TMT type and attributes
// as properties (tmt:type, tmt:<attribute>) and the attributes Rampart
// knows are mapped onto its own properties; recorded threat instances keep
// their type, title, description, interaction, priority and state. The
// embedded knowledge base becomes a rule set of the model. Warnings say
// what was left out, and what was cut or moved to keep the model within
// bounds (see model.Bound).
func ReadModel(data []byte) (*model.Model, []string, error) {
	var doc tm7
	dec := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotTMT, err)
	}
	r := &reader{m: model.Empty(), kinds: map[string]string{}, ends: map[string][2]model.Point{}}
	for _, g := range doc.KB.Generic {
		r.kinds[g.id()] = g.Representation
	}
	meta := doc.Meta
	r.m.Name = strings.TrimSpace(meta.ThreatModelName)
	if r.m.Name == "" {
		r.m.Name = "Threat Modeling Tool model"
	}
	r.m.Description = strings.TrimSpace(meta.HighLevelSystemDescription)
	r.m.Assumptions = strings.TrimSpace(meta.Assumptions)
	for _, a := range append([]string{meta.Owner}, strings.Split(meta.Contributors, ",")...) {
		if a = strings.TrimSpace(a); a != "" {
			r.m.Authors = append(r.m.Authors, a)
		}
	}
	if rv := strings.TrimSpace(meta.Reviewer); rv != "" {
		r.m.Authors = append(r.m.Authors, rv+" (reviewer)")
	}
	if len(doc.Surfaces) == 0 {
		return nil, nil, fmt.Errorf("%w: it has no drawing surface", ErrNotTMT)
	}
	for i, s := range doc.Surfaces {
		r.surface(i, s)
	}
	r.threats(doc)
	if kb := EmbeddedKB(data); kb != nil {
		name := "TMT knowledge base"
		mf := doc.KB.Manifest
		if n := strings.TrimSpace(mf.Name + mf.NameElem); n != "" {
			name = strings.TrimSpace(n + " " + strings.TrimSpace(mf.Version+mf.VersionElem))
		}
		r.m.RuleSets[name] = &model.RuleSet{Name: name, Format: model.RuleSetTMT, Data: string(kb)}
	}
	r.warnings = append(r.warnings, model.Bound(r.m)...)
	if err := model.CheckReferences(r.m); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNotTMT, err)
	}
	return r.m, r.warnings, nil
}

type reader struct {
	m        *model.Model
	kinds    map[string]string // generic element ID → representation
	warnings []string
	ends     map[string][2]model.Point // flow ID → where TMT draws its two ends
}

func nameOf(props []attr) string {
	for _, a := range props {
		if strings.HasSuffix(a.XType, "StringDisplayAttribute") && strings.TrimSpace(a.DisplayName) == "Name" {
			return strings.TrimSpace(a.value())
		}
	}
	return ""
}

func (r *reader) surface(i int, s surface) {
	id := strings.TrimSpace(s.Guid)
	if id == "" || r.m.Diagrams[id] != nil {
		id = fmt.Sprintf("surface-%d", i+1)
	}
	name := nameOf(s.Props)
	if name == "" {
		name = fmt.Sprintf("Diagram %d", i+1)
	}
	r.m.Diagrams[id] = &model.Diagram{ID: id, Name: name}
	for _, st := range s.Borders {
		r.stencil(id, st)
	}
	for _, st := range s.Lines {
		r.stencil(id, st)
	}
	r.looseEnds(id)
}

// looseEnds keeps the flows TMT left unconnected (an end at the null GUID
// or at nothing): the end is dropped and drawn where TMT drew it.
func (r *reader) looseEnds(diagram string) {
	for _, f := range r.m.ElementsIn(diagram) {
		if f.Kind != model.DataFlow {
			continue
		}
		ends := r.ends[f.ID]
		if e := r.m.Elements[f.Source]; e == nil || !e.Kind.IsNode() {
			f.Source = ""
			f.Points = append([]model.Point{ends[0]}, f.Points...)
		}
		if e := r.m.Elements[f.Target]; e == nil || !e.Kind.IsNode() {
			f.Target = ""
			f.Points = append(f.Points, ends[1])
		}
		if f.Source == "" || f.Target == "" {
			r.warnings = append(r.warnings, fmt.Sprintf("flow %q is not connected at both ends in TMT", f.Label()))
		}
	}
}

// kind decides what a stencil is, from its generic type, the knowledge
// base's representation of a custom generic type, or the XML type.
func (r *reader) kind(st stencil) (model.Kind, bool, bool) {
	g := strings.TrimSpace(st.GenericTypeID)
	switch g {
	case "GE.P":
		return model.Process, false, true
	case "GE.EI":
		return model.ExternalEntity, false, true
	case "GE.DS":
		return model.DataStore, false, true
	case "GE.DF":
		return model.DataFlow, false, true
	case "GE.TB.B":
		return model.TrustBoundary, false, true
	case "GE.TB.L":
		return model.TrustBoundary, true, true
	case "GE.A":
		return 0, false, false
	}
	switch r.kinds[g] {
	case "Ellipse":
		return model.Process, false, true
	case "Rectangle":
		return model.ExternalEntity, false, true
	case "ParallelLines":
		return model.DataStore, false, true
	case "BorderBoundary":
		return model.TrustBoundary, false, true
	case "Line":
		if strings.HasSuffix(st.XType, "LineBoundary") {
			return model.TrustBoundary, true, true
		}
		return model.DataFlow, false, true
	case "Annotation":
		return 0, false, false
	}
	switch {
	case strings.HasSuffix(st.XType, "StencilEllipse"):
		return model.Process, false, true
	case strings.HasSuffix(st.XType, "StencilRectangle"):
		return model.ExternalEntity, false, true
	case strings.HasSuffix(st.XType, "StencilParallelLines"):
		return model.DataStore, false, true
	case strings.HasSuffix(st.XType, "BorderBoundary"):
		return model.TrustBoundary, false, true
	case strings.HasSuffix(st.XType, "LineBoundary"):
		return model.TrustBoundary, true, true
	case strings.HasSuffix(st.XType, "Connector"):
		return model.DataFlow, false, true
	}
	return 0, false, false
}

// reserved are the properties Rampart keeps about a stencil itself: its
// type, its generic type and its display type.
var reserved = map[string]bool{"type": true, "generic": true, "stencil": true}

// AttributeKey is the property that holds a stencil's attribute: tmt:<name>,
// or tmt:attr:<name> for an attribute whose name would take the place of
// the stencil's type ("type" on an SDL external interactor), so the
// knowledge base keeps matching the stencil.
func AttributeKey(name string) string {
	if reserved[name] {
		return "tmt:attr:" + name
	}
	return "tmt:" + name
}

// attributeMap maps TMT attributes onto Rampart properties, so Rampart's
// own rules see what the TMT model says.
var attributeMap = map[model.Kind]map[string]string{
	model.DataFlow: {"authenticatesSource": "authenticates_source", "authenticatesDestination": "authenticates_destination",
		"providesConfidentiality": "encrypted", "providesIntegrity": "integrity_protected"},
	model.Process: {"hasInputSanitizers": "sanitizes_input", "hasOutputSanitizers": "encodes_output",
		"implementsAuthenticationScheme": "authenticates_callers"},
	model.ExternalEntity: {"authenticatesItself": "authenticates_itself"},
	model.DataStore: {"storesCredentials": "stores_credentials", "storesLogData": "stores_logs", "Encrypted": "encrypted_at_rest",
		"Signed": "signed", "Backup": "backup", "shared": "shared"},
}

func yesNo(v string) (string, bool) {
	switch strings.ToLower(v) {
	case "yes", "true":
		return "true", true
	case "no", "false":
		return "false", true
	}
	return "", false
}

func (r *reader) stencil(diagram string, st stencil) {
	kind, line, ok := r.kind(st)
	name := nameOf(st.Props)
	if !ok {
		if strings.TrimSpace(st.GenericTypeID) == "GE.A" || r.kinds[strings.TrimSpace(st.GenericTypeID)] == "Annotation" {
			r.warnings = append(r.warnings, fmt.Sprintf("the annotation %q is not a model element and was left out", name))
		} else {
			r.warnings = append(r.warnings, fmt.Sprintf("stencil %q of unknown type %q was left out", name, st.GenericTypeID))
		}
		return
	}
	e := &model.Element{ID: strings.TrimSpace(st.Guid), Kind: kind, Diagram: diagram, Name: name,
		Props: map[string]string{"tmt:type": strings.TrimSpace(st.TypeID), "tmt:generic": strings.TrimSpace(st.GenericTypeID)}}
	if e.ID == "" || r.m.Elements[e.ID] != nil {
		e.ID = model.NewID()
	}
	header := ""
	for _, a := range st.Props {
		switch display := strings.TrimSpace(a.DisplayName); {
		case strings.HasSuffix(a.XType, "HeaderDisplayAttribute"):
			if header == "" {
				header = display
			}
		case display == "Out Of Scope" && strings.HasSuffix(a.XType, "BooleanDisplayAttribute"):
			e.OutOfScope = strings.EqualFold(a.value(), "true")
		case display == "Reason For Out Of Scope":
			e.OutOfScopeReason = a.value()
		case strings.TrimSpace(a.Name) != "":
			key, v := strings.TrimSpace(a.Name), a.value()
			if v == "" {
				continue
			}
			e.Props[AttributeKey(key)] = v
			if rk, ok := attributeMap[kind][key]; ok {
				if b, ok := yesNo(v); ok {
					e.Props[rk] = b
				}
			}
			if kind == model.Process && key == "codeType" {
				if v == "Managed" {
					e.Props["memory_safe"] = "true"
				} else if v == "Unmanaged" {
					e.Props["memory_safe"] = "false"
				}
			}
		}
	}
	if !e.OutOfScope {
		e.OutOfScopeReason = ""
	}
	if header != "" {
		e.Props["tmt:stencil"] = header
		if t := technology(kind, header); t != "" {
			e.Props["technology"] = t
		}
	}
	if e.Name == "" {
		e.Name = header
	}
	switch {
	case kind == model.DataFlow || line:
		src := model.Point{X: st.SourceX, Y: st.SourceY}
		dst := model.Point{X: st.TargetX, Y: st.TargetY}
		// The midpoint of TMT's quadratic curve, as one bend point.
		mid := model.Point{X: (st.SourceX + 2*st.HandleX + st.TargetX) / 4, Y: (st.SourceY + 2*st.HandleY + st.TargetY) / 4}
		if line {
			e.Points = []model.Point{src, mid, dst}
			break
		}
		e.Source, e.Target = strings.TrimSpace(st.SourceGuid), strings.TrimSpace(st.TargetGuid)
		r.ends[e.ID] = [2]model.Point{src, dst}
		if !straight(src, mid, dst) {
			e.Points = []model.Point{mid}
		}
	default:
		e.X, e.Y, e.W, e.H = st.Left, st.Top, st.Width, st.Height
	}
	r.m.Elements[e.ID] = e
}

func straight(a, m, b model.Point) bool {
	cross := (b.X-a.X)*(m.Y-a.Y) - (b.Y-a.Y)*(m.X-a.X)
	length := (b.X-a.X)*(b.X-a.X) + (b.Y-a.Y)*(b.Y-a.Y)
	return cross*cross <= 4*length // within 2 units of the straight line
}

// technology guesses Rampart's technology from a stencil's display name.
func technology(k model.Kind, stencil string) string {
	s := strings.ToLower(stencil)
	guesses := []struct{ word, tech string }{
		{"nosql", "nosql_database"}, {"sql", "sql_database"}, {"key vault", "secrets_vault"}, {"queue", "message_queue"},
		{"service bus", "message_queue"}, {"event hub", "message_queue"}, {"cache", "cache"}, {"redis", "cache"},
		{"blob", "object_store"}, {"local storage", "file_system"}, {"cookie", "file_system"}, {"storage", "object_store"},
		{"file", "file_system"}, {"api management", "api_gateway"},
		{"gateway", "api_gateway"}, {"web application", "web_app"}, {"web app", "web_app"}, {"browser", "browser"},
		{"mobile", "mobile_app"}, {"iot", "iot_device"}, {"active directory", "identity_provider"},
		{"identity", "identity_provider"}, {"function", "serverless_function"}, {"human user", "user"}, {"user", "user"},
	}
	for _, g := range guesses {
		if strings.Contains(s, g.word) {
			if def := model.PropFor(k, "technology"); def != nil && def.Check(g.tech) == nil {
				return g.tech
			}
		}
	}
	return ""
}

// threats turns TMT's threat instances into threats on their flows, with
// the IDs Rampart's translation of the knowledge base gives them, so a
// later analysis finds them again instead of adding copies. What TMT
// recorded (priority, state, justification, the mitigation text) is kept
// as the analyst's triage, so analysis does not replace it.
func (r *reader) threats(doc tm7) {
	cats := NewCategories(doc.KB.Categories)
	typeCategory := map[string]string{}
	for _, t := range doc.KB.Types {
		typeCategory[strings.TrimSpace(t.ID)] = strings.TrimSpace(t.Category)
	}
	list := doc.Threats
	sort.SliceStable(list, func(i, j int) bool { return list[i].Value.ID < list[j].Value.ID })
	for n, kv := range list {
		v := kv.Value
		props := map[string]string{}
		for _, p := range v.Props {
			props[strings.TrimSpace(p.Key)] = strings.TrimSpace(p.Value)
		}
		flow := strings.TrimSpace(v.FlowGuid)
		if r.m.Elements[flow] == nil {
			r.warnings = append(r.warnings, fmt.Sprintf("threat %q is on an interaction that is not in the model", props["Title"]))
			continue
		}
		typeID := strings.TrimSpace(v.TypeID)
		t := &model.Threat{ID: "tmt:" + typeID + "@" + flow, Number: n + 1, RuleID: "tmt:" + typeID, ElementID: flow,
			Origin: "Microsoft Threat Modeling Tool", Title: props["Title"], Description: props["UserThreatDescription"],
			Mitigation: props["PossibleMitigations"], Justification: strings.TrimSpace(v.StateInformation),
			References: []string{"TMT " + typeID}}
		if t.Title == "" {
			t.Title = "TMT threat " + typeID
		}
		cat := props["UserThreatCategory"]
		if cat == "" {
			cat = typeCategory[typeID]
		}
		if c, ok := cats.STRIDE(cat); ok {
			t.Category = c
		} else {
			t.Category = model.Tampering
			t.Facts = append(t.Facts, "TMT category: "+cat+" (not a STRIDE category; filed as Tampering)")
		}
		if is := props["InteractionString"]; is != "" {
			t.Facts = append(t.Facts, "TMT interaction: "+is)
		}
		priority := props["Priority"]
		if priority == "" {
			priority = strings.TrimSpace(v.Priority)
		}
		t.RiskSet = true // TMT's priority is the recorded rating
		if s, err := model.ParseSeverity(priority); err == nil {
			t.Likelihood, t.Impact = model.LevelsFor(s)
		} else {
			t.Likelihood, t.Impact = model.LevelsFor(model.SeverityHigh)
			if priority != "" {
				t.Facts = append(t.Facts, "TMT priority: "+priority+" (rated high)")
			}
		}
		switch state := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v.State), " ", "")); state {
		case "mitigated":
			t.Status = model.Mitigated
		case "notapplicable":
			t.Status = model.NotApplicable
		case "", "notstarted":
			t.Status = model.Open
		case "autogenerated":
			// TMT's suggestion, which nobody has triaged: not what someone
			// stated about this system.
			t.Status, t.Confidence = model.Open, model.Assumed
		default:
			// Open in Rampart, but TMT said more (Needs Investigation):
			// the justification keeps it past analysis.
			t.Status = model.Open
			t.Justification = strings.TrimSpace("TMT state: " + strings.TrimSpace(v.State) + "\n" + t.Justification)
		}
		if v.State != "" {
			t.Facts = append(t.Facts, "TMT state: "+strings.TrimSpace(v.State))
		}
		if r.m.Threats[t.ID] != nil {
			t.ID += "#" + strconv.Itoa(v.ID)
		}
		r.m.Threats[t.ID] = t
	}
}

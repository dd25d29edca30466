// Package otm reads and writes the Open Threat Model (OTM 0.1 and 0.2),
// the format IriusRisk's StartLeft converters write and Threat Dragon
// imports, in JSON or YAML. Trust zones are trust boundaries, components
// processes, stores or external entities, dataflows flows; assets are data
// assets, threats and mitigations the threats another tool recorded.
//
// A file Rampart writes says so in its project's attributes, and carries
// what OTM has no field for (diagrams, flow bends, triage) in attributes
// named rampart:*, so reading it back gives the same model.
package otm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/storage/internal/lenient"
)

// ErrNotOTM is returned for a file that is not an Open Threat Model.
var ErrNotOTM = errors.New("not an Open Threat Model")

// Version is the OTM version Rampart writes.
const Version = "0.2.0"

// Is reports whether data looks like an OTM document, in JSON or YAML: one
// with an otmVersion at its top, or a draft's, without a version, with a
// project, trust zones and components.
func Is(data []byte) bool {
	head := data[:min(len(data), 64<<10)]
	if !bytes.Contains(head, []byte("otmVersion")) && !bytes.Contains(bytes.ToLower(head), []byte("trustzones")) {
		return false
	}
	var probe map[string]any
	trimmed := bytes.TrimLeft(data, " \t\r\n\xef\xbb\xbf")
	if bytes.HasPrefix(trimmed, []byte("{")) {
		if json.Unmarshal(data, &probe) != nil {
			return false
		}
	} else if yaml.Unmarshal(data, &probe) != nil {
		return false
	}
	return probe["otmVersion"] != nil || draft(probe)
}

// draft tells whether a document without a version has the shape of an
// early OTM draft, as StartLeft's first examples have it.
func draft(top map[string]any) bool {
	_, project := top["project"].(map[string]any)
	_, components := top["components"].([]any)
	_, zones := top["trustzones"].([]any)
	_, zones2 := top["trustZones"].([]any)
	return project && components && (zones || zones2)
}

// The document, as the schema has it. Scalars are read leniently (an id
// written as a number is still an id); attributes are free-form.
type document struct {
	OTMVersion      text             `json:"otmVersion" yaml:"otmVersion"`
	Project         project          `json:"project" yaml:"project"`
	Representations []representation `json:"representations,omitempty" yaml:"representations,omitempty"`
	Assets          []asset          `json:"assets,omitempty" yaml:"assets,omitempty"`
	TrustZones      []trustZone      `json:"trustZones" yaml:"trustZones"`
	Components      []component      `json:"components" yaml:"components"`
	Dataflows       []dataflow       `json:"dataflows" yaml:"dataflows"`
	Threats         []threat         `json:"threats,omitempty" yaml:"threats,omitempty"`
	Mitigations     []mitigation     `json:"mitigations,omitempty" yaml:"mitigations,omitempty"`
}

type attributes map[string]any

type project struct {
	Name         text       `json:"name" yaml:"name"`
	ID           text       `json:"id" yaml:"id"`
	Description  text       `json:"description,omitempty" yaml:"description,omitempty"`
	Owner        text       `json:"owner,omitempty" yaml:"owner,omitempty"`
	OwnerContact text       `json:"ownerContact,omitempty" yaml:"ownerContact,omitempty"`
	Tags         []text     `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes   attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type representation struct {
	Name        text       `json:"name" yaml:"name"`
	ID          text       `json:"id" yaml:"id"`
	Type        text       `json:"type" yaml:"type"`
	Description text       `json:"description,omitempty" yaml:"description,omitempty"`
	Size        *size      `json:"size,omitempty" yaml:"size,omitempty"`
	Attributes  attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type size struct {
	Width  number `json:"width" yaml:"width"`
	Height number `json:"height" yaml:"height"`
}

type position struct {
	X number `json:"x" yaml:"x"`
	Y number `json:"y" yaml:"y"`
}

// shape is an element's place in a representation.
type shape struct {
	Representation text       `json:"representation" yaml:"representation"`
	Name           text       `json:"name,omitempty" yaml:"name,omitempty"`
	ID             text       `json:"id" yaml:"id"`
	Position       *position  `json:"position,omitempty" yaml:"position,omitempty"`
	Size           *size      `json:"size,omitempty" yaml:"size,omitempty"`
	Attributes     attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type asset struct {
	Name        text       `json:"name" yaml:"name"`
	ID          text       `json:"id" yaml:"id"`
	Description text       `json:"description,omitempty" yaml:"description,omitempty"`
	Risk        assetRisk  `json:"risk" yaml:"risk"`
	Attributes  attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type assetRisk struct {
	Confidentiality number `json:"confidentiality" yaml:"confidentiality"`
	Integrity       number `json:"integrity" yaml:"integrity"`
	Availability    number `json:"availability" yaml:"availability"`
	Comment         text   `json:"comment,omitempty" yaml:"comment,omitempty"`
}

// parent is where a zone or component stands: in a trust zone or inside
// a component. OTM 0.1's draft also wrote {id, type}.
type parent struct {
	TrustZone text `json:"trustZone,omitempty" yaml:"trustZone,omitempty"`
	Component text `json:"component,omitempty" yaml:"component,omitempty"`
	ID        text `json:"id,omitempty" yaml:"id,omitempty"`
	Type      text `json:"type,omitempty" yaml:"type,omitempty"`
}

// UnmarshalJSON reads a parent as an object, or as the bare id of a zone
// or component, as early drafts of OTM wrote it.
func (p *parent) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] != '{' {
		return json.Unmarshal(b, &p.ID)
	}
	type plain parent
	return json.Unmarshal(b, (*plain)(p))
}

// ref is the parent as (is it a component, its id).
func (p *parent) ref() (component bool, id string) {
	switch {
	case p == nil:
		return false, ""
	case p.TrustZone != "":
		return false, string(p.TrustZone)
	case p.Component != "":
		return true, string(p.Component)
	}
	return strings.EqualFold(string(p.Type), "component"), string(p.ID)
}

type trustZone struct {
	ID              text       `json:"id" yaml:"id"`
	Name            text       `json:"name" yaml:"name"`
	Type            text       `json:"type,omitempty" yaml:"type,omitempty"`
	Description     text       `json:"description,omitempty" yaml:"description,omitempty"`
	Risk            zoneRisk   `json:"risk" yaml:"risk"`
	Parent          *parent    `json:"parent,omitempty" yaml:"parent,omitempty"`
	Representations []shape    `json:"representations,omitempty" yaml:"representations,omitempty"`
	Attributes      attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Properties      attributes `json:"properties,omitempty" yaml:"properties,omitempty"` // StartLeft's MTMT output
}

type zoneRisk struct {
	TrustRating *number `json:"trustRating" yaml:"trustRating"` // nil when the file rates no trust
}

type component struct {
	ID              text       `json:"id" yaml:"id"`
	Name            text       `json:"name" yaml:"name"`
	Type            text       `json:"type" yaml:"type"`
	Description     text       `json:"description,omitempty" yaml:"description,omitempty"`
	Parent          *parent    `json:"parent" yaml:"parent"`
	Representations []shape    `json:"representations,omitempty" yaml:"representations,omitempty"`
	Assets          *holdings  `json:"assets,omitempty" yaml:"assets,omitempty"`
	Threats         []instance `json:"threats,omitempty" yaml:"threats,omitempty"`
	Tags            []text     `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes      attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Properties      attributes `json:"properties,omitempty" yaml:"properties,omitempty"`
}

type holdings struct {
	Processed []text `json:"processed,omitempty" yaml:"processed,omitempty"`
	Stored    []text `json:"stored,omitempty" yaml:"stored,omitempty"`
}

type dataflow struct {
	ID            text       `json:"id" yaml:"id"`
	Name          text       `json:"name" yaml:"name"`
	Description   text       `json:"description,omitempty" yaml:"description,omitempty"`
	Bidirectional *flag      `json:"bidirectional,omitempty" yaml:"bidirectional,omitempty"`
	Source        text       `json:"source" yaml:"source"`
	Destination   text       `json:"destination" yaml:"destination"`
	From          text       `json:"from,omitempty" yaml:"from,omitempty"` // early drafts' source and destination
	To            text       `json:"to,omitempty" yaml:"to,omitempty"`
	Assets        []text     `json:"assets,omitempty" yaml:"assets,omitempty"`
	Threats       []instance `json:"threats,omitempty" yaml:"threats,omitempty"`
	Tags          []text     `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes    attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
	Properties    attributes `json:"properties,omitempty" yaml:"properties,omitempty"`
}

// instance is a threat as it stands on one component or dataflow.
type instance struct {
	Threat      text           `json:"threat" yaml:"threat"`
	State       text           `json:"state" yaml:"state"`
	Mitigations []mitigationAt `json:"mitigations,omitempty" yaml:"mitigations,omitempty"`
}

type mitigationAt struct {
	Mitigation text `json:"mitigation" yaml:"mitigation"`
	State      text `json:"state" yaml:"state"`
}

type threat struct {
	ID          text       `json:"id" yaml:"id"`
	Name        text       `json:"name" yaml:"name"`
	Description text       `json:"description,omitempty" yaml:"description,omitempty"`
	Categories  []text     `json:"categories,omitempty" yaml:"categories,omitempty"`
	CWEs        []text     `json:"cwes,omitempty" yaml:"cwes,omitempty"`
	Risk        threatRisk `json:"risk" yaml:"risk"`
	Tags        []text     `json:"tags,omitempty" yaml:"tags,omitempty"`
	Attributes  attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

type threatRisk struct {
	Likelihood        *number `json:"likelihood" yaml:"likelihood"`
	LikelihoodComment text    `json:"likelihoodComment,omitempty" yaml:"likelihoodComment,omitempty"`
	Impact            number  `json:"impact" yaml:"impact"`
	ImpactComment     text    `json:"impactComment,omitempty" yaml:"impactComment,omitempty"`
}

type mitigation struct {
	ID            text       `json:"id" yaml:"id"`
	Name          text       `json:"name" yaml:"name"`
	Description   text       `json:"description,omitempty" yaml:"description,omitempty"`
	RiskReduction number     `json:"riskReduction" yaml:"riskReduction"`
	Attributes    attributes `json:"attributes,omitempty" yaml:"attributes,omitempty"`
}

// The lenient scalars of other tools' files.
type (
	text   = lenient.Text
	number = lenient.Number
	flag   = lenient.Flag
)

func scalar(v any) string { return lenient.Scalar(v) }

// decode reads a document in JSON or YAML.
func decode(data []byte) (*document, error) {
	var doc document
	if err := lenient.Decode(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotOTM, err)
	}
	if doc.OTMVersion == "" {
		var top map[string]any
		if lenient.Decode(data, &top) != nil || !draft(top) {
			return nil, fmt.Errorf("%w: it has no otmVersion", ErrNotOTM)
		}
	}
	for i := range doc.Dataflows {
		df := &doc.Dataflows[i]
		if df.Source == "" && df.Destination == "" {
			df.Source, df.Destination = df.From, df.To
		}
	}
	return &doc, nil
}

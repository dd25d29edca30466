package model

import (
	"fmt"
	"strings"
)

// enumNames holds the serialized names of an enum, indexed by value.
// Files and JSON carry these names, never the numbers, so they stay readable.
type enumNames []string

func (n enumNames) name(v int) string {
	if v < 0 || v >= len(n) {
		return fmt.Sprintf("unknown(%d)", v)
	}
	return n[v]
}

// parse accepts a name in any case, with spaces, dashes or underscores
// between words ("Information disclosure", "information_disclosure" and
// "InformationDisclosure" are one value): other tools spell names freely.
func (n enumNames) parse(what, s string) (int, error) {
	key := foldName(s)
	for i, name := range n {
		if foldName(name) == key {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", what, s, strings.Join(n, ", "))
}

func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r == ' ' || r == '-' || r == '_' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Kind is what an element is in a data-flow diagram.
type Kind int

// The element kinds of a DFD.
const (
	Process Kind = iota
	ExternalEntity
	DataStore
	DataFlow
	TrustBoundary
)

var kindNames = enumNames{"process", "external_entity", "data_store", "data_flow", "trust_boundary"}

// Kinds lists every element kind in display order.
var Kinds = []Kind{Process, ExternalEntity, DataStore, DataFlow, TrustBoundary}

func (k Kind) String() string { return kindNames.name(int(k)) }

// Label is the kind as people say it ("external entity").
func (k Kind) Label() string { return strings.ReplaceAll(k.String(), "_", " ") }

// IsNode reports whether elements of this kind are boxes a flow can connect.
func (k Kind) IsNode() bool { return k == Process || k == ExternalEntity || k == DataStore }

// ParseKind reads a kind name.
func ParseKind(s string) (Kind, error) {
	v, err := kindNames.parse("element kind", s)
	return Kind(v), err
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) (err error) { *k, err = ParseKind(string(b)); return }

// Category is a STRIDE threat category.
type Category int

// The six STRIDE categories.
const (
	Spoofing Category = iota
	Tampering
	Repudiation
	InformationDisclosure
	DenialOfService
	ElevationOfPrivilege
)

var categoryNames = enumNames{"Spoofing", "Tampering", "Repudiation", "InformationDisclosure", "DenialOfService", "ElevationOfPrivilege"}

// Categories lists STRIDE in its usual order.
var Categories = []Category{Spoofing, Tampering, Repudiation, InformationDisclosure, DenialOfService, ElevationOfPrivilege}

func (c Category) String() string { return categoryNames.name(int(c)) }

// Label is the category as people write it ("Information disclosure").
func (c Category) Label() string {
	return [...]string{"Spoofing", "Tampering", "Repudiation", "Information disclosure", "Denial of service", "Elevation of privilege"}[c]
}

// Letter is the category's initial in STRIDE.
func (c Category) Letter() string { return c.String()[:1] }

// ParseCategory reads a category name, or its STRIDE letter.
func ParseCategory(s string) (Category, error) {
	if len(strings.TrimSpace(s)) == 1 {
		for _, c := range Categories {
			if strings.EqualFold(c.Letter(), strings.TrimSpace(s)) {
				return c, nil
			}
		}
	}
	v, err := categoryNames.parse("STRIDE category", s)
	return Category(v), err
}

// MarshalText writes the category's name.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a category's name.
func (c *Category) UnmarshalText(b []byte) (err error) { *c, err = ParseCategory(string(b)); return }

// Level rates likelihood, impact, and the CIA needs of a data asset.
type Level int

// Levels from least to most.
const (
	Low Level = iota
	Medium
	High
	VeryHigh
)

var levelNames = enumNames{"low", "medium", "high", "very_high"}

// Levels lists every level from least to most.
var Levels = []Level{Low, Medium, High, VeryHigh}

func (l Level) String() string { return levelNames.name(int(l)) }

// Label is the level as people write it ("very high").
func (l Level) Label() string { return strings.ReplaceAll(l.String(), "_", " ") }

// ParseLevel reads a level name.
func ParseLevel(s string) (Level, error) {
	v, err := levelNames.parse("level", s)
	return Level(v), err
}

// MarshalText writes the level's name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(b []byte) (err error) { *l, err = ParseLevel(string(b)); return }

// Severity is the risk of a threat, from its likelihood and impact.
type Severity int

// Severities from least to most.
const (
	SeverityLow Severity = iota
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = enumNames{"low", "medium", "high", "critical"}

// Severities lists every severity from least to most.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

func (s Severity) String() string { return severityNames.name(int(s)) }

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	v, err := severityNames.parse("severity", s)
	return Severity(v), err
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) (err error) { *s, err = ParseSeverity(string(b)); return }

// Risk combines likelihood and impact into a severity on a 4×4 matrix:
// the product of the two (1..16) is low below 4, medium below 8, high
// below 12 and critical from 12. So medium × high is medium, high × high
// and medium × very high are high, and very high × high is critical.
func Risk(likelihood, impact Level) Severity {
	score := (int(likelihood) + 1) * (int(impact) + 1)
	switch {
	case score >= 12:
		return SeverityCritical
	case score >= 8:
		return SeverityHigh
	case score >= 4:
		return SeverityMedium
	}
	return SeverityLow
}

// LevelsFor gives a likelihood and impact whose risk is the severity:
// importers use it when another tool recorded only a severity.
func LevelsFor(s Severity) (likelihood, impact Level) {
	switch s {
	case SeverityCritical:
		return VeryHigh, VeryHigh
	case SeverityHigh:
		return High, High
	case SeverityMedium:
		return Medium, Medium
	}
	return Low, Low
}

// Status is where a threat stands in triage.
type Status int

// Triage statuses.
const (
	Open Status = iota
	Mitigated
	Accepted
	NotApplicable
	Transferred
)

var statusNames = enumNames{"open", "mitigated", "accepted", "not_applicable", "transferred"}

// Statuses lists every status in triage order.
var Statuses = []Status{Open, Mitigated, Accepted, NotApplicable, Transferred}

func (s Status) String() string { return statusNames.name(int(s)) }

// Label is the status as people write it ("not applicable").
func (s Status) Label() string { return strings.ReplaceAll(s.String(), "_", " ") }

// ParseStatus reads a status name.
func ParseStatus(s string) (Status, error) {
	v, err := statusNames.parse("status", s)
	return Status(v), err
}

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a status's name.
func (s *Status) UnmarshalText(b []byte) (err error) { *s, err = ParseStatus(string(b)); return }

// Classification is how sensitive a data asset is.
type Classification int

// Classifications from least to most sensitive.
const (
	Public Classification = iota
	Internal
	Confidential
	Restricted
)

var classificationNames = enumNames{"public", "internal", "confidential", "restricted"}

// Classifications lists every classification from least to most sensitive.
var Classifications = []Classification{Public, Internal, Confidential, Restricted}

func (c Classification) String() string { return classificationNames.name(int(c)) }

// ParseClassification reads a classification name.
func ParseClassification(s string) (Classification, error) {
	v, err := classificationNames.parse("classification", s)
	return Classification(v), err
}

// MarshalText writes the classification's name.
func (c Classification) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a classification's name.
func (c *Classification) UnmarshalText(b []byte) (err error) {
	*c, err = ParseClassification(string(b))
	return
}

// Confidence says whether a generated threat rests on what the model
// states (confirmed) or on properties nobody stated (assumed).
type Confidence int

// Confidences. The zero value is confirmed: threats the analyst adds or
// imports are what someone stated.
const (
	Confirmed Confidence = iota
	Assumed
)

var confidenceNames = enumNames{"confirmed", "assumed"}

func (c Confidence) String() string { return confidenceNames.name(int(c)) }

// ParseConfidence reads a confidence name.
func ParseConfidence(s string) (Confidence, error) {
	v, err := confidenceNames.parse("confidence", s)
	return Confidence(v), err
}

// MarshalText writes the confidence's name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a confidence's name.
func (c *Confidence) UnmarshalText(b []byte) (err error) {
	*c, err = ParseConfidence(string(b))
	return
}

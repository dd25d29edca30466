package stride

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/tmt"
)

// KB is a Microsoft Threat Modeling Tool knowledge base (a .tb7, or the
// one embedded in a .tm7): its stencil hierarchy and its threat types.
type KB struct {
	Name, Version string
	parents       map[string]string // stencil ID → parent stencil ID
	categories    tmt.Categories
	Types         []KBThreatType
}

// KBThreatType is one TMT threat type with its generation filters.
type KBThreatType struct {
	ID, Title, Category, Description, Mitigation string
	Include, Exclude                             string
	Priority                                     string
}

type kbXML struct {
	Manifest struct {
		// A .tb7 writes attributes, the copy inside a .tm7 elements.
		Name        string `xml:"name,attr"`
		Version     string `xml:"version,attr"`
		NameElem    string `xml:"Name"`
		VersionElem string `xml:"Version"`
	} `xml:"Manifest"`
	Categories []tmt.KBCategory `xml:"ThreatCategories>ThreatCategory"`
	Generic    []kbElement      `xml:"GenericElements>ElementType"`
	Standard   []kbElement      `xml:"StandardElements>ElementType"`
	Types      []struct {
		Include     string `xml:"GenerationFilters>Include"`
		Exclude     string `xml:"GenerationFilters>Exclude"`
		ID          string `xml:"Id"`
		ShortTitle  string `xml:"ShortTitle"`
		Category    string `xml:"Category"`
		Description string `xml:"Description"`
		Meta        []struct {
			Name   string   `xml:"Name"`
			Values []string `xml:"Values>Value"`
		} `xml:"PropertiesMetaData>ThreatMetaDatum"`
	} `xml:"ThreatTypes>ThreatType"`
}

type kbElement struct {
	ID, IDUpper, ParentID, ParentElement string
}

func (e *kbElement) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var raw struct {
		ID            string `xml:"Id"`
		IDUpper       string `xml:"ID"`
		ParentID      string `xml:"ParentId"`
		ParentElement string `xml:"ParentElement"`
	}
	if err := d.DecodeElement(&raw, &start); err != nil {
		return err
	}
	*e = kbElement{strings.TrimSpace(raw.ID), strings.TrimSpace(raw.IDUpper), strings.TrimSpace(raw.ParentID), strings.TrimSpace(raw.ParentElement)}
	return nil
}

// IsKB reports whether data looks like a TMT knowledge base.
func IsKB(data []byte) bool {
	head := data[:min(len(data), 4096)]
	return bytes.Contains(head, []byte("<KnowledgeBase"))
}

// ParseKB reads a knowledge base.
func ParseKB(data []byte) (*KB, error) {
	var x kbXML
	dec := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	dec.Strict = false
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("not a TMT knowledge base: %w", err)
	}
	kb := &KB{Name: strings.TrimSpace(x.Manifest.Name + x.Manifest.NameElem),
		Version: strings.TrimSpace(x.Manifest.Version + x.Manifest.VersionElem), parents: map[string]string{},
		categories: tmt.NewCategories(x.Categories)}
	for _, e := range append(x.Generic, x.Standard...) {
		id, parent := e.ID+e.IDUpper, e.ParentID+e.ParentElement
		if id != "" {
			kb.parents[id] = parent
		}
	}
	for _, t := range x.Types {
		tt := KBThreatType{ID: strings.TrimSpace(t.ID), Title: strings.TrimSpace(t.ShortTitle), Category: strings.TrimSpace(t.Category),
			Description: strings.TrimSpace(t.Description), Include: strings.TrimSpace(t.Include), Exclude: strings.TrimSpace(t.Exclude)}
		for _, m := range t.Meta {
			if len(m.Values) == 0 || strings.TrimSpace(m.Values[0]) == "" {
				continue
			}
			switch m.Name {
			case "UserThreatDescription":
				tt.Description = strings.TrimSpace(m.Values[0])
			case "PossibleMitigations":
				tt.Mitigation = strings.TrimSpace(m.Values[0])
			case "Priority":
				tt.Priority = strings.TrimSpace(m.Values[0])
			}
		}
		kb.Types = append(kb.Types, tt)
	}
	if len(kb.Types) == 0 && len(kb.parents) == 0 {
		return nil, fmt.Errorf("not a TMT knowledge base: it has no stencils and no threat types")
	}
	return kb, nil
}

// is reports whether stencil type t is want or inherits from it. 'ROOT',
// the root of every stencil tree, marks the threat types TMT migrated
// from version 3 and never generates: it matches nothing.
func (kb *KB) is(t, want string) bool {
	if want == "ROOT" {
		return false
	}
	for seen := 0; t != "" && seen < 32; seen++ {
		if t == want {
			return true
		}
		t = kb.parents[t]
	}
	return false
}

// genericOf is the TMT generic stencil of a Rampart kind, for elements
// drawn in Rampart rather than imported from TMT.
func genericOf(kind string, line bool) string {
	switch kind {
	case "process":
		return "GE.P"
	case "external_entity":
		return "GE.EI"
	case "data_store":
		return "GE.DS"
	case "data_flow":
		return "GE.DF"
	case "trust_boundary":
		if line {
			return "GE.TB.L"
		}
		return "GE.TB.B"
	}
	return ""
}

// tmtAttributes maps TMT attributes to the Rampart property that says the
// same, for elements drawn in Rampart.
var tmtAttributes = map[string]string{
	"authenticatesSource": "authenticates_source", "authenticatesDestination": "authenticates_destination",
	"providesConfidentiality": "encrypted", "providesIntegrity": "integrity_protected",
	"hasInputSanitizers": "sanitizes_input", "hasOutputSanitizers": "encodes_output",
	"implementsAuthenticationScheme": "authenticates_callers", "authenticatesItself": "authenticates_itself",
	"storesCredentials": "stores_credentials", "storesLogData": "stores_logs", "Encrypted": "encrypted_at_rest",
	"Signed": "signed", "Backup": "backup", "shared": "shared",
}

// functions are the expression functions translated filters call.
func (kb *KB) functions() []expr.Option {
	facts := func(v any) Facts {
		f, _ := v.(Facts)
		return f
	}
	types := func(f Facts) []string {
		var out []string
		for _, k := range []string{"tmt:type", "tmt:generic"} {
			if s, _ := f[k].(string); s != "" {
				out = append(out, s)
			}
		}
		kind, _ := f["kind"].(string)
		return append(out, genericOf(kind, false))
	}
	return []expr.Option{
		expr.Function("tmtIs", func(p ...any) (any, error) {
			want, _ := p[1].(string)
			for _, t := range types(facts(p[0])) {
				if kb.is(t, want) {
					return true, nil
				}
			}
			return false, nil
		}, new(func(any, string) bool)),
		expr.Function("tmtCrosses", func(p ...any) (any, error) {
			want, _ := p[1].(string)
			list, _ := facts(p[0])["crossing_types"].([]string)
			for _, t := range list {
				if kb.is(t, want) {
					return true, nil
				}
			}
			return false, nil
		}, new(func(any, string) bool)),
		expr.Function("tmtAttr", func(p ...any) (any, error) {
			f := facts(p[0])
			name, _ := p[1].(string)
			want, _ := p[2].(string)
			v, ok := f[tmt.AttributeKey(name)].(string)
			if !ok {
				if rk := tmtAttributes[name]; rk != "" {
					if b, isBool := f[rk].(bool); isBool && containsString(f["set"], rk) {
						v = map[bool]string{true: "Yes", false: "No"}[b]
					}
				}
			}
			return strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(want)), nil
		}, new(func(any, string, string) bool)),
	}
}

func containsString(list any, s string) bool {
	l, _ := list.([]string)
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// AddKB translates a knowledge base's threat types into rules
// (tmt:<threat id>) on data flows and adds them to the library. A filter
// that cannot be translated is reported with its threat type; the others
// are added.
func (l *Library) AddKB(data []byte, origin string) []error {
	kb, err := ParseKB(data)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", origin, err)}
	}
	if l.byID == nil {
		l.byID = map[string]*Rule{}
	}
	label := strings.TrimSpace(kb.Name + " " + kb.Version)
	if label == "" {
		label = origin
	}
	if l.Version == "" {
		l.Version = "TMT " + label
	} else {
		l.Version += "+TMT " + label
	}
	funcs := kb.functions()
	var errs []error
	for _, t := range kb.Types {
		r, err := kb.rule(t)
		if err == nil {
			r.Origin, r.funcs = origin, funcs
			err = r.compile()
		}
		if err != nil {
			errs = append(errs, &RuleError{Origin: origin, RuleID: "tmt:" + t.ID, Err: err})
			continue
		}
		l.put(r)
	}
	return errs
}

var tmtPlaceholder = regexp.MustCompile(`\{(source|target|flow)\.Name\}`)
var htmlTag = regexp.MustCompile(`<[^>]*>`)

func tmtText(s string) string {
	s = html.UnescapeString(htmlTag.ReplaceAllString(html.UnescapeString(s), ""))
	return strings.TrimSpace(tmtPlaceholder.ReplaceAllString(s, "{$1.name}"))
}

// rule translates one threat type.
func (kb *KB) rule(t KBThreatType) (*Rule, error) {
	if t.ID == "" {
		return nil, fmt.Errorf("a threat type without an id")
	}
	cat, ok := kb.category(t.Category)
	if !ok {
		return nil, fmt.Errorf("category %q is not STRIDE", t.Category)
	}
	include, err := translateFilter(t.Include)
	if err != nil {
		return nil, fmt.Errorf("include filter %q cannot be translated: %w", t.Include, err)
	}
	when := include
	if t.Exclude != "" {
		exclude, err := translateFilter(t.Exclude)
		if err != nil {
			return nil, fmt.Errorf("exclude filter %q cannot be translated: %w", t.Exclude, err)
		}
		when = "(" + include + ") && !(" + exclude + ")"
	}
	if t.Include == "" {
		when = "false" // TMT generates nothing for a type without an include filter
	}
	r := &Rule{ID: "tmt:" + t.ID, Title: tmtText(t.Title), Category: cat, AppliesTo: model.DataFlow, When: when,
		Description: tmtText(t.Description), Attack: tmtText(t.Description), References: []string{"TMT " + t.ID},
		Likelihood: model.High, Impact: model.High}
	if s, err := model.ParseSeverity(t.Priority); err == nil {
		r.Likelihood, r.Impact = model.LevelsFor(s)
	}
	if r.Title == "" {
		r.Title = "TMT threat " + t.ID
	}
	if t.Mitigation != "" {
		r.Mitigations = []Mitigation{{Do: tmtText(t.Mitigation),
			Verify: "Check that the mitigation is in place as the TMT knowledge base describes it."}}
	}
	return r, nil
}

// category maps a threat type's category onto STRIDE through the
// knowledge base's own list, by id, then by name: TMT's templates use the
// STRIDE letters as ids, custom templates GUIDs, which only the
// category's name explains.
func (kb *KB) category(value string) (model.Category, bool) { return kb.categories.STRIDE(value) }

// translateFilter turns a TMT generation filter into an expression:
//
//	source is 'GE.P'             → tmtIs(source, 'GE.P')
//	flow crosses 'GE.TB.B'       → tmtCrosses(flow, 'GE.TB.B')
//	target.codeType is 'Managed' → tmtAttr(target, 'codeType', 'Managed')
//
// joined with and, or, not and parentheses.
func translateFilter(filter string) (string, error) {
	toks, err := tokenize(filter)
	if err != nil {
		return "", err
	}
	p := &filterParser{toks: toks}
	if len(toks) == 0 {
		return "true", nil
	}
	out, err := p.or()
	if err != nil {
		return "", err
	}
	if p.i < len(p.toks) {
		return "", fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return out, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed quote")
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()'", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

type filterParser struct {
	toks []string
	i    int
}

func (p *filterParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *filterParser) next() string { t := p.peek(); p.i++; return t }

func (p *filterParser) or() (string, error) {
	left, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.next()
		var right string
		right, err = p.and()
		left = left + " || " + right
	}
	return left, err
}

func (p *filterParser) and() (string, error) {
	left, err := p.factor()
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.next()
		var right string
		right, err = p.factor()
		left = left + " && " + right
	}
	return left, err
}

func (p *filterParser) factor() (string, error) {
	switch t := p.next(); {
	case strings.EqualFold(t, "not"):
		f, err := p.factor()
		return "!" + f, err
	case t == "(":
		inner, err := p.or()
		if err != nil {
			return "", err
		}
		if p.next() != ")" {
			return "", fmt.Errorf("missing )")
		}
		return "(" + inner + ")", nil
	case t == "":
		return "", fmt.Errorf("the filter ends too early")
	default:
		return p.atom(t)
	}
}

func (p *filterParser) atom(subject string) (string, error) {
	op, value := strings.ToLower(p.next()), p.next()
	if len(value) < 2 || value[0] != '\'' {
		return "", fmt.Errorf("%s %s needs a quoted value", subject, op)
	}
	// Both strings come from the knowledge base: quoted so that nothing in
	// them can end the literal and be read as expression code.
	lit := strconv.Quote(value[1 : len(value)-1])
	role, attr, hasAttr := strings.Cut(subject, ".")
	if role != "source" && role != "target" && role != "flow" {
		return "", fmt.Errorf("unknown subject %q", subject)
	}
	switch {
	case op == "is" && !hasAttr:
		return "tmtIs(" + role + ", " + lit + ")", nil
	case op == "crosses" && !hasAttr && role == "flow":
		return "tmtCrosses(flow, " + lit + ")", nil
	case op == "is" && hasAttr && attr != "":
		return "tmtAttr(" + role + ", " + strconv.Quote(attr) + ", " + lit + ")", nil
	}
	return "", fmt.Errorf("unknown test %q %q", subject, op)
}

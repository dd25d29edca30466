package cli

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// The threats of `analyze --format json` are written by hand, byte for
// byte as encoding/json writes them: a large model has tens of thousands
// of threats, and reflection, then validating and indenting its output,
// cost more than the analysis. TestThreatJSONMatchesEncodingJSON keeps the
// two equal.

// appendThreat appends a threat as compact JSON.
func appendThreat(b []byte, j *jsonThreat) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, j.ID)
	b = appendField(b, "code", j.Code)
	b = appendField(b, "rule_id", j.RuleID)
	b = appendField(b, "title", j.Title)
	b = appendText(b, "category", j.Category)
	b = appendText(b, "severity", j.Severity)
	b = appendText(b, "confidence", j.Confidence)
	if len(j.Assumes) > 0 {
		b = appendStrings(b, "assumes", j.Assumes)
	}
	b = appendText(b, "likelihood", j.Likelihood)
	b = appendText(b, "impact", j.Impact)
	b = appendText(b, "status", j.Status)
	if j.Justification != "" {
		b = appendField(b, "justification", j.Justification)
	}
	b = appendBool(b, "obsolete", j.Obsolete)
	b = appendBool(b, "suppressed", j.Suppressed)
	if j.SuppressedBecause != "" {
		b = appendField(b, "suppression_justification", j.SuppressedBecause)
	}
	b = appendBool(b, "manual", j.Manual)
	b = appendField(b, "element_id", j.ElementID)
	b = appendField(b, "element_name", j.ElementName)
	b = appendText(b, "element_kind", j.ElementKind)
	b = appendField(b, "diagram", j.Diagram)
	b = appendField(b, "description", j.Description)
	b = appendStrings(b, "facts", j.Facts)
	b = append(b, `,"mitigations":`...)
	if j.Mitigations == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, j.Mitigations...)
	}
	if j.MitigationNotes != "" {
		b = appendField(b, "mitigation_notes", j.MitigationNotes)
	}
	b = appendStrings(b, "references", j.References)
	if j.Dread != nil {
		d, _ := json.Marshal(j.Dread) // five integers: cannot fail
		b = append(b, `,"dread":`...)
		b = append(b, d...)
	}
	if j.RuleOverridden {
		b = appendBool(b, "rule_overridden", true)
	}
	if j.RuleSource != "" {
		b = appendField(b, "rule_source", j.RuleSource)
	}
	return append(b, '}')
}

func appendKey(b []byte, key string) []byte {
	b = append(b, ',', '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func appendField(b []byte, key, value string) []byte {
	return appendJSONString(appendKey(b, key), value)
}

func appendBool(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, key), v)
}

func appendText(b []byte, key string, v interface{ MarshalText() ([]byte, error) }) []byte {
	text, _ := v.MarshalText() // the enums' names: cannot fail
	return appendJSONString(appendKey(b, key), string(text))
}

// appendStrings writes a list, or null for a nil one, as encoding/json does.
func appendStrings(b []byte, key string, list []string) []byte {
	b = appendKey(b, key)
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes a string as encoding/json does without HTML
// escaping: control characters, invalid UTF-8 and the line and paragraph
// separators escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		} else {
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

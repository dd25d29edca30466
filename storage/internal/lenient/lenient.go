// Package lenient reads the YAML and JSON other tools write, where a
// scalar's type is whatever the author typed: an id written as a number
// is still an id, a rating written as text still a number.
package lenient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Text is a string that may have been written as a number or a truth
// value, or left empty (null).
type Text string

// UnmarshalJSON reads a string, number, truth value or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*t = ""
	case string:
		*t = Text(x)
	case float64, bool:
		*t = Text(Scalar(x))
	default:
		return fmt.Errorf("%s is not a text", short(b))
	}
	return nil
}

// Texts is a list of texts, trimmed, empty ones left out.
func Texts(list []Text) []string {
	var out []string
	for _, t := range list {
		if s := strings.TrimSpace(string(t)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Other tools' texts hold HTML: Threagile's descriptions, the Threat
// Modeling Tool's guidance as converters copy it.
var (
	htmlLink = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)
	htmlTag  = regexp.MustCompile(`<[^>]*>`)
)

// PlainText is a text that may hold HTML as plain text, trimmed: a link
// keeps its words and its address.
func PlainText(s string) string {
	s = htmlLink.ReplaceAllStringFunc(s, func(a string) string {
		m := htmlLink.FindStringSubmatch(a)
		words := strings.TrimSpace(htmlTag.ReplaceAllString(m[2], ""))
		if words == "" || words == m[1] {
			return m[1]
		}
		return words + " (" + m[1] + ")"
	})
	return strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(s, "")))
}

// Number is a number that may have been written as text, or left empty.
type Number float64

// UnmarshalJSON reads a number, a numeric string or null.
func (n *Number) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*n = 0
	case float64:
		*n = Number(x)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s is not a number", short(b))
		}
		*n = Number(f)
	default:
		return fmt.Errorf("%s is not a number", short(b))
	}
	return nil
}

// Flag is a truth value that may have been written as text.
type Flag bool

// UnmarshalJSON reads true, false, "yes", "no" or null.
func (f *Flag) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*f = false
	case bool:
		*f = Flag(x)
	case string:
		s := strings.ToLower(strings.TrimSpace(x))
		*f = Flag(s == "true" || s == "yes")
	default:
		return fmt.Errorf("%s is not true or false", short(b))
	}
	return nil
}

func short(b []byte) string {
	if s := string(b); len(s) <= 40 {
		return s
	}
	return string(b[:40]) + "…"
}

// Scalar writes a value as text: numbers without a needless exponent or
// fraction, anything else as JSON.
func Scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Decode reads JSON, or YAML, into v by the rules of JSON: YAML is read
// as plain values first, so both forms are read alike. YAML's aliases
// are expanded by the YAML reader, which refuses documents that expand
// without end.
func Decode(data []byte, v any) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		var y any
		if err := yaml.Unmarshal(data, &y); err != nil {
			return err
		}
		js, err := json.Marshal(Plain(y, 0))
		if err != nil {
			return err
		}
		data = js
	}
	return json.Unmarshal(data, v)
}

// Plain turns what YAML decoded into values JSON can hold: maps keyed by
// text, dates as text, numbers that are not numbers as nothing. Nesting
// deeper than any model needs is cut.
func Plain(v any, depth int) any {
	if depth > 64 {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = Plain(e, depth+1)
		}
		return x
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = Plain(e, depth+1)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = Plain(e, depth+1)
		}
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return x
	case string, bool, nil:
		return x
	}
	return fmt.Sprint(v)
}

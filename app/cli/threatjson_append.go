package cli

import (
	"strconv"
	"unicode/utf8"
)

// newlineIndents is a newline and room for the indentation of any depth
// the analyze document reaches.
const newlineIndents = "\n                                "

// indents is a newline and the indentation of a depth, two spaces a level.
func indents(depth int) string { return newlineIndents[:1+2*depth] }

// appendKey starts a member after another: a comma, the indentation (a
// newline and spaces) and the key.
func appendKey(b []byte, in, key string) []byte {
	b = append(b, ',')
	b = append(b, in...)
	b = append(b, '"')
	b = append(b, key...)
	return append(b, '"', ':', ' ')
}

func appendField(b []byte, in, key, value string) []byte {
	return appendJSONString(appendKey(b, in, key), value)
}

func appendBool(b []byte, in, key string, v bool) []byte {
	return strconv.AppendBool(appendKey(b, in, key), v)
}

// appendStrings writes a list, or null for a nil one, as encoding/json
// does: its items one level deeper than the key.
func appendStrings(b []byte, in, key string, list []string) []byte {
	b = appendKey(b, in, key)
	if list == nil {
		return append(b, "null"...)
	}
	if len(list) == 0 {
		return append(b, '[', ']')
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, in...)
		b = appendJSONString(append(b, ' ', ' '), s)
	}
	b = append(b, in...)
	return append(b, ']')
}

const hexDigits = "0123456789abcdef"

// safeRun is how many bytes from the start of s need no escaping in a
// JSON string, found eight at a time: threat texts are long and plain.
func safeRun(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// A byte below 0x20, a quote, a backslash, or one with its high
		// bit set (part of a multi-byte character) ends the run.
		low := (w - ones*0x20) &^ w
		q := w ^ (ones * '"')
		q = (q - ones) &^ q
		bs := w ^ (ones * '\\')
		bs = (bs - ones) &^ bs
		if (low|q|bs|w)&highs != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			break
		}
	}
	return i
}

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
				i += 1 + safeRun(s[i+1:])
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

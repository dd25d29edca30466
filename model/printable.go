package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Printable returns s with every character that steers how text is shown
// instead of showing itself written out visibly, as <U+202E>: C0 and C1
// control characters (escape sequences, carriage returns, backspaces), the
// bidirectional embeddings, overrides, isolates and marks, and the line
// and paragraph separators. Bytes that are not UTF-8 are written as
// <0x9B>. keep lists the controls the output needs as they are (a
// paragraph keeps '\n'). Text made of a model's names and notes goes
// through it before a table, a terminal line or a PDF shows it, so a name
// cannot reverse, hide or overprint what follows it.
func Printable(s string, keep ...rune) string {
	i := firstUnprintable(s, keep)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "<0x%02X>", s[i])
		case steers(r) && !slices.Contains(keep, r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnprintable is the index of the first byte Printable rewrites, or -1.
func firstUnprintable(s string, keep []rune) int {
	for i, r := range s {
		if r < 0x20 || r >= 0x7f {
			_, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || (steers(r) && !slices.Contains(keep, r)) {
				return i
			}
		}
	}
	return -1
}

// steers reports whether a character controls the display rather than
// being displayed.
func steers(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // Arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

package render

import "testing"

// A link another tool recorded as HTML prints as its words and address.
func TestFromMarkup(t *testing.T) {
	for in, want := range map[string]string{
		`Encrypt it. Refer: <a href="https://aka.ms/x">https://aka.ms/x</a>`: "Encrypt it. Refer: https://aka.ms/x",
		`See <a href="https://e.org/a">the guide</a> &amp; <b>more</b>`:      "See the guide (https://e.org/a) & more",
		"Use TLS 1.2 or later; a < b stays":                                  "Use TLS 1.2 or later; a < b stays",
	} {
		if got := fromMarkup(in); got != want {
			t.Errorf("fromMarkup(%q) = %q, want %q", in, got, want)
		}
	}
}

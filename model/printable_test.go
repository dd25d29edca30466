package model_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

func TestPrintableWritesSteeringCharactersVisibly(t *testing.T) {
	for _, c := range []struct {
		in, want string
		keep     []rune
	}{
		{"Orders API", "Orders API", nil},
		{"Zahlungsdienst → Überweisung, Служба, 支付", "Zahlungsdienst → Überweisung, Служба, 支付", nil},
		{"pay\u202egnp.exe", "pay<U+202E>gnp.exe", nil},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>", nil},
		{"clear\x1b[2J", "clear<U+001B>[2J", nil},
		{"a\rb\bc\x00d\x7fe\u0085f\u009bg", "a<U+000D>b<U+0008>c<U+0000>d<U+007F>e<U+0085>f<U+009B>g", nil},
		{"line\u2028break\u2029", "line<U+2028>break<U+2029>", nil},
		{"two\nlines\tand tab", "two<U+000A>lines<U+0009>and tab", nil},
		{"two\nlines\tand tab", "two\nlines\tand tab", []rune{'\n', '\t'}},
		{"bad \xff\x9b byte", "bad <0xFF><0x9B> byte", nil},
		{"kept \ufffd replacement", "kept \ufffd replacement", nil},
	} {
		if got := model.Printable(c.in, c.keep...); got != c.want {
			t.Errorf("Printable(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPrintableAllocatesNothingForOrdinaryText(t *testing.T) {
	s := strings.Repeat("Orders API → Zahlungsdienst ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = model.Printable(s, '\n') }); n != 0 {
		t.Errorf("%v allocations for text that needs no change", n)
	}
}

func TestFindingsAndDifferencesPrintVisibly(t *testing.T) {
	m := model.New("v")
	m.Elements["a"] = &model.Element{ID: "a", Kind: model.Process, Diagram: "context", Name: "Evil\u202eexe.gnp", W: 10, H: 10,
		OutOfScope: true}
	findings := model.Validate(m)
	if len(findings) == 0 {
		t.Fatal("no finding")
	}
	for _, f := range findings {
		if strings.ContainsRune(f.String(), '\u202e') || !strings.Contains(f.String(), "<U+202E>") {
			t.Errorf("finding %q", f.String())
		}
		if !strings.ContainsRune(f.Message, '\u202e') {
			t.Errorf("the finding's message (for JSON) lost the name as it is: %q", f.Message)
		}
	}
	n := m.Clone()
	n.Elements["a"].Name = "Now\x1b[31mred"
	for _, d := range model.Diff(m, n) {
		if s := d.String(); strings.ContainsAny(s, "\u202e\x1b") || !strings.Contains(s, "<U+001B>") {
			t.Errorf("difference %q", s)
		}
	}
}

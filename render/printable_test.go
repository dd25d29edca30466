package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// A name that tries to steer how text shows (a right-to-left override, an
// escape, a carriage return) is printed visibly in the report's tables,
// headings and drawings, and the SVG stays well-formed; a character beyond
// the Basic Multilingual Plane does not stop the report.
func TestReportAndDrawingsShowSteeringCharactersVisibly(t *testing.T) {
	m, lib := analysedDemo(t)
	m.Name = "Shop \u202eetis\u202c"
	m.Elements["gateway"].Name = "Pay \u202egnp.exe\u202c gateway"
	m.Elements["orders-db"].Name = "Clear\x1b[2J\rover\bprint"
	m.Elements["customer"].Name = "Rocket \U0001F680 user"
	text := pdfText(t, report(t, m, lib))
	for _, want := range []string{"Pay <U+202E>gnp.exe<U+202C> gateway", "Clear<U+001B>[2J<U+000D>over<U+0008>print",
		"Rocket <U+1F680> user", "Shop <U+202E>etis<U+202C>"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.ContainsAny(text, "\u202e\u202c\x1b\b") {
		t.Error("the report prints a steering character as it is")
	}
	var svg bytes.Buffer
	if err := render.SVG(&svg, m, m.Elements["gateway"].Diagram, render.Badges(m, model.Validate(m))); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(svg.String(), "\u202e\x1b\b\r") || !strings.Contains(svg.String(), "&lt;U+202E&gt;gnp.exe") {
		t.Error("the SVG does not show the name visibly")
	}
}

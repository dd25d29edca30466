package model_test

import (
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
)

func messages(fs []model.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestValidModelHasNoFindings(t *testing.T) {
	m := zones()
	for _, id := range []string{"f1", "f2", "f3"} {
		m.Elements[id].Name = "flow " + id
	}
	if fs := model.Validate(m); len(fs) != 0 {
		t.Fatalf("unexpected findings:\n%s", messages(fs))
	}
}

func TestValidationFindings(t *testing.T) {
	node := func(id string, k model.Kind, name string, x float64) *model.Element {
		return &model.Element{ID: id, Kind: k, Diagram: "context", Name: name, X: x, W: 50, H: 50}
	}
	flow := func(id, src, dst string) *model.Element {
		return &model.Element{ID: id, Kind: model.DataFlow, Diagram: "context", Name: id, Source: src, Target: dst}
	}
	cases := []struct {
		name  string
		extra []*model.Element
		want  string
	}{
		{"missing end", []*model.Element{node("p", model.Process, "P", 0), flow("f", "p", "")}, "error: flow f has no target"},
		{"two stores", []*model.Element{node("a", model.DataStore, "A", 0), node("b", model.DataStore, "B", 90), flow("f", "a", "b")},
			"error: flow f goes from data store A to data store B without a process between them"},
		{"two entities", []*model.Element{node("a", model.ExternalEntity, "A", 0), node("b", model.ExternalEntity, "B", 90), flow("f", "a", "b")},
			"without a process between them"},
		{"entity to store", []*model.Element{node("a", model.ExternalEntity, "A", 0), node("b", model.DataStore, "B", 90), flow("f", "a", "b")},
			"without a process between them"},
		{"unnamed", []*model.Element{node("a", model.Process, "", 0)}, "warning: a process has no name"},
		{"duplicate", []*model.Element{node("a", model.Process, "Orders", 0), node("b", model.DataStore, "Orders", 90)},
			`warning: 2 elements in diagram Context are named "Orders"`},
		{"overlap", []*model.Element{
			{ID: "b1", Kind: model.TrustBoundary, Diagram: "context", Name: "One", W: 100, H: 100},
			{ID: "b2", Kind: model.TrustBoundary, Diagram: "context", Name: "Two", X: 50, Y: 50, W: 100, H: 100}},
			"warning: trust boundaries One and Two overlap without one holding the other"},
		{"bad property", []*model.Element{{ID: "a", Kind: model.Process, Diagram: "context", Name: "A",
			Props: map[string]string{"internet_facing": "maybe"}}}, `Internet-facing: "maybe" is not true or false`},
		{"out of scope", []*model.Element{{ID: "a", Kind: model.Process, Diagram: "context", Name: "A", OutOfScope: true}},
			"warning: A is out of scope without a reason"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := model.New("v")
			for _, e := range c.extra {
				m.Elements[e.ID] = e
			}
			got := messages(model.Validate(m))
			if !strings.Contains(got, c.want) {
				t.Fatalf("want %q in:\n%s", c.want, got)
			}
		})
	}
}

func TestChildDiagramMustBalance(t *testing.T) {
	m := zones()
	for _, id := range []string{"f1", "f2", "f3"} {
		m.Elements[id].Name = id
	}
	m.Diagrams["gw-detail"] = &model.Diagram{ID: "gw-detail", Name: "Gateway detail", Refines: "gw"}
	m.Elements["router"] = &model.Element{ID: "router", Kind: model.Process, Diagram: "gw-detail", Name: "Router", W: 50, H: 50}
	// The parent has user→gateway and gateway→service; the child only has the first.
	m.Elements["in"] = &model.Element{ID: "in", Kind: model.DataFlow, Diagram: "gw-detail", Name: "in", Source: "user", Target: "router"}
	got := messages(model.Validate(m))
	want := "error: diagram Gateway detail does not balance with Gateway: 1 flow(s) to Service in the parent, 0 in the child"
	if !strings.Contains(got, want) {
		t.Fatalf("want %q in:\n%s", want, got)
	}
	m.Elements["out"] = &model.Element{ID: "out", Kind: model.DataFlow, Diagram: "gw-detail", Name: "out", Source: "router", Target: "svc"}
	if got := model.Validate(m); len(got) != 0 {
		t.Fatalf("balanced child still has findings:\n%s", messages(got))
	}
}

func TestEnumsReadOtherToolsSpellings(t *testing.T) {
	for in, want := range map[string]model.Category{
		"Information disclosure": model.InformationDisclosure, "Denial Of Service": model.DenialOfService,
		"elevation_of_privilege": model.ElevationOfPrivilege, "S": model.Spoofing, "t": model.Tampering,
	} {
		got, err := model.ParseCategory(in)
		if err != nil || got != want {
			t.Errorf("ParseCategory(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := model.ParseStatus("Not Applicable"); err != nil {
		t.Error(err)
	}
	if _, err := model.ParseSeverity("TBA"); err == nil || !strings.Contains(err.Error(), "low, medium, high, critical") {
		t.Errorf("unknown severity error = %v", err)
	}
}

func TestRiskMatrix(t *testing.T) {
	for _, c := range []struct {
		l, i model.Level
		want model.Severity
	}{
		{model.Low, model.Low, model.SeverityLow}, {model.Low, model.Medium, model.SeverityLow},
		{model.Low, model.High, model.SeverityLow}, {model.Medium, model.Medium, model.SeverityMedium},
		{model.Medium, model.High, model.SeverityMedium}, {model.Medium, model.VeryHigh, model.SeverityHigh},
		{model.High, model.High, model.SeverityHigh},
		{model.VeryHigh, model.High, model.SeverityCritical}, {model.VeryHigh, model.VeryHigh, model.SeverityCritical},
	} {
		if got := model.Risk(c.l, c.i); got != c.want {
			t.Errorf("Risk(%v, %v) = %v, want %v", c.l, c.i, got, c.want)
		}
	}
	for _, s := range model.Severities {
		if got := model.Risk(model.LevelsFor(s)); got != s {
			t.Errorf("LevelsFor(%v) gives %v", s, got)
		}
	}
}

// An unnamed flow is a warning: a report cannot say which flow a threat
// is on.
func TestUnnamedFlowIsAWarning(t *testing.T) {
	m := zones()
	m.Elements["f1"].Name = ""
	found := false
	for _, f := range model.Validate(m) {
		if f.ElementID == "f1" && f.Severity == model.Warning && strings.Contains(f.Message, "has no name") {
			found = true
		}
	}
	if !found {
		t.Error("an unnamed flow gives no warning")
	}
}

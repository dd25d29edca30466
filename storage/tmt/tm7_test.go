package tmt_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/tmt"
)

func read(t *testing.T, name string) (*model.Model, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !tmt.IsModel(data) {
		t.Fatalf("%s is not recognised", name)
	}
	m, warnings, err := tmt.ReadModel(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, warnings
}

func kinds(m *model.Model) (map[model.Kind]int, int) {
	out, lines := map[model.Kind]int{}, 0
	for _, e := range m.Elements {
		out[e.Kind]++
		if e.IsLine() {
			lines++
		}
	}
	return out, lines
}

// The ground truth is the corpus's FORMATS.md table.
func TestCorpusModels(t *testing.T) {
	m, _ := read(t, "MTMT_nested_tz.tm7")
	k, lines := kinds(m)
	if k[model.Process] != 2 || k[model.DataStore] != 2 || k[model.DataFlow] != 3 || k[model.TrustBoundary] != 3 || lines != 1 {
		t.Errorf("nested: %v, %d lines", k, lines)
	}
	if len(m.Threats) != 16 {
		t.Errorf("nested: %d threats", len(m.Threats))
	}
	cats := map[model.Category]int{}
	for _, th := range m.Threats {
		cats[th.Category]++
		if th.Severity() != model.SeverityHigh {
			t.Errorf("%s: severity %v, TMT says High", th.Title, th.Severity())
		}
	}
	if cats[model.Spoofing] != 3 || cats[model.DenialOfService] != 5 {
		t.Errorf("nested categories %v", cats)
	}
	// The sandbox boundary sits inside the generic one.
	ix := model.NewIndex(m)
	for _, e := range m.Elements {
		if e.Name == "Sandbox Mongo" && len(ix.BoundariesOf(e)) != 2 {
			t.Errorf("Sandbox Mongo is in %d boundaries, want 2 (nested)", len(ix.BoundariesOf(e)))
		}
	}

	m, _ = read(t, "MTMT_example.tm7")
	k, _ = kinds(m)
	if k[model.ExternalEntity] != 1 || k[model.Process] != 1 || k[model.DataStore] != 2 || k[model.DataFlow] != 6 || k[model.TrustBoundary] != 2 {
		t.Errorf("example: %v", k)
	}
	if len(m.Threats) != 43 {
		t.Errorf("example: %d threats", len(m.Threats))
	}
	sev := map[model.Severity]int{}
	for _, th := range m.Threats {
		sev[th.Severity()]++
	}
	if sev[model.SeverityHigh] != 38 || sev[model.SeverityMedium] != 5 {
		t.Errorf("example severities %v", sev)
	}
	for _, e := range m.Elements {
		if e.Kind == model.DataFlow && e.Name == "PSQL Request" && e.Prop("tmt:type") == "" {
			t.Error("the stencil type is kept as tmt:type")
		}
	}

	m, warnings := read(t, "SDL_all_components.tm7")
	if n := len(m.Elements) + len(warnings); n != 27 {
		t.Errorf("SDL_all_components: %d elements and %d left out, want 27 stencils", len(m.Elements), len(warnings))
	}
	for _, f := range model.Validate(m) {
		if f.Severity == model.Error {
			t.Errorf("SDL_all_components: %s", f)
		}
	}
}

func TestBadXMLIsRefused(t *testing.T) {
	for _, doc := range []string{`<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model">`,
		`<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model"></ThreatModel>`, `<nope/>`} {
		if _, _, err := tmt.ReadModel([]byte(doc)); err == nil {
			t.Errorf("%q accepted", doc)
		}
	}
}

package threatdragon_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/threatdragon"
)

func read(t *testing.T, name string) (*model.Model, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !threatdragon.Is(data) {
		t.Fatalf("%s not recognised as Threat Dragon", name)
	}
	m, warnings, err := threatdragon.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, warnings
}

type counts struct {
	kinds      map[model.Kind]int
	lines      int
	threats    int
	status     map[model.Status]int
	severity   map[model.Severity]int
	categories map[model.Category]int
}

func count(m *model.Model) counts {
	c := counts{kinds: map[model.Kind]int{}, status: map[model.Status]int{}, severity: map[model.Severity]int{}, categories: map[model.Category]int{}}
	for _, e := range m.Elements {
		c.kinds[e.Kind]++
		if e.IsLine() {
			c.lines++
		}
	}
	for _, t := range m.Threats {
		c.threats++
		c.status[t.Status]++
		c.severity[t.Severity()]++
		c.categories[t.Category]++
	}
	return c
}

// The ground truth below is the corpus's FORMATS.md table.
func TestV2DemoModel(t *testing.T) {
	// The v1 file draws one boundary more than its v2 conversion.
	for name, lines := range map[string]int{"v2-threat-model.json": 3, "v1-demo-threat-model.json": 4} {
		t.Run(name, func(t *testing.T) {
			m, _ := read(t, name)
			c := count(m)
			if c.kinds[model.Process] != 2 || c.kinds[model.DataStore] != 4 || c.kinds[model.ExternalEntity] != 1 ||
				c.kinds[model.DataFlow] != 10 || c.lines != lines {
				t.Errorf("elements %v, %d line boundaries", c.kinds, c.lines)
			}
			if c.threats != 14 || c.status[model.Open] != 10 || c.status[model.Mitigated] != 4 {
				t.Errorf("threats %d, status %v", c.threats, c.status)
			}
			if c.severity[model.SeverityHigh] != 8 || c.severity[model.SeverityMedium] != 4 || c.severity[model.SeverityLow] != 2 {
				t.Errorf("severity %v", c.severity)
			}
			if c.categories[model.InformationDisclosure] != 10 || c.categories[model.DenialOfService] != 2 ||
				c.categories[model.Tampering] != 1 || c.categories[model.Spoofing] != 1 {
				t.Errorf("categories %v", c.categories)
			}
			if m.Name != "Demo Threat Model" || m.Owner != "Mike Goodwin" || m.Reviewer == "" || len(m.Authors) == 0 {
				t.Errorf("summary: %q owner %q reviewer %q contributors %v", m.Name, m.Owner, m.Reviewer, m.Authors)
			}
			for _, f := range model.Validate(m) {
				if f.Severity == model.Error {
					t.Errorf("imported model: %s", f)
				}
			}
			// The curved boundaries separate the browser from the web application.
			ix := model.NewIndex(m)
			crossing := 0
			for _, e := range m.Elements {
				if e.Kind == model.DataFlow && len(ix.Crossings(e)) > 0 {
					crossing++
				}
			}
			if crossing == 0 {
				t.Error("no flow crosses the curved trust boundaries")
			}
		})
	}
}

func TestOtherCorpusModels(t *testing.T) {
	m, warnings := read(t, "three-tier-web-app.json")
	c := count(m)
	if c.kinds[model.Process] != 3 || c.kinds[model.DataFlow] != 3 || c.kinds[model.TrustBoundary] != 2 || c.lines != 0 {
		t.Errorf("three-tier: %v", c.kinds)
	}
	if c.threats != 2 || c.status[model.Mitigated] != 2 || c.categories[model.InformationDisclosure] != 2 {
		t.Errorf("three-tier threats: %+v", c)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "text block") {
		t.Errorf("warnings %v", warnings)
	}
	m, _ = read(t, "online-game.json")
	c = count(m)
	if c.kinds[model.Process] != 8 || c.kinds[model.DataStore] != 2 || c.kinds[model.ExternalEntity] != 2 ||
		c.kinds[model.DataFlow] != 17 || c.kinds[model.TrustBoundary] != 3 || c.threats != 0 {
		t.Errorf("online game: %v, %d threats", c.kinds, c.threats)
	}
	m, warnings = read(t, "v1-test-model.json")
	if len(m.Diagrams) != 2 || m.DiagramByName("Test diagram 2 (LINDDUN)") == nil {
		t.Errorf("v1 test model diagrams: %v", m.DiagramList())
	}
	// A privacy diagram analysed with STRIDE says so, for the report's
	// origin chapter.
	if !strings.Contains(strings.Join(warnings, "\n"), "drawn for LINDDUN") {
		t.Errorf("the LINDDUN diagram is analysed with STRIDE unsaid: %v", warnings)
	}
}

func TestWriteThenReadKeepsTheModel(t *testing.T) {
	m, _ := read(t, "v2-threat-model.json")
	data, err := threatdragon.Write(m)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := threatdragon.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	a, b := count(m), count(back)
	if a.threats != b.threats || a.kinds[model.DataFlow] != b.kinds[model.DataFlow] || a.lines != b.lines {
		t.Fatalf("round trip: %+v vs %+v", a, b)
	}
	for id, e := range m.Elements {
		x := back.Elements[id]
		if x == nil || x.Name != e.Name || x.Source != e.Source || x.Target != e.Target || x.X != e.X {
			t.Fatalf("element %s changed: %+v vs %+v", id, e, x)
		}
	}
}

func TestBadInputIsRefused(t *testing.T) {
	for _, doc := range []string{`{"summary": 3}`, `[1,2]`, `{"summary":{"title":""},"detail":{"diagrams":[{"cells":[{"shape":"flow","id":"a","source":{"cell":"nowhere"}}]}]}}`} {
		m, _, err := threatdragon.Read([]byte(doc))
		if err == nil && m != nil {
			if rerr := model.CheckReferences(m); rerr != nil {
				t.Errorf("%s: broken model accepted: %v", doc, rerr)
			}
		}
	}
}

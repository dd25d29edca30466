package otm_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/storage/otm"
	"github.com/rampart-tm/rampart/stride"
)

// models to carry through OTM: the demo analysed, with an attack tree and
// triage; and imports of every other format, with their line boundaries,
// several top-level diagrams, knowledge bases and recorded threats.
func roundTripModels(t *testing.T) map[string]*model.Model {
	t.Helper()
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	stride.Run(lib, demo)
	tree, err := stride.Derive(lib, demo, "orders-db")
	if err != nil {
		t.Fatal(err)
	}
	demo.Trees[tree.ID] = tree
	for _, th := range demo.ThreatList()[:3] {
		th.Status, th.Justification, th.Mitigation = model.Mitigated, "Fixed in release 4.2", "Input is validated\nby the schema."
		th.Dread = &model.Dread{Damage: 5, Reproducibility: 4, Exploitability: 3, AffectedUsers: 2, Discoverability: 1}
	}
	// A flow with a loose end, and a threat on it: OTM cannot say either.
	root := demo.Root().ID
	demo.Elements["loose"] = &model.Element{ID: "loose", Kind: model.DataFlow, Diagram: root, Name: "Half-drawn",
		Source: demo.ElementsIn(root)[0].ID, Points: []model.Point{{X: 10, Y: 20}}}
	demo.Threats["manual-1"] = &model.Threat{ID: "manual-1", Number: 999, ElementID: "loose", Title: "Left open",
		Manual: true, Likelihood: model.High, Impact: model.Low}
	out := map[string]*model.Model{"demo": demo}
	for _, path := range []string{
		filepath.Join("..", "threatdragon", "testdata", "v2-threat-model.json"),
		filepath.Join("..", "threatdragon", "testdata", "v1-test-model.json"),
		filepath.Join("..", "tmt", "testdata", "MTMT_example.tm7"),
		filepath.Join("..", "tmt", "testdata", "MTMT_nested_tz.tm7"),
		filepath.Join("..", "threagile", "testdata", "threagile-example-model.yaml"),
		filepath.Join("testdata", "shop.otm.yaml"),
		filepath.Join("testdata", "manual_threat_model.yaml"),
	} {
		m, err := storage.ReadAny(path)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(path)] = m
	}
	return out
}

// canonical is a model's canonical JSON, without its provenance (which
// says which file it was read from).
func canonical(t *testing.T, m *model.Model) string {
	t.Helper()
	c := m.Clone()
	c.Source = model.Source{}
	b, err := storage.MarshalJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Export to OTM gives a document the OTM schema accepts, in JSON and in
// YAML, and reading it back gives the same model.
func TestExportValidatesAndRoundTrips(t *testing.T) {
	for name, m := range roundTripModels(t) {
		for _, asYAML := range []bool{false, true} {
			data, notes, err := otm.Write(m, asYAML)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			js := data
			if asYAML {
				var v any
				if err := yaml.Unmarshal(data, &v); err != nil {
					t.Fatalf("%s: the YAML does not read: %v", name, err)
				}
				if js, err = json.Marshal(v); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if err := otm.Validate(js); err != nil {
				t.Errorf("%s (yaml %v): %v", name, asYAML, err)
			}
			back, readNotes, _, err := otm.Read(data)
			if err != nil {
				t.Fatalf("%s (yaml %v): %v", name, asYAML, err)
			}
			if len(readNotes) > 0 {
				t.Errorf("%s: reading Rampart's own file noted %q", name, readNotes)
			}
			if a, b := canonical(t, m), canonical(t, back); a != b {
				t.Errorf("%s (yaml %v): the round trip changed the model:\n%s", name, asYAML, firstDifference(a, b))
			}
			if name == "MTMT_nested_tz.tm7" && (len(notes) != 1 || !strings.Contains(notes[0], "not connected")) {
				t.Errorf("%s: notes %q", name, notes)
			}
		}
	}
}

// An exported file reads as OTM to other tools too: zones, components
// with a parent, dataflows between components, threats defined once.
func TestExportIsPlainOTM(t *testing.T) {
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	data, _, err := otm.Write(demo, false)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OTMVersion string `json:"otmVersion"`
		Components []struct {
			ID, Type string
			Parent   map[string]string
		}
		Dataflows []struct{ Source, Destination string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range doc.Components {
		ids[c.ID] = true
		if c.Type == "" || len(c.Parent) != 1 {
			t.Errorf("component %s: type %q, parent %v", c.ID, c.Type, c.Parent)
		}
	}
	for _, f := range doc.Dataflows {
		if !ids[f.Source] || !ids[f.Destination] {
			t.Errorf("dataflow %s → %s does not join two components", f.Source, f.Destination)
		}
	}
	if doc.OTMVersion != otm.Version || len(doc.Components) == 0 {
		t.Errorf("version %q, %d components", doc.OTMVersion, len(doc.Components))
	}
	if err := otm.Validate([]byte(`{"otmVersion": "0.2.0"}`)); err == nil {
		t.Error("a document without a project passes the schema")
	}
}

// firstDifference shows where two texts part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	return "want …" + a[from:min(len(a), i+300)] + "\n got …" + b[from:min(len(b), i+300)]
}

package otm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/otm"
)

// Whatever the file, reading it either fails with an error or gives a
// model whose references hold; that model exports to a document the
// schema accepts, which reads back as the same model.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"manual_threat_model.yaml", "shop.otm.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "components": [{"id": "a", "name": "A", "type": "db", "parent": {"component": "b"}}, {"id": "b", "name": "B", "type": "service", "parent": {"trustZone": "z"}}], "trustZones": [{"id": "z", "name": "Z", "risk": {"trustRating": 5}, "parent": {"component": "a"}}], "dataflows": [{"id": "f", "name": "F", "source": "a", "destination": "b", "threats": [{"threat": "t", "state": "mitigated"}]}], "threats": [{"id": "t", "name": "T", "risk": {"impact": 50}}]}`))
	f.Add([]byte("otmVersion: 0.1.0\nproject: {name: x, id: 1}\ntrustZones: [{id: 2, name: y, risk: {trustRating: '7'}}]\n"))
	f.Add([]byte("project: {name: x, id: x}\ntrustzones: [{id: z, name: Web, type: private}]\ncomponents: [{id: a, name: A, type: webapp, parent: z}, {id: b, name: B, parent: a}]\ndataflows: [{id: f, name: F, from: a, to: b, tags: [tcp, '443', Deny all]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, _, err := otm.Read(data)
		if err != nil {
			return
		}
		if err := model.CheckReferences(m); err != nil {
			t.Fatalf("read a model with broken references: %v", err)
		}
		out, _, err := otm.Write(m, false)
		if err != nil {
			t.Fatalf("the model read does not export: %v", err)
		}
		back, _, _, err := otm.Read(out)
		if err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		if a, b := canonical(t, m), canonical(t, back); a != b {
			t.Fatalf("the export reads back as another model:\n%s", firstDifference(a, b))
		}
	})
}

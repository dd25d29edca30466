package threagile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/otm"
	"github.com/rampart-tm/rampart/storage/threagile"
)

// Whatever the file, reading it either fails with an error or gives a
// model whose references hold, which Rampart can check and export.
func FuzzRead(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "threagile-example-model.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("threagile_version: 1.0.0\ntechnical_assets:\n  A: {id: a, type: process, communication_links: {L: {target: b, protocol: https, data_assets_sent: [d]}}}\n  B: {id: b, type: datastore, encryption: none}\ndata_assets:\n  D: {id: d, confidentiality: strictly-confidential}\ntrust_boundaries:\n  X: {id: x, technical_assets_inside: [a], trust_boundaries_nested: [y]}\n  Y: {id: y, technical_assets_inside: [b]}\n"))
	f.Add([]byte(`{"threagile_version": "1", "technical_assets": {"A": {"id": "a"}}, "individual_risk_categories": {"C": {"id": "c", "risks_identified": {"R": {"most_relevant_technical_asset": "a"}}}}, "risk_tracking": {"c@*": {"status": "mitigated"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _, _, err := threagile.Read(data)
		if err != nil {
			return
		}
		if err := model.CheckReferences(m); err != nil {
			t.Fatalf("read a model with broken references: %v", err)
		}
		model.Validate(m)
		if _, _, err := otm.Write(m, false); err != nil {
			t.Fatalf("the model read does not export: %v", err)
		}
	})
}

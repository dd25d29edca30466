package otm_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/rampart-tm/rampart/storage/otm"
)

// bigOTM is an OTM document with 1000 elements as IriusRisk writes them:
// 20 trust zones, 480 components with positions relative to their zone
// and a threat each, and 500 dataflows.
func bigOTM() []byte {
	type obj = map[string]any
	var zones, comps, flows, threats []obj
	for z := range 20 {
		zones = append(zones, obj{"id": fmt.Sprintf("z%d", z), "name": fmt.Sprintf("Zone %d", z), "risk": obj{"trustRating": z * 5},
			"representations": []obj{{"representation": "d", "id": fmt.Sprintf("rz%d", z),
				"position": obj{"x": (z % 5) * 1100, "y": (z / 5) * 900}, "size": obj{"width": 1000, "height": 800}}}})
	}
	for c := range 480 {
		typ := []string{"web-service", "postgresql", "web-client"}[c%3]
		comps = append(comps, obj{"id": fmt.Sprintf("c%d", c), "name": fmt.Sprintf("Component %d", c), "type": typ,
			"parent": obj{"trustZone": fmt.Sprintf("z%d", c%20)},
			"representations": []obj{{"representation": "d", "id": fmt.Sprintf("rc%d", c),
				"position": obj{"x": 20 + (c/20%6)*160, "y": 40 + (c/120)*150}, "size": obj{"width": 120, "height": 60}}},
			"threats":    []obj{{"threat": fmt.Sprintf("t%d", c%10), "state": "exposed"}},
			"attributes": obj{"Sanitizes Input": "No", "owner": "team"}})
	}
	for f := range 500 {
		flows = append(flows, obj{"id": fmt.Sprintf("f%d", f), "name": fmt.Sprintf("Flow %d", f),
			"source": fmt.Sprintf("c%d", f%480), "destination": fmt.Sprintf("c%d", (f*7+1)%480)})
	}
	for th := range 10 {
		threats = append(threats, obj{"id": fmt.Sprintf("t%d", th), "name": fmt.Sprintf("Threat %d", th),
			"categories": []string{"Tampering"}, "risk": obj{"likelihood": 50, "impact": 80}})
	}
	doc := obj{"otmVersion": "0.2.0", "project": obj{"name": "Big", "id": "big"},
		"representations": []obj{{"name": "Diagram", "id": "d", "type": "diagram", "size": obj{"width": 6000, "height": 4000}}},
		"trustZones":      zones, "components": comps, "dataflows": flows, "threats": threats}
	b, _ := json.Marshal(doc)
	return b
}

// Importing a 1000-element OTM model.
func BenchmarkRead1000(b *testing.B) {
	data := bigOTM()
	m, _, unplaced, err := otm.Read(data)
	if err != nil || len(m.Elements) != 1000 || len(unplaced) != 0 {
		b.Fatalf("%v: %d elements, unplaced %v", err, len(m.Elements), unplaced)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, _, err := otm.Read(data); err != nil {
			b.Fatal(err)
		}
	}
}

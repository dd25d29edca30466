package threatdragon_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage/threatdragon"
)

// allocated is how many bytes reading a Threat Dragon file allocates.
func allocated(t *testing.T, data []byte) uint64 {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, _, err := threatdragon.Read(data)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range m.Elements {
		if e.Kind.String() == "data_flow" && (e.Source == "" || e.Target == "") {
			t.Fatalf("flow %s ends beside its nodes but was not attached to them", e.Name)
		}
	}
	return after.TotalAlloc - before.TotalAlloc
}

// Flows whose ends lie beside their nodes are attached to the nearest
// node without a walk over every node for every end: reading four times
// the cells allocates about four times as much, not sixteen.
func TestFreeFlowEndsAttachInLinearMemory(t *testing.T) {
	small := allocated(t, modelgen.ThreatDragon(1000, 1, true))
	large := allocated(t, modelgen.ThreatDragon(4000, 1, true))
	if ratio := float64(large) / float64(small); ratio > 7 {
		t.Errorf("4× the cells allocate %.1f× the memory (%d → %d bytes)", ratio, small, large)
	}
}

// A flow end left beside a shape is attached to it, and the import says
// so: the analyst sees which connections Rampart made, not the author.
func TestAttachedFreeEndsAreNoted(t *testing.T) {
	m, warnings, err := threatdragon.Read(modelgen.ThreatDragon(20, 1, true))
	if err != nil {
		t.Fatal(err)
	}
	noted := 0
	for _, w := range warnings {
		if strings.Contains(w, "in Threat Dragon, not on it; it was attached to it") {
			noted++
		}
	}
	flows := 0
	for _, e := range m.Elements {
		if e.Kind == model.DataFlow {
			flows++
		}
	}
	if noted == 0 || noted > 2*flows {
		t.Errorf("%d notes of attached ends for %d flows with free ends: %q", noted, flows, warnings)
	}
}

//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rampart-tm/rampart/model/modelgen"
)

// A Threat Dragon model of 10^5 cells reports in under 1 GB: the report's
// memory grows with the model, not with its square. The whole command
// runs, as a user runs it, and its peak resident memory is measured.
func TestHugeModelReportsUnderOneGigabyte(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of work: skipped with -short")
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(model, modelgen.ThreatDragon(100_000, 1, false), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "report", model, "-o", filepath.Join(dir, "huge.pdf"))
	cmd.Env = append(os.Environ(), "RAMPART_TEST_AS_MAIN=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024 // kilobytes on Linux
	t.Logf("peak resident memory %.0f MB", float64(peak)/1e6)
	if peak >= 1e9 {
		t.Errorf("the report of 10^5 cells peaked at %.0f MB, want under 1 GB", float64(peak)/1e6)
	}
}

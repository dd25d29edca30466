//go:build unix

package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/app"
	"github.com/rampart-tm/rampart/app/cli"
)

// Another user can read, analyse and report a model that lies read-only in
// a folder they may not write to, and nothing appears beside it.
func TestSecondUserReadsAReadOnlyModel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: runs rampart as a second user (uid 65534)")
	}
	base, err := os.MkdirTemp("", "rampart-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if !reachable(base) {
		t.Skipf("uid %d cannot reach %s: a parent folder is closed to others", nobody, base)
	}
	bin := filepath.Join(base, "bin", "rampart.test")
	copyExecutable(t, os.Args[0], bin)

	models := filepath.Join(base, "models")
	mustMkdir(t, models, 0o755)
	shop := filepath.Join(models, "shop.rampart")
	if code := cli.Run([]string{"demo", "-o", shop}, app.Run, io.Discard, os.Stderr); code != 0 {
		t.Fatalf("demo exit %d", code)
	}
	if err := os.Chmod(shop, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(models, 0o555); err != nil {
		t.Fatal(err)
	}
	home, work, tmp := filepath.Join(base, "home"), filepath.Join(base, "work"), filepath.Join(base, "tmp")
	for _, dir := range []string{home, work, tmp} {
		mustMkdir(t, dir, 0o755)
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"validate", shop},
		{"analyze", shop, "--format", "json"},
		{"report", shop, "-o", filepath.Join(work, "shop.pdf")},
	} {
		runAsNobody(t, bin, work, tmp, home, args...)
	}
	if entries, _ := os.ReadDir(models); len(entries) != 1 {
		t.Errorf("files appeared beside the model: %v", entries)
	}
}

package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/storage"
)

// demoIn writes the demo model into dir and returns its path.
func demoIn(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if code, _, errOut := run(t, "demo", "-o", path); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	return path
}

// No command writes over its own input, nor replaces a model with
// something that is not a model of the same form.
func TestNoCommandWritesOverAModel(t *testing.T) {
	dir := t.TempDir()
	shop := demoIn(t, dir, "s.rampart")
	other := demoIn(t, dir, "other.rampart")
	jsonModel := filepath.Join(dir, "s.json")
	if code, _, errOut := run(t, "export", shop, "--format", "json", "-o", jsonModel); code != 0 {
		t.Fatalf("export json: %s", errOut)
	}
	tdModel := filepath.Join(dir, "td.json")
	if code, _, errOut := run(t, "export", shop, "--format", "threatdragon", "-o", tdModel); code != 0 {
		t.Fatalf("export threatdragon: %s", errOut)
	}
	before := map[string][]byte{}
	for _, p := range []string{shop, other, jsonModel, tdModel} {
		before[p], _ = os.ReadFile(p)
	}
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"export", shop, "--format", "threatdragon", "-o", shop}, false},
		{[]string{"export", shop, "--format", "json", "-o", shop}, false},
		{[]string{"export", shop, "--format", "threatdragon", "-o", other}, false},
		{[]string{"export", shop, "--format", "threatdragon", "-o", jsonModel}, false},
		{[]string{"export", jsonModel, "--format", "json", "-o", jsonModel}, false},
		{[]string{"export", shop, "--format", "json", "-o", tdModel}, false},
		{[]string{"import", shop, "-o", shop}, false},
		{[]string{"import", tdModel, "-o", filepath.Join(dir, "new.rampart")}, true},
		{[]string{"render", shop, "-o", filepath.Join(dir, "x.svg")}, true},
	} {
		code, _, errOut := run(t, c.args...)
		if c.ok && code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, errOut)
		}
		if !c.ok && (code != 2 || !strings.Contains(errOut, "will not write over")) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a refusal", c.args, code, errOut)
		}
	}
	for p, data := range before {
		if now, _ := os.ReadFile(p); !bytes.Equal(now, data) {
			t.Errorf("%s changed", filepath.Base(p))
		}
	}
	// Replacing a model with a model of its own form is what export is for.
	if code, _, errOut := run(t, "export", other, "--format", "json", "-o", jsonModel); code != 0 {
		t.Errorf("re-exporting JSON over JSON: exit %d: %s", code, errOut)
	}
	// A report may not replace a model renamed .pdf either.
	disguised := filepath.Join(dir, "model.pdf")
	os.WriteFile(disguised, before[shop], 0o644)
	if code, _, errOut := run(t, "report", shop, "-o", disguised); code != 2 || !strings.Contains(errOut, "Rampart model") {
		t.Errorf("report over a model named .pdf: exit %d: %s", code, errOut)
	}
}

// A report that fails for want of space keeps the earlier report.
func TestReportOnAFullDiskKeepsTheEarlierReport(t *testing.T) {
	dir := t.TempDir()
	shop := demoIn(t, dir, "base.rampart")
	full := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", full).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", full).Run() })
	prev := filepath.Join(full, "prev.pdf")
	if err := os.WriteFile(prev, []byte("%PDF-1.4 the earlier report"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "report", shop, "-o", prev)
	if code != 2 || !strings.Contains(errOut, "disk is full") {
		t.Fatalf("exit %d, stderr %q; want 2 and a full disk", code, errOut)
	}
	if data, _ := os.ReadFile(prev); string(data) != "%PDF-1.4 the earlier report" {
		t.Fatal("the earlier report is gone")
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("the failed report left files: %v", entries)
	}
}

// A model on a read-only file system is read, analysed and reported like
// any other, and nothing is written beside it.
func TestReadOnlyFileSystem(t *testing.T) {
	src := t.TempDir()
	demoIn(t, src, "shop.rampart")
	ro := t.TempDir()
	if out, err := exec.Command("mount", "--bind", "-o", "ro", src, ro).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", ro).Run() })
	exec.Command("mount", "-o", "remount,bind,ro", ro).Run()
	if err := os.WriteFile(filepath.Join(ro, "probe"), nil, 0o644); err == nil {
		t.Skip("the bind mount is writable")
	}
	shop := filepath.Join(ro, "shop.rampart")
	out := t.TempDir()
	for _, args := range [][]string{
		{"validate", shop},
		{"analyze", shop, "--format", "json"},
		{"report", shop, "-o", filepath.Join(out, "r.pdf")},
		{"export", shop, "--format", "json", "-o", "-"},
	} {
		if code, _, errOut := run(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(ro); len(entries) != 1 {
		t.Errorf("files appeared beside the model: %v", entries)
	}
	if _, _, err := storage.Open(shop); err == nil || strings.Contains(err.Error(), "damaged") {
		t.Errorf("opening for writing on a read-only file system: %v; want a refusal that is not 'damaged'", err)
	}
}

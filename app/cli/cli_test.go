package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/cli"
	"github.com/rampart-tm/rampart/storage"
)

// run runs the command line and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	noGUI := func(string) error { t.Fatal("the GUI must not open"); return nil }
	code := cli.Run(args, noGUI, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDemoThenValidate(t *testing.T) {
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.rampart")
	code, out, errOut := run(t, "demo", "-o", shop)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "3 diagrams") {
		t.Errorf("demo said %q", out)
	}
	code, out, errOut = run(t, "validate", shop)
	if code != 0 {
		t.Fatalf("validate exit %d: %s%s", code, out, errOut)
	}
	if !strings.Contains(out, "shop.rampart: valid") {
		t.Errorf("validate said %q", out)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.rampart")
	run(t, "demo", "-o", shop)
	js := filepath.Join(dir, "shop.json")
	if code, _, e := run(t, "export", shop, "--format", "json", "-o", js); code != 0 {
		t.Fatal(e)
	}
	back := filepath.Join(dir, "back.rampart")
	if code, _, e := run(t, "import", js, "-o", back); code != 0 {
		t.Fatal(e)
	}
	a, _ := storage.Load(shop)
	b, _ := storage.Load(back)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("export then import changed the model")
	}
	code, out, _ := run(t, "export", back, "-o", "-")
	first, _ := os.ReadFile(js)
	if code != 0 || out != string(first) {
		t.Fatal("exporting twice gave different JSON")
	}
}

func TestBadInputExitsTwoWithReason(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.rampart")
	os.WriteFile(junk, []byte("not a model at all"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"validate", junk}, "not a Rampart model"},
		{[]string{"validate", filepath.Join(dir, "missing.rampart")}, "no such file"},
		{[]string{"validate"}, "validate needs exactly one model file"},
		{[]string{"export", junk, "--format", "xml", "-o", "x"}, `unknown format "xml"`},
		{[]string{"demo"}, "demo needs -o OUT"},
		{[]string{"demo", "-o", filepath.Join(dir, "x.txt")}, "must be a .rampart file"},
		{[]string{"validate", "--bogus", junk}, "unknown flag: --bogus"},
		{[]string{"nosuchcommand", "x"}, "accepts at most 1 arg"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut, c.want)
		}
	}
}

func TestValidateExitsOneOnErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"format":"rampart","format_version":1,"name":"x",
		"created":"2020-01-01T00:00:00Z","modified":"2020-01-01T00:00:00Z",
		"diagrams":[{"id":"c","name":"Context"}],
		"elements":[{"id":"a","kind":"data_store","diagram":"c","name":"A","x":0,"y":0,"w":10,"h":10},
		            {"id":"b","kind":"data_store","diagram":"c","name":"B","x":50,"y":0,"w":10,"h":10},
		            {"id":"f","kind":"data_flow","diagram":"c","name":"copy","x":0,"y":0,"source":"a","target":"b"}]}`), 0o644)
	code, out, _ := run(t, "validate", bad)
	if code != 1 || !strings.Contains(out, "error: flow copy goes from data store A to data store B") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "validate", "--format", "json", bad)
	if code != 1 || !strings.Contains(out, `"severity": "error"`) {
		t.Fatalf("json: exit %d:\n%s", code, out)
	}
}

// A command that fails leaves no output file behind: an auditor must never
// pick up a truncated or empty report.
func TestFailedReportLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.rampart")
	if code, _, errOut := run(t, "demo", "-o", shop); code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	pdf := filepath.Join(dir, "report.pdf")
	code, _, errOut := run(t, "report", shop, "--since", filepath.Join(dir, "missing.json"), "-o", pdf)
	if code != 2 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("exit %d, stderr %q; want 2 naming missing.json", code, errOut)
	}
	if _, err := os.Stat(pdf); !os.IsNotExist(err) {
		t.Errorf("a failed report left %s behind (stat: %v)", pdf, err)
	}
	if code, _, errOut := run(t, "report", shop, "-o", pdf); code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	if st, err := os.Stat(pdf); err != nil || st.Size() == 0 {
		t.Errorf("report wrote nothing: %v", err)
	}
}

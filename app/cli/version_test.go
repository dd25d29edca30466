package cli_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/assets"
)

// One version string, set when Rampart is built, is what --version says
// and what SARIF and the report (cover and page footers) carry.
func TestVersionIsOneStringEverywhere(t *testing.T) {
	old := assets.Version
	assets.Version = "9.8.7-test"
	t.Cleanup(func() { assets.Version = old })

	for _, flag := range []string{"--version", "-v"} {
		code, out, errOut := run(t, flag)
		if code != 0 || out != "rampart 9.8.7-test\n" {
			t.Errorf("rampart %s: exit %d, %q %q", flag, code, out, errOut)
		}
	}

	dir := t.TempDir()
	shop := filepath.Join(dir, "shop.rampart")
	if code, _, e := run(t, "demo", "-o", shop); code != 0 {
		t.Fatal(e)
	}
	_, out, _ := run(t, "analyze", shop, "--format", "sarif")
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Version string } `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || len(sarif.Runs) != 1 {
		t.Fatalf("SARIF: %v", err)
	}
	if v := sarif.Runs[0].Tool.Driver.Version; v != "9.8.7-test" {
		t.Errorf("SARIF says version %q", v)
	}

	pdf := filepath.Join(dir, "shop.pdf")
	if code, _, e := run(t, "report", shop, "-o", pdf); code != 0 {
		t.Fatal(e)
	}
	if text := pdfWords(t, pdf); !strings.Contains(text, "Rampart 9.8.7-test") {
		t.Error("the report does not carry the version")
	}
}

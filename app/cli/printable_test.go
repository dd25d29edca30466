package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/storage"
)

// steering lists characters that would change how a terminal shows a
// line: bidirectional overrides, isolates and marks, escapes, carriage
// returns and backspaces.
const steering = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\x1b\r\b\x00\x85\x9b"

// hostileNames writes the demo model with names that try to steer a
// terminal, as Rampart JSON, and returns its path and the demo's path.
func hostileNames(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join(dir, "demo.json")
	data, _ := storage.MarshalJSON(m)
	os.WriteFile(demo, data, 0o644)
	names := []string{"Pay \u202egnp.exe\u202c now", "Clear\x1b[2J\x1b[31mred", "Over\rprint", "Back\b\b\bspace",
		"Isolate \u2067RTL\u2069 end"}
	i := 0
	for _, e := range m.ElementList() {
		if e.Kind.IsNode() && i < len(names) {
			e.Name = names[i]
			e.OutOfScope, e.OutOfScopeReason = i == 4, "" // validate names it
			i++
		}
	}
	hostile := filepath.Join(dir, "hostile.json")
	data, _ = storage.MarshalJSON(m)
	os.WriteFile(hostile, data, 0o644)
	return hostile, demo
}

func noSteering(t *testing.T, what, out string) {
	t.Helper()
	if i := strings.IndexAny(out, steering); i >= 0 {
		t.Errorf("%s writes %q raw: …%q…", what, out[i], out[max(0, i-30):min(len(out), i+30)])
	}
	if !strings.Contains(out, "<U+") {
		t.Errorf("%s does not show the characters visibly:\n%s", what, out)
	}
}

func TestTextOutputShowsSteeringCharactersVisibly(t *testing.T) {
	hostile, demo := hostileNames(t)
	_, out, _ := run(t, "analyze", hostile)
	noSteering(t, "analyze", out)
	if !strings.Contains(out, "Pay <U+202E>gnp.exe<U+202C> now") {
		t.Errorf("analyze does not name the element visibly")
	}
	_, out, _ = run(t, "validate", hostile)
	noSteering(t, "validate", out)
	_, out, _ = run(t, "diff", demo, hostile)
	noSteering(t, "diff", out)

	rules := filepath.Join(t.TempDir(), "rules.yaml")
	os.WriteFile(rules, []byte("rules:\n  - id: \"x.evil\\u202e\"\n    title: \"Evil \\u202e {el.name}\"\n    category: Spoofing\n"+
		"    applies_to: process\n    when: \"true\"\n    description: d\n    references: [\"CWE-1\\u202e\\x1b[2J\"]\n"+
		"    mitigations: [{do: x, verify: y}]\n"), 0o644)
	code, out, errOut := run(t, "rules", "--rules", rules)
	if code != 0 {
		t.Fatalf("rules exit %d: %s", code, errOut)
	}
	noSteering(t, "rules", out)
}

// JSON keeps the names as they are: encoding/json writes U+202E as the
// character itself, which is the same JSON value as its escape.
func TestJSONOutputKeepsNamesAsTheyAre(t *testing.T) {
	hostile, _ := hostileNames(t)
	_, out, _ := run(t, "analyze", hostile, "--format", "json")
	var doc struct {
		Threats []struct {
			ElementName string `json:"element_name"`
		} `json:"threats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, th := range doc.Threats {
		found = found || th.ElementName == "Pay \u202egnp.exe\u202c now"
		if strings.Contains(th.ElementName, "<U+") {
			t.Fatalf("JSON changed a name: %q", th.ElementName)
		}
	}
	if !found {
		t.Error("JSON lacks the element's name as it is")
	}
}

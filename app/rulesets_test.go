package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/storage"
)

// The editor says which rule sets it loaded and warns when rules that came
// with the model override built-in ones.
func TestEditorNamesTheRuleSetsAndWarnsOfOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.rampart")
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	lowered := `rules:
  - id: proc.dos
    title: "{el.name} can be flooded"
    category: DenialOfService
    applies_to: process
    when: "false"
    description: d
    attack: a
    likelihood: low
    impact: low
    references: [CWE-400]
    mitigations: [{do: x, verify: y}]
`
	if err := os.WriteFile(filepath.Join(dir, "rampart-rules.yaml"), []byte(lowered), 0o644); err != nil {
		t.Fatal(err)
	}
	ed, err := editor.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(test.NewTempApp(t), "")
	s.headless = true
	w := s.newWindow(ed)
	t.Cleanup(w.win.Close)
	if !strings.Contains(w.rulesNote.Text, "override 1 built-in rule") {
		t.Errorf("status bar note: %q", w.rulesNote.Text)
	}
	text := ruleSetsText(w.analysis.lib)
	for _, want := range []string{"built in", "rampart-rules.yaml beside the model (came with the model)", "SHA-256",
		"proc.dos by rampart-rules.yaml beside the model", "disabled"} {
		if !strings.Contains(text, want) {
			t.Errorf("the rule sets dialog lacks %q:\n%s", want, text)
		}
	}
}

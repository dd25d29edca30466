package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// editFile changes a .rampart file as the editor does: the edits, saved
// with their entries in the audit trail.
func editFile(t *testing.T, path, author string, edits ...func(m *model.Model) model.Edit) {
	t.Helper()
	f, m, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, make := range edits {
		e := make(m)
		if err := e.Apply(m); err != nil {
			t.Fatal(err)
		}
		if err := f.Save(m, model.Change{At: time.Now(), Author: author, Action: e.String(), Subjects: model.Subjects(e)}); err != nil {
			t.Fatal(err)
		}
	}
}

// sides copies a model file to base, ours and theirs in a fresh folder.
func sides(t *testing.T, src string) (base, ours, theirs string) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*string{&base, &ours, &theirs} {
		*p = filepath.Join(dir, map[*string]string{&base: "base", &ours: "ours", &theirs: "theirs"}[p]+".rampart")
		if err := os.WriteFile(*p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return
}

func named(m *model.Model, name string) *model.Element {
	for _, e := range m.ElementList() {
		if e.Name == name {
			return e
		}
	}
	return nil
}

func addNode(name string, k model.Kind, x float64) func(m *model.Model) model.Edit {
	return func(m *model.Model) model.Edit {
		return model.AddElement(&model.Element{ID: model.NewID(), Kind: k, Diagram: m.Root().ID, Name: name, X: x, Y: 40, W: 120, H: 60})
	}
}

func TestMergeEditsOfTheDemo(t *testing.T) {
	demo := demoFile(t)
	rename := func(id, name string) func(*model.Model) model.Edit {
		return func(m *model.Model) model.Edit { return model.Rename(m, id, name) }
	}
	prop := func(id, k, v string) func(*model.Model) model.Edit {
		return func(m *model.Model) model.Edit { return model.SetProp(m, id, k, v) }
	}
	status := func(s model.Status, why string) func(*model.Model) model.Edit {
		return func(m *model.Model) model.Edit { return model.SetStatus(m, m.ThreatList()[0].ID, s, why) }
	}
	del := func(id string) func(*model.Model) model.Edit {
		return func(m *model.Model) model.Edit { return model.DeleteElements(m, []string{id}) }
	}
	cases := []struct {
		name          string
		ours, theirs  []func(*model.Model) model.Edit
		code          int
		conflictField string // "element:catalog-svc:name"; "" when clean
		check         func(t *testing.T, m *model.Model)
	}{
		{name: "each side its own change", code: 0,
			ours:   []func(*model.Model) model.Edit{rename("catalog-svc", "Product catalog")},
			theirs: []func(*model.Model) model.Edit{prop("payments", "authentication", "mtls"), status(model.Mitigated, "done")},
			check: func(t *testing.T, m *model.Model) {
				if m.Elements["catalog-svc"].Name != "Product catalog" || m.Elements["payments"].Prop("authentication") != "mtls" ||
					m.ThreatList()[0].Status != model.Mitigated {
					t.Error("a side's change is missing")
				}
			}},
		{name: "the same change on both sides", code: 0,
			ours:   []func(*model.Model) model.Edit{prop("payments", "authentication", "mtls")},
			theirs: []func(*model.Model) model.Edit{prop("payments", "authentication", "mtls")}},
		{name: "a property set differently", code: 1, conflictField: "element:payments:properties.authentication",
			ours:   []func(*model.Model) model.Edit{prop("payments", "authentication", "mtls")},
			theirs: []func(*model.Model) model.Edit{prop("payments", "authentication", "oauth2")}},
		{name: "a name changed differently", code: 1, conflictField: "element:catalog-svc:name",
			ours:   []func(*model.Model) model.Edit{rename("catalog-svc", "Product catalog")},
			theirs: []func(*model.Model) model.Edit{rename("catalog-svc", "Catalogue")}},
		{name: "a threat triaged differently", code: 1,
			ours:   []func(*model.Model) model.Edit{status(model.Mitigated, "mTLS")},
			theirs: []func(*model.Model) model.Edit{status(model.Accepted, "internal")},
			check: func(t *testing.T, m *model.Model) {
				if m.Conflicts[model.ConflictID("threat", m.ThreatList()[0].ID, "status")] == nil {
					t.Errorf("no status conflict: %v", m.ConflictList())
				}
			}},
		{name: "deleted against edited", code: 1, conflictField: "element:payments:",
			ours:   []func(*model.Model) model.Edit{del("payments")},
			theirs: []func(*model.Model) model.Edit{prop("payments", "authentication", "mtls")},
			check: func(t *testing.T, m *model.Model) {
				if m.Elements["payments"].Prop("authentication") != "mtls" {
					t.Error("the edited element is not kept")
				}
			}},
		{name: "deleted, and untouched on the other side", code: 0,
			ours:   []func(*model.Model) model.Edit{del("payments")},
			theirs: []func(*model.Model) model.Edit{rename("catalog-svc", "Catalogue")},
			check: func(t *testing.T, m *model.Model) {
				if m.Elements["payments"] != nil {
					t.Error("the deletion is not taken")
				}
			}},
		{name: "both add the same element", code: 0,
			ours:   []func(*model.Model) model.Edit{addNode("Fraud scoring", model.Process, 900)},
			theirs: []func(*model.Model) model.Edit{addNode("Fraud scoring", model.Process, 900)},
			check: func(t *testing.T, m *model.Model) {
				n := 0
				for _, e := range m.Elements {
					if e.Name == "Fraud scoring" {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d Fraud scoring elements", n)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base, ours, theirs := sides(t, demo)
			editFile(t, ours, "Ana", c.ours...)
			editFile(t, theirs, "Ben", c.theirs...)
			out := filepath.Join(filepath.Dir(ours), "merged.rampart")
			code, _, errOut := run(t, "merge", base, ours, theirs, "-o", out)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut)
			}
			m, err := storage.Load(out)
			if err != nil {
				t.Fatal(err)
			}
			// The file, written as ours changed by the merge, holds the merge.
			var in [3]*model.Model
			for i, p := range []string{base, ours, theirs} {
				if in[i], err = storage.Load(p); err != nil {
					t.Fatal(err)
				}
			}
			if want := model.Merge(in[0], in[1], in[2]); !reflect.DeepEqual(m, want) {
				t.Errorf("the file differs from the merge: %v", model.Diff(want, m))
			}
			if c.conflictField != "" {
				if m.Conflicts[c.conflictField] == nil {
					t.Errorf("no conflict %s: %v", c.conflictField, m.ConflictList())
				}
				if !strings.Contains(errOut, "conflict: ") {
					t.Errorf("stderr does not list the conflict: %q", errOut)
				}
			}
			if c.code == 0 && len(m.Conflicts) != 0 {
				t.Errorf("conflicts: %v", m.ConflictList())
			}
			if err := model.CheckReferences(m); err != nil {
				t.Error(err)
			}
			if c.check != nil {
				c.check(t, m)
			}
		})
	}
}

func TestMergeEditsOfAnImportedModel(t *testing.T) {
	src := filepath.Join(t.TempDir(), "three-tier.rampart")
	if code, _, errOut := run(t, "import", filepath.Join("..", "..", "storage", "threatdragon", "testdata", "three-tier-web-app.json"), "-o", src); code != 0 {
		t.Fatal(errOut)
	}
	base, ours, theirs := sides(t, src)
	editFile(t, ours, "Ana", func(m *model.Model) model.Edit {
		return model.SetProp(m, named(m, "Web Service").ID, "technology", "web-service")
	},
		addNode("Audit log", model.DataStore, 700))
	editFile(t, theirs, "Ben", func(m *model.Model) model.Edit { return model.Rename(m, named(m, "PostgresSQL").ID, "Orders database") },
		addNode("Audit log", model.DataStore, 700),
		func(m *model.Model) model.Edit {
			th := m.ThreatList()[0]
			return model.SetStatus(m, th.ID, model.Open, "reopened after the pen test")
		})
	out := filepath.Join(filepath.Dir(ours), "merged.json")
	code, _, errOut := run(t, "merge", base, ours, theirs, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, _ := os.ReadFile(out)
	m, err := storage.UnmarshalJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if named(m, "Web Service").Prop("technology") != "web-service" || named(m, "Orders database") == nil || m.ThreatList()[0].Status != model.Open {
		t.Error("a side's change is missing")
	}
	logs := 0
	for _, e := range m.Elements {
		if e.Name == "Audit log" {
			logs++
		}
	}
	if logs != 1 {
		t.Errorf("%d audit logs, want the one both sides added", logs)
	}
}

func TestMergeBadInputWritesNothing(t *testing.T) {
	base, ours, theirs := sides(t, demoFile(t))
	if err := os.WriteFile(theirs, []byte("SQLite format 3\x00 torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(filepath.Dir(base), "out.rampart")
	code, _, errOut := run(t, "merge", base, ours, theirs, "-o", out)
	if code != 2 || errOut == "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a merge of bad input wrote its output")
	}
	if code, _, _ := run(t, "merge", base, ours); code != 2 {
		t.Errorf("two files: exit %d", code)
	}
}

func TestMergeRefusesAnUnrelatedModel(t *testing.T) {
	base, ours, _ := sides(t, demoFile(t))
	other := filepath.Join(t.TempDir(), "other.rampart")
	if code, _, errOut := run(t, "import", filepath.Join("..", "..", "storage", "threatdragon", "testdata", "three-tier-web-app.json"), "-o", other); code != 0 {
		t.Fatal(errOut)
	}
	out := filepath.Join(t.TempDir(), "out.rampart")
	code, _, errOut := run(t, "merge", base, ours, other, "-o", out)
	if code != 2 || !strings.Contains(errOut, "is not a version of") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("written anyway")
	}
}

// The demo's Email provider is deleted on one side (with its flow and the
// interface flow of the platform's child diagram) and described on the
// other: using theirs gives theirs whole, so the levels still balance.
func TestUsingTheSideThatKeptAnElementBalances(t *testing.T) {
	base, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := base.Clone(), base.Clone()
	if err := model.DeleteElements(ours, []string{"email-provider"}).Apply(ours); err != nil {
		t.Fatal(err)
	}
	if err := model.Describe(theirs, "email-provider", "Sends receipts").Apply(theirs); err != nil {
		t.Fatal(err)
	}
	m := model.Merge(base, ours, theirs)
	for _, c := range m.ConflictList() {
		if err := model.ResolveConflict(m, c.ID, model.Theirs).Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	if d := model.Diff(theirs, m); len(d) != 0 {
		t.Errorf("using theirs everywhere is not theirs: %v", d)
	}
	for _, f := range model.Validate(m) {
		if f.Severity == model.Error {
			t.Errorf("after resolving: %s", f)
		}
	}
}

// `rampart diff <(git show HEAD~1:shop.rampart) shop.rampart` reads the
// old version from a pipe.
func TestDiffReadsAModelFromAPipe(t *testing.T) {
	if _, err := os.Stat("/dev/fd/0"); err != nil {
		t.Skip("no /dev/fd on this system")
	}
	path := demoFile(t)
	data, _ := os.ReadFile(path)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.Write(data); w.Close() }()
	defer r.Close()
	code, out, errOut := run(t, "diff", fmt.Sprintf("/dev/fd/%d", r.Fd()), path)
	if code != 0 || !strings.Contains(out, "0 change(s)") {
		t.Errorf("exit %d: %s%s", code, out, errOut)
	}
}

// An auditor reading the report of a model with open merge conflicts is
// told on its first page that it is not one agreed model yet.
func TestReportOfAMergedModelSaysChoicesAreOpen(t *testing.T) {
	base, ours, theirs := sides(t, demoFile(t))
	editFile(t, ours, "Ana", func(m *model.Model) model.Edit { return model.Rename(m, "catalog-svc", "Product catalog") })
	editFile(t, theirs, "Ben", func(m *model.Model) model.Edit { return model.Rename(m, "catalog-svc", "Catalogue") })
	out := filepath.Join(t.TempDir(), "merged.rampart")
	if code, _, errOut := run(t, "merge", base, ours, theirs, "-o", out); code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	pdf := filepath.Join(t.TempDir(), "merged.pdf")
	if code, _, errOut := run(t, "report", out, "-o", pdf); code != 0 {
		t.Fatal(errOut)
	}
	text := pdfWords(t, pdf)
	if !strings.Contains(text, "merged from two versions and 1 choice is still open") {
		t.Error("the summary does not say the merge left a choice open")
	}
	if strings.Contains(text, "Validation found 1 error") {
		t.Error("the conflict is counted as an error in the diagrams")
	}
}

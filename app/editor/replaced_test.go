package editor_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// otherVersion writes, as git would, another version of the editor's
// file: what the editor saved, changed by change. inPlace writes over the
// same file (cp, rsync) instead of renaming a new one over it.
func otherVersion(t *testing.T, ed *editor.Editor, path string, inPlace bool, change func(m *model.Model)) {
	t.Helper()
	m, err := storage.Load(path)
	must(t, err)
	change(m)
	tmp := filepath.Join(t.TempDir(), "theirs.rampart")
	must(t, storage.WriteNew(tmp, m))
	if inPlace {
		data, err := os.ReadFile(tmp)
		must(t, err)
		must(t, os.WriteFile(path, data, 0o644))
		return
	}
	must(t, os.Rename(tmp, path))
}

func addProcess(m *model.Model, id, name string) {
	m.Elements[id] = &model.Element{ID: id, Kind: model.Process, Diagram: m.Root().ID, Name: name, X: 600, Y: 100, W: 120, H: 60}
}

// A git merge or checkout replaces the file under an open editor: the
// next edit is merged into the file as git left it, not written into the
// replaced one nor over git's version.
func TestAnEditAfterGitReplacedTheFileIsMergedIn(t *testing.T) {
	for _, inPlace := range []bool{false, true} {
		ed, path := titled(t)
		id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
		must(t, err)
		otherVersion(t, ed, path, inPlace, func(m *model.Model) { m.Name = "Renamed on a branch"; addProcess(m, "b", "Billing") })

		must(t, ed.Rename(id, "Orders API"))
		onDisk, err := storage.Load(path)
		must(t, err)
		if onDisk.Name != "Renamed on a branch" || onDisk.Elements["b"] == nil || onDisk.Elements[id].Name != "Orders API" {
			t.Errorf("in place %v: the file lost a side: %q, %v, %q", inPlace, onDisk.Name, onDisk.Elements["b"], onDisk.Elements[id].Name)
		}
		if ed.Path() != path || ed.Unsaved() || ed.Replaced() != "" {
			t.Errorf("in place %v: path %q, unsaved %v, replaced %q", inPlace, ed.Path(), ed.Unsaved(), ed.Replaced())
		}
		if n := ed.Notice(); !strings.Contains(n, "merged in") {
			t.Errorf("notice %q", n)
		}
	}
}

// With no change in the window, a replaced file is simply reloaded.
func TestAReplacedFileIsReloaded(t *testing.T) {
	ed, path := titled(t)
	if ed.CheckFile() {
		t.Fatal("an untouched file reads as replaced")
	}
	must(t, ed.SaveAs(path)) // its own save keeps it the same file
	if ed.CheckFile() {
		t.Fatal("the editor's own save reads as a replacement")
	}
	otherVersion(t, ed, path, false, func(m *model.Model) { addProcess(m, "b", "Billing") })
	if !ed.CheckFile() {
		t.Fatal("the replacement is not noticed")
	}
	n, err := ed.Rejoin()
	must(t, err)
	if n != 0 || ed.Model.Elements["b"] == nil || ed.Unsaved() || !strings.Contains(ed.Notice(), "reloaded") {
		t.Errorf("reload: %d conflicts, billing %v, unsaved %v", n, ed.Model.Elements["b"], ed.Unsaved())
	}
}

// What the window and the other program changed differently becomes a
// conflict to resolve, with both values.
func TestAReplacementThatConflictsWithTheWindow(t *testing.T) {
	ed, path := titled(t)
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	otherVersion(t, ed, path, false, func(m *model.Model) { m.Elements[id].Name = "Checkout API" })
	must(t, ed.Rename(id, "Orders API"))
	c := ed.Model.Conflicts[model.ConflictID("element", id, "name")]
	if c == nil || c.Ours != "Orders API" || c.Theirs != "Checkout API" {
		t.Fatalf("conflict %+v", c)
	}
	onDisk, err := storage.Load(path)
	must(t, err)
	if len(onDisk.Conflicts) != 1 {
		t.Error("the conflict is not in the file")
	}
}

// Save As onto the file another program replaced merges into it too.
func TestSaveAsOverTheReplacedFileMerges(t *testing.T) {
	ed, path := titled(t)
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	otherVersion(t, ed, path, false, func(m *model.Model) { addProcess(m, "b", "Billing") })
	must(t, ed.SaveAs(path))
	onDisk, err := storage.Load(path)
	must(t, err)
	if onDisk.Elements[id] == nil || onDisk.Elements["b"] == nil {
		t.Error("Save As over the replaced file dropped a side")
	}
}

// When what replaced the file cannot be opened (not a model, held by
// another Rampart), the window keeps its work and says the file was
// replaced; Save As elsewhere keeps it.
func TestAFileReplacedByWhatCannotOpenKeepsTheEdits(t *testing.T) {
	ed, path := titled(t)
	ed.EnableAutosave(t.TempDir())
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	tmp := filepath.Join(t.TempDir(), "junk")
	must(t, os.WriteFile(tmp, []byte("<<<<<<< HEAD\nnot a model\n"), 0o644))
	must(t, os.Rename(tmp, path))
	err = ed.Rename(id, "Orders API")
	if !errors.Is(err, storage.ErrReplaced) || ed.Replaced() != path || !ed.Unsaved() {
		t.Fatalf("err %v, replaced %q, unsaved %v", err, ed.Replaced(), ed.Unsaved())
	}
	mine := filepath.Join(t.TempDir(), "mine.rampart")
	must(t, ed.SaveAs(mine))
	kept, err := storage.Load(mine)
	must(t, err)
	if kept.Elements[id].Name != "Orders API" {
		t.Error("Save As lost the edit")
	}
}

// A look at the file taken off the UI thread counts only while its stamp
// is the file's own: a save between the look and its verdict renews the
// stamp, and the stale verdict lets go of nothing.
func TestALookFromBeforeASaveSaysNothing(t *testing.T) {
	ed, path := titled(t)
	stale, ok := ed.FileStamp()
	if !ok {
		t.Fatal("a titled editor has no stamp")
	}
	must(t, ed.SaveAs(path))
	if ed.FileLooked(stale, true) {
		t.Fatal("a look from before the editor's own save let go of the file")
	}
	fresh, _ := ed.FileStamp()
	otherVersion(t, ed, path, false, func(m *model.Model) { addProcess(m, "b", "Billing") })
	if !ed.FileLooked(fresh, fresh.Replaced()) {
		t.Fatal("a current look at a replaced file is not acted on")
	}
}

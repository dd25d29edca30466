package editor_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// A git merge or checkout replaces the file under an open editor: the next
// edit must not vanish into the replaced file. It stays in the window and
// its crash copy, the new file is left as git wrote it, and Save As keeps
// the work.
func TestAFileReplacedOnDiskKeepsTheEdits(t *testing.T) {
	ed, path := titled(t)
	crashDir := t.TempDir()
	ed.EnableAutosave(crashDir)
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)

	// What git does: write the new version beside, rename it over.
	theirs := model.New("From the other branch")
	tmp := filepath.Join(filepath.Dir(path), ".merge_file_x")
	must(t, storage.WriteNew(tmp, theirs))
	must(t, os.Rename(tmp, path))

	err = ed.Rename(id, "Orders API")
	if !errors.Is(err, editor.ErrNotSaved) || !errors.Is(err, storage.ErrReplaced) {
		t.Fatalf("edit after the file was replaced: %v", err)
	}
	if ed.Replaced() != path || ed.Path() != "" || !ed.Unsaved() {
		t.Errorf("replaced %q, path %q, unsaved %v", ed.Replaced(), ed.Path(), ed.Unsaved())
	}
	onDisk, err := storage.Load(path)
	must(t, err)
	if onDisk.Name != "From the other branch" {
		t.Errorf("the file git wrote was changed: %q", onDisk.Name)
	}
	if ed.Model.Elements[id].Name != "Orders API" {
		t.Error("the edit is lost in the window")
	}
	// Later edits go on being kept against a crash.
	must(t, ed.Do(model.Describe(ed.Model, id, "takes orders")))
	copies, _ := filepath.Glob(filepath.Join(crashDir, "*.rampart"))
	if len(copies) != 1 {
		t.Fatalf("crash copies: %v", copies)
	}
	if m, err := storage.Load(copies[0]); err != nil || m.Elements[id].Description != "takes orders" {
		t.Errorf("the crash copy lacks the edits: %v", err)
	}

	mine := filepath.Join(t.TempDir(), "mine.rampart")
	must(t, ed.SaveAs(mine))
	kept, err := storage.Load(mine)
	must(t, err)
	if e := kept.Elements[id]; e == nil || e.Name != "Orders API" || e.Description != "takes orders" {
		t.Errorf("Save As kept %+v", e)
	}
	if ed.Replaced() != "" || ed.Unsaved() {
		t.Error("after Save As the window still reads as replaced or unsaved")
	}
}

// The window asks CheckFile on a timer, so it says at once that git
// replaced the file, before anyone edits.
func TestCheckFileNoticesAReplacementAtOnce(t *testing.T) {
	ed, path := titled(t)
	if ed.CheckFile() {
		t.Fatal("an untouched file reads as replaced")
	}
	must(t, ed.SaveAs(path)) // its own save keeps it the same file
	if ed.CheckFile() {
		t.Fatal("the editor's own save reads as a replacement")
	}
	tmp := path + ".new"
	must(t, storage.WriteNew(tmp, model.New("theirs")))
	must(t, os.Rename(tmp, path))
	if !ed.CheckFile() || ed.Replaced() != path || !ed.Unsaved() {
		t.Errorf("replacement not noticed: replaced %q, unsaved %v", ed.Replaced(), ed.Unsaved())
	}
}

// cp or rsync write over the file in place: the same file, other bytes.
func TestAFileOverwrittenInPlaceIsNoticed(t *testing.T) {
	ed, path := titled(t)
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	other := filepath.Join(t.TempDir(), "other.rampart")
	must(t, storage.WriteNew(other, model.New("another model")))
	data, err := os.ReadFile(other)
	must(t, err)
	must(t, os.WriteFile(path, data, 0o644)) // same inode
	if err := ed.Rename(id, "Orders API"); !errors.Is(err, storage.ErrReplaced) {
		t.Fatalf("edit after an overwrite: %v", err)
	}
	onDisk, err := storage.Load(path)
	must(t, err)
	if onDisk.Name != "another model" || len(onDisk.Elements) != 0 {
		t.Errorf("the overwritten file was written into: %q, %d elements", onDisk.Name, len(onDisk.Elements))
	}
}

// After a replacement the user may keep their version under the same name.
func TestSaveAsOverTheReplacedFile(t *testing.T) {
	ed, path := titled(t)
	id, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	must(t, err)
	tmp := path + ".new"
	must(t, storage.WriteNew(tmp, model.New("theirs")))
	must(t, os.Rename(tmp, path))
	must(t, ed.SaveAs(path)) // before the window's check noticed
	if ed.Replaced() != "" || ed.Path() != path {
		t.Errorf("after Save As: replaced %q, path %q", ed.Replaced(), ed.Path())
	}
	kept, err := storage.Load(path)
	must(t, err)
	if kept.Elements[id] == nil {
		t.Error("Save As over the replaced file did not keep the window's model")
	}
}

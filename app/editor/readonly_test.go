package editor

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// A model another Rampart holds can be looked at, and edited as a copy:
// its file is never written, and Save As to another file keeps the edits
// with the file's whole trail.
func TestReadOnlyViewOfAHeldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.rampart")
	owner := New(model.New("Shop"))
	if err := owner.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Place(model.Process, model.Point{X: 100, Y: 100}); err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	before, _ := os.ReadFile(path)

	if _, err := Open(path); !errors.Is(err, storage.ErrInUse) {
		t.Fatalf("a second writer: %v", err)
	}
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if ro.Path() != "" || ro.ReadOnly() != path || ro.Source() != path || ro.Unsaved() {
		t.Fatalf("path %q, read-only %q, source %q, unsaved %v", ro.Path(), ro.ReadOnly(), ro.Source(), ro.Unsaved())
	}
	if len(ro.Model.Elements) != 1 {
		t.Errorf("the view misses the owner's last edit: %d elements", len(ro.Model.Elements))
	}
	ownTrail, _ := owner.Trail()
	if trail, err := ro.Trail(); err != nil || len(trail) != len(ownTrail) {
		t.Errorf("the view's trail has %d entries (%v), the file %d", len(trail), err, len(ownTrail))
	}

	if _, err := ro.Place(model.ExternalEntity, model.Point{X: 400, Y: 100}); err != nil {
		t.Fatal(err)
	}
	if !ro.Unsaved() {
		t.Error("an edit of the view is in no file, so it is unsaved")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the view wrote to the file")
	}
	if err := ro.SaveAs(path); !errors.Is(err, storage.ErrInUse) {
		t.Errorf("Save As over the held file: %v", err)
	}
	copyPath := filepath.Join(dir, "copy.rampart")
	if err := ro.SaveAs(copyPath); err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if ro.ReadOnly() != "" || ro.Path() != copyPath || ro.Unsaved() {
		t.Errorf("after Save As: read-only %q, path %q, unsaved %v", ro.ReadOnly(), ro.Path(), ro.Unsaved())
	}
	trail, err := storage.History(copyPath)
	// The file's trail, the edit made in the view, and the Save As; a
	// refused Save As adds nothing twice.
	if err != nil || len(trail) != len(ownTrail)+2 {
		t.Errorf("the copy's trail has %d entries (%v), want %d", len(trail), err, len(ownTrail)+2)
	}
}

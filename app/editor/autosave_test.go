package editor

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

func TestUntitledModelSurvivesACrash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "autosave")
	ed := New(model.New("Untitled"))
	ed.EnableAutosave(dir)
	p, err := ed.Place(model.Process, model.Point{X: 100, Y: 100})
	if err != nil {
		t.Fatal(err)
	}
	ed.Rename(p, "Orders API")
	if got := Recoverable(dir); len(got) != 0 {
		t.Fatalf("a model still being edited is not recoverable: %v", got)
	}
	// Crash: the process dies with the file open; its lock goes with it.
	ed.autosave.Close()
	files := Recoverable(dir)
	if len(files) != 1 {
		t.Fatalf("recoverable: %v", files)
	}
	back, err := Restore(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if back.Model.Elements[p] == nil || back.Model.Elements[p].Name != "Orders API" || !back.Unsaved() {
		t.Fatal("the restored model lacks the last edit, or claims to be saved")
	}
	trail, _ := back.Trail()
	if len(trail) != 2 {
		t.Fatalf("the trail came back with %d entries", len(trail))
	}
	// Saving it under a name keeps the trail and removes the autosave file.
	path := filepath.Join(t.TempDir(), "orders.rampart")
	if err := back.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(files[0]); !os.IsNotExist(err) {
		t.Error("the autosave file should go once the model has a name")
	}
	back.Close()
	saved, _ := storage.Load(path)
	if !reflect.DeepEqual(saved.Elements, back.Model.Elements) {
		t.Error("Save As lost the model")
	}
	kept, _ := storage.History(path)
	if len(kept) != 3 { // place, rename, save as
		t.Errorf("trail in the saved file: %d entries", len(kept))
	}
}

func TestClosingOnPurposeDropsTheAutosave(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "autosave")
	ed := New(model.New("Untitled"))
	ed.EnableAutosave(dir)
	ed.Place(model.Process, model.Point{X: 100, Y: 100})
	ed.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

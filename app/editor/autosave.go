package editor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// Autosave keeps an untitled model (the demo, a new model, an import) in a
// file of the user's data folder after every edit, so a crash loses
// nothing: the next start offers to restore it. The file goes when the
// model is saved under a name or closed on purpose.

// EnableAutosave makes an untitled editor keep its model in dir.
func (ed *Editor) EnableAutosave(dir string) { ed.autosaveDir = dir }

// autosaveFile writes the untitled model to its autosave file, creating
// the file on the first edit.
func (ed *Editor) autosaveNow() error {
	if ed.autosaveDir == "" {
		return nil
	}
	if ed.autosave == nil {
		if err := os.MkdirAll(ed.autosaveDir, 0o700); err != nil {
			return fmt.Errorf("autosave: %w", err)
		}
		path := filepath.Join(ed.autosaveDir, "untitled-"+model.NewID()+".rampart")
		f, err := storage.Create(path, ed.Model)
		if err != nil {
			return fmt.Errorf("autosave: %w", err)
		}
		ed.autosave = f
	}
	if err := ed.autosave.Save(ed.Model, ed.pending...); err != nil {
		return fmt.Errorf("autosave: %w", err)
	}
	ed.pending = nil
	return nil
}

// dropAutosave closes and removes the autosave file: the model is now in
// a file of its own, or the user chose to drop it.
func (ed *Editor) dropAutosave() {
	if ed.autosave == nil {
		return
	}
	path := ed.autosave.Path()
	ed.autosave.Close()
	ed.autosave = nil
	os.Remove(path)
}

// Recoverable lists the autosave files in dir that no running Rampart
// holds: untitled models of a Rampart that crashed. Files that are not
// models any more (damaged) are listed too, so the user hears of them.
func Recoverable(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".rampart") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		f, _, err := storage.Open(path)
		if errors.Is(err, storage.ErrInUse) {
			continue // another Rampart is editing it
		}
		if f != nil {
			f.Close()
		}
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

// Restore opens an autosave file as the untitled model it was, and goes
// on autosaving to it.
func Restore(path string) (*Editor, error) {
	f, m, err := storage.Open(path)
	if err != nil {
		return nil, err
	}
	ed := New(m)
	ed.Notes = model.Bound(m)
	ed.autosave, ed.autosaveDir, ed.unsaved = f, filepath.Dir(path), true
	return ed, nil
}

// Discard removes an autosave file the user does not want back.
func Discard(path string) error {
	if !strings.HasSuffix(path, ".rampart") {
		return fmt.Errorf("%s is not an autosave file", path)
	}
	os.Remove(path + ".lock")
	return os.Remove(path)
}

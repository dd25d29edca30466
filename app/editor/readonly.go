package editor

import (
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// A model can be viewed read-only when another Rampart holds its file.
// Nothing is written to that file: the model is read as the command line
// reads it (storage.Load), and then behaves as an untitled copy. Edits stay
// in memory (and in an autosave file, against a crash) and are kept only
// by Save As to another file.

// OpenReadOnly opens a .rampart file without writing to it, locking it
// or leaving anything beside it.
func OpenReadOnly(path string) (*Editor, error) {
	m, err := storage.Load(path)
	if err != nil {
		return nil, err
	}
	ed := New(m)
	ed.Notes = model.Bound(m)
	ed.readOnly = path
	return ed, nil
}

// ReadOnly is the file this editor views read-only, or "".
func (ed *Editor) ReadOnly() string { return ed.readOnly }

// Source is the file the model came from: the one it is saved to, or the
// one viewed read-only; "" for the demo, new models and imports. Rules
// beside it apply, and nothing may be exported over it.
func (ed *Editor) Source() string {
	if ed.readOnly != "" {
		return ed.readOnly
	}
	return ed.Path()
}

// sourceTrail is the audit trail of the file viewed read-only.
func (ed *Editor) sourceTrail() ([]model.Change, error) {
	if ed.readOnly == "" {
		return nil, nil
	}
	return storage.History(ed.readOnly)
}

// Package editor is the editor's logic without a window: the open model and
// its file, the current diagram, the selection, and every user action as
// an edit that is recorded for undo and saved at once. The Fyne widgets in
// package app only translate gestures into these calls, so all of it is
// tested without a display.
package editor

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"time"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// Editor is one open model.
type Editor struct {
	Model   *model.Model
	History model.History

	file         *storage.File // nil while the model is untitled
	autosave     *storage.File // where an untitled model is kept against crashes
	autosaveDir  string
	readOnly     string       // the file viewed read-only, if any (see OpenReadOnly)
	replaced     string       // the file another program replaced under us, if any (see detach)
	replacedBase *model.Model // what this editor last saved in it, to merge with what replaced it
	notice       string       // see TakeNotice
	unsaved      bool         // changes not yet in a file
	saveErr      error        // why the last save failed, if it did
	diagram      string       // ID of the diagram on screen
	selected     map[string]bool
	clip         *Clipboard
	noSnap       bool // grid snapping is off

	// Changed is called after every change of model, diagram or
	// selection, so views can refresh.
	Changed func(Change)

	// Notes say what opening the file cut or moved to bring the model
	// within its bounds (see model.Bound), for the window to show.
	Notes []string

	// Author is who the audit trail records as making the edits.
	Author  string
	pending []model.Change // trail entries not yet in a file
	now     func() time.Time
}

// Change says what changed, so views refresh only what they must.
type Change int

// What a change touched.
const (
	ModelChanged Change = 1 << iota
	DiagramChanged
	SelectionChanged
	FileChanged
	ThreatsChanged // analysis results merged in (not a user edit)
)

// New opens an editor on a model that has no file yet (the demo, an
// import). It counts as unsaved from its first edit.
func New(m *model.Model) *Editor {
	ed := &Editor{Model: m, selected: map[string]bool{}, Author: DefaultAuthor(), now: time.Now}
	if root := m.Root(); root != nil {
		ed.diagram = root.ID
	}
	return ed
}

// Open opens a .rampart file for editing. A model beyond its bounds (a
// forged file) is brought within them; Notes say what changed, and the
// next save writes it.
func Open(path string) (*Editor, error) {
	f, m, err := storage.Open(path)
	if err != nil {
		return nil, err
	}
	ed := New(m)
	ed.Notes = model.Bound(m)
	ed.file, ed.unsaved = f, false
	return ed, nil
}

// Close releases the file. Changes are already saved when the model is
// titled; an untitled model's changes are dropped, with its autosave file
// (the window asks first).
func (ed *Editor) Close() error {
	ed.dropAutosave()
	if ed.file == nil {
		return nil
	}
	err := ed.file.Close()
	ed.file = nil
	return err
}

// Path is the file the model is saved in, or "" while it is untitled.
func (ed *Editor) Path() string {
	if ed.file == nil {
		return ""
	}
	return ed.file.Path()
}

// Unsaved reports whether some changes are in no file: the model is
// untitled and edited, or the last save failed.
func (ed *Editor) Unsaved() bool { return ed.unsaved }

// SaveError is why the last save failed, or nil.
func (ed *Editor) SaveError() error { return ed.saveErr }

// SaveAs writes the model to a new file and keeps editing that file.
func (ed *Editor) SaveAs(path string) error {
	// Saving over the file another program replaced merges into it, as
	// the window does on its own: writing over it would drop that work.
	if ed.CheckFile() || (ed.replaced != "" && samePath(ed.replaced, path)) {
		if samePath(ed.replaced, path) {
			_, err := ed.Rejoin()
			return err
		}
	}
	if ed.file != nil && samePath(ed.file.Path(), path) {
		return ed.save()
	}
	// An untitled model brings the trail its autosave file kept, and a
	// model viewed read-only the trail of its file too.
	pending := ed.pending
	if ed.autosave != nil {
		if trail, err := ed.autosave.History(); err == nil {
			ed.pending = append(trail, ed.pending...)
		}
	}
	if trail, err := ed.sourceTrail(); err == nil {
		ed.pending = append(trail, ed.pending...)
	}
	f, err := storage.Create(path, ed.Model)
	if err != nil {
		ed.pending = pending
		return err
	}
	ed.readOnly, ed.replaced = "", ""
	if ed.file != nil {
		ed.file.Close()
	}
	ed.dropAutosave()
	ed.file, ed.unsaved, ed.saveErr = f, false, nil
	ed.log("saved the model as " + path)
	if err := ed.save(); err != nil {
		return err
	}
	ed.notify(FileChanged)
	return nil
}

// samePath reports whether two paths name one file, however written.
func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// save writes the model to its file, if it has one, with the trail
// entries of the edits since the last save, in one transaction. When it
// fails the entries stay pending for the next save.
func (ed *Editor) save() error {
	if ed.file == nil {
		ed.unsaved = true
		return ed.autosaveNow()
	}
	ed.Model.Modified = ed.now().UTC()
	if err := ed.file.Save(ed.Model, ed.pending...); err != nil {
		if errors.Is(err, storage.ErrReplaced) {
			ed.detach()
			if _, rerr := ed.Rejoin(); rerr == nil {
				return nil // the edit is in the file as another program left it
			}
		}
		ed.unsaved, ed.saveErr = true, err
		return err
	}
	ed.pending = nil
	ed.unsaved, ed.saveErr = false, nil
	return nil
}

// detach lets go of a file another program replaced: the model stays in
// the window, kept against a crash like an untitled one, until the user
// saves it under a name (or opens the file as it is now).
func (ed *Editor) detach() {
	ed.replaced, ed.replacedBase = ed.file.Path(), ed.file.Saved()
	ed.file.Close()
	ed.file = nil
	_ = ed.autosaveNow() // a failure leaves the model in memory, still unsaved
}

// Rejoin opens again the file another program replaced, and merges into
// what it holds now the changes this window made since it last saved
// there: a three-way merge whose base is what the window saved, so
// nobody's work is lost and what both changed differently becomes
// conflicts to resolve. Without changes in the window it is a reload.
// It returns the number of conflicts the merge left.
func (ed *Editor) Rejoin() (int, error) {
	if ed.replaced == "" {
		return 0, nil
	}
	f, disk, err := storage.Open(ed.replaced)
	if err != nil {
		return 0, err
	}
	changed := len(model.Diff(ed.replacedBase, ed.Model)) > 0
	merged := disk
	if changed {
		merged = model.Merge(ed.replacedBase, ed.Model, disk)
		ed.log(fmt.Sprintf("merged this window's changes into %s as another program left it", filepath.Base(ed.replaced)))
	}
	// The same Model, filled anew: views and analysis hold this pointer.
	*ed.Model = *merged
	ed.History.Clear() // the undo steps were made on the model before
	ed.file, ed.replaced, ed.replacedBase = f, "", nil
	ed.dropAutosave()
	if r := ed.Model.Root(); ed.Model.Diagrams[ed.diagram] == nil && r != nil {
		ed.diagram = r.ID
	}
	ed.dropMissingSelection()
	name := filepath.Base(f.Path())
	switch n := len(ed.Model.Conflicts); {
	case !changed:
		ed.notice = "Another program changed " + name + " (a git merge or checkout?): reloaded"
	case n > 0:
		ed.notice = fmt.Sprintf("Another program changed %s (a git merge or checkout?): reloaded, with this window's changes merged in; %d conflict(s) to resolve", name, n)
	default:
		ed.notice = "Another program changed " + name + " (a git merge or checkout?): reloaded, with this window's changes merged in"
	}
	err = nil
	if changed {
		err = ed.save()
	} else {
		ed.pending, ed.unsaved, ed.saveErr = nil, false, nil
	}
	ed.notify(ModelChanged | DiagramChanged | SelectionChanged | FileChanged)
	return len(ed.Model.Conflicts), err
}

// CheckFile lets go of the file when another program replaced it since
// the editor opened it, and reports whether it did: the window then says
// so at once, not only at the next edit. What the window shows is then in
// no file, so it counts as unsaved.
func (ed *Editor) CheckFile() bool {
	s, ok := ed.FileStamp()
	return ok && ed.FileLooked(s, s.Replaced())
}

// FileStamp is what a look at the editor's file compares with, so that
// a window can take the look itself (a stat, slow on a network share)
// off its UI thread; ok is false without a file.
func (ed *Editor) FileStamp() (s storage.Stamp, ok bool) {
	if ed.file == nil {
		return s, false
	}
	return ed.file.Stamp(), true
}

// FileLooked is CheckFile with the look taken elsewhere from stamp s: it
// lets go of the file when the look found it replaced. A look at a stamp
// that a save has renewed since says nothing.
func (ed *Editor) FileLooked(s storage.Stamp, replaced bool) bool {
	if !replaced || ed.file == nil || !ed.file.Current(s) {
		return false
	}
	ed.detach()
	ed.unsaved = true
	return true
}

// Notice is what the editor did on its own that the user should know (a
// file reloaded after another program changed it), until the next edit;
// or "".
func (ed *Editor) Notice() string { return ed.notice }

// Replaced is the file another program replaced while this editor had it
// open, or "".
func (ed *Editor) Replaced() string { return ed.replaced }

// log records an edit in the audit trail (written with the next save).
func (ed *Editor) log(action string, subjects ...string) {
	ed.pending = append(ed.pending, model.Change{At: ed.now().UTC(), Author: ed.Author, Action: action, Subjects: subjects})
}

// Trail returns the audit trail: what the file holds, then what is not
// saved yet.
func (ed *Editor) Trail() ([]model.Change, error) {
	out, err := ed.sourceTrail()
	if err != nil {
		return nil, err
	}
	if f := ed.file; f != nil || ed.autosave != nil {
		if f == nil {
			f = ed.autosave
		}
		trail, err := f.History()
		if err != nil {
			return nil, err
		}
		out = append(out, trail...)
	}
	return append(out, ed.pending...), nil
}

// DefaultAuthor is the OS user, whom the audit trail records until the
// preferences say otherwise.
func DefaultAuthor() string {
	if u, err := user.Current(); err == nil {
		if u.Name != "" {
			return u.Name
		}
		return u.Username
	}
	return "unknown"
}

// ErrNotSaved wraps a save failure after an edit: the edit is kept in
// memory (and undoable), but the file does not have it yet.
var ErrNotSaved = errors.New("the change is made but could not be saved")

// Do applies an edit, records it for undo and saves the model.
func (ed *Editor) Do(e model.Edit) error {
	if err := ed.History.Do(ed.Model, e); err != nil {
		return err
	}
	ed.notice = ""
	ed.log(e.String(), model.Subjects(e)...)
	return ed.afterEdit()
}

func (ed *Editor) afterEdit() error {
	ed.dropMissingSelection()
	if ed.Model.Diagrams[ed.diagram] == nil {
		ed.diagram = ed.Model.Root().ID
	}
	err := ed.save()
	ed.notify(ModelChanged | SelectionChanged)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	return nil
}

// Apply merges analysis results into the model outside the undo history
// (they follow from the model rather than from the user) and saves them.
// An untitled model does not count as unsaved for it: nothing the user
// made would be lost.
func (ed *Editor) Apply(e model.Edit) error {
	if err := e.Apply(ed.Model); err != nil {
		return err
	}
	ed.log(e.String(), model.Subjects(e)...)
	var err error
	if ed.file != nil {
		err = ed.save()
	}
	ed.notify(ThreatsChanged)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotSaved, err)
	}
	return nil
}

// Undo reverts the last step.
func (ed *Editor) Undo() error {
	e := ed.History.Undo(ed.Model)
	if e == nil {
		return nil
	}
	ed.log("undid: "+e.String(), model.Subjects(e)...)
	ed.pending[len(ed.pending)-1].Undone = true
	return ed.afterEdit()
}

// Redo applies the last undone step again.
func (ed *Editor) Redo() error {
	e, err := ed.History.Redo(ed.Model)
	if err != nil || e == nil {
		return err
	}
	ed.log("redid: "+e.String(), model.Subjects(e)...)
	return ed.afterEdit()
}

func (ed *Editor) notify(c Change) {
	if ed.Changed != nil {
		ed.Changed(c)
	}
}

// Diagram is the diagram on screen.
func (ed *Editor) Diagram() *model.Diagram { return ed.Model.Diagrams[ed.diagram] }

// ShowDiagram puts another diagram on screen.
func (ed *Editor) ShowDiagram(id string) {
	if ed.Model.Diagrams[id] == nil || id == ed.diagram {
		return
	}
	ed.diagram = id
	ed.selected = map[string]bool{}
	ed.notify(DiagramChanged | SelectionChanged)
}

// Breadcrumb is the path from the context diagram to the one on screen.
func (ed *Editor) Breadcrumb() []*model.Diagram {
	var path []*model.Diagram
	seen := map[string]bool{}
	for d := ed.Diagram(); d != nil && !seen[d.ID]; d = ed.Model.Parent(d) {
		seen[d.ID] = true
		path = append([]*model.Diagram{d}, path...)
	}
	return path
}

// OpenChild shows the child diagram of a process, creating it (with the
// process's flows as interface stubs) the first time.
func (ed *Editor) OpenChild(processID string) error {
	p := ed.Model.Elements[processID]
	if p == nil || p.Kind != model.Process {
		return fmt.Errorf("only a process can be opened into a child diagram")
	}
	if child := ed.Model.ChildOf(processID); child != nil {
		ed.ShowDiagram(child.ID)
		return nil
	}
	id := model.NewID()
	err := ed.Do(model.Refine(ed.Model, processID, id, model.NewID))
	if ed.Model.Diagrams[id] != nil {
		ed.ShowDiagram(id)
	}
	return err
}

// Selection returns the IDs of the selected elements, sorted.
func (ed *Editor) Selection() []string {
	out := make([]string, 0, len(ed.selected))
	for id := range ed.selected {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// IsSelected reports whether an element is selected.
func (ed *Editor) IsSelected(id string) bool { return ed.selected[id] }

// Select replaces the selection. Elements of another diagram bring that
// diagram on screen.
func (ed *Editor) Select(ids ...string) {
	next := map[string]bool{}
	for _, id := range ids {
		if e := ed.Model.Elements[id]; e != nil {
			next[id] = true
			if e.Diagram != ed.diagram {
				ed.diagram = e.Diagram
				ed.notify(DiagramChanged)
			}
		}
	}
	ed.selected = next
	ed.notify(SelectionChanged)
}

// Toggle adds an element to the selection, or removes it.
func (ed *Editor) Toggle(id string) {
	if ed.selected[id] {
		delete(ed.selected, id)
	} else if e := ed.Model.Elements[id]; e != nil && e.Diagram == ed.diagram {
		ed.selected[id] = true
	}
	ed.notify(SelectionChanged)
}

// SelectAll selects every element of the diagram on screen.
func (ed *Editor) SelectAll() {
	var ids []string
	for _, e := range ed.Model.ElementsIn(ed.diagram) {
		ids = append(ids, e.ID)
	}
	ed.Select(ids...)
}

func (ed *Editor) dropMissingSelection() {
	for id := range ed.selected {
		if ed.Model.Elements[id] == nil {
			delete(ed.selected, id)
		}
	}
}

// Delete removes the selection, with what depends on it.
func (ed *Editor) Delete() error {
	if len(ed.selected) == 0 {
		return nil
	}
	return ed.Do(model.DeleteElements(ed.Model, ed.Selection()))
}

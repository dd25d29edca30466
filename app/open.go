package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/app/ospath"
	"github.com/rampart-tm/rampart/storage"
)

// launch opens the window Rampart starts with. When the file does not
// open, a small window says why (and offers a read-only view of a file
// another Rampart holds); failed hears the error unless a window opened
// after all.
func (s *session) launch(path string, failed func(error)) {
	err := s.openPath(path)
	if err == nil {
		return
	}
	failed(err)
	note := s.app.NewWindow("Rampart")
	note.SetIcon(iconResource())
	note.SetContent(container.NewCenter(widget.NewLabel(filepath.Base(path))))
	note.Resize(fyne.NewSize(640, 320))
	note.Show()
	s.explain(note, path, err, func(opened bool) {
		if opened {
			failed(nil)
		}
		note.Close()
	})
}

// openPath opens a window on a file (a .rampart file for editing, anything
// else as an untitled import) or, for "", on the demo model. A file this
// Rampart has open already brings its window to the front.
func (s *session) openPath(path string) error {
	if w := s.windowOf(path); w != nil {
		w.win.RequestFocus()
		return nil
	}
	ed, err := openEditor(path)
	if err != nil {
		return err
	}
	s.show(ed, path)
	return nil
}

// show opens a window on an editor, with the notes on reading its file.
func (s *session) show(ed *editor.Editor, path string) *window {
	w := s.newWindow(ed)
	w.win.Show()
	if len(ed.Notes) > 0 {
		title, intro := "Imported "+filepath.Base(path), "Notes on the import:"
		if ed.Source() != "" {
			title, intro = "Opened "+filepath.Base(path), "Notes on reading the file:"
		}
		dialog.ShowInformation(title, intro+"\n\n• "+strings.Join(ed.Notes, "\n• "), w.win)
	}
	if ed.Source() != "" {
		s.remember(ed.Source())
	}
	if len(s.lost) > 0 {
		s.offerRestore(w, s.lost)
		s.lost = nil
	}
	return w
}

// windowOf is the window that has path open for writing, if any.
func (s *session) windowOf(path string) *window {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	for _, w := range s.windows {
		if p := w.ed.Path(); p != "" {
			if other, err := os.Stat(p); err == nil && os.SameFile(st, other) {
				return w
			}
		}
	}
	return nil
}

// openEditor makes an editor for a path: .rampart files open for writing;
// other formats (Threat Dragon, TMT, Rampart JSON) are imported as an
// untitled model, with notes on what was left out.
func openEditor(path string) (*editor.Editor, error) {
	if path == "" {
		m, err := storage.Demo()
		if err != nil {
			return nil, err
		}
		return editor.New(m), nil
	}
	if ospath.Current().IsModel(path) {
		return editor.Open(path)
	}
	m, notes, err := storage.Import(path)
	if err != nil {
		return nil, err
	}
	ed := editor.New(m)
	ed.Notes = notes
	return ed, nil
}

// explain tells the user on parent why path did not open. When another
// Rampart holds the file it offers to view the file read-only; done (if
// not nil) hears whether a window opened.
func (s *session) explain(parent fyne.Window, path string, err error, done func(opened bool)) {
	if done == nil {
		done = func(bool) {}
	}
	name := filepath.Base(path)
	if !errors.Is(err, storage.ErrInUse) {
		d := dialog.NewError(fmt.Errorf("cannot open %s: %w", name, err), parent)
		d.SetOnClosed(func() { done(false) })
		d.Show()
		return
	}
	who := "another Rampart window or process"
	var held *storage.InUseError
	if errors.As(err, &held) && held.Holder != "" {
		who = "another Rampart (" + held.Holder + ")"
	}
	msg := widget.NewLabel(fmt.Sprintf("%s is open in %s, so it cannot be edited here.\n\n"+
		"You can view it read-only: nothing is written to the file,\nand File → Save As keeps any changes in another file.", name, who))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Model in use", "Open Read-Only", "Cancel", msg, func(view bool) {
		if !view {
			done(false)
			return
		}
		ed, err := editor.OpenReadOnly(path)
		if err != nil {
			d := dialog.NewError(fmt.Errorf("cannot read %s: %w", name, err), parent)
			d.SetOnClosed(func() { done(false) })
			d.Show()
			return
		}
		s.show(ed, path)
		done(true)
	}, parent)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

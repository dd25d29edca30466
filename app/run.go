// Package app is Rampart's editor window, built with Fyne: the canvas, the
// diagram tree and element list, the properties and threats panels, menus
// and files. The logic behind it lives in package editor.
package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// AppID identifies Rampart to the OS (preferences, recent files).
const AppID = "io.github.rampart-tm.rampart"

// Run opens the editor on a file, or on the demo model when path is "",
// and returns when the last window closes.
func Run(path string) error {
	a := fyneapp.NewWithID(AppID)
	keepChosenFilesIntact()
	a.SetIcon(iconResource())
	s := newSession(a)
	// Untitled models a crashed Rampart left behind, found before this
	// session autosaves its own.
	lost := editor.Recoverable(s.autosaveDir())
	if err := s.openPath(path); err != nil {
		return err
	}
	if len(lost) > 0 {
		s.offerRestore(s.windows[0], lost)
	}
	a.Run()
	return nil
}

// autosaveDir is where untitled models are kept against crashes.
func (s *session) autosaveDir() string {
	return filepath.Join(s.app.Storage().RootURI().Path(), "autosave")
}

// offerRestore asks whether to bring back untitled models a crash left.
func (s *session) offerRestore(w *window, files []string) {
	msg := fmt.Sprintf("Rampart was closed without saving %d untitled model(s). Restore them?", len(files))
	dialog.ShowConfirm("Restore unsaved work", msg, func(yes bool) {
		for _, f := range files {
			if !yes {
				editor.Discard(f)
				continue
			}
			ed, err := editor.Restore(f)
			if err != nil {
				dialog.ShowError(fmt.Errorf("cannot restore %s: %w", filepath.Base(f), err), w.win)
				continue
			}
			s.newWindow(ed).win.Show()
		}
	}, w.win)
}

// session is what the windows of one running Rampart share.
type session struct {
	app     fyne.App
	clip    *editor.Clipboard
	windows []*window
}

func newSession(a fyne.App) *session {
	applyTheme(a, a.Preferences().StringWithFallback(prefTheme, "light"))
	return &session{app: a, clip: &editor.Clipboard{}}
}

// openPath opens a window on a file (a .rampart file for editing, anything
// else as an untitled import) or, for "", on the demo model.
func (s *session) openPath(path string) error {
	ed, notes, err := openEditor(path)
	if err != nil {
		return err
	}
	w := s.newWindow(ed)
	w.win.Show()
	if len(notes) > 0 {
		title, intro := "Imported "+filepath.Base(path), "Notes on the import:"
		if ed.Path() != "" {
			title, intro = "Opened "+filepath.Base(path), "Notes on reading the file:"
		}
		dialog.ShowInformation(title, intro+"\n\n• "+strings.Join(notes, "\n• "), w.win)
	}
	if path != "" && ed.Path() != "" {
		s.remember(ed.Path())
	}
	return nil
}

// openEditor makes an editor for a path: .rampart files open for writing;
// other formats (Threat Dragon, TMT, Rampart JSON) are imported as an
// untitled model, with notes on what was left out.
func openEditor(path string) (*editor.Editor, []string, error) {
	if path == "" {
		m, err := storage.Demo()
		if err != nil {
			return nil, nil, err
		}
		return editor.New(m), nil, nil
	}
	if filepath.Ext(path) == ".rampart" {
		ed, err := editor.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return ed, ed.Notes, nil
	}
	m, notes, err := storage.Import(path)
	if err != nil {
		return nil, nil, err
	}
	return editor.New(m), notes, nil
}

func (s *session) forget(w *window) {
	for i, x := range s.windows {
		if x == w {
			s.windows = append(s.windows[:i], s.windows[i+1:]...)
			break
		}
	}
}

const (
	prefRecent = "recent"
	prefTheme  = "theme"
	maxRecent  = 8
)

// remember puts a file at the top of the recent files.
func (s *session) remember(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	list := []string{path}
	for _, p := range s.recent() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	s.app.Preferences().SetStringList(prefRecent, list)
	for _, w := range s.windows {
		w.refreshMenus()
	}
}

func (s *session) recent() []string { return s.app.Preferences().StringList(prefRecent) }

func iconResource() fyne.Resource {
	return fyne.NewStaticResource("rampart.png", assetsIcon())
}

func describe(err error) string { return fmt.Sprint(err) }

func editorFor(m *model.Model) *editor.Editor { return editor.New(m) }

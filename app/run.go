// Package app is Rampart's editor window, built with Fyne: the canvas, the
// diagram tree and element list, the properties and threats panels, menus
// and files. The logic behind it lives in package editor.
package app

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/dialog"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/app/ospath"
	"github.com/rampart-tm/rampart/assets"
)

// AppID identifies Rampart to the OS (preferences, recent files).
const AppID = "io.github.rampart-tm.rampart"

// Run opens the editor on a file, or on the demo model when path is "",
// and returns when the last window closes. A file that does not open is
// explained in a window, as a double-click shows no terminal, and its
// error returned (for the exit code and a line on stderr) once that
// window closes, unless the user chose to view it read-only.
func Run(path string) error {
	fyneapp.SetMetadata(metadata())
	a := fyneapp.NewWithID(AppID)
	keepChosenFilesIntact()
	a.SetIcon(iconResource())
	dir, err := ospath.Current().AutosaveDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "rampart: untitled models are not kept against a crash:", err)
	}
	s := newSession(a, dir)
	// Untitled models a crashed Rampart left behind, found before this
	// session autosaves its own. Rampart 0.1 kept them in Fyne's folder.
	s.lost = append(editor.Recoverable(dir), editor.Recoverable(legacyAutosaveDir(a))...)
	var failed error
	s.launch(path, func(err error) { failed = err })
	a.Lifecycle().SetOnStarted(s.fillScreenOnFirstStart)
	a.Run()
	return failed
}

// metadata is what FyneApp.toml says, for a build that is not made by the
// fyne tool (which would generate it) and runs away from that file.
func metadata() fyne.AppMetadata {
	return fyne.AppMetadata{ID: AppID, Name: "Rampart", Version: assets.Version, Build: 1, Icon: iconResource(),
		Migrations: map[string]bool{"fyneDo": true}}
}

// legacyAutosaveDir is where Rampart 0.1 kept untitled models.
func legacyAutosaveDir(a fyne.App) string {
	return filepath.Join(ospath.Current().Native(a.Storage().RootURI().Path()), "autosave")
}

// offerRestore asks whether to bring back untitled models a crash left.
func (s *session) offerRestore(w *window, files []string) {
	msg := "Rampart was closed without saving an untitled model. Restore it?"
	if len(files) > 1 {
		msg = fmt.Sprintf("Rampart was closed without saving %d untitled models. Restore them?", len(files))
	}
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
	app      fyne.App
	clip     *editor.Clipboard
	windows  []*window
	autosave string   // where untitled models are kept; "" for nowhere
	lost     []string // autosave files to offer in the first window
	// headless windows analyse only when asked and do not look at their
	// file: headless tests drive both from the one goroutine they run on.
	headless bool
}

func newSession(a fyne.App, autosaveDir string) *session {
	applyTheme(a, a.Preferences().StringWithFallback(prefTheme, "light"))
	return &session{app: a, clip: &editor.Clipboard{}, autosave: autosaveDir}
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

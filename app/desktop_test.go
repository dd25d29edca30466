package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/assets"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// topDialog is what the dialog on top of a window shows, laid out.
func topDialog(t *testing.T, win fyne.Window) []fyne.CanvasObject {
	t.Helper()
	top := win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog in %q", win.Title())
	}
	return test.LaidOutObjects(top)
}

// textOf is every label's and text's words in objs, one a line.
func textOf(objs []fyne.CanvasObject) string {
	var b strings.Builder
	for _, o := range objs {
		switch o := o.(type) {
		case *widget.Label:
			b.WriteString(o.Text + "\n")
		case *widget.Hyperlink:
			b.WriteString(o.Text + "\n")
		case *canvas.Text:
			b.WriteString(o.Text + "\n")
		}
	}
	return b.String()
}

// buttonIn is the button labelled label in objs.
func buttonIn(t *testing.T, objs []fyne.CanvasObject, label string) *widget.Button {
	t.Helper()
	for _, o := range objs {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			return b
		}
	}
	t.Fatalf("no button %q", label)
	return nil
}

// demoFile writes the demo model to a new file.
func demoFile(t *testing.T) string {
	t.Helper()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shop.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAboutShowsVersionRulesAndLicence(t *testing.T) {
	old := assets.Version
	assets.Version = "9.8.7-test"
	t.Cleanup(func() { assets.Version = old })
	w := newTestWindow(t, model.New("Shop"))
	var about *fyne.MenuItem
	for _, m := range w.win.MainMenu().Items {
		for _, i := range m.Items {
			if m.Label == "Help" && i.Label == "About Rampart" {
				about = i
			}
		}
	}
	if about == nil {
		t.Fatal("no Help → About Rampart")
	}
	about.Action()
	text := textOf(topDialog(t, w.win))
	for _, want := range []string{"Version 9.8.7-test", "Threat rules: library " + w.analysis.lib.Version,
		"Licence: Apache License 2.0", assets.Website} {
		if !strings.Contains(text, want) {
			t.Errorf("About lacks %q:\n%s", want, text)
		}
	}
}

func TestTitleNamesModelFileAndState(t *testing.T) {
	w := newTestWindow(t, model.New("Shop"))
	if got := w.win.Title(); got != "Shop (untitled) — Rampart" {
		t.Errorf("title %q", got)
	}
	w.ed.Place(model.Process, model.Point{X: 1, Y: 1})
	if got := w.win.Title(); got != "Shop (untitled) • — Rampart" {
		t.Errorf("title after an edit %q", got)
	}
	path := filepath.Join(t.TempDir(), "webshop.rampart")
	if err := w.ed.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if got := w.win.Title(); got != "Shop (webshop.rampart) — Rampart" {
		t.Errorf("title once saved %q", got)
	}
	ro, err := editor.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := title(ro); got != "Shop (webshop.rampart, read-only) — Rampart" {
		t.Errorf("title of a read-only view %q", got)
	}
}

// launchOn starts a session on path as Run does, without its event loop.
func launchOn(t *testing.T, path string) (*session, *error) {
	t.Helper()
	s := newSession(test.NewTempApp(t), t.TempDir())
	s.headless = true // no analysis or file check on another goroutine while the test runs
	testAppWindows = len(s.app.Driver().AllWindows())
	failed := new(error)
	s.launch(path, func(err error) { *failed = err })
	t.Cleanup(func() {
		for _, w := range openWindows() {
			w.Close()
		}
	})
	return s, failed
}

// testAppWindows is how many windows the test app has of its own.
var testAppWindows int

// openWindows are the windows Rampart opened.
func openWindows() []fyne.Window {
	return fyne.CurrentApp().Driver().AllWindows()[testAppWindows:]
}

// onlyWindow is the one window Rampart opened.
func onlyWindow(t *testing.T) fyne.Window {
	t.Helper()
	wins := openWindows()
	if len(wins) != 1 {
		var titles []string
		for _, w := range wins {
			titles = append(titles, w.Title())
		}
		t.Fatalf("%d windows, want 1: %q", len(wins), titles)
	}
	return wins[0]
}

// Double-clicking a model that another Rampart edits shows why it does not
// open for editing, and offers to view it without writing to it.
func TestAModelInUseOpensReadOnlyOnRequest(t *testing.T) {
	path := demoFile(t)
	holder, _, err := storage.Open(path) // the other Rampart
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	before, _ := os.ReadFile(path)

	s, failed := launchOn(t, path)
	if !errors.Is(*failed, storage.ErrInUse) || len(s.windows) != 0 {
		t.Fatalf("launch: %v, %d editor windows", *failed, len(s.windows))
	}
	note := onlyWindow(t)
	objs := topDialog(t, note)
	if text := textOf(objs); !strings.Contains(text, "shop.rampart is open in another Rampart (process "+
		strconv.Itoa(os.Getpid())) || !strings.Contains(text, "read-only") {
		t.Errorf("the dialog says:\n%s", text)
	}
	test.Tap(buttonIn(t, objs, "Open Read-Only"))

	if *failed != nil || len(s.windows) != 1 {
		t.Fatalf("after choosing read-only: %v, %d editor windows", *failed, len(s.windows))
	}
	w := s.windows[0]
	if got := onlyWindow(t); got != w.win {
		t.Error("the note window stays open")
	}
	if got := w.win.Title(); got != "Web shop (shop.rampart, read-only) — Rampart" {
		t.Errorf("title %q", got)
	}
	if !strings.HasPrefix(w.status.Text, "Read-only:") {
		t.Errorf("status %q", w.status.Text)
	}
	// An edit stays in this window; the file is not touched, and Save As
	// is the way to keep it.
	if _, err := w.ed.Place(model.Process, model.Point{X: 900, Y: 900}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.win.Title(), "read-only) •") {
		t.Errorf("an edit is not marked unsaved: %q", w.win.Title())
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the read-only view wrote to the file")
	}
	if err := w.ed.SaveAs(path); !errors.Is(err, storage.ErrInUse) {
		t.Errorf("Save As over the held file: %v", err)
	}
	copyPath := filepath.Join(filepath.Dir(path), "copy.rampart")
	if err := w.ed.SaveAs(copyPath); err != nil {
		t.Fatal(err)
	}
	if got := w.win.Title(); got != "Web shop (copy.rampart) — Rampart" {
		t.Errorf("title after Save As %q", got)
	}
	trail, err := w.ed.Trail()
	if err != nil || len(trail) < 2 {
		t.Fatalf("the copy's trail: %d entries, %v", len(trail), err)
	}
}

// Cancelling leaves Rampart with nothing to show: it ends with the error,
// so a terminal still sees why.
func TestAModelInUseCancelled(t *testing.T) {
	path := demoFile(t)
	holder, _, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	s, failed := launchOn(t, path)
	test.Tap(buttonIn(t, topDialog(t, onlyWindow(t)), "Cancel"))
	if !errors.Is(*failed, storage.ErrInUse) || len(s.windows) != 0 {
		t.Errorf("after cancel: %v, %d editor windows", *failed, len(s.windows))
	}
	if n := len(openWindows()); n != 0 {
		t.Errorf("%d windows stay open", n)
	}
}

// A file that is no model is explained in a window, not only on stderr.
func TestLaunchOnABadFileExplainsInAWindow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.rampart")
	if err := os.WriteFile(path, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, failed := launchOn(t, path)
	if !errors.Is(*failed, storage.ErrNotRampartFile) {
		t.Fatalf("launch: %v", *failed)
	}
	objs := topDialog(t, onlyWindow(t))
	if text := textOf(objs); !strings.Contains(text, "Cannot open notes.rampart") {
		t.Errorf("the dialog says:\n%s", text)
	}
	test.Tap(buttonIn(t, objs, "OK"))
	if n := len(openWindows()); n != 0 {
		t.Errorf("%d windows stay open", n)
	}
}

// Opening a model this Rampart has open already brings its window up,
// rather than saying the file is in use.
func TestOpeningAnOpenModelAgainShowsItsWindow(t *testing.T) {
	path := demoFile(t)
	s, failed := launchOn(t, path)
	if *failed != nil || len(s.windows) != 1 {
		t.Fatalf("launch: %v, %d windows", *failed, len(s.windows))
	}
	s.windows[0].open(path)
	if len(s.windows) != 1 || s.windows[0].win.Canvas().Overlays().Top() != nil {
		t.Errorf("opening it again: %d windows, dialog %v", len(s.windows), s.windows[0].win.Canvas().Overlays().Top())
	}
}

// An absolute path typed in the save dialog's name field is where the
// model goes, not a file of that name in the folder on screen.
func TestSaveAsTakesATypedPath(t *testing.T) {
	w := newTestWindow(t, model.New("Shop"))
	keepChosenFilesIntact()
	target := filepath.Join(t.TempDir(), "elsewhere", "shop.rampart")
	if err := os.Mkdir(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	w.saveAs(nil)
	objs := topDialog(t, w.win)
	var name *widget.Entry
	for _, o := range objs {
		if e, ok := o.(*widget.Entry); ok && e.Text == "Shop.rampart" {
			name = e
		}
	}
	if name == nil {
		t.Fatal("no name field holding Shop.rampart")
	}
	name.SetText(target)
	test.Tap(buttonIn(t, objs, "Save"))
	if w.ed.Path() != target {
		t.Fatalf("saved to %q, want %q", w.ed.Path(), target)
	}
	if _, err := storage.Load(target); err != nil {
		t.Error(err)
	}
}

package app

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/app/ospath"
	"github.com/rampart-tm/rampart/model"
	rstorage "github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/storage/threatdragon"
)

func shortcut(key fyne.KeyName, mods fyne.KeyModifier) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: mods}
}

const (
	ctrl      = fyne.KeyModifierShortcutDefault
	ctrlShift = fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift
)

func item(label string, sc fyne.Shortcut, action func()) *fyne.MenuItem {
	i := fyne.NewMenuItem(label, action)
	i.Shortcut = sc
	return i
}

// mainMenu builds the menus; the shortcuts shown are registered by
// addShortcuts so they work wherever the focus is.
func (w *window) mainMenu() *fyne.MainMenu {
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = w.recentMenu()
	file := fyne.NewMenu("File",
		item("New", shortcut(fyne.KeyN, ctrl), w.newModel),
		item("Open…", shortcut(fyne.KeyO, ctrl), w.openDialog),
		recent,
		fyne.NewMenuItemSeparator(),
		item("Save As…", shortcut(fyne.KeyS, ctrlShift), func() { w.saveAs(nil) }),
		fyne.NewMenuItem("Import…", w.openDialog),
		item("Export PDF Report…", shortcut(fyne.KeyE, ctrl), w.exportPDF),
		fyne.NewMenuItem("Export Diagram as PNG…", func() { w.exportDiagram(".png") }),
		fyne.NewMenuItem("Export Diagram as SVG…", func() { w.exportDiagram(".svg") }),
		fyne.NewMenuItem("Export JSON…", w.exportJSON),
		fyne.NewMenuItem("Export Threat Dragon…", w.exportThreatDragon),
		fyne.NewMenuItemSeparator(),
		item("Close", shortcut(fyne.KeyW, ctrl), w.close),
		w.quitItem(),
	)
	edit := fyne.NewMenu("Edit",
		item("Undo", shortcut(fyne.KeyZ, ctrl), func() { w.do(w.ed.Undo()) }),
		item("Redo", shortcut(fyne.KeyZ, ctrlShift), func() { w.do(w.ed.Redo()) }),
		fyne.NewMenuItemSeparator(),
		item("Cut", shortcut(fyne.KeyX, ctrl), func() { w.do(w.ed.Cut()) }),
		item("Copy", shortcut(fyne.KeyC, ctrl), w.ed.Copy),
		item("Paste", shortcut(fyne.KeyV, ctrl), func() { w.do(w.ed.Paste()) }),
		item("Delete", nil, func() { w.do(w.ed.Delete()) }),
		fyne.NewMenuItemSeparator(),
		item("Select All", shortcut(fyne.KeyA, ctrl), w.ed.SelectAll),
	)
	snap := fyne.NewMenuItem("Snap to Grid", nil)
	snap.Checked = w.ed.Snapping()
	snap.Action = func() {
		w.ed.SetSnapping(!w.ed.Snapping())
		snap.Checked = w.ed.Snapping()
		w.refreshMenus()
	}
	dark := w.s.app.Preferences().StringWithFallback(prefTheme, "light") == "dark"
	themeItem := fyne.NewMenuItem("Dark Theme", func() { w.toggleTheme() })
	themeItem.Checked = dark
	review := fyne.NewMenuItem("Show Review", nil)
	review.Checked = w.canvas.showReview
	review.Action = func() {
		w.canvas.showReview = !w.canvas.showReview
		w.canvas.Refresh()
		w.refreshMenus()
	}
	view := fyne.NewMenu("View",
		item("Present", shortcut(fyne.KeyF5, 0), w.present),
		review,
		fyne.NewMenuItemSeparator(),
		item("Zoom In", shortcut(fyne.KeyEqual, ctrl), func() { w.canvas.ZoomBy(1.2) }),
		item("Zoom Out", shortcut(fyne.KeyMinus, ctrl), func() { w.canvas.ZoomBy(1 / 1.2) }),
		item("Fit", shortcut(fyne.Key0, ctrl), w.canvas.FitToContent),
		item("Actual Size", shortcut(fyne.Key1, ctrl), w.canvas.ResetZoom),
		fyne.NewMenuItemSeparator(),
		item("Auto-Layout Diagram", shortcut(fyne.KeyL, ctrlShift), w.autoLayout),
		snap,
		themeItem,
		fyne.NewMenuItemSeparator(),
		item("Command Palette…", shortcut(fyne.KeyK, ctrl), w.showPalette),
	)
	modelMenu := fyne.NewMenu("Model",
		item("Analyze Now", shortcut(fyne.KeyF9, 0), w.analysis.Now),
		item("Validate", shortcut(fyne.KeyF7, 0), w.showValidation),
		fyne.NewMenuItem("Compare With…", w.compareWith),
		fyne.NewMenuItem("Rule Sets…", w.showRuleSets),
		item("Model Properties", nil, func() { w.ed.Select() }),
		fyne.NewMenuItem("Your Name in the History…", w.askAuthor),
		fyne.NewMenuItemSeparator(),
		item("Go to Parent Diagram", shortcut(fyne.KeyUp, fyne.KeyModifierAlt), w.toParent),
	)
	help := fyne.NewMenu("Help", fyne.NewMenuItem("About Rampart", w.showAbout))
	return fyne.NewMainMenu(file, edit, view, modelMenu, help)
}

// addShortcuts binds the editing shortcuts when the focus is not in a text
// field (a field keeps Ctrl+C, Ctrl+Z and the like for its text). The
// other shortcuts are the menus' own.
func (w *window) addShortcuts() {
	c := w.win.Canvas()
	add := func(s fyne.Shortcut, f func()) { c.AddShortcut(s, func(fyne.Shortcut) { f() }) }
	add(&fyne.ShortcutUndo{}, func() { w.do(w.ed.Undo()) })
	add(&fyne.ShortcutRedo{}, func() { w.do(w.ed.Redo()) })
	add(&fyne.ShortcutCut{}, func() { w.do(w.ed.Cut()) })
	add(&fyne.ShortcutCopy{}, w.ed.Copy)
	add(&fyne.ShortcutPaste{}, func() { w.do(w.ed.Paste()) })
	add(&fyne.ShortcutSelectAll{}, w.ed.SelectAll)
	add(shortcut(fyne.KeyF, ctrlShift), w.canvas.FitToContent) // Fit's older key
}

func (w *window) refreshMenus() { w.win.SetMainMenu(w.mainMenu()) }

func (w *window) recentMenu() *fyne.Menu {
	var items []*fyne.MenuItem
	for _, p := range w.s.recent() {
		path := p
		items = append(items, fyne.NewMenuItem(path, func() { w.open(path) }))
	}
	if len(items) == 0 {
		i := fyne.NewMenuItem("No recent files", nil)
		i.Disabled = true
		items = append(items, i)
	}
	return fyne.NewMenu("", items...)
}

func (w *window) toggleTheme() {
	prefs := w.s.app.Preferences()
	next := "dark"
	if prefs.StringWithFallback(prefTheme, "light") == "dark" {
		next = "light"
	}
	prefs.SetString(prefTheme, next)
	applyTheme(w.s.app, next)
	for _, x := range w.s.windows {
		x.refreshMenus()
		x.canvas.Refresh()
	}
}

func (w *window) toParent() {
	path := w.ed.Breadcrumb()
	if len(path) > 1 {
		w.ed.ShowDiagram(path[len(path)-2].ID)
		w.canvas.FitToContent()
	}
}

// newModel opens a window on an empty untitled model.
func (w *window) newModel() {
	m := model.New("Untitled model")
	nw := w.s.newWindow(editor.New(m))
	nw.win.Show()
}

// open opens a file in a new window, or says why it cannot (offering a
// read-only view of a file another Rampart holds).
func (w *window) open(path string) {
	if err := w.s.openPath(path); err != nil {
		w.s.explain(w.win, path, err, nil)
	}
}

func (w *window) openDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := nativePath(r.URI())
		r.Close()
		w.open(path)
	}, w.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".rampart", ".json", ".tm7", ".yaml", ".yml"}))
	w.startIn(d)
	d.Show()
}

// startIn opens a file dialog in the folder of the current file.
func (w *window) startIn(d interface{ SetLocation(fyne.ListableURI) }) {
	dir := "."
	if p := w.ed.Source(); p != "" {
		dir = filepath.Dir(p)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(abs)); err == nil {
			d.SetLocation(l)
		}
	}
}

// saveAs asks for a .rampart file, writes the model there and keeps
// editing it; then calls after (when not nil).
func (w *window) saveAs(after func()) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if wc == nil {
			return
		}
		path := ospath.Current().WithExt(nativePath(wc.URI()), ospath.ModelExt)
		wc.Close() // the dialog wrote nothing: see keepChosenFilesIntact
		if err := w.ed.SaveAs(path); err != nil {
			w.showError(err)
			return
		}
		w.s.remember(path)
		w.refreshTitle()
		if after != nil {
			after()
		}
	}, w.win)
	d.SetFileName(ospath.FileName(w.ed.Model.Name) + ospath.ModelExt)
	w.startIn(d)
	d.Show()
}

// nativePath is the path of a file URI from a dialog, as the OS has it.
func nativePath(u fyne.URI) string { return ospath.Current().Native(u.Path()) }

func (w *window) exportJSON() {
	w.saveFile(".json", rstorage.FormatRampartJSON, func(path string) {
		data, err := rstorage.MarshalJSON(w.ed.Model)
		if err == nil {
			err = writeAtomic(path, data)
		}
		w.showError(err)
	})
}

func (w *window) exportThreatDragon() {
	w.saveFile(".json", rstorage.FormatThreatDragon, func(path string) {
		data, err := threatdragon.Write(w.ed.Model)
		if err == nil {
			err = writeAtomic(path, data)
		}
		w.showError(err)
	})
}

// showValidation shows the problems tab's findings in a dialog summary.
func (w *window) showValidation() {
	w.problems.refresh()
	n := len(w.problems.findings)
	msg := "The model has no problems."
	if n > 0 {
		msg = "The model has " + plural(n, "problem", "problems") + "; they are listed under Problems and marked on the diagram."
	}
	dialog.ShowInformation("Validation", msg, w.win)
	w.refreshMarks()
	w.canvas.Refresh()
}

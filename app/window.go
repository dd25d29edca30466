package app

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
)

// window is one editor window on one model.
type window struct {
	s   *session
	win fyne.Window
	ed  *editor.Editor

	canvas     *diagramView
	tools      map[Tool]*widget.Button
	crumbs     *fyne.Container
	status     *widget.Label
	rulesNote  *widget.Label // stays while rules that came with the model override built-in ones
	zoomLabel  *widget.Label
	tree       *widget.Tree
	elements   *elementList
	props      *propertiesPanel
	problems   *problemsPanel
	threats    *threatsPanel
	questions  *questionsPanel
	trees      *treesPanel
	history    *historyPanel
	conflicts  *conflictsPanel
	analysis   *analyst
	renameLine *renameEntry
	// reviewLabel says how much of the model the workshop has reviewed.
	reviewLabel *widget.Label
	bottom      *container.AppTabs
	work        *container.Split // the canvas above the tabs
	unwatch     chan struct{}    // stops the look for another program replacing the file
	overlay     *fyne.Container
}

func (s *session) newWindow(ed *editor.Editor) *window {
	w := &window{s: s, win: s.app.NewWindow("Rampart"), ed: ed}
	if name := s.app.Preferences().String(prefAuthor); name != "" {
		ed.Author = name
	}
	ed.UseClipboard(s.clip)
	// An untitled model is kept against a crash, and so is one whose file
	// another program replaces while it is open.
	ed.EnableAutosave(s.autosave)
	w.build()
	s.placeWindow(w)
	w.win.SetCloseIntercept(w.close)
	s.windows = append(s.windows, w)
	if !s.headless {
		w.watchFile()
	}
	return w
}

// fileCheckEvery is how often a window looks whether another program
// replaced its file (a git merge or checkout).
const fileCheckEvery = 2 * time.Second

// stopWatching ends watchFile.
func (w *window) stopWatching() {
	if w.unwatch != nil {
		close(w.unwatch)
		w.unwatch = nil
	}
}

// watchFile checks the window's file until the window closes.
func (w *window) watchFile() {
	w.unwatch = make(chan struct{})
	tick := time.NewTicker(fileCheckEvery)
	go func() {
		defer tick.Stop()
		for {
			select {
			case <-w.unwatch:
				return
			case <-tick.C:
				var stamp storage.Stamp
				var ok bool
				fyne.DoAndWait(func() { stamp, ok = w.ed.FileStamp() })
				if !ok {
					continue
				}
				replaced := stamp.Replaced() // here: a stat can be slow
				fyne.Do(func() {
					if w.ed.FileLooked(stamp, replaced) {
						_, err := w.ed.Rejoin() // on failure the window says the file was replaced
						w.showError(err)
						w.refreshTitle()
					}
				})
			}
		}
	}()
}

// build lays the window out: palette on top, diagrams and elements on
// the left, the canvas in the centre, properties on the right, problems
// (and threats) at the bottom.
func (w *window) build() {
	w.canvas = newDiagramView(w.ed)
	w.canvas.onError = w.showError
	w.canvas.onRename = w.startRename
	w.canvas.onPresent = w.present
	w.canvas.onTool = w.toolChanged
	w.canvas.onMenu = w.contextMenu
	w.canvas.onView = func() {
		if w.zoomLabel != nil {
			w.zoomLabel.SetText(fmt.Sprintf("%d %%", int(w.canvas.zoom*100+0.5)))
		}
	}
	w.renameLine = newRenameEntry()
	w.overlay = container.NewWithoutLayout(w.renameLine)
	w.renameLine.Hide()

	w.crumbs = container.NewHBox()
	w.status = widget.NewLabel("")
	w.rulesNote = widget.NewLabel("")
	w.rulesNote.Importance = widget.WarningImportance
	w.zoomLabel = widget.NewLabel("100 %")
	w.canvas.onView() // now that the label exists
	w.tree = w.newDiagramTree()
	w.elements = newElementList(w)
	w.props = newPropertiesPanel(w)
	w.problems = newProblemsPanel(w)
	w.analysis = newAnalyst(w)
	w.threats = newThreatsPanel(w)
	w.questions = newQuestionsPanel(w)
	w.trees = newTreesPanel(w)
	w.history = newHistoryPanel(w)
	w.conflicts = newConflictsPanel(w)

	left := container.NewVSplit(
		container.NewBorder(widget.NewLabelWithStyle("Diagrams", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, w.tree),
		container.NewBorder(widget.NewLabelWithStyle("Elements", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, w.elements.content))
	left.Offset = 0.35
	centre := container.NewBorder(w.crumbs, nil, nil, nil, container.NewStack(w.canvas, w.overlay))
	w.bottom = container.NewAppTabs(container.NewTabItem("Threats", w.threats.content),
		container.NewTabItem("Questions", w.questions.content),
		container.NewTabItem("Attack trees", w.trees.content), container.NewTabItem("Problems", w.problems.content),
		container.NewTabItem("History", w.history.content))
	w.bottom.OnSelected = func(t *container.TabItem) {
		if t.Content == w.history.content {
			w.history.refresh()
		}
	}
	bottom := w.bottom
	// The canvas gets most of the window: it is what a room looks at.
	w.work = container.NewVSplit(centre, bottom)
	w.work.Offset = canvasShare
	right := container.NewHSplit(w.work, w.props.content)
	right.Offset = 0.82
	main := container.NewHSplit(left, right)
	main.Offset = 0.10

	w.reviewLabel = widget.NewLabel("")
	statusBar := container.NewHBox(w.status, layout.NewSpacer(), w.reviewLabel, w.rulesNote, w.zoomLabel)
	w.win.SetContent(container.NewBorder(w.toolbar(), statusBar, nil, nil, main))
	w.win.SetMainMenu(w.mainMenu())
	w.addShortcuts()
	w.ed.Changed = w.changed
	w.changed(editor.ModelChanged | editor.DiagramChanged | editor.SelectionChanged | editor.FileChanged | editor.ThreatsChanged)
	if len(w.analysis.libErrs) > 0 {
		w.status.SetText("Some rules did not load: " + describe(w.analysis.libErrs[0]))
	}
	if w.analysis.lib != nil {
		w.rulesNote.SetText(untrustedOverrides(w.analysis.lib))
	}
}

// canvasShare is the part of the height the canvas takes above the tabs.
const canvasShare = 0.81

// toolbar is the palette of tools, then undo/redo and the view controls.
func (w *window) toolbar() fyne.CanvasObject {
	w.tools = map[Tool]*widget.Button{}
	tool := func(t Tool, icon, label string) *widget.Button {
		b := widget.NewButtonWithIcon(label, paletteIcon(icon), func() { w.canvas.SetTool(t) })
		b.Importance = widget.LowImportance
		w.tools[t] = b
		return b
	}
	action := func(icon fyne.Resource, f func()) *widget.Button {
		b := widget.NewButtonWithIcon("", icon, f)
		b.Importance = widget.LowImportance
		return b
	}
	bar := container.NewHBox(
		tool(ToolSelect, "select", "Select"),
		tool(ToolProcess, "process", "Process"),
		tool(ToolEntity, "entity", "Entity"),
		tool(ToolStore, "store", "Store"),
		tool(ToolBoundary, "boundary", "Boundary"),
		tool(ToolFlow, "flow", "Flow"),
		widget.NewSeparator(),
		action(theme.ContentUndoIcon(), func() { w.do(w.ed.Undo()) }),
		action(theme.ContentRedoIcon(), func() { w.do(w.ed.Redo()) }),
		widget.NewSeparator(),
		action(theme.ZoomOutIcon(), func() { w.canvas.ZoomBy(1 / 1.2) }),
		action(theme.ZoomInIcon(), func() { w.canvas.ZoomBy(1.2) }),
		action(theme.ZoomFitIcon(), w.canvas.FitToContent),
		widget.NewSeparator(),
		widget.NewButtonWithIcon("Layout", paletteIcon("layout"), w.autoLayout),
		widget.NewButtonWithIcon("Report", theme.DocumentPrintIcon(), w.exportPDF),
	)
	w.toolChanged(ToolSelect)
	return bar
}

func (w *window) toolChanged(t Tool) {
	for k, b := range w.tools {
		if k == t {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
}

// changed refreshes the views after the editor changed.
func (w *window) changed(c editor.Change) {
	if c&(editor.DiagramChanged|editor.ModelChanged) != 0 {
		w.refreshCrumbs()
		w.tree.Refresh()
		if d := w.ed.Diagram(); d != nil {
			w.tree.Select(d.ID)
		}
	}
	if c&editor.ModelChanged != 0 {
		w.analysis.schedule()
	}
	if c&(editor.ModelChanged|editor.DiagramChanged) != 0 {
		w.problems.refresh()
		w.elements.refresh()
	}
	if c&(editor.ModelChanged|editor.ThreatsChanged|editor.SelectionChanged) != 0 {
		w.threats.refresh()
		w.questions.refresh()
		w.conflicts.refresh()
		w.trees.refresh()
		if w.bottom.Selected() != nil && w.bottom.Selected().Content == w.history.content {
			w.history.refresh() // reads the trail from the file: only when shown
		}
		w.refreshMarks()
	}
	if c&editor.SelectionChanged != 0 {
		w.ed.History.Seal() // typing in another field starts a new undo step
		w.elements.syncSelection()
	}
	if c&(editor.SelectionChanged|editor.ModelChanged|editor.DiagramChanged) != 0 {
		w.props.refresh(c)
	}
	if c&editor.DiagramChanged != 0 {
		w.hideRename()
	}
	w.refreshTitle()
	w.reviewLabel.SetText(reviewProgress(w.ed.Model))
	w.canvas.Refresh()
	w.zoomLabel.SetText(fmt.Sprintf("%d %%", int(w.canvas.zoom*100+0.5)))
}

func (w *window) refreshTitle() {
	w.win.SetTitle(title(w.ed))
	if notice := w.ed.Notice(); notice != "" {
		w.status.SetText(notice)
		return
	}
	switch {
	case w.ed.Replaced() != "":
		w.status.SetText("Not saved: another program replaced " + filepath.Base(w.ed.Replaced()) +
			" on disk (a git merge or checkout?). Your changes stay in this window: File → Save As keeps them")
	case w.ed.SaveError() != nil:
		w.status.SetText("Not saved: " + w.ed.SaveError().Error())
	case w.ed.ReadOnly() != "":
		w.status.SetText("Read-only: another Rampart has " + filepath.Base(w.ed.ReadOnly()) +
			" open. File → Save As keeps changes in another file")
	case w.ed.Path() == "":
		w.status.SetText("Untitled: choose File → Save As to keep this model")
	default:
		w.status.SetText("Saved to " + w.ed.Path())
	}
}

// title names the model and its file, says when the file is only viewed,
// and marks changes that are in no file: "Shop (shop.rampart) — Rampart",
// "Shop (untitled) • — Rampart".
func title(ed *editor.Editor) string {
	where := "untitled"
	switch {
	case ed.ReadOnly() != "":
		where = filepath.Base(ed.ReadOnly()) + ", read-only"
	case ed.Replaced() != "":
		where = filepath.Base(ed.Replaced()) + " replaced on disk"
	case ed.Path() != "":
		where = filepath.Base(ed.Path())
	}
	mark := ""
	if ed.Unsaved() {
		mark = " •"
	}
	return ed.Model.Name + " (" + where + ")" + mark + " — Rampart"
}

// goToThreat shows a threat in the threats tab and selects its element.
func (w *window) goToThreat(id string) {
	w.bottom.Select(w.bottom.Items[slices.IndexFunc(w.bottom.Items, func(t *container.TabItem) bool { return t.Content == w.threats.content })])
	w.threats.scope.SetSelected("All elements")
	w.threats.state.SetSelected(anyChoice)
	w.threats.refresh()
	w.threats.pick(id)
}

// refreshMarks puts the open-threat badges and the validation markers on
// the canvas.
func (w *window) refreshMarks() {
	marks := render.Badges(w.ed.Model, w.problems.findings)
	w.canvas.marks = marks
}

// refreshCrumbs shows the path from the context diagram to the one on
// screen; each step returns to that diagram.
func (w *window) refreshCrumbs() {
	w.crumbs.RemoveAll()
	path := w.ed.Breadcrumb()
	for i, d := range path {
		if i > 0 {
			w.crumbs.Add(widget.NewLabel("›"))
		}
		id := d.ID
		b := widget.NewButton(d.Name, func() { w.ed.ShowDiagram(id); w.canvas.FitToContent() })
		b.Importance = widget.LowImportance
		if i == len(path)-1 {
			b.Importance = widget.MediumImportance
		}
		w.crumbs.Add(b)
	}
	w.crumbs.Refresh()
}

// do reports the error of an action, if any.
func (w *window) do(err error) { w.showError(err) }

func (w *window) showError(err error) {
	if err == nil {
		return
	}
	if errors.Is(err, editor.ErrNotSaved) {
		w.refreshTitle()
	}
	dialog.ShowError(err, w.win)
}

// close asks before dropping an untitled model's changes, then closes.
func (w *window) close() {
	if !w.ed.Unsaved() {
		w.closeNow()
		return
	}
	msg := fmt.Sprintf("%q has changes that are in no file. Save them before closing?", w.ed.Model.Name)
	if w.ed.SaveError() != nil {
		msg = fmt.Sprintf("The last changes could not be saved (%v). Save them to another file before closing?", w.ed.SaveError())
	}
	d := dialog.NewCustomConfirm("Unsaved changes", "Save…", "Close without saving", widget.NewLabel(msg), func(save bool) {
		if !save {
			w.closeNow()
			return
		}
		w.saveAs(w.closeNow)
	}, w.win)
	d.Show()
}

func (w *window) closeNow() {
	w.stopWatching()
	w.s.rememberSize(w)
	w.showError(w.ed.Close())
	w.s.forget(w)
	w.win.Close()
}

// contextMenu offers what can be done with the element under the pointer.
func (w *window) contextMenu(h editor.Hit, at fyne.Position) {
	e := w.ed.Model.Elements[h.ID]
	var items []*fyne.MenuItem
	if e != nil {
		items = append(items, fyne.NewMenuItem("Rename", func() { w.startRename(e.ID) }))
		if e.Kind == model.Process {
			items = append(items, fyne.NewMenuItem("Open child diagram", func() {
				w.do(w.ed.OpenChild(e.ID))
				w.canvas.FitToContent()
			}))
		}
		if e.Kind == model.DataFlow && len(e.Points) > 0 {
			items = append(items, fyne.NewMenuItem("Straighten", func() { w.do(w.ed.Straighten(e.ID)) }))
		}
		label := "Mark out of scope"
		if e.OutOfScope {
			label = "Put back in scope"
		}
		items = append(items, fyne.NewMenuItem(label, func() {
			w.do(w.ed.Do(model.SetScope(w.ed.Model, e.ID, !e.OutOfScope, e.OutOfScopeReason)))
		}))
		items = append(items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Cut", func() { w.do(w.ed.Cut()) }),
			fyne.NewMenuItem("Copy", w.ed.Copy),
			fyne.NewMenuItem("Delete", func() { w.do(w.ed.Delete()) }))
	} else {
		items = append(items,
			fyne.NewMenuItem("Paste", func() { w.do(w.ed.Paste()) }),
			fyne.NewMenuItem("Select all", w.ed.SelectAll),
			fyne.NewMenuItem("Fit to window", w.canvas.FitToContent))
	}
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), w.win.Canvas(), at)
}

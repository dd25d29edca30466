package app

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
	rstorage "github.com/rampart-tm/rampart/storage"
)

// historyPanel shows the audit trail, newest first: when, who, what. It
// can show only what concerns the selection; picking an entry selects
// what it changed.
type historyPanel struct {
	w         *window
	entries   []model.Change
	list      *widget.List
	selection *widget.Check
	content   fyne.CanvasObject
}

func newHistoryPanel(w *window) *historyPanel {
	p := &historyPanel{w: w}
	p.selection = widget.NewCheck("Only the selection", func(bool) { p.refresh() })
	p.list = widget.NewList(func() int { return len(p.entries) },
		func() fyne.CanvasObject { return widget.NewLabel("2026-11-22 10:00  someone  did something") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.entries) {
				c := p.entries[i]
				// Names in the trail may hold characters that reorder text.
				o.(*widget.Label).SetText(model.Printable(fmt.Sprintf("%s   %s   %s", c.At.Local().Format("2006-01-02 15:04"), c.Author, c.Action)))
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.entries) {
			p.w.showSubject(p.entries[i].Subjects)
		}
		p.list.UnselectAll()
	}
	p.content = container.NewBorder(p.selection, nil, nil, nil, p.list)
	return p
}

// concerns reports whether an entry touched one of ids (an element, or a
// threat on one of them).
func concerns(m *model.Model, c model.Change, ids map[string]bool) bool {
	for _, s := range c.Subjects {
		if ids[s] {
			return true
		}
		if t := m.Threats[s]; t != nil && ids[t.ElementID] {
			return true
		}
	}
	return false
}

func (p *historyPanel) refresh() {
	trail, err := p.w.ed.Trail()
	if err != nil {
		p.w.status.SetText("History: " + err.Error())
		return
	}
	sel := map[string]bool{}
	for _, id := range p.w.ed.Selection() {
		sel[id] = true
	}
	p.entries = p.entries[:0]
	for i := len(trail) - 1; i >= 0; i-- {
		if !p.selection.Checked || concerns(p.w.ed.Model, trail[i], sel) {
			p.entries = append(p.entries, trail[i])
		}
	}
	p.list.Refresh()
}

// showSubject selects what an entry changed: an element, or the element of
// a threat.
func (w *window) showSubject(ids []string) {
	m := w.ed.Model
	for _, id := range ids {
		if e := m.Elements[id]; e != nil {
			w.ed.Select(id)
			return
		}
		if t := m.Threats[id]; t != nil {
			w.goToThreat(id)
			return
		}
	}
}

// statusHistory lists a threat's triage changes from the trail.
func (w *window) statusHistory(threatID string) string {
	trail, err := w.ed.Trail()
	if err != nil {
		return ""
	}
	var lines []string
	for _, c := range trail {
		if slices.Contains(c.Subjects, threatID) && strings.Contains(c.Action, " status ") {
			lines = append(lines, model.Printable(fmt.Sprintf("%s  %s: %s", c.At.Local().Format("2006-01-02 15:04"), c.Author, c.Action)))
		}
	}
	return strings.Join(lines, "\n")
}

const prefAuthor = "author"

// askAuthor sets the name the audit trail records for this user.
func (w *window) askAuthor() {
	e := widget.NewEntry()
	e.SetText(w.ed.Author)
	dialog.ShowForm("Your name in the history", "Save", "Cancel", []*widget.FormItem{widget.NewFormItem("Name", e)},
		func(ok bool) {
			name := strings.TrimSpace(e.Text)
			if !ok || name == "" {
				return
			}
			w.s.app.Preferences().SetString(prefAuthor, name)
			for _, x := range w.s.windows {
				x.ed.Author = name
			}
		}, w.win)
}

// compareWith asks for another model file and lists what changed from it
// to the model in this window, as `rampart diff` does.
func (w *window) compareWith() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			w.showError(err)
			return
		}
		path := nativePath(r.URI())
		r.Close()
		old, err := rstorage.ReadAny(path)
		if err != nil {
			w.showError(fmt.Errorf("cannot compare with %s: %w", filepath.Base(path), err))
			return
		}
		diffs := model.Diff(old, w.ed.Model)
		lines := make([]string, 0, len(diffs))
		for _, d := range diffs {
			lines = append(lines, d.String())
		}
		text := strings.Join(lines, "\n")
		if text == "" {
			text = "No differences."
		}
		entry := widget.NewMultiLineEntry()
		entry.SetText(text)
		entry.Wrapping = fyne.TextWrapWord
		content := container.NewBorder(widget.NewLabel(plural(len(diffs), "change", "changes")+" from "+filepath.Base(path)+" to this model"),
			nil, nil, nil, entry)
		dlg := dialog.NewCustom("Compare with "+filepath.Base(path), "Close", content, w.win)
		dlg.Resize(fyne.NewSize(900, 600))
		dlg.Show()
	}, w.win)
	w.startIn(d)
	d.Show()
}

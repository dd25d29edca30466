package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
)

// newDiagramTree shows the context diagram and, under each diagram, the
// child diagrams of its processes.
func (w *window) newDiagramTree() *widget.Tree {
	children := func(uid string) []string {
		m := w.ed.Model
		var ids []string
		if uid == "" {
			for _, d := range m.DiagramList() {
				if d.Refines == "" {
					ids = append(ids, d.ID)
				}
			}
			return ids
		}
		for _, d := range m.DiagramList() {
			if p := m.Elements[d.Refines]; p != nil && p.Diagram == uid {
				ids = append(ids, d.ID)
			}
		}
		return ids
	}
	t := widget.NewTree(children,
		func(uid string) bool { return uid == "" || len(children(uid)) > 0 },
		func(bool) fyne.CanvasObject { return widget.NewLabel("diagram name") },
		func(uid string, _ bool, o fyne.CanvasObject) {
			if d := w.ed.Model.Diagrams[uid]; d != nil {
				o.(*widget.Label).SetText(fmt.Sprintf("%s  (level %d)", d.Name, w.ed.Model.Level(d)))
			}
		})
	t.OnSelected = func(uid string) {
		if d := w.ed.Diagram(); d == nil || d.ID != uid {
			w.ed.ShowDiagram(uid)
			w.canvas.FitToContent()
		}
	}
	t.OpenAllBranches()
	return t
}

// elementList lists the elements of the diagram on screen, filtered by
// what is typed above it; picking one selects it on the canvas.
type elementList struct {
	w       *window
	filter  *widget.Entry
	list    *widget.List
	items   []*model.Element
	content fyne.CanvasObject
	syncing bool
}

func newElementList(w *window) *elementList {
	l := &elementList{w: w, filter: widget.NewEntry()}
	l.filter.SetPlaceHolder("Filter elements")
	l.filter.OnChanged = func(string) { l.refresh() }
	l.list = widget.NewList(func() int { return len(l.items) },
		func() fyne.CanvasObject { return widget.NewLabel("element name") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(l.items) {
				e := l.items[i]
				o.(*widget.Label).SetText(fmt.Sprintf("%s · %s", l.w.ed.Model.NameOf(e), e.Kind.Label()))
			}
		})
	l.list.OnSelected = func(i widget.ListItemID) {
		if l.syncing || i >= len(l.items) {
			return
		}
		w.ed.Select(l.items[i].ID)
	}
	l.content = container.NewBorder(l.filter, nil, nil, nil, l.list)
	return l
}

func (l *elementList) refresh() {
	l.items = l.items[:0]
	d := l.w.ed.Diagram()
	if d == nil {
		return
	}
	q := strings.ToLower(strings.TrimSpace(l.filter.Text))
	for _, e := range l.w.ed.Model.ElementsIn(d.ID) {
		// An unnamed flow is listed, and found, by its ends.
		if q == "" || strings.Contains(strings.ToLower(l.w.ed.Model.NameOf(e)), q) || strings.Contains(e.Kind.Label(), q) {
			l.items = append(l.items, e)
		}
	}
	l.list.Refresh()
	l.syncSelection()
}

// syncSelection highlights the selected element in the list.
func (l *elementList) syncSelection() {
	l.syncing = true
	defer func() { l.syncing = false }()
	sel := l.w.ed.Selection()
	if len(sel) == 1 {
		for i, e := range l.items {
			if e.ID == sel[0] {
				l.list.Select(i)
				return
			}
		}
	}
	l.list.UnselectAll()
}

// problemsPanel lists the validation findings of the model; picking one
// shows its element.
type problemsPanel struct {
	w        *window
	findings []model.Finding
	list     *widget.List
	content  fyne.CanvasObject
}

func newProblemsPanel(w *window) *problemsPanel {
	p := &problemsPanel{w: w}
	p.list = widget.NewList(func() int { return len(p.findings) },
		func() fyne.CanvasObject { return widget.NewLabel("finding") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.findings) {
				f := p.findings[i]
				where := ""
				if d := w.ed.Model.Diagrams[f.DiagramID]; d != nil {
					where = "  [" + d.Name + "]"
				}
				o.(*widget.Label).SetText(f.String() + where)
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.findings) {
			f := p.findings[i]
			if f.ElementID != "" {
				w.ed.Select(f.ElementID)
			} else if f.DiagramID != "" {
				w.ed.ShowDiagram(f.DiagramID)
			}
		}
		p.list.UnselectAll()
	}
	p.content = p.list
	return p
}

// refresh validates the model again.
func (p *problemsPanel) refresh() {
	p.findings = model.Validate(p.w.ed.Model)
	p.list.Refresh()
}

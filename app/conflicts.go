package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
)

// conflictsPanel lists what a merge of two versions of the model could
// not settle (see `rampart merge`), with both values and the base, and
// resolves each with ours, theirs or a typed value, as an undoable edit.
// Its tab is there only while conflicts are.
type conflictsPanel struct {
	w       *window
	box     *fyne.Container
	count   *widget.Label
	tab     *container.TabItem
	content fyne.CanvasObject
	shown   string // the conflicts on screen, to rebuild only on change
}

func newConflictsPanel(w *window) *conflictsPanel {
	p := &conflictsPanel{w: w, box: container.NewVBox(), count: widget.NewLabel("")}
	p.count.Wrapping = fyne.TextWrapWord
	p.content = container.NewBorder(p.count, nil, nil, nil, container.NewVScroll(container.NewPadded(p.box)))
	p.tab = container.NewTabItem("Conflicts", p.content)
	return p
}

// refresh rebuilds the list when the conflicts changed, and shows or
// hides the tab.
func (p *conflictsPanel) refresh() {
	m := p.w.ed.Model
	list := m.ConflictList()
	var key strings.Builder
	for _, c := range list {
		fmt.Fprintf(&key, "%s\x00%s\x00%s\n", c.ID, c.Ours, c.Theirs)
	}
	p.showTab(len(list) > 0)
	if key.String() == p.shown {
		return
	}
	p.shown = key.String()
	p.box.RemoveAll()
	p.count.SetText(plural(len(list), "merge conflict", "merge conflicts") + ", " + plural(model.Decisions(list), "choice", "choices") +
		" to make: the two versions changed these differently. The model holds ours until you choose.")
	for _, c := range list {
		p.box.Add(p.row(c))
		p.box.Add(widget.NewSeparator())
	}
	p.box.Refresh()
}

// showTab adds the tab, first and selected, when conflicts appear, and
// removes it when the last is resolved.
func (p *conflictsPanel) showTab(on bool) {
	tabs := p.w.bottom
	has := false
	for _, t := range tabs.Items {
		has = has || t == p.tab
	}
	switch {
	case on && !has:
		tabs.Items = append([]*container.TabItem{p.tab}, tabs.Items...)
		tabs.Refresh()
		tabs.Select(p.tab)
		p.w.work.SetOffset(0.55) // room for the list until it is done
	case !on && has:
		tabs.Remove(p.tab)
		p.w.work.SetOffset(canvasShare)
		p.w.status.SetText("All merge conflicts are resolved")
	}
}

// row is one conflict on two lines: what and where, then the values,
// with the choices beside them.
func (p *conflictsPanel) row(c *model.Conflict) fyne.CanvasObject {
	title := model.Printable(c.Name) + " (" + c.What + ")"
	if c.What == "model" {
		title = "The model"
	}
	if c.Field != "" {
		title += ": " + c.FieldLabel(p.w.ed.Model)
	} else {
		title += ": deleted on one side, changed on the other"
	}
	head := widget.NewButton(title, func() { p.reveal(c) })
	head.Importance = widget.LowImportance
	head.Alignment = widget.ButtonAlignLeading

	oursText, theirsText := c.Sides()
	values := "Ours " + oursText + "    Theirs " + theirsText
	if c.Field != "" {
		values += "    Base " + c.Show(c.Base)
	}
	text := widget.NewLabel(values)
	text.Wrapping = fyne.TextWrapWord
	id := c.ID
	ours := widget.NewButton("Use ours", func() { p.use(id, model.Ours) })
	theirs := widget.NewButton("Use theirs", func() { p.use(id, model.Theirs) })
	buttons := container.NewHBox(ours, theirs)
	if c.Editable() {
		buttons.Add(widget.NewButton("Edit…", func() { p.edit(id) }))
	}
	return container.NewBorder(head, nil, nil, container.NewVBox(buttons), text)
}

func (p *conflictsPanel) resolve(e model.Edit) { p.w.do(p.w.ed.Do(e)) }

// use resolves a conflict with one side. When that deletes something that
// other conflicts are about (a threat triaged differently on an element
// one side deleted), or an attack tree aimed at it, it asks first, naming
// them: they go with it.
func (p *conflictsPanel) use(id string, side model.Side) {
	m := p.w.ed.Model
	c := m.Conflicts[id]
	if c == nil {
		return
	}
	e := model.ResolveConflict(m, id, side)
	trial := m.Clone()
	if err := e.Apply(trial); err != nil {
		p.w.showError(err)
		return
	}
	var others []string
	for _, o := range m.ConflictList() {
		if trial.Conflicts[o.ID] == nil && o.Subject != c.Subject {
			others = append(others, o.String())
		}
	}
	for _, t := range m.Trees {
		if trial.Trees[t.ID] == nil && !(c.What == "attack tree" && c.Subject == t.ID) {
			others = append(others, "attack tree "+model.Printable(t.Name)+", which targets it")
		}
	}
	slices.Sort(others)
	if len(others) == 0 {
		p.resolve(e)
		return
	}
	msg := fmt.Sprintf("This deletes %s, and settles with it:\n\n%s\n\nDelete it?", model.Printable(c.Name), strings.Join(others, "\n"))
	label := widget.NewLabel(msg)
	label.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Delete "+model.Printable(c.Name)+"?", "Delete", "Cancel", container.NewVScroll(label), func(ok bool) {
		if ok {
			p.resolve(model.ResolveConflict(p.w.ed.Model, id, side))
		}
	}, p.w.win)
	d.Resize(fyne.NewSize(620, 320))
	d.Show()
}

// edit asks for a value of the analyst's own, starting from ours.
func (p *conflictsPanel) edit(id string) {
	c := p.w.ed.Model.Conflicts[id]
	if c == nil {
		return
	}
	// Characters that hide or reorder text are shown written out; a value
	// left as shown is ours exactly.
	shown := model.Printable(c.Ours)
	entry := widget.NewMultiLineEntry()
	entry.SetText(shown)
	entry.Wrapping = fyne.TextWrapWord
	entry.SetMinRowsVisible(3)
	label := c.FieldLabel(p.w.ed.Model)
	d := dialog.NewForm("Resolve "+label+" of "+model.Printable(c.Name), "Resolve", "Cancel",
		[]*widget.FormItem{widget.NewFormItem(label, entry)}, func(ok bool) {
			if !ok {
				return
			}
			v := entry.Text
			if v == shown {
				v = c.Ours
			}
			p.resolve(model.ResolveConflictWith(p.w.ed.Model, id, v))
		}, p.w.win)
	d.Resize(fyne.NewSize(560, 260))
	d.Show()
}

// reveal shows what a conflict is about: the element, or the element a
// threat is on.
func (p *conflictsPanel) reveal(c *model.Conflict) {
	m := p.w.ed.Model
	switch c.What {
	case "element":
		p.w.reveal(c.Subject)
	case "threat":
		if t := m.Threats[c.Subject]; t != nil {
			p.w.reveal(t.ElementID)
		}
	case "diagram":
		if m.Diagrams[c.Subject] != nil {
			p.w.ed.ShowDiagram(c.Subject)
		}
	}
}

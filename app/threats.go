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
	"github.com/rampart-tm/rampart/stride"
)

const anyChoice = "All"

// followSelection is the scope that lists the selected elements' threats,
// or every threat when nothing is selected.
const followSelection = "Selected, or all"

// threatsPanel lists the threats, of the whole model or of the selection,
// filtered by category, severity and status, and edits the triage of the
// one picked: status, justification, mitigation notes, likelihood and
// impact. Picking a threat selects its element on the canvas.
type threatsPanel struct {
	w                                 *window
	scope, category, sev, state, conf *widget.Select
	search                            *widget.Entry
	list                              *widget.List
	count                             *widget.Label
	items                             []*model.Threat
	current                           string            // ID of the threat shown in the detail
	highlight                         widget.ListItemID // the row the list highlights; -1 for none
	detail                            *fyne.Container
	syncs                             []func()
	syncing                           bool
	picking                           bool
	content                           fyne.CanvasObject
}

func newThreatsPanel(w *window) *threatsPanel {
	p := &threatsPanel{w: w, count: widget.NewLabel(""), detail: container.NewVBox()}
	refresh := func(string) { p.filter() }
	p.scope = widget.NewSelect([]string{followSelection, "All elements", "Selection"}, refresh)
	p.scope.SetSelected(followSelection)
	cats := []string{anyChoice}
	for _, c := range model.Categories {
		cats = append(cats, c.Label())
	}
	p.category = widget.NewSelect(cats, refresh)
	p.category.SetSelected(anyChoice)
	sevs := []string{anyChoice}
	for i := len(model.Severities) - 1; i >= 0; i-- {
		sevs = append(sevs, model.Severities[i].String())
	}
	p.sev = widget.NewSelect(sevs, refresh)
	p.sev.SetSelected(anyChoice)
	states := []string{anyChoice, "open", "mitigated", "accepted", "not applicable", "transferred", "obsolete", "suppressed"}
	p.state = widget.NewSelect(states, refresh)
	p.state.SetSelected(anyChoice)
	p.conf = widget.NewSelect([]string{"Confirmed and assumed", "Confirmed", "Assumed"}, refresh)
	p.conf.SetSelected("Confirmed and assumed")
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Search threats")
	p.search.OnChanged = refresh
	p.list = widget.NewList(func() int { return len(p.items) },
		func() fyne.CanvasObject { return widget.NewLabel("T-0000 critical open — a threat title") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.items) {
				o.(*widget.Label).SetText(p.line(p.items[i]))
			}
		})
	p.highlight = -1
	p.list.OnSelected = func(i widget.ListItemID) {
		p.highlight = i
		if i < len(p.items) && !p.picking {
			p.show(p.items[i].ID)
		}
	}
	p.list.OnUnselected = func(i widget.ListItemID) {
		if p.highlight == i {
			p.highlight = -1
		}
	}
	add := widget.NewButton("Add threat", p.addManual)
	filters := container.NewHBox(p.scope, p.category, p.sev, p.state, p.conf, add, p.count)
	left := container.NewBorder(container.NewBorder(nil, nil, nil, nil, p.search), nil, nil, nil, p.list)
	split := container.NewHSplit(left, container.NewScroll(container.NewPadded(p.detail)))
	split.Offset = 0.55
	p.content = container.NewBorder(filters, nil, nil, nil, split)
	p.showNothing()
	return p
}

func (p *threatsPanel) line(t *model.Threat) string {
	state := t.Status.Label()
	switch {
	case t.Obsolete:
		state = "obsolete"
	case p.w.ed.Model.Suppressed(t.RuleID, t.ElementID) != nil:
		state = "suppressed"
	}
	conf := ""
	if t.Confidence == model.Assumed {
		conf = " (assumed)"
	}
	return fmt.Sprintf("%s  %-8s  %-14s  %s — %s%s", t.Code(), t.Severity(), state, elementLabel(p.w.ed.Model, t.ElementID), t.Title, conf)
}

func elementLabel(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return m.NameOf(e)
	}
	return "?"
}

// refresh lists the threats again after an edit and updates the detail in
// place. The threat shown stays listed even when the edit takes it out of
// the filter (mitigated under "open"), so the analyst can go on triaging
// it; the list's highlight and the detail always show the same threat.
func (p *threatsPanel) refresh() { p.relist(true) }

// filter lists the threats again after a filter changed: a threat the
// filter leaves out is no longer shown.
func (p *threatsPanel) filter() { p.relist(false) }

func (p *threatsPanel) relist(keepCurrent bool) {
	if p.list == nil {
		return
	}
	m := p.w.ed.Model
	// A selected process or flow brings the threats analysed inside it, as
	// its badge counts them.
	sel := map[string]bool{}
	if ids := p.w.ed.Selection(); len(ids) > 0 {
		sel = insideOf(m, ids...)
	}
	// By default the list follows the canvas: the threats of what is
	// selected, or of the whole model when nothing is.
	narrow := p.scope.Selected == "Selection" || p.scope.Selected == followSelection && len(sel) > 0
	q := strings.ToLower(strings.TrimSpace(p.search.Text))
	var items []*model.Threat
	open := 0
	for _, t := range m.ThreatList() {
		if keepCurrent && t.ID == p.current {
			items = append(items, t)
			continue
		}
		if narrow && !sel[t.ElementID] {
			continue
		}
		if c := p.category.Selected; c != anyChoice && t.Category.Label() != c {
			continue
		}
		if s := p.sev.Selected; s != anyChoice && t.Severity().String() != s {
			continue
		}
		if c := p.conf.Selected; c != "Confirmed and assumed" && !strings.EqualFold(t.Confidence.String(), c) {
			continue
		}
		suppressed := m.Suppressed(t.RuleID, t.ElementID) != nil
		switch st := p.state.Selected; {
		case st == anyChoice:
		case st == "obsolete":
			if !t.Obsolete {
				continue
			}
		case st == "suppressed":
			if !suppressed {
				continue
			}
		case t.Obsolete || suppressed || t.Status.Label() != st:
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(t.Title+" "+t.Code()+" "+elementLabel(m, t.ElementID)), q) {
			continue
		}
		if t.Status == model.Open && !t.Obsolete && !suppressed {
			open++
		}
		items = append(items, t)
	}
	stride.SortThreats(items)
	p.items = items
	p.count.SetText(fmt.Sprintf("%d threats, %d open", len(items), open))
	p.list.Refresh()
	at := slices.IndexFunc(items, func(t *model.Threat) bool { return t.ID == p.current })
	if at < 0 {
		p.list.UnselectAll()
		p.showNothing()
		return
	}
	p.picking = true
	p.list.Select(at)
	p.picking = false
	p.sync()
}

func (p *threatsPanel) sync() {
	p.syncing = true
	defer func() { p.syncing = false }()
	for _, f := range p.syncs {
		f()
	}
}

func (p *threatsPanel) showNothing() {
	p.current, p.syncs = "", nil
	p.detail.RemoveAll()
	p.detail.Add(widget.NewLabel("Pick a threat to see why it was raised and to triage it."))
	p.detail.Refresh()
}

// pick shows a threat in the list and the detail, and selects its element.
func (p *threatsPanel) pick(id string) {
	for i, t := range p.items {
		if t.ID == id {
			p.picking = true
			p.list.Select(i)
			p.picking = false
		}
	}
	p.show(id)
}

// show puts a threat in the detail pane and selects its element.
func (p *threatsPanel) show(id string) {
	ed := p.w.ed
	t := ed.Model.Threats[id]
	if t == nil {
		return
	}
	// The threat is current before its element is selected: selecting
	// lists the threats again, and the list must keep this one highlighted.
	p.current, p.syncs = id, nil
	if !ed.IsSelected(t.ElementID) || len(ed.Selection()) != 1 {
		ed.Select(t.ElementID)
	}
	p.w.canvas.pulse(t.ElementID) // brought into view and ringed, so the room sees where
	p.detail.RemoveAll()
	threat := func() *model.Threat {
		if x := ed.Model.Threats[id]; x != nil {
			return x
		}
		return &model.Threat{}
	}
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	sub := widget.NewLabel("")
	sub.Wrapping = fyne.TextWrapWord
	p.syncs = append(p.syncs, func() {
		x := threat()
		title.SetText(x.Code() + "  " + x.Title)
		s := fmt.Sprintf("%s · %s · on %s", x.Category.Label(), x.Severity(), elementLabel(ed.Model, x.ElementID))
		if x.RuleID != "" {
			s += " · rule " + x.RuleID
		}
		if x.Obsolete {
			s += " · obsolete"
		}
		if sup := ed.Model.Suppressed(x.RuleID, x.ElementID); sup != nil {
			s += " · suppressed: " + sup.Justification
		}
		sub.SetText(s)
	})
	p.detail.Add(title)
	p.detail.Add(sub)

	status := widget.NewSelect(statusLabels(), nil)
	justification := widget.NewEntry()
	justification.SetPlaceHolder("Why it has this status")
	status.OnChanged = func(s string) {
		if st, err := parseStatusLabel(s); err == nil && !p.syncing && st != threat().Status {
			p.w.do(ed.Do(model.SetStatus(ed.Model, id, st, justification.Text)))
		}
	}
	justification.OnChanged = func(s string) {
		if !p.syncing {
			p.w.do(ed.Do(model.SetStatus(ed.Model, id, threat().Status, s)))
		}
	}
	levels := levelLabels()
	likelihood, impact := widget.NewSelect(levels, nil), widget.NewSelect(levels, nil)
	setRisk := func(string) {
		l, err1 := model.ParseLevel(likelihood.Selected)
		i, err2 := model.ParseLevel(impact.Selected)
		if err1 == nil && err2 == nil && !p.syncing {
			p.w.do(ed.Do(model.SetRisk(ed.Model, id, l, i)))
		}
	}
	likelihood.OnChanged, impact.OnChanged = setRisk, setRisk
	notes := widget.NewMultiLineEntry()
	notes.Wrapping = fyne.TextWrapWord
	notes.SetPlaceHolder("How it is (or will be) mitigated")
	notes.SetMinRowsVisible(3)
	notes.OnChanged = func(s string) {
		if !p.syncing {
			p.w.do(ed.Do(model.SetMitigation(ed.Model, id, s)))
		}
	}
	// An obsolete threat has no status to set: it says why it retired.
	retired := widget.NewLabel("")
	retired.Wrapping = fyne.TextWrapWord
	p.syncs = append(p.syncs, func() {
		x := threat()
		if x.Obsolete {
			retired.SetText("obsolete (" + x.Status.Label() + " when it retired): " + p.obsoleteReason(x))
			status.Hide()
			retired.Show()
		} else {
			status.Show()
			retired.Hide()
		}
		status.SetSelected(x.Status.Label())
		if justification.Text != x.Justification {
			justification.SetText(x.Justification)
		}
		likelihood.SetSelected(x.Likelihood.Label())
		impact.SetSelected(x.Impact.Label())
		if notes.Text != x.Mitigation {
			notes.SetText(x.Mitigation)
		}
	})
	p.detail.Add(widget.NewForm(
		widget.NewFormItem("Status", container.NewVBox(status, retired)),
		widget.NewFormItem("Justification", justification),
		widget.NewFormItem("Likelihood", likelihood),
		widget.NewFormItem("Impact", impact),
		widget.NewFormItem("Mitigation notes", notes),
	))
	if t.RuleID != "" {
		p.detail.Add(p.suppressButton(t))
	}
	p.addText("Status history", p.w.statusHistory(id))
	p.addText("Confidence", confidenceText(ed.Model, t))
	p.addText("Why", strings.Join(t.Facts, "\n"))
	p.addText("Description", t.Description)
	if r := p.w.analysis.lib.Rule(t.RuleID); r != nil {
		p.addText("Attack example", r.Attack)
	}
	if lib := p.w.analysis.lib; lib != nil {
		for i, mt := range stride.NewFitter(lib, ed.Model).Mitigations(t) {
			p.addText(fmt.Sprintf("Mitigation %d", i+1), mt.Text())
		}
	}
	if len(t.References) > 0 {
		p.addText("References", strings.Join(t.References, ", "))
	}
	if t.Manual {
		p.detail.Add(widget.NewButton("Delete this threat", func() { p.w.do(ed.Do(model.DeleteThreat(ed.Model, id))) }))
	}
	p.sync()
	p.detail.Refresh()
}

func (p *threatsPanel) addText(head, body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	p.detail.Add(heading(head))
	l := widget.NewLabel(body)
	l.Wrapping = fyne.TextWrapWord
	p.detail.Add(l)
}

// suppressButton silences the threat's rule on its element, asking why,
// or lifts an existing suppression.
func (p *threatsPanel) suppressButton(t *model.Threat) fyne.CanvasObject {
	ed := p.w.ed
	if s := ed.Model.Suppressions[model.SuppressionKey(t.RuleID, t.ElementID)]; s != nil {
		return widget.NewButton("Lift the suppression of this rule here", func() {
			p.w.do(ed.Do(model.Unsuppress(ed.Model, s.Key())))
			p.show(t.ID)
		})
	}
	return widget.NewButton("Suppress this rule on this element…", func() {
		why := widget.NewEntry()
		why.SetPlaceHolder("Why this rule does not apply here")
		dialog.ShowForm("Suppress rule "+t.RuleID, "Suppress", "Cancel",
			[]*widget.FormItem{widget.NewFormItem("Justification", why)}, func(ok bool) {
				if !ok {
					return
				}
				if strings.TrimSpace(why.Text) == "" {
					p.w.showError(fmt.Errorf("a suppression needs a justification"))
					return
				}
				p.w.do(ed.Do(model.Suppress(ed.Model, &model.Suppression{RuleID: t.RuleID, ElementID: t.ElementID, Justification: why.Text})))
				p.show(t.ID)
			}, p.w.win)
	})
}

// addManual adds an analyst's threat to the selected element.
func (p *threatsPanel) addManual() {
	ed := p.w.ed
	sel := ed.Selection()
	if len(sel) != 1 {
		p.w.showError(fmt.Errorf("select one element to add a threat to"))
		return
	}
	t := &model.Threat{ID: "manual-" + model.NewID(), Number: ed.Model.NextThreatNumber(), ElementID: sel[0],
		Title: "New threat", Category: model.Tampering, Likelihood: model.Medium, Impact: model.Medium, Manual: true,
		RiskSet: true}
	if err := ed.Do(model.PutThreat(ed.Model, t, "added threat "+t.Code()+" to "+elementLabel(ed.Model, sel[0]))); err != nil {
		p.w.showError(err)
		return
	}
	p.scope.SetSelected("All elements")
	p.refresh()
	p.pick(t.ID)
	p.editManual(t.ID)
}

// editManual asks for the title, category and description of a manual threat.
func (p *threatsPanel) editManual(id string) {
	ed := p.w.ed
	t := ed.Model.Threats[id]
	title := widget.NewEntry()
	title.SetText(t.Title)
	cats := []string{}
	for _, c := range model.Categories {
		cats = append(cats, c.Label())
	}
	cat := widget.NewSelect(cats, nil)
	cat.SetSelected(t.Category.Label())
	desc := widget.NewMultiLineEntry()
	desc.SetText(t.Description)
	dialog.ShowForm("Threat "+t.Code(), "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Title", title), widget.NewFormItem("STRIDE category", cat), widget.NewFormItem("Description", desc),
	}, func(ok bool) {
		if !ok {
			return
		}
		after := ed.Model.Threats[id].Clone()
		after.Title, after.Description = title.Text, desc.Text
		if c, err := model.ParseCategory(cat.Selected); err == nil {
			after.Category = c
		}
		p.w.do(ed.Do(model.PutThreat(ed.Model, after, "edited threat "+after.Code())))
		p.show(id)
	}, p.w.win)
}

// statusLabels are the statuses as the editor shows them everywhere: in
// words ("not applicable").
func statusLabels() []string {
	var out []string
	for _, s := range model.Statuses {
		out = append(out, s.Label())
	}
	return out
}

// parseStatusLabel reads a status as statusLabels writes it.
func parseStatusLabel(label string) (model.Status, error) {
	return model.ParseStatus(strings.ReplaceAll(label, " ", "_"))
}

// levelLabels are the levels in words ("very high"); model.ParseLevel
// reads them back.
func levelLabels() []string {
	var out []string
	for _, l := range model.Levels {
		out = append(out, l.Label())
	}
	return out
}

// confidenceText says whether a threat rests on what the model states,
// and which questions would settle it when it does not.
func confidenceText(m *model.Model, t *model.Threat) string {
	if t.Confidence == model.Confirmed {
		return "Confirmed: what the model states points at this threat."
	}
	var qs []string
	for _, a := range t.Assumes {
		id, key, _ := strings.Cut(a, ":")
		if e := m.Elements[id]; e != nil {
			if d := model.PropFor(e.Kind, key); d != nil && d.Question != "" {
				qs = append(qs, "• "+strings.ReplaceAll(d.Question, "{name}", m.NameOf(e)))
			}
		}
	}
	if len(qs) == 0 {
		return "Assumed: it follows from what the element is, not from anything stated about it; check it."
	}
	return "Assumed: it rests on what nobody has stated yet. Answering settles it:\n" + strings.Join(qs, "\n")
}

// obsoleteReason says why an obsolete threat no longer applies.
func (p *threatsPanel) obsoleteReason(t *model.Threat) string {
	if why := stride.ObsoleteReason(p.w.ed.Model, p.w.analysis.lib, t); why != "" {
		return why
	}
	return "it no longer applies"
}

package app

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// propertiesPanel edits the selected element, or the model when nothing
// is selected. Each field writes through an undoable edit; when the model
// changes under it (undo, redo), the fields are updated in place so typing
// keeps its focus.
type propertiesPanel struct {
	w       *window
	box     *fyne.Container
	content fyne.CanvasObject
	showing string   // element ID shown, "" for the model, "*" for several
	syncs   []func() // set each field from the model
	syncing bool     // fields are being set from the model: do not edit
}

func newPropertiesPanel(w *window) *propertiesPanel {
	p := &propertiesPanel{w: w, box: container.NewVBox()}
	// Scrolling both ways keeps the panel's width from following its
	// content, so the canvas never moves under the pointer when another
	// element is selected.
	p.content = container.NewScroll(container.NewPadded(p.box))
	return p
}

func (p *propertiesPanel) refresh(c editor.Change) {
	sel := p.w.ed.Selection()
	want := ""
	switch len(sel) {
	case 0:
	case 1:
		want = sel[0]
	default:
		want = "*"
	}
	if want == "" {
		// The model's panel lists its data assets: rebuilt when they come
		// or go (an undo, a merge resolved), not only through its buttons.
		want = "model:" + strings.Join(slices.Sorted(maps.Keys(p.w.ed.Model.Assets)), ",")
	}
	if want == p.showing && len(p.syncs) > 0 && (strings.HasPrefix(want, "model:") || want == "*" || p.w.ed.Model.Elements[want] != nil) {
		p.sync()
		return
	}
	p.showing = want
	p.syncs = nil
	p.box.RemoveAll()
	switch {
	case strings.HasPrefix(want, "model:"):
		p.buildModel()
	case want == "*":
		p.box.Add(heading(fmt.Sprintf("%d elements selected", len(sel))))
		p.box.Add(widget.NewLabel("Drag to move them together, Delete to remove them,\nCtrl+C to copy them."))
	default:
		p.buildElement(p.w.ed.Model.Elements[want])
	}
	p.sync()
	p.box.Refresh()
}

func (p *propertiesPanel) sync() {
	p.syncing = true
	defer func() { p.syncing = false }()
	for _, f := range p.syncs {
		f()
	}
}

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// entry is a text field bound to a string of the model.
func (p *propertiesPanel) entry(multi bool, get func() string, set func(string) error) *widget.Entry {
	e := widget.NewEntry()
	if multi {
		e = widget.NewMultiLineEntry()
		e.Wrapping = fyne.TextWrapWord
		e.SetMinRowsVisible(3)
	}
	e.OnChanged = func(s string) {
		if !p.syncing {
			p.w.do(set(s))
		}
	}
	p.syncs = append(p.syncs, func() {
		if v := get(); e.Text != v {
			e.SetText(v)
		}
	})
	return e
}

func (p *propertiesPanel) buildElement(e *model.Element) {
	ed, id := p.w.ed, e.ID
	el := func() *model.Element {
		if x := ed.Model.Elements[id]; x != nil {
			return x
		}
		return &model.Element{}
	}
	p.box.Add(heading(strings.ToUpper(e.Kind.Label()[:1]) + e.Kind.Label()[1:]))
	form := widget.NewForm()
	if e.Reviewable() {
		form.Append("Review", p.reviewField(id))
	}
	form.Append("Name", p.entry(false, func() string { return el().Name }, func(s string) error {
		return ed.Do(model.Rename(ed.Model, id, s))
	}))
	form.Append("Description", p.entry(true, func() string { return el().Description }, func(s string) error {
		return ed.Do(model.Describe(ed.Model, id, s))
	}))
	if e.Kind == model.DataFlow {
		ends := widget.NewLabel("")
		p.syncs = append(p.syncs, func() {
			x := el()
			ends.SetText(endName(ed.Model, x.Source) + " → " + endName(ed.Model, x.Target))
		})
		form.Append("From → to", ends)
	}
	for _, def := range model.PropsFor(e.Kind) {
		form.Append(def.Label, p.propField(id, def))
	}
	p.box.Add(form)
	if e.Kind != model.TrustBoundary {
		p.box.Add(p.questions(id))
	}
	if e.Kind != model.TrustBoundary {
		p.box.Add(heading("Data"))
		p.box.Add(p.assetChecks(id))
	}
	p.box.Add(heading("Scope"))
	reason := p.entry(false, func() string { return el().OutOfScopeReason }, func(s string) error {
		return ed.Do(model.SetScope(ed.Model, id, el().OutOfScope, s))
	})
	reason.SetPlaceHolder("Why it is out of scope")
	out := widget.NewCheck("Out of scope", func(b bool) {
		if !p.syncing {
			p.w.do(ed.Do(model.SetScope(ed.Model, id, b, el().OutOfScopeReason)))
		}
	})
	p.syncs = append(p.syncs, func() { out.SetChecked(el().OutOfScope) })
	p.box.Add(out)
	p.box.Add(reason)
	if e.Kind == model.Process {
		p.box.Add(widget.NewButton("Open child diagram", func() {
			p.w.do(ed.OpenChild(id))
			p.w.canvas.FitToContent()
		}))
	}
}

func endName(m *model.Model, id string) string {
	if e := m.Elements[id]; e != nil {
		return e.Label()
	}
	return "(not connected)"
}

// propField is the widget for one typed property: a check box, a choice or
// a text field.
func (p *propertiesPanel) propField(id string, def *model.PropDef) fyne.CanvasObject {
	ed := p.w.ed
	get := func() string {
		if e := ed.Model.Elements[id]; e != nil {
			return e.Prop(def.Key)
		}
		return ""
	}
	set := func(v string) {
		if !p.syncing {
			p.w.do(ed.SetProp(id, def.Key, v))
		}
	}
	// unset names the unset choice: "unknown", or what Rampart infers
	// from what the model states ("yes, inferred from protocol HTTPS"),
	// which choosing a value overrides.
	unset := func(plain string) string {
		e := ed.Model.Elements[id]
		if e == nil {
			return plain
		}
		inf, ok := stride.Infer(e)[def.Key]
		if !ok {
			return plain
		}
		v := map[string]string{"true": "yes", "false": "no"}[inf.Value]
		if v == "" {
			v = strings.ReplaceAll(inf.Value, "_", " ")
		}
		return v + ", inferred from " + inf.Because
	}
	switch def.Type {
	case model.Bool:
		// Three states: unset means unknown, which the rules treat with care.
		s := widget.NewSelect([]string{"unknown", "yes", "no"}, func(v string) {
			set(map[string]string{"yes": "true", "no": "false"}[v])
		})
		p.syncs = append(p.syncs, func() {
			s.Options[0] = unset("unknown")
			s.SetSelected(map[string]string{"true": "yes", "false": "no"}[get()])
			if get() == "" {
				s.SetSelected(s.Options[0])
			}
		})
		return s
	case model.Enum:
		opts := append([]string{"(none)"}, def.Options...)
		var s *widget.Select
		s = widget.NewSelect(opts, func(v string) {
			if v == s.Options[0] {
				v = ""
			}
			set(v)
		})
		p.syncs = append(p.syncs, func() {
			s.Options[0] = unset("(none)")
			v := get()
			if v == "" {
				v = s.Options[0]
			}
			s.SetSelected(v)
		})
		return s
	}
	e := p.entry(false, get, func(v string) error { return ed.SetProp(id, def.Key, strings.TrimSpace(v)) })
	p.syncs = append(p.syncs, func() { e.SetPlaceHolder(strings.TrimSuffix(unset(""), ", inferred from ")) })
	return e
}

// questions lists what the team has not stated about an element and its
// assumed threats rest on, with the answers that settle them.
func (p *propertiesPanel) questions(id string) fyne.CanvasObject {
	box := container.NewVBox()
	shown := "-"
	p.syncs = append(p.syncs, func() {
		var mine []stride.Question
		key := ""
		for _, q := range stride.Questions(p.w.ed.Model) {
			if q.ElementID == id {
				mine = append(mine, q)
				key += q.Text + strings.Join(q.Threats, ",") + "\n"
			}
		}
		if key == shown {
			return
		}
		shown = key
		box.RemoveAll()
		if len(mine) == 0 {
			return
		}
		box.Add(heading("Questions"))
		for _, q := range mine {
			label := widget.NewLabel(q.Text)
			label.Wrapping = fyne.TextWrapWord
			box.Add(label)
			box.Add(answerButtons(q, func(v string) { p.w.do(p.w.ed.SetProp(q.ElementID, q.Property.Key, v)) }))
		}
		box.Refresh()
	})
	return box
}

// assetChecks lets the analyst tick the data assets an element carries or holds.
func (p *propertiesPanel) assetChecks(id string) fyne.CanvasObject {
	ed := p.w.ed
	list := ed.Model.AssetList()
	if len(list) == 0 {
		return widget.NewLabel("No data assets yet: add them in the model's properties.")
	}
	var names []string
	byName := map[string]string{}
	for _, a := range list {
		label := fmt.Sprintf("%s (%s)", a.Name, a.Classification)
		names = append(names, label)
		byName[label] = a.ID
	}
	g := widget.NewCheckGroup(names, func(chosen []string) {
		if p.syncing {
			return
		}
		var ids []string
		for _, c := range chosen {
			ids = append(ids, byName[c])
		}
		p.w.do(ed.Do(model.SetAssets(ed.Model, id, ids)))
	})
	p.syncs = append(p.syncs, func() {
		e := ed.Model.Elements[id]
		if e == nil {
			return
		}
		var sel []string
		for label, aid := range byName {
			for _, x := range e.Assets {
				if x == aid {
					sel = append(sel, label)
				}
			}
		}
		g.SetSelected(sel)
	})
	return g
}

// buildModel shows the model's own properties and its data assets.
func (p *propertiesPanel) buildModel() {
	ed := p.w.ed
	info := func() model.Info { return ed.Model.Info }
	setInfo := func(change func(*model.Info)) func(string) error {
		return func(s string) error {
			i := ed.Model.Info.Clone()
			change(&i)
			_ = s
			return ed.Do(model.Mergeable(model.SetInfo(ed.Model, i), "info"))
		}
	}
	p.box.Add(heading("Model"))
	form := widget.NewForm()
	var name, version, owner, reviewer, authors, desc, scope, assume *widget.Entry
	name = p.entry(false, func() string { return info().Name }, setInfo(func(i *model.Info) { i.Name = name.Text }))
	version = p.entry(false, func() string { return info().Version }, setInfo(func(i *model.Info) { i.Version = version.Text }))
	owner = p.entry(false, func() string { return info().Owner }, setInfo(func(i *model.Info) { i.Owner = owner.Text }))
	reviewer = p.entry(false, func() string { return info().Reviewer }, setInfo(func(i *model.Info) { i.Reviewer = reviewer.Text }))
	authors = p.entry(false, func() string { return strings.Join(info().Authors, ", ") }, setInfo(func(i *model.Info) {
		i.Authors = splitList(authors.Text)
	}))
	desc = p.entry(true, func() string { return info().Description }, setInfo(func(i *model.Info) { i.Description = desc.Text }))
	scope = p.entry(true, func() string { return info().Scope }, setInfo(func(i *model.Info) { i.Scope = scope.Text }))
	assume = p.entry(true, func() string { return info().Assumptions }, setInfo(func(i *model.Info) { i.Assumptions = assume.Text }))
	form.Append("Name", name)
	form.Append("Version", version)
	form.Append("Owner", owner)
	form.Append("Reviewer", reviewer)
	form.Append("Contributors", authors)
	form.Append("Description", desc)
	form.Append("Scope", scope)
	form.Append("Assumptions", assume)
	if src := ed.Model.Source; src.Tool != "" {
		made := widget.NewLabel(fmt.Sprintf("Imported from %s (%s)", src.File, src.Tool))
		made.Wrapping = fyne.TextWrapWord
		form.Append("Source", made)
	}
	p.box.Add(form)
	p.box.Add(heading("Data assets"))
	for _, a := range ed.Model.AssetList() {
		p.box.Add(p.assetForm(a.ID))
	}
	p.box.Add(widget.NewButton("Add data asset", func() {
		a := &model.DataAsset{ID: model.NewID(), Name: "New data", Classification: model.Internal,
			Confidentiality: model.Medium, Integrity: model.Medium, Availability: model.Medium}
		p.w.do(ed.Do(model.AddAsset(a)))
		p.showing = "-" // rebuild to show the new asset
		p.refresh(editor.ModelChanged)
	}))
}

// assetForm edits one data asset.
func (p *propertiesPanel) assetForm(id string) fyne.CanvasObject {
	ed := p.w.ed
	asset := func() *model.DataAsset {
		if a := ed.Model.Assets[id]; a != nil {
			return a
		}
		return &model.DataAsset{}
	}
	update := func(change func(*model.DataAsset)) error {
		if ed.Model.Assets[id] == nil {
			return nil // deleted while its form was on screen
		}
		a := asset().Clone()
		change(a)
		return ed.Do(model.UpdateAsset(ed.Model, a))
	}
	name := p.entry(false, func() string { return asset().Name }, nil)
	name.OnChanged = func(s string) {
		if !p.syncing {
			p.w.do(update(func(a *model.DataAsset) { a.Name = s }))
		}
	}
	var classNames []string
	for _, c := range model.Classifications {
		classNames = append(classNames, c.String())
	}
	class := widget.NewSelect(classNames, func(s string) {
		if c, err := model.ParseClassification(s); err == nil && !p.syncing {
			p.w.do(update(func(a *model.DataAsset) { a.Classification = c }))
		}
	})
	p.syncs = append(p.syncs, func() { class.SetSelected(asset().Classification.String()) })
	level := func(get func(*model.DataAsset) *model.Level) *widget.Select {
		s := widget.NewSelect(levelLabels(), func(v string) {
			if l, err := model.ParseLevel(v); err == nil && !p.syncing {
				p.w.do(update(func(a *model.DataAsset) { *get(a) = l }))
			}
		})
		p.syncs = append(p.syncs, func() { s.SetSelected(get(asset()).Label()) })
		return s
	}
	form := widget.NewForm(
		widget.NewFormItem("Name", name),
		widget.NewFormItem("Classification", class),
		widget.NewFormItem("Confidentiality", level(func(a *model.DataAsset) *model.Level { return &a.Confidentiality })),
		widget.NewFormItem("Integrity", level(func(a *model.DataAsset) *model.Level { return &a.Integrity })),
		widget.NewFormItem("Availability", level(func(a *model.DataAsset) *model.Level { return &a.Availability })),
	)
	remove := widget.NewButton("Delete", func() {
		p.w.do(ed.Do(model.DeleteAsset(ed.Model, id)))
		p.showing = "-"
		p.refresh(editor.ModelChanged)
	})
	return widget.NewCard("", "", container.NewBorder(nil, remove, nil, nil, form))
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if t := strings.TrimSpace(part); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// reviewField sets how far the workshop has got with an element, and says
// who set it and when.
func (p *propertiesPanel) reviewField(id string) fyne.CanvasObject {
	ed := p.w.ed
	var labels []string
	for _, st := range model.ReviewStates {
		labels = append(labels, st.Label())
	}
	who := widget.NewLabel("")
	state := widget.NewSelect(labels, func(label string) {
		if p.syncing {
			return
		}
		for _, st := range model.ReviewStates {
			if st.Label() == label {
				p.w.review(id, st)
			}
		}
	})
	p.syncs = append(p.syncs, func() {
		x := ed.Model.Elements[id]
		if x == nil {
			return
		}
		r := x.Review()
		state.SetSelected(r.State.Label())
		who.SetText(reviewedBy(r))
	})
	return container.NewVBox(state, who)
}

// reviewedBy says who set a review and when, or "" for none.
func reviewedBy(r model.Review) string {
	if r.State == model.NotDiscussed || r.At.IsZero() {
		return ""
	}
	text := r.At.Local().Format("2006-01-02 15:04")
	if r.By != "" {
		text = r.By + ", " + text
	}
	return text
}

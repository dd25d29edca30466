package app

import (
	"fmt"
	"image/color"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// presentation is the editor as a room sees it on a projector: the canvas
// fills the screen in high contrast with large type, and a bar at the
// bottom shows the element in focus, its open threats as cards and the
// questions that would settle them. The arrow keys or Tab walk the
// diagram in the order its flows run from the entry points; D, U and N
// record the room's review of the element in focus and move on; Esc
// leaves.
type presentation struct {
	w     *window
	saved fyne.CanvasObject // the window's content while presenting
	menu  *fyne.MainMenu    // the window's menu, hidden while presenting
	order []string          // the diagram's elements and flows, in walk order
	at    int               // the position in order of the element in focus
	bar   *fyne.Container
}

// presentLabelPx is the smallest height, in pixels, of a name on the
// canvas while presenting: legible from the back of a room at 1080p.
const presentLabelPx = 24

// present enters presentation mode on the diagram on screen.
func (w *window) present() {
	v := w.canvas
	if v.present != nil {
		return
	}
	p := &presentation{w: w, saved: w.win.Content(), bar: container.NewStack()}
	if d := w.ed.Diagram(); d != nil {
		p.order = walkOrder(w.ed.Model, d.ID)
	}
	p.at = 0
	if sel := w.ed.Selection(); len(sel) == 1 {
		for i, id := range p.order {
			if id == sel[0] {
				p.at = i
			}
		}
	}
	v.present = p
	p.menu = w.win.MainMenu()
	w.win.SetMainMenu(nil)
	w.win.SetContent(container.NewBorder(nil, p.bar, nil, nil, v))
	w.win.SetFullScreen(true)
	v.FitToContent()
	p.show()
	w.win.Canvas().Focus(v)
	// The window reaches its full-screen size a moment later: fit again
	// then, and draw the whole window anew.
	go func() {
		time.Sleep(400 * time.Millisecond)
		fyne.Do(func() {
			if v.present == p {
				v.FitToContent()
				p.show()
				w.win.Content().Refresh()
			}
		})
	}()
}

// leave goes back to the editor as it was.
func (p *presentation) leave() {
	w := p.w
	focus := p.focus()
	w.canvas.present = nil
	if focus != nil {
		w.ed.Select(focus.ID) // the editor picks up where the room was
	}
	w.canvas.emphasis = 1
	w.win.SetFullScreen(false)
	w.win.SetMainMenu(p.menu)
	w.win.SetContent(p.saved)
	w.canvas.FitToContent()
	w.canvas.Refresh()
	w.win.Canvas().Focus(w.canvas)
}

// move walks by step (1 forward, -1 back) to the next element in focus.
func (p *presentation) move(step int) {
	if len(p.order) == 0 {
		return
	}
	p.at = (p.at + step + len(p.order)) % len(p.order)
	p.show()
}

// focus is the element in focus, or nil.
func (p *presentation) focus() *model.Element {
	if p.at < len(p.order) {
		return p.w.ed.Model.Elements[p.order[p.at]]
	}
	return nil
}

// show draws the element in focus as selected, brings it into view, and
// fills the bar with what the room talks about.
func (p *presentation) show() {
	v := p.w.canvas
	// Type grows so that a name is presentLabelPx high however far the
	// diagram had to be zoomed out to fit.
	v.emphasis = max(1, presentLabelPx/(float32(editor.FontSize)*v.zoom))
	// The focus is drawn as the selection without selecting: the editor's
	// panels, hidden while presenting, need not follow every step.
	e := p.focus()
	if e != nil {
		v.reveal(e)
	}
	p.bar.Objects = []fyne.CanvasObject{p.barFor(e)}
	p.bar.Refresh()
	v.Refresh()
}

// barFor is the bar's content for the element in focus.
func (p *presentation) barFor(e *model.Element) fyne.CanvasObject {
	pal := currentPalette().highContrast()
	bg := canvas.NewRectangle(pal.background)
	if e == nil {
		msg := canvas.NewText("Nothing to walk through on this diagram. Esc leaves.", pal.text)
		msg.TextSize = 22
		return container.NewStack(bg, container.NewPadded(msg))
	}
	m := p.w.ed.Model
	name := canvas.NewText(m.NameOf(e), pal.text)
	name.TextSize, name.TextStyle = 30, fyne.TextStyle{Bold: true}
	r := e.Review()
	state := r.State.Label()
	if by := reviewedBy(r); by != "" {
		state += " (" + by + ")"
	}
	reviewed, total := m.ReviewCoverage()
	info := canvas.NewText(fmt.Sprintf("%s · %d of %d · %s · %d of %d reviewed", e.Kind.Label(), p.at+1, len(p.order),
		state, reviewed, total), pal.text)
	info.TextSize = 18
	keys := canvas.NewText("→ / Tab next · ← back · D discussed, U needs follow-up, N not discussed (and next) · "+
		"1 yes, 2 no, 3 don't know to the first question · Esc leave", pal.text)
	keys.TextSize = 15
	who := container.NewVBox(name, info, keys)

	cards := container.NewHBox()
	threats := openThreatsOn(m, e.ID)
	for i, t := range threats {
		if i == 4 {
			more := canvas.NewText(fmt.Sprintf("+%d more", len(threats)-4), pal.text)
			more.TextSize = 20
			cards.Add(container.NewCenter(more))
			break
		}
		cards.Add(threatCard(t, pal))
	}
	if len(threats) == 0 {
		none := canvas.NewText("No open threats", pal.text)
		none.TextSize = 22
		cards.Add(container.NewCenter(none))
	}

	asks := container.NewVBox()
	for _, q := range stride.Questions(m) {
		if q.ElementID != e.ID {
			continue
		}
		// One line each, of a fixed width: a wrapping label in a row would
		// ask for the whole screen's height.
		text := widget.NewLabelWithStyle(q.Text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text.Truncation = fyne.TextTruncateEllipsis
		row := container.NewBorder(nil, nil, nil, answerButtons(q, func(value string) {
			p.w.answer(q, value)
			p.w.analysis.Now() // the room sees the threats change at once
			p.show()
		}), text)
		asks.Add(container.NewGridWrap(fyne.NewSize(questionW, row.MinSize().Height), row))
		if len(asks.Objects) == 3 {
			break
		}
	}
	row := container.NewBorder(nil, nil, who, nil, container.NewHBox(cards, layout.NewSpacer(), asks))
	return container.NewStack(bg, container.NewPadded(row))
}

// A threat card's width and the size of its text, and the width of a
// question with its answers, in pixels.
const (
	cardW, cardText = 300, 17
	questionW       = 620
)

// threatCard is one open threat as the room reads it: its severity as the
// card's colour, its code and title in large type.
func threatCard(t *model.Threat, pal *palette) fyne.CanvasObject {
	fill := pal.severity[t.Severity()]
	head := canvas.NewText(t.Code()+" · "+t.Severity().String()+" · "+t.Confidence.String(), color.White)
	head.TextSize, head.TextStyle = 16, fyne.TextStyle{Bold: true}
	lines := container.NewVBox(head)
	for _, l := range wrapLabel(t.Title, cardW-24, cardText, 3) {
		text := canvas.NewText(l, color.White)
		text.TextSize = cardText
		lines.Add(text)
	}
	card := container.NewStack(canvas.NewRectangle(fill), container.NewPadded(lines))
	return container.NewGridWrap(fyne.NewSize(cardW, 120), card)
}

// openThreatsOn lists an element's open threats, with those analysed
// inside it (its child diagrams, or the interface flow that stands for
// it), worst first.
func openThreatsOn(m *model.Model, id string) []*model.Threat {
	on := insideOf(m, id)
	var out []*model.Threat
	for _, t := range m.ThreatList() {
		if on[t.ElementID] && m.IsOpen(t) {
			out = append(out, t)
		}
	}
	stride.SortThreats(out)
	return out
}

// insideOf is the elements with what is analysed inside them: for a
// process, every element of its child diagrams, level after level; for a
// flow, the interface flows that stand for it. The interface flows are
// paired once, however many elements are asked about.
func insideOf(m *model.Model, ids ...string) map[string]bool {
	on := map[string]bool{}
	ifaces := m.InterfaceSets()
	seen := map[string]bool{}
	var walk func(processID string)
	walk = func(processID string) {
		d := m.ChildOf(processID)
		if d == nil || seen[d.ID] {
			return
		}
		seen[d.ID] = true
		for _, e := range m.ElementsIn(d.ID) {
			on[e.ID] = true
			walk(e.ID)
		}
	}
	var stubs func(flowID string) // the interface flows standing for a flow, level after level
	stubs = func(flowID string) {
		for _, next := range ifaces[flowID] {
			if !on[next.ID] {
				on[next.ID] = true
				stubs(next.ID)
			}
		}
	}
	for _, id := range ids {
		on[id] = true
		stubs(id)
		walk(id)
	}
	return on
}

// key handles a key while presenting; it reports whether it did.
func (p *presentation) key(name fyne.KeyName) bool {
	switch name {
	case fyne.KeyRight, fyne.KeyDown, fyne.KeyTab, fyne.KeySpace, fyne.KeyPageDown:
		p.move(1)
	case fyne.KeyLeft, fyne.KeyUp, fyne.KeyPageUp, fyne.KeyBackspace:
		p.move(-1)
	case fyne.KeyEscape:
		p.leave()
	default:
		return false
	}
	return true
}

// rune handles a typed letter while presenting: the review keys, and 1,
// 2 and 3 to answer the first open question on the element in focus with
// yes, no or don't know.
func (p *presentation) rune(r rune) bool {
	if answer, ok := map[rune]string{'1': "true", '2': "false", '3': dontKnow}[r]; ok {
		p.answerFirst(answer)
		return true
	}
	states := map[rune]model.ReviewState{'d': model.Discussed, 'D': model.Discussed, 'u': model.FollowUp,
		'U': model.FollowUp, 'n': model.NotDiscussed, 'N': model.NotDiscussed}
	state, ok := states[r]
	if !ok {
		return false
	}
	if e := p.focus(); e != nil {
		// The room moves on once it has said where an element stands.
		p.w.review(e.ID, state)
		p.move(1)
	}
	return true
}

// walkOrder lists a diagram's elements and flows in the order a facilitator
// walks them: from each entry point (an external entity, or a node nothing
// flows into), left to right, along its flows, each flow followed by the
// element it reaches; what no flow reaches comes last.
func walkOrder(m *model.Model, diagramID string) []string {
	var nodes []*model.Element
	out := map[string][]*model.Element{} // node → flows leaving it
	reached := map[string]bool{}
	for _, e := range m.ElementsIn(diagramID) {
		switch {
		case e.Kind.IsNode():
			nodes = append(nodes, e)
		case e.Kind == model.DataFlow:
			out[e.Source] = append(out[e.Source], e)
			reached[e.Target] = true
		}
	}
	byPlace := func(es []*model.Element, at func(*model.Element) model.Point) {
		sort.SliceStable(es, func(i, j int) bool {
			a, b := at(es[i]), at(es[j]) // as a room reads: left to right, then down
			if a.X != b.X {
				return a.X < b.X
			}
			return a.Y < b.Y
		})
	}
	centre := func(e *model.Element) model.Point { return e.Centre() }
	byPlace(nodes, centre)
	for _, fs := range out {
		byPlace(fs, func(f *model.Element) model.Point {
			if t := m.Elements[f.Target]; t != nil {
				return t.Centre()
			}
			return model.Point{}
		})
	}
	var order []string
	seen := map[string]bool{}
	visit := func(start *model.Element) {
		queue := []*model.Element{start}
		seen[start.ID] = true
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			order = append(order, n.ID)
			for _, f := range out[n.ID] {
				if seen[f.ID] {
					continue
				}
				seen[f.ID] = true
				order = append(order, f.ID)
				if t := m.Elements[f.Target]; t != nil && t.Diagram == diagramID && !seen[t.ID] {
					seen[t.ID] = true
					queue = append(queue, t)
				}
			}
		}
	}
	for _, n := range nodes { // entry points first
		if !seen[n.ID] && (n.Kind == model.ExternalEntity || !reached[n.ID]) {
			visit(n)
		}
	}
	for _, n := range nodes {
		if !seen[n.ID] {
			visit(n)
		}
	}
	for _, e := range m.ElementsIn(diagramID) { // flows whose source is not drawn here
		if e.Kind == model.DataFlow && !seen[e.ID] {
			seen[e.ID] = true
			order = append(order, e.ID)
		}
	}
	return order
}

// answerFirst answers the first yes-or-no question asked about the element
// in focus, and shows what it changed.
func (p *presentation) answerFirst(value string) {
	e := p.focus()
	if e == nil {
		return
	}
	for _, q := range stride.Questions(p.w.ed.Model) {
		if q.ElementID == e.ID && q.Property.Type == model.Bool {
			p.w.answer(q, value)
			p.w.analysis.Now()
			p.show()
			return
		}
	}
}

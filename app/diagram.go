package app

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// Tool is what a click or drag on the canvas does.
type Tool int

// The palette's tools.
const (
	ToolSelect Tool = iota
	ToolProcess
	ToolEntity
	ToolStore
	ToolBoundary
	ToolFlow
)

// placeKind is the element kind a placing tool creates.
func (t Tool) placeKind() (model.Kind, bool) {
	switch t {
	case ToolProcess:
		return model.Process, true
	case ToolEntity:
		return model.ExternalEntity, true
	case ToolStore:
		return model.DataStore, true
	case ToolBoundary:
		return model.TrustBoundary, true
	}
	return 0, false
}

type gestureKind int

const (
	noGesture gestureKind = iota
	moving
	connecting
	rubberBand
	resizing
	bending
	movingStub
	drawing // a placing tool dragged out a rectangle
)

// gesture is a drag in progress. While it lasts the model shows a preview
// (the dragged elements replaced by moved copies); its end restores the
// originals and commits one edit, so undo sees one step.
type gesture struct {
	kind      gestureKind
	hit       editor.Hit
	start     model.Point
	cur       model.Point
	originals map[string]*model.Element
}

// diagramView is the canvas: one widget that draws the diagram on screen,
// hit-tests the model, and turns gestures into editor actions.
type diagramView struct {
	widget.BaseWidget
	ed    *editor.Editor
	tool  Tool
	zoom  float32
	pan   fyne.Position           // where the diagram's origin is, in pixels
	marks map[string]render.Badge // open threats and problems per element

	press     editor.Hit
	pressAt   model.Point
	pressMods fyne.KeyModifier
	pressed   bool // MouseDown recorded the press of the current drag
	gesture   gesture
	flowFrom  string   // the flow tool's first click
	picked    []string // elements clicked into the selection, in order
	autoFit   bool     // keep the diagram fitted to the view until the user zooms or pans
	// present is the presentation shown on the canvas, or nil; emphasis
	// scales type and strokes for it (1 in the editor).
	present  *presentation
	emphasis float32
	// showReview tints elements and flows by their review state.
	showReview bool
	// pulsing is the element a picked threat points at, ringed for a
	// moment so the room sees where it is.
	pulsing string
	hover   editor.Hit
	pointer model.Point

	onError  func(error)
	onView   func() // the zoom or pan changed
	onRename func(id string)
	onTool   func(Tool)
	onMenu   func(hit editor.Hit, at fyne.Position)
	// onPresent enters presentation mode (F5).
	onPresent func()
}

var (
	_ fyne.Widget            = (*diagramView)(nil)
	_ fyne.Tappable          = (*diagramView)(nil)
	_ fyne.DoubleTappable    = (*diagramView)(nil)
	_ fyne.SecondaryTappable = (*diagramView)(nil)
	_ fyne.Draggable         = (*diagramView)(nil)
	_ fyne.Scrollable        = (*diagramView)(nil)
	_ fyne.Focusable         = (*diagramView)(nil)
	_ desktop.Mouseable      = (*diagramView)(nil)
	_ desktop.Hoverable      = (*diagramView)(nil)
	_ desktop.Cursorable     = (*diagramView)(nil)
)

func newDiagramView(ed *editor.Editor) *diagramView {
	v := &diagramView{ed: ed, zoom: 1, pan: fyne.NewPos(20, 20), marks: map[string]render.Badge{}, autoFit: true}
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer makes the renderer that draws the diagram.
func (v *diagramView) CreateRenderer() fyne.WidgetRenderer {
	r := &diagramRenderer{v: v, shapes: map[string]*slots{}, bg: &canvas.Rectangle{}}
	r.Refresh()
	return r
}

// Resize keeps the diagram fitted while the user has not zoomed or panned.
func (v *diagramView) Resize(s fyne.Size) {
	v.BaseWidget.Resize(s)
	if v.autoFit {
		v.FitToContent()
	}
}

// Cursor shows what a press would do where the pointer is.
func (v *diagramView) Cursor() desktop.Cursor {
	if _, placing := v.tool.placeKind(); placing || v.tool == ToolFlow {
		return desktop.CrosshairCursor
	}
	switch v.hover.Part {
	case editor.Edge:
		return desktop.CrosshairCursor
	case editor.Corner:
		return desktop.HResizeCursor
	case editor.Body, editor.BendPoint, editor.StubEnd:
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

func (v *diagramView) toModel(p fyne.Position) model.Point {
	return model.Point{X: float64((p.X - v.pan.X) / v.zoom), Y: float64((p.Y - v.pan.Y) / v.zoom)}
}

func (v *diagramView) toScreen(p model.Point) fyne.Position {
	return fyne.NewPos(float32(p.X)*v.zoom+v.pan.X, float32(p.Y)*v.zoom+v.pan.Y)
}

// tolerance is how near a line counts as on it: 6 pixels at any zoom.
func (v *diagramView) tolerance() float64 { return float64(6 / v.zoom) }

func (v *diagramView) hitAt(p fyne.Position) editor.Hit {
	return v.ed.HitTest(v.toModel(p), v.tolerance())
}

func (v *diagramView) fail(err error) {
	if err != nil && v.onError != nil {
		v.onError(err)
	}
}

// SetTool changes the tool and forgets a half-made flow.
func (v *diagramView) SetTool(t Tool) {
	v.tool, v.flowFrom = t, ""
	if v.onTool != nil {
		v.onTool(t)
	}
	v.Refresh()
}

// MouseDown remembers where a press starts; Dragged and Tapped decide what
// it does.
func (v *diagramView) MouseDown(ev *desktop.MouseEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
	v.pressAt = v.toModel(ev.Position)
	v.press = v.ed.HitTest(v.pressAt, v.tolerance())
	v.pressMods = ev.Modifier
	v.pressed = true
	v.autoFit = false // the diagram stays put under the user's hand from now on
}

// MouseUp is handled by Tapped and DragEnd.
func (v *diagramView) MouseUp(*desktop.MouseEvent) {}

// MouseIn starts hover tracking.
func (v *diagramView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

// MouseMoved tracks what is under the pointer, for the cursor.
func (v *diagramView) MouseMoved(ev *desktop.MouseEvent) {
	v.pointer = v.toModel(ev.Position)
	h := v.ed.HitTest(v.pointer, v.tolerance())
	redraw := h != v.hover || v.flowFrom != ""
	v.hover = h
	if redraw {
		v.Refresh()
	}
}

// MouseOut stops hover tracking.
func (v *diagramView) MouseOut() {
	if v.hover != (editor.Hit{}) {
		v.hover = editor.Hit{}
		v.Refresh()
	}
}

// Tapped selects, places, or picks a flow's ends.
func (v *diagramView) Tapped(ev *fyne.PointEvent) {
	v.pressed = false
	p := v.toModel(ev.Position)
	h := v.ed.HitTest(p, v.tolerance())
	multi := v.pressMods&(fyne.KeyModifierShift|fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0
	if k, ok := v.tool.placeKind(); ok && !v.onElement(h) {
		// The tool stays: a facilitator places several in a row, naming
		// each with Enter; Escape goes back to selecting.
		_, err := v.ed.Place(k, p)
		v.fail(err)
		return
	}
	if v.tool == ToolFlow {
		v.tapFlowTool(h)
		return
	}
	if !multi && h.ID != "" {
		v.picked = v.picked[:0]
	}
	if h.ID != "" {
		v.picked = append(v.picked, h.ID)
	}
	switch {
	case h.ID == "" && !multi:
		v.ed.Select()
	case h.ID == "":
	case multi:
		v.ed.Toggle(h.ID)
	default:
		v.ed.Select(h.ID)
	}
}

// tapFlowTool connects the node clicked first to the node clicked second.
func (v *diagramView) tapFlowTool(h editor.Hit) {
	e := v.ed.Model.Elements[h.ID]
	switch {
	case e == nil || !e.Kind.IsNode():
		v.flowFrom = ""
	case v.flowFrom == "":
		v.flowFrom = h.ID
	default:
		_, err := v.ed.Connect(v.flowFrom, h.ID)
		v.fail(err)
		v.flowFrom = "" // the tool stays, for the next flow
	}
	v.Refresh()
}

// DoubleTapped opens a process's child diagram, or renames other elements.
func (v *diagramView) DoubleTapped(ev *fyne.PointEvent) {
	h := v.hitAt(ev.Position)
	e := v.ed.Model.Elements[h.ID]
	switch {
	case e == nil:
	case e.Kind == model.Process:
		v.fail(v.ed.OpenChild(e.ID))
		v.FitToContent()
	case v.onRename != nil:
		v.ed.Select(e.ID)
		v.onRename(e.ID)
	}
}

// TappedSecondary opens the context menu of what is under the pointer.
func (v *diagramView) TappedSecondary(ev *fyne.PointEvent) {
	h := v.hitAt(ev.Position)
	if h.ID != "" && !v.ed.IsSelected(h.ID) {
		v.ed.Select(h.ID)
	}
	if v.onMenu != nil {
		v.onMenu(h, ev.AbsolutePosition)
	}
}

// Dragged starts a gesture on the first event and previews it on each.
func (v *diagramView) Dragged(ev *fyne.DragEvent) {
	p := v.toModel(ev.Position)
	if v.gesture.kind == noGesture {
		if !v.pressed { // no MouseDown came (touch, or a synthetic drag)
			v.pressAt = v.toModel(ev.Position.Subtract(ev.Dragged))
			v.press = v.ed.HitTest(v.pressAt, v.tolerance())
			v.pressMods = 0
		}
		v.startGesture()
	}
	v.gesture.cur = p
	v.preview()
	v.Refresh()
}

// startGesture decides what the drag that just began does, from the tool
// and what was under the press.
func (v *diagramView) startGesture() {
	g := gesture{hit: v.press, start: v.pressAt, cur: v.pressAt}
	node := false
	if e := v.ed.Model.Elements[v.press.ID]; e != nil {
		node = e.Kind.IsNode()
	}
	_, placing := v.tool.placeKind()
	switch {
	case placing && !v.onElement(v.press):
		g.kind = drawing
	case v.tool == ToolFlow && node:
		g.kind = connecting
	case v.tool == ToolFlow:
		g.kind = rubberBand
	case v.press.Part == editor.Edge:
		g.kind = connecting
	case v.press.Part == editor.Corner:
		g.kind = resizing
	case v.press.Part == editor.BendPoint:
		g.kind = bending
	case v.press.Part == editor.StubEnd:
		g.kind = movingStub
	case v.press.Part == editor.Body && v.ed.Model.Elements[v.press.ID].Kind == model.DataFlow:
		g.kind = bending
		g.hit.Index = v.looseEndNear(v.ed.Model.Elements[v.press.ID], v.pressAt)
		v.ed.Select(v.press.ID)
	case v.press.Part == editor.Body:
		g.kind = moving
		if !v.ed.IsSelected(v.press.ID) {
			if v.pressMods&fyne.KeyModifierShift != 0 {
				v.ed.Toggle(v.press.ID)
			} else {
				v.ed.Select(v.press.ID)
			}
		}
	default:
		g.kind = rubberBand
	}
	g.originals = map[string]*model.Element{}
	switch g.kind {
	case moving:
		for _, id := range v.ed.Movable() {
			g.originals[id] = v.ed.Model.Elements[id]
		}
	case resizing, bending, movingStub:
		g.originals[g.hit.ID] = v.ed.Model.Elements[g.hit.ID]
	}
	v.gesture = g
}

// preview shows the gesture's effect by putting moved copies of the
// dragged elements in the model; restore puts the originals back.
func (v *diagramView) preview() {
	g := &v.gesture
	dx, dy := g.cur.X-g.start.X, g.cur.Y-g.start.Y
	m := v.ed.Model
	switch g.kind {
	case moving:
		for id, orig := range g.originals {
			c := orig.Clone()
			c.X, c.Y = orig.X+dx, orig.Y+dy
			for i := range c.Points {
				c.Points[i].X += dx
				c.Points[i].Y += dy
			}
			m.Elements[id] = c
		}
	case resizing:
		orig := g.originals[g.hit.ID]
		c := orig.Clone()
		c.W, c.H = math.Max(40, orig.W+dx), math.Max(30, orig.H+dy)
		m.Elements[c.ID] = c
	case bending, movingStub:
		orig := g.originals[g.hit.ID]
		c := orig.Clone()
		if g.hit.Index >= 0 && g.hit.Index < len(c.Points) {
			c.Points[g.hit.Index] = g.cur
		} else {
			c.Points = insertBend(m, orig, g.cur)
		}
		m.Elements[c.ID] = c
	}
}

// insertBend returns a flow's points with p added on the nearest segment.
func insertBend(m *model.Model, f *model.Element, p model.Point) []model.Point {
	path := render.FlowPath(m, f)
	at := render.NearestSegment(p, path)
	if src := m.Elements[f.Source]; src == nil || src.Diagram != f.Diagram {
		at++
	}
	at = max(0, min(at, len(f.Points)))
	pts := append([]model.Point(nil), f.Points[:at]...)
	pts = append(pts, p)
	return append(pts, f.Points[at:]...)
}

func (v *diagramView) restore() {
	for id, orig := range v.gesture.originals {
		v.ed.Model.Elements[id] = orig
	}
}

// DragEnd commits the gesture as one edit.
func (v *diagramView) DragEnd() {
	g := v.gesture
	v.restore()
	v.gesture = gesture{}
	v.pressed = false
	dx, dy := g.cur.X-g.start.X, g.cur.Y-g.start.Y
	switch g.kind {
	case moving:
		v.fail(v.ed.MoveSelection(dx, dy))
	case resizing:
		orig := g.originals[g.hit.ID]
		v.fail(v.ed.Resize(g.hit.ID, model.Rect{X: orig.X, Y: orig.Y, W: orig.W + dx, H: orig.H + dy}))
	case bending, movingStub:
		v.finishBend(g)
	case connecting:
		target := v.ed.HitTest(g.cur, v.tolerance())
		if t := v.ed.Model.Elements[target.ID]; t != nil && t.Kind.IsNode() && target.ID != g.hit.ID {
			_, err := v.ed.Connect(g.hit.ID, target.ID)
			v.fail(err)
			if v.tool == ToolFlow {
				v.SetTool(ToolSelect)
			}
		}
	case rubberBand:
		ids := v.ed.InRect(rectBetween(g.start, g.cur))
		if v.pressMods&fyne.KeyModifierShift != 0 {
			ids = append(ids, v.ed.Selection()...)
		}
		v.ed.Select(ids...)
	case drawing:
		v.finishDrawing(g)
	}
	v.Refresh()
}

// finishBend commits a moved bend point, or connects a dragged stub end to
// the node it was dropped on.
func (v *diagramView) finishBend(g gesture) {
	m := v.ed.Model
	f := m.Elements[g.hit.ID]
	// A loose end dropped on a node connects to it: the node under the
	// pointer decides, not whether the small handle was hit, so the
	// drawing never shows an end resting on a node it is not joined to.
	if f != nil && (g.kind == movingStub || v.isLooseEnd(f, g.hit.Index)) {
		if n := v.nodeAt(g.cur); n != nil {
			v.fail(v.ed.ConnectStub(f.ID, n.ID))
			return
		}
	}
	v.fail(v.ed.Bend(g.hit.ID, g.hit.Index, g.cur))
}

// isLooseEnd reports whether the i-th point of a flow is an end the model
// does not connect.
func (v *diagramView) isLooseEnd(f *model.Element, i int) bool {
	m := v.ed.Model
	switch {
	case len(f.Points) == 0:
		return false
	case i == 0 && m.Elements[f.Source] == nil:
		return true
	case i == len(f.Points)-1 && m.Elements[f.Target] == nil:
		return true
	}
	return false
}

// looseEndNear is the index of a flow's loose end within reach of p, so a
// press near it grabs the end rather than bending the flow; -1 for none
// (a new bend where the flow was grabbed).
func (v *diagramView) looseEndNear(f *model.Element, p model.Point) int {
	reach := 3 * v.tolerance()
	for _, i := range []int{0, len(f.Points) - 1} {
		if v.isLooseEnd(f, i) && math.Hypot(f.Points[i].X-p.X, f.Points[i].Y-p.Y) <= reach {
			return i
		}
	}
	return -1
}

// nodeAt is the innermost process, entity or store of the diagram on
// screen under p, with the pointer's tolerance; nil for none.
func (v *diagramView) nodeAt(p model.Point) *model.Element {
	d := v.ed.Diagram()
	if d == nil {
		return nil
	}
	tol := v.tolerance()
	var best *model.Element
	for _, e := range v.ed.Model.ElementsIn(d.ID) {
		r := e.Bounds()
		grown := model.Rect{X: r.X - tol, Y: r.Y - tol, W: r.W + 2*tol, H: r.H + 2*tol}
		if e.Kind.IsNode() && grown.Contains(p) && (best == nil || r.W*r.H < best.W*best.H) {
			best = e
		}
	}
	return best
}

// finishDrawing places an element in the dragged rectangle.
func (v *diagramView) finishDrawing(g gesture) {
	k, _ := v.tool.placeKind()
	r := rectBetween(g.start, g.cur)
	id, err := v.ed.Place(k, model.Point{X: r.X + r.W/2, Y: r.Y + r.H/2})
	if err != nil {
		v.fail(err)
		return
	}
	if dw, dh := editor.DefaultSize(k); r.W > dw/2 && r.H > dh/2 {
		v.fail(v.ed.Resize(id, r))
	}
}

// onElement reports whether a placing tool's press is on an element it
// should act on rather than place over: a process, entity, store or flow
// (a boundary is drawn around elements, so its tool draws anywhere).
func (v *diagramView) onElement(h editor.Hit) bool {
	e := v.ed.Model.Elements[h.ID]
	return e != nil && e.Kind != model.TrustBoundary && v.tool != ToolBoundary
}

func rectBetween(a, b model.Point) model.Rect {
	return model.Rect{X: math.Min(a.X, b.X), Y: math.Min(a.Y, b.Y), W: math.Abs(b.X - a.X), H: math.Abs(b.Y - a.Y)}
}

// Scrolled pans, or zooms around the pointer with Ctrl held.
func (v *diagramView) Scrolled(ev *fyne.ScrollEvent) {
	mods := fyne.KeyModifier(0)
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		mods = d.CurrentKeyModifiers()
	}
	switch {
	case mods&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		factor := float32(math.Pow(1.0015, float64(ev.Scrolled.DY)))
		v.ZoomAround(v.zoom*factor, ev.Position)
	case mods&fyne.KeyModifierShift != 0:
		v.PanBy(ev.Scrolled.DY, 0)
	default:
		v.PanBy(ev.Scrolled.DX, ev.Scrolled.DY)
	}
}

package editor

import (
	"fmt"
	"math"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
)

// Grid is the snapping step, in diagram units.
const Grid = 10.0

// DefaultSize is the size of a newly placed element of each kind.
func DefaultSize(k model.Kind) (w, h float64) {
	switch k {
	case model.TrustBoundary:
		return 320, 220
	case model.DataStore:
		return 150, 60
	}
	return 150, 70
}

func snap(v float64) float64 { return math.Round(v/Grid) * Grid }

// Snapping is whether placed and moved elements snap to the grid.
func (ed *Editor) Snapping() bool { return !ed.noSnap }

// SetSnapping turns grid snapping on or off.
func (ed *Editor) SetSnapping(on bool) { ed.noSnap = !on }

func (ed *Editor) snapPoint(p model.Point) model.Point {
	if ed.noSnap {
		return p
	}
	return model.Point{X: snap(p.X), Y: snap(p.Y)}
}

// Place adds a new element of a kind centred at p in the diagram on
// screen, selects it and returns its ID.
func (ed *Editor) Place(k model.Kind, p model.Point) (string, error) {
	w, h := DefaultSize(k)
	at := ed.snapPoint(model.Point{X: p.X - w/2, Y: p.Y - h/2})
	e := &model.Element{ID: model.NewID(), Kind: k, Diagram: ed.diagram, Name: ed.freshName(k),
		X: at.X, Y: at.Y, W: w, H: h}
	if err := ed.Do(model.AddElement(e)); err != nil {
		return "", err
	}
	ed.Select(e.ID)
	return e.ID, nil
}

// freshName is "Process 3" when "Process 1" and "Process 2" are taken
// anywhere in the model: a name in a threat or the report names one
// element, whatever level it is drawn on.
func (ed *Editor) freshName(k model.Kind) string {
	base := map[model.Kind]string{model.Process: "Process", model.ExternalEntity: "External entity",
		model.DataStore: "Data store", model.TrustBoundary: "Trust boundary", model.DataFlow: "Flow"}[k]
	used := map[string]bool{}
	for _, e := range ed.Model.Elements {
		used[e.Name] = true
	}
	for n := 1; ; n++ {
		name := fmt.Sprintf("%s %d", base, n)
		if !used[name] {
			return name
		}
	}
}

// Connect adds a flow from one node to another in the diagram on screen
// and selects it. Connecting an element to itself, or a flow or boundary,
// is refused.
func (ed *Editor) Connect(sourceID, targetID string) (string, error) {
	src, dst := ed.Model.Elements[sourceID], ed.Model.Elements[targetID]
	if src == nil || dst == nil || !src.Kind.IsNode() || !dst.Kind.IsNode() {
		return "", fmt.Errorf("a data flow connects processes, external entities and data stores")
	}
	if sourceID == targetID {
		return "", fmt.Errorf("a data flow needs two different ends")
	}
	f := &model.Element{ID: model.NewID(), Kind: model.DataFlow, Diagram: ed.diagram,
		Name: ed.freshName(model.DataFlow), Source: sourceID, Target: targetID}
	// A second flow between the same two ends gets a bend so both show.
	for _, other := range ed.Model.ElementsIn(ed.diagram) {
		if other.Kind == model.DataFlow && len(other.Points) == 0 &&
			((other.Source == sourceID && other.Target == targetID) || (other.Source == targetID && other.Target == sourceID)) {
			f.Points = []model.Point{offsetMidpoint(src.Centre(), dst.Centre(), 40)}
			break
		}
	}
	if err := ed.Do(model.AddFlow(ed.Model, f, model.NewID)); err != nil {
		return "", err
	}
	ed.Select(f.ID)
	return f.ID, nil
}

// ConnectStub attaches the loose inside end of an interface flow to a node
// of the diagram on screen.
func (ed *Editor) ConnectStub(flowID, nodeID string) error {
	f, n := ed.Model.Elements[flowID], ed.Model.Elements[nodeID]
	if f == nil || n == nil || f.Kind != model.DataFlow || !n.Kind.IsNode() || n.Diagram != f.Diagram {
		return fmt.Errorf("connect an interface flow to a process, entity or store of this diagram")
	}
	src, dst := f.Source, f.Target
	after := f.Clone()
	switch {
	case dst == "" || ed.Model.Elements[dst] == nil:
		dst = nodeID
		after.Points = after.Points[:min(1, len(after.Points))]
	case src == "" || ed.Model.Elements[src] == nil:
		src = nodeID
		after.Points = after.Points[max(0, len(after.Points)-1):]
	default:
		return fmt.Errorf("flow %s is connected at both ends", f.Label())
	}
	after.Source, after.Target = src, dst
	return ed.Do(model.UpdateElement(ed.Model, after, fmt.Sprintf("connected %s to %s", f.Label(), n.Label())))
}

func offsetMidpoint(a, b model.Point, by float64) model.Point {
	mx, my := (a.X+b.X)/2, (a.Y+b.Y)/2
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return model.Point{X: mx, Y: my + by}
	}
	return model.Point{X: mx - dy/l*by, Y: my + dx/l*by}
}

// Movable returns what moves when the selection is dragged: the selected
// nodes and boundaries, the bend points of selected flows, and the bend
// points of flows whose two ends both move (so they keep their shape).
func (ed *Editor) Movable() []string {
	moving := map[string]bool{}
	for id := range ed.selected {
		moving[id] = true
	}
	for _, e := range ed.Model.ElementsIn(ed.diagram) {
		if e.Kind == model.DataFlow && len(e.Points) > 0 && moving[e.Source] && moving[e.Target] {
			moving[e.ID] = true
		}
	}
	out := make([]string, 0, len(moving))
	for id := range moving {
		out = append(out, id)
	}
	return out
}

// MoveSelection moves the selection by (dx, dy) as one step, snapping the
// first selected node's corner to the grid so the group stays aligned.
func (ed *Editor) MoveSelection(dx, dy float64) error {
	ids := ed.Movable()
	if len(ids) == 0 || (dx == 0 && dy == 0) {
		return nil
	}
	if !ed.noSnap {
		for _, id := range ed.Selection() {
			if e := ed.Model.Elements[id]; e != nil && e.Kind != model.DataFlow {
				dx, dy = snap(e.X+dx)-e.X, snap(e.Y+dy)-e.Y
				break
			}
		}
	}
	return ed.Do(model.MoveElements(ed.Model, ids, dx, dy))
}

// Nudge moves the selection by a grid step; a run of nudges is one undo step.
func (ed *Editor) Nudge(dx, dy float64) error {
	ids := ed.Movable()
	if len(ids) == 0 {
		return nil
	}
	return ed.Do(model.Mergeable(model.MoveElements(ed.Model, ids, dx*Grid, dy*Grid), "nudge:"+strings.Join(ed.Selection(), ",")))
}

// Resize gives an element a new rectangle (dragging a boundary's corner).
func (ed *Editor) Resize(id string, r model.Rect) error {
	if r.W < 40 || r.H < 30 {
		r.W, r.H = math.Max(r.W, 40), math.Max(r.H, 30)
	}
	if !ed.noSnap {
		r = model.Rect{X: snap(r.X), Y: snap(r.Y), W: snap(r.W), H: snap(r.H)}
	}
	return ed.Do(model.SetBounds(ed.Model, id, r))
}

// Bend moves bend point i of a flow to p, or adds a bend at p when i is
// -1 (on the segment nearest p).
func (ed *Editor) Bend(flowID string, i int, p model.Point) error {
	f := ed.Model.Elements[flowID]
	if f == nil || f.Kind != model.DataFlow {
		return nil
	}
	p = ed.snapPoint(p)
	pts := append([]model.Point(nil), f.Points...)
	if i >= 0 && i < len(pts) {
		pts[i] = p
	} else {
		path := render.FlowPath(ed.Model, f)
		seg := render.NearestSegment(p, path)
		// Segment seg runs between path[seg] and path[seg+1]; bend points
		// sit in the path after the clipped source end, if it is drawn.
		at := seg
		if src := ed.Model.Elements[f.Source]; src == nil || src.Diagram != f.Diagram {
			at = seg + 1
		}
		at = max(0, min(at, len(pts)))
		pts = append(pts[:at], append([]model.Point{p}, pts[at:]...)...)
	}
	return ed.Do(model.SetPoints(ed.Model, flowID, pts))
}

// Straighten removes a flow's bend points.
func (ed *Editor) Straighten(flowID string) error {
	f := ed.Model.Elements[flowID]
	if f == nil || len(f.Points) == 0 {
		return nil
	}
	var keep []model.Point
	if src := ed.Model.Elements[f.Source]; src == nil || src.Diagram != f.Diagram {
		keep = append(keep, f.Points[0]) // the anchor of an interface end stays
	}
	if dst := ed.Model.Elements[f.Target]; (dst == nil || dst.Diagram != f.Diagram) && len(f.Points) > len(keep) {
		keep = append(keep, f.Points[len(f.Points)-1])
	}
	return ed.Do(model.SetPoints(ed.Model, flowID, keep))
}

// Rename renames an element. Successive renames of one element are one
// undo step until the history is sealed.
func (ed *Editor) Rename(id, name string) error {
	name = strings.TrimSpace(name)
	if e := ed.Model.Elements[id]; e == nil || e.Name == name {
		return nil
	}
	return ed.Do(model.Rename(ed.Model, id, name))
}

// SetProp sets or clears one property of an element.
func (ed *Editor) SetProp(id, key, value string) error {
	if e := ed.Model.Elements[id]; e == nil || e.Prop(key) == value {
		return nil
	}
	return ed.Do(model.SetProp(ed.Model, id, key, value))
}

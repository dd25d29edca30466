package otm

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage/internal/place"
)

// Default size of a component drawn without one.
const (
	defaultW = 120
	defaultH = 60
)

// geometry draws each diagram where the file draws it. A diagram the file
// does not draw, or draws with components outside their trust zones (which
// in Rampart would put them in other zones), is laid out anew with each
// zone around what it holds, and listed as unplaced.
func (r *reader) geometry() (unplaced []string) {
	byDiagram := map[string][]string{}
	for _, id := range r.order {
		if e := r.m.Elements[id]; !e.IsLine() {
			byDiagram[e.Diagram] = append(byDiagram[e.Diagram], id)
		}
	}
	ids := make([]string, 0, len(r.m.Diagrams))
	for id := range r.m.Diagrams {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, d := range ids {
		members := byDiagram[d]
		drawn, ok, missing := r.place(members)
		if ok {
			continue
		}
		parent := map[string]string{}
		for _, id := range members {
			if up := r.up[id]; up != "" && !r.upIsComponent[id] {
				parent[id] = up
			}
		}
		place.Pack(r.m, d, parent)
		unplaced = append(unplaced, d)
		name := r.m.Diagrams[d].Name
		switch {
		case missing != "":
			r.note("diagram %q: the file does not say where %s is drawn, or how large; the diagram was laid out again", name, missing)
		case drawn:
			r.note("diagram %q: the file's positions put components outside their trust zones; it was laid out again", name)
		case len(members) > 0:
			r.note("diagram %q: the file gives no positions; it was laid out", name)
		}
	}
	return unplaced
}

// shapeOf is where an element is drawn: its first shape with a position,
// one in a diagram representation first.
func (r *reader) shapeOf(id string) *shape {
	var shapes []shape
	if z := r.zones[id]; z != nil {
		shapes = z.Representations
	} else {
		shapes = r.comps[id].Representations
	}
	var any *shape
	for i := range shapes {
		s := &shapes[i]
		if s.Position == nil {
			continue
		}
		for _, rep := range r.doc.Representations {
			if rep.ID == s.Representation && strings.EqualFold(string(rep.Type), "diagram") {
				return s
			}
		}
		if any == nil {
			any = s
		}
	}
	return any
}

// place draws a diagram's zones and components from the file, and says
// whether the file drew any of them and whether that drawing is kept.
// Positions may be the diagram's or, as StartLeft writes them, relative
// to the zone that holds the element: the reading under which every
// element lies in exactly the zones that hold it is taken, relative first.
// A file Rampart wrote is taken as it is. missing names the first zone or
// component the file draws the others but not.
func (r *reader) place(ids []string) (drawn, ok bool, missing string) {
	if len(ids) == 0 {
		return false, true, ""
	}
	pos := map[string]model.Rect{}
	for _, id := range ids {
		s := r.shapeOf(id)
		if s == nil {
			missing = fmt.Sprintf("%s %q", r.what(id), r.name(id))
			continue
		}
		rect := model.Rect{X: finite(s.Position.X), Y: finite(s.Position.Y), W: defaultW, H: defaultH}
		if s.Size != nil && finite(s.Size.Width) > 0 && finite(s.Size.Height) > 0 {
			rect.W, rect.H = finite(s.Size.Width), finite(s.Size.Height)
		} else if r.zones[id] != nil && missing == "" {
			missing = fmt.Sprintf("%s %q", r.what(id), r.name(id)) // a zone must say how far it reaches
		}
		pos[id] = rect
	}
	if len(pos) == 0 {
		return false, false, ""
	}
	if missing != "" {
		return true, false, missing
	}
	relative := map[string]model.Rect{}
	var rel func(id string) model.Rect
	rel = func(id string) model.Rect {
		if v, ok := relative[id]; ok {
			return v
		}
		v := pos[id]
		if up := r.zoneOf(id); up != "" {
			p := rel(up)
			v.X, v.Y = v.X+p.X, v.Y+p.Y
		}
		relative[id] = v
		return v
	}
	for _, id := range ids {
		rel(id)
	}
	choice := relative
	if !r.own && !r.consistent(ids, relative) {
		if !r.consistent(ids, pos) {
			return true, false, ""
		}
		choice = pos
	}
	for _, id := range ids {
		e := r.m.Elements[id]
		c := model.ClampRect(choice[id])
		e.X, e.Y, e.W, e.H = c.X, c.Y, c.W, c.H
	}
	return true, true, ""
}

// zoneOf is the zone that holds an element in its own diagram, or "".
func (r *reader) zoneOf(id string) string {
	if up := r.up[id]; up != "" && !r.upIsComponent[id] {
		return up
	}
	return ""
}

// consistent reports whether, drawn at rects, each element lies in
// exactly the zones of its diagram that hold it in the file.
func (r *reader) consistent(ids []string, rects map[string]model.Rect) bool {
	var zones []string
	for _, id := range ids {
		if r.zones[id] != nil {
			zones = append(zones, id)
		}
	}
	for _, id := range ids {
		want := map[string]bool{}
		for at := r.zoneOf(id); at != ""; at = r.zoneOf(at) {
			want[at] = true
		}
		e := rects[id]
		for _, z := range zones {
			if z == id {
				continue
			}
			b := rects[z]
			var in bool
			if r.zones[id] != nil {
				in = b.Encloses(e) && b.Area() > e.Area()
			} else {
				in = b.Contains(model.Point{X: e.X + e.W/2, Y: e.Y + e.H/2})
			}
			if in != want[z] {
				return false
			}
		}
	}
	return true
}

// separate bends the second and later flows between the same two nodes of
// a diagram the file draws, alternately to either side, so that each one
// shows: OTM does not draw flows, and a request often has its response.
func (r *reader) separate(unplaced []string) {
	seen := map[[3]string]int{}
	for _, f := range r.m.ElementList() {
		if f.Kind != model.DataFlow || len(f.Points) > 0 || slices.Contains(unplaced, f.Diagram) {
			continue
		}
		s, t := r.m.Elements[f.Source], r.m.Elements[f.Target]
		if s == nil || t == nil || s == t || s.Diagram != f.Diagram || t.Diagram != f.Diagram {
			continue
		}
		if s.ID > t.ID {
			s, t = t, s // one side for both directions
		}
		key := [3]string{f.Diagram, s.ID, t.ID}
		n := seen[key]
		seen[key]++
		a, b := s.Centre(), t.Centre()
		length := math.Hypot(b.X-a.X, b.Y-a.Y)
		if n == 0 || length == 0 {
			continue
		}
		off := 30 * float64((n+1)/2)
		if n%2 == 0 {
			off = -off
		}
		f.Points = []model.Point{{X: (a.X+b.X)/2 - (b.Y-a.Y)/length*off, Y: (a.Y+b.Y)/2 + (b.X-a.X)/length*off}}
	}
}

package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The bounds of a model: how far from the origin a diagram reaches, how
// large a shape and how long a text may be. Far above anything drawn or
// written by hand, low enough that a forged or broken file cannot make a
// drawing overflow to infinity or a report take gigabytes. Importers and
// the file reader cut what is beyond them (with a note, see Bound); edits
// keep geometry inside them and refuse longer texts (see CheckText).
const (
	MaxCoord = 1e6 // no coordinate lies further than this from 0
	MaxSize  = 1e5 // no node or region is wider or taller

	MaxNameLen  = 500                // characters of a name, an author, a version, a reference
	MaxTitleLen = 2*MaxNameLen + 500 // characters of a threat's title, which may quote two names
	MaxKeyLen   = 100                // characters of a property's key
	MaxValueLen = 4096               // characters of a property's value
	MaxTextLen  = 64 << 10           // characters of a description, note, justification or fact
	maxNotes    = 50                 // notes Bound writes before it only counts
	cutMark     = "…"                // ends a text that was cut
	cutMarkLen  = 1                  // characters of cutMark
)

// Default size of a node whose size is not a number.
const (
	defaultW = 120
	defaultH = 60
)

// ErrTooLong is returned by edits given a text longer than its bound.
var ErrTooLong = errors.New("text too long")

// CheckText refuses a text longer than max characters; what names it in
// the message ("the name of Orders API").
func CheckText(what, s string, max int) error {
	if len(s) <= max {
		return nil // fewer bytes than max means fewer characters
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("%s: %w: %d characters, at most %d", what, ErrTooLong, n, max)
	}
	return nil
}

// tooLong reports whether a text has more than max characters.
func tooLong(s string, max int) bool { return len(s) > max && utf8.RuneCountInString(s) > max }

// Cut shortens a text to at most max characters, ending it with … when
// it was cut, and reports whether it did.
func Cut(s string, max int) (string, bool) {
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s, false
	}
	n := 0
	for i := range s {
		if n == max-cutMarkLen {
			return s[:i] + cutMark, true
		}
		n++
	}
	return s, false
}

// ClampCoord brings a coordinate inside ±MaxCoord; not-a-number becomes 0.
func ClampCoord(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-MaxCoord, math.Min(MaxCoord, v))
}

// ClampPoint brings a point inside the canvas.
func ClampPoint(p Point) Point { return Point{ClampCoord(p.X), ClampCoord(p.Y)} }

// ClampRect brings a rectangle inside the canvas: its size between 0 and
// MaxSize (a size that is not a number becomes the default size), then its
// corner so that the whole rectangle lies within ±MaxCoord.
func ClampRect(r Rect) Rect {
	size := func(v, def float64) float64 {
		if math.IsNaN(v) || v < 0 {
			return def
		}
		return math.Min(v, MaxSize)
	}
	r.W, r.H = size(r.W, defaultW), size(r.H, defaultH)
	r.X = math.Min(ClampCoord(r.X), MaxCoord-r.W)
	r.Y = math.Min(ClampCoord(r.Y), MaxCoord-r.H)
	return r
}

// clampGeometry brings an element's rectangle and points inside the
// canvas. It reports whether the rectangle changed, and how many points
// moved. Flows and line boundaries have no size; what they have is brought
// to zero or within bounds.
func clampGeometry(e *Element) (rect bool, points int) {
	r := e.Bounds()
	var c Rect
	if e.Kind == DataFlow || e.IsLine() {
		c = ClampRect(Rect{X: r.X, Y: r.Y, W: zeroIfNaN(r.W), H: zeroIfNaN(r.H)})
	} else {
		c = ClampRect(r)
	}
	if c != r { // NaN never equals itself, and c holds none
		e.X, e.Y, e.W, e.H = c.X, c.Y, c.W, c.H
		rect = true
	}
	for i, p := range e.Points {
		if q := ClampPoint(p); q != p {
			e.Points[i] = q
			points++
		}
	}
	return rect, points
}

// outside reports whether clampGeometry would change an element.
func outside(e *Element) bool {
	probe := *e
	probe.Points = nil
	if r, _ := clampGeometry(&probe); r {
		return true
	}
	for _, p := range e.Points {
		if ClampPoint(p) != p {
			return true
		}
	}
	return false
}

func zeroIfNaN(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return v
}

// Bound brings a model read from a file or another tool within the bounds
// above: coordinates and sizes that are too large or not numbers are
// clamped, texts too long are cut. It returns one note per thing it
// changed, naming it, for the reader to show; nothing is changed in a
// model already within bounds.
func Bound(m *Model) []string {
	b := &bounder{}
	b.info(&m.Info)
	for _, id := range sortedKeys(m.Diagrams) {
		d := m.Diagrams[id]
		b.subject("diagram", d.Name, d.ID)
		b.name("name", &d.Name, MaxNameLen)
		b.flush()
	}
	for _, id := range sortedKeys(m.Elements) {
		b.element(m.Elements[id])
	}
	for _, id := range sortedKeys(m.Assets) {
		a := m.Assets[id]
		b.subject("data asset", a.Name, a.ID)
		b.name("name", &a.Name, MaxNameLen)
		b.name("description", &a.Description, MaxTextLen)
		b.flush()
	}
	for _, id := range sortedKeys(m.Threats) {
		b.threat(m.Threats[id])
	}
	for _, k := range sortedKeys(m.Suppressions) {
		s := m.Suppressions[k]
		b.subject("suppression of rule", s.RuleID, s.ElementID)
		b.name("justification", &s.Justification, MaxTextLen)
		b.flush()
	}
	for _, id := range sortedKeys(m.Trees) {
		t := m.Trees[id]
		b.subject("attack tree", t.Name, t.ID)
		b.name("name", &t.Name, MaxNameLen)
		for _, nid := range sortedKeys(t.Nodes) {
			n := t.Nodes[nid]
			if tooLong(n.Label, MaxNameLen) || tooLong(n.Defense, MaxTextLen) {
				node := strconv.Quote(short(n.Label))
				b.name("the defense of node "+node, &n.Defense, MaxTextLen)
				b.name("the label of node "+node, &n.Label, MaxNameLen)
			}
		}
		b.flush()
	}
	return b.notes()
}

// bounder collects what Bound changed, one note per subject.
type bounder struct {
	what, label, id string
	changes         []string
	out             []string
	more            int // notes beyond maxNotes, only counted
}

func (b *bounder) subject(what, label, id string) {
	b.what, b.label, b.id = what, label, id
}

func (b *bounder) add(change string) { b.changes = append(b.changes, change) }

// name cuts one text of the current subject.
func (b *bounder) name(field string, s *string, max int) {
	n := utf8.RuneCountInString(*s)
	if cut, ok := Cut(*s, max); ok {
		*s = cut
		b.add(fmt.Sprintf("%s cut from %d to %d characters", field, n, max))
	}
}

// list cuts the texts of a list, in a copy when one is too long (lists
// such as a threat's references may be shared).
func (b *bounder) list(field string, ss []string, max int) []string {
	copied := false
	for i, s := range ss {
		if _, long := Cut(s, max); long {
			if !copied {
				ss, copied = slices.Clone(ss), true
			}
			b.name(fmt.Sprintf("%s %d", field, i+1), &ss[i], max)
		}
	}
	return ss
}

func (b *bounder) flush() {
	if len(b.changes) > 0 {
		if len(b.out) < maxNotes {
			who := b.what
			if label := short(b.label); label != "" {
				who += " " + strconv.Quote(label)
			}
			if b.id != "" && b.id != b.label {
				who += " (" + short(b.id) + ")"
			}
			b.out = append(b.out, who+": "+strings.Join(b.changes, "; "))
		} else {
			b.more++
		}
	}
	b.changes = b.changes[:0]
}

func (b *bounder) notes() []string {
	if b.more > 0 {
		b.out = append(b.out, fmt.Sprintf("and %d more things were cut or moved within bounds in the same way", b.more))
	}
	return b.out
}

func (b *bounder) info(i *Info) {
	b.subject("the model", "", "")
	b.name("name", &i.Name, MaxNameLen)
	b.name("description", &i.Description, MaxTextLen)
	b.name("version", &i.Version, MaxNameLen)
	b.name("scope", &i.Scope, MaxTextLen)
	b.name("assumptions", &i.Assumptions, MaxTextLen)
	i.Authors = b.list("author", i.Authors, MaxNameLen)
	b.flush()
}

func (b *bounder) element(e *Element) {
	b.subject(e.Kind.Label(), e.Name, e.ID)
	var before, firstPoint string
	if outside(e) {
		// Words for the note, worked out only when something moves.
		before = fmt.Sprintf("(%s, %s) size %s×%s", num(e.X), num(e.Y), num(e.W), num(e.H))
		for _, p := range e.Points {
			if ClampPoint(p) != p {
				firstPoint = fmt.Sprintf("(%s, %s)", num(p.X), num(p.Y))
				break
			}
		}
	}
	rect, points := clampGeometry(e)
	if rect {
		b.add(fmt.Sprintf("position %s moved within ±%s to (%s, %s) size %s×%s", before, num(MaxCoord),
			num(e.X), num(e.Y), num(e.W), num(e.H)))
	}
	if points > 0 {
		b.add(fmt.Sprintf("%d of its %d points, the first at %s, moved within ±%s", points, len(e.Points), firstPoint, num(MaxCoord)))
	}
	b.name("name", &e.Name, MaxNameLen)
	b.name("description", &e.Description, MaxTextLen)
	b.name("out-of-scope reason", &e.OutOfScopeReason, MaxTextLen)
	for _, k := range sortedKeys(e.Props) {
		v := e.Props[k]
		if !tooLong(k, MaxKeyLen) && !tooLong(v, MaxValueLen) {
			continue
		}
		if cut, ok := Cut(k, MaxKeyLen); ok {
			delete(e.Props, k)
			b.add(fmt.Sprintf("property key %q cut from %d to %d characters", short(k), utf8.RuneCountInString(k), MaxKeyLen))
			if _, taken := e.Props[cut]; taken {
				b.add(fmt.Sprintf("property %q dropped: its cut key is taken", short(k)))
				continue
			}
			k = cut
		}
		b.name(fmt.Sprintf("property %q", short(k)), &v, MaxValueLen)
		e.Props[k] = v
	}
	b.flush()
}

func (b *bounder) threat(t *Threat) {
	b.subject("threat", t.Title, t.ID)
	b.name("title", &t.Title, MaxTitleLen)
	b.name("description", &t.Description, MaxTextLen)
	b.name("justification", &t.Justification, MaxTextLen)
	b.name("mitigation notes", &t.Mitigation, MaxTextLen)
	t.Facts = b.list("fact", t.Facts, MaxTextLen)
	t.References = b.list("reference", t.References, MaxNameLen)
	b.flush()
}

// short is a text as a note quotes it: one line, at most 60 characters.
func short(s string) string {
	s, _ = Cut(strings.Join(strings.Fields(s), " "), 60)
	return s
}

// num writes a coordinate for a note: NaN, ±Inf, or a short number.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

package render

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// An attack tree is drawn as one or more figures: the first has the goal at
// its root, the others are branches drawn apart, each named by a letter.
// A branch that recurs (the same steps under several routes, as a derived
// tree has for a gateway every route crosses) is drawn once, in a figure of
// its own, and each place it occurs shows a reference box ("see B"). A
// figure that would be too tall for its page or image, and lists the
// children of its root one below the other, is drawn in parts, each the
// root over a run of its children. Otherwise a figure too large has
// branches drawn apart as above: a child of its root that can be drawn in
// parts, or the branch where the figure crosses its height or width.
// Within a figure, subtrees sit side by side under their parent while they
// fit the width, and are otherwise listed under it, indented, one below
// the other; leaves listed under a gate wrap into columns when the list is
// too long. So a figure's width is bounded by its page, not by the number
// of leaves, and the text keeps one size however large the tree.

// Sizes of a drawn attack tree, in drawing units.
const (
	treeBoxW        = 186.0 // every box; its height follows its text
	treeHGap        = 22.0  // between subtrees side by side
	treeVGap        = 34.0  // between a box and the row of subtrees under it
	treeIndent      = 28.0  // children listed under their parent: how far right, and between columns
	treeListGap     = 16.0  // between boxes listed one below the other: room for a gate's badge
	treeLabelSize   = 10.5
	treeSmallSize   = 9.0 // values, gate badges and references: the smallest text of a tree
	treeCaptionSize = 11.0
	treeCaptionH    = 24.0 // above a figure, for its caption
	treeFigureGap   = 40.0 // between the figures of one image
	treeMargin      = 20.0 // around an image
	treeMaxLines    = 20   // of a node's label: enough for the longest name a model takes
)

// Bounds on an attack tree image (PNG, SVG, the editor's window): the
// longer side stays under treeMaxSide pixels, which every common viewer
// opens, and the scale does not go below treeMinScale pixels a unit, at
// which the smallest text is 9 pixels high, while the tree can be drawn
// legibly within that side.
const (
	treeMaxSide  = 7600.0
	treeMinScale = 1.0
)

// TreeFigure is one drawing of an attack tree: the goal's, or a branch
// drawn apart.
type TreeFigure struct {
	Name   string        // "A" for the goal's, then "B", "C"... in reading order
	Uses   int           // reference boxes that point here; 0 for the goal's
	Folded bool          // a branch that recurs, drawn once for all its places
	Bounds model.Rect    // where the figure, caption included, lies
	Part   int           // of a figure drawn in parts: 1, 2…; 0 for a figure in one part
	from   *TreeFigure   // the figure it was cut from
	first  *TreeFigure   // of a figure drawn in parts, the first part; nil for the first
	more   []*TreeFigure // of the first part, the parts after it
	root   *treeBox
	w, h   float64 // the boxes' extent
}

// TreeLayout is an attack tree laid out for drawing: its figures, the
// goal's first, the others in the order their references are read.
type TreeLayout struct {
	Figures []*TreeFigure
	Bounds  model.Rect // all figures
}

// treeBox is one box of a figure: a node of the tree, with the children
// drawn under it in the same figure, or, when its branch is drawn in a
// figure of its own, a reference to that figure.
type treeBox struct {
	n    *model.TreeNode
	kids []*treeBox
	ref  *TreeFigure
	h    float64
	// Placed, relative to the figure's boxes.
	x, y float64
	list bool // its children are listed under it rather than side by side
	cols int  // its children are leaves in that many columns
	// listed keeps its children listed, as they are in each part of a
	// figure drawn in parts.
	listed bool
}

// treeLine is a line of text in a box.
type treeLine struct {
	text string
	size float64
	bold bool
	ink  color.Color
}

// treeLayouter lays an attack tree out into figures within a width and a
// height, in drawing units.
type treeLayouter struct {
	t          *model.AttackTree
	v          *stride.TreeValues
	maxW, maxH float64
	kids       map[string][]*model.TreeNode
	shape      map[string]int // node → its branch's shape: equal for equal branches
	size       map[string]int // nodes in a node's branch
	places     map[int]int    // shape → the places it is drawn once recurring branches are folded
	folded     map[int]*TreeFigure
	figs       []*TreeFigure
	memo       map[treeFit]treeSize
	wraps      map[treeWrap][]string // texts wrapped, which a derived tree repeats
}

type treeWrap struct {
	text     string
	size     float64
	bold     bool
	maxLines int
}

type treeFit struct {
	b      *treeBox
	budget float64
}

type treeSize struct {
	w, h float64
	list bool
	cols int
}

// LayoutTree lays an attack tree out in figures, captions included, no
// wider than maxW and no taller than maxH drawing units (as far as drawing
// branches apart allows: always, but for a box wider or taller than that).
// Each figure's Bounds has its origin at 0, 0; see packTree for putting
// them on one image.
func LayoutTree(t *model.AttackTree, v *stride.TreeValues, maxW, maxH float64) *TreeLayout {
	return layoutTree(t, v, maxW, maxH, map[treeWrap][]string{})
}

// layoutTree is LayoutTree with the texts already wrapped.
func layoutTree(t *model.AttackTree, v *stride.TreeValues, maxW, maxH float64, wraps map[treeWrap][]string) *TreeLayout {
	l := &treeLayouter{t: t, v: v, maxW: max(maxW, treeBoxW), maxH: max(maxH-treeCaptionH, 100), wraps: wraps,
		shape: map[string]int{}, size: map[string]int{}, places: map[int]int{}, folded: map[int]*TreeFigure{}}
	root := t.Nodes[t.Root]
	if root == nil {
		return &TreeLayout{Bounds: model.Rect{W: 1, H: 1}}
	}
	l.kids = treeChildren(t)
	l.shapes(root, map[string]int{})
	l.count(root, map[int]bool{})
	top := &TreeFigure{}
	l.figs = append(l.figs, top)
	top.root = l.box(root, true)
	for i := 0; i < len(l.figs); i++ { // fit appends the branches it cuts apart
		l.fit(l.figs[i])
	}
	out := &TreeLayout{Figures: l.order(top)}
	for _, f := range out.Figures {
		f.Bounds = model.Rect{W: f.w, H: f.h}
		if len(out.Figures) > 1 {
			f.Bounds.W = max(f.w, TextWidth(treeCaption(f), treeCaptionSize, true))
			f.Bounds.H += treeCaptionH
		}
	}
	out.Bounds = out.Figures[0].Bounds
	return out
}

// treeChildren maps each node to its children in order, as
// AttackTree.Children does, for every node at once.
func treeChildren(t *model.AttackTree) map[string][]*model.TreeNode {
	kids := map[string][]*model.TreeNode{}
	for _, n := range t.Nodes {
		if n.ID != t.Root && n.Parent != "" {
			kids[n.Parent] = append(kids[n.Parent], n)
		}
	}
	for _, ks := range kids {
		sort.Slice(ks, func(i, j int) bool {
			if ks[i].Position != ks[j].Position {
				return ks[i].Position < ks[j].Position
			}
			return ks[i].ID < ks[j].ID
		})
	}
	return kids
}

// shapes gives each node a number for its branch's shape: its own text,
// link and values, and its children's shapes in order.
func (l *treeLayouter) shapes(n *model.TreeNode, ids map[string]int) int {
	var b strings.Builder
	nv := l.v.Nodes[n.ID]
	fmt.Fprintf(&b, "%d\x00%s\x00%s\x00%s\x00%s\x00%t\x00%g\x00%g\x00%d\x00%t", n.Gate, n.Label, n.ThreatID, n.ElementID,
		n.Defense, n.Defended, nv.Cost, nv.Probability, nv.Skill, nv.Defended)
	size := 1
	for _, c := range l.kids[n.ID] {
		fmt.Fprintf(&b, "\x00%d", l.shapes(c, ids))
		size += l.size[c.ID]
	}
	key := b.String()
	id, ok := ids[key]
	if !ok {
		id = len(ids)
		ids[key] = id
	}
	l.shape[n.ID], l.size[n.ID] = id, size
	return id
}

// count counts the places each shape is drawn once recurring branches are
// folded: a branch met again is one place, and what lies inside it is not
// counted again.
func (l *treeLayouter) count(n *model.TreeNode, seen map[int]bool) {
	s := l.shape[n.ID]
	l.places[s]++
	if seen[s] {
		return
	}
	seen[s] = true
	for _, c := range l.kids[n.ID] {
		l.count(c, seen)
	}
}

// box builds the boxes of a branch; a branch that recurs, and is more than
// a gate over one leaf, becomes a reference to the figure that draws it.
func (l *treeLayouter) box(n *model.TreeNode, top bool) *treeBox {
	b := &treeBox{n: n}
	if s := l.shape[n.ID]; !top && l.places[s] > 1 && l.size[n.ID] >= 3 {
		f := l.folded[s]
		if f == nil {
			f = &TreeFigure{Folded: true}
			l.folded[s] = f
			l.figs = append(l.figs, f)
			f.root = l.box(n, true)
		}
		f.Uses++
		b.ref = f
	} else {
		for _, c := range l.kids[n.ID] {
			b.kids = append(b.kids, l.box(c, false))
		}
	}
	b.h = boxHeight(l.lines(b))
	return b
}

// fit lays a figure out, drawing its branches apart while it is too large.
func (l *treeLayouter) fit(f *TreeFigure) {
	for {
		l.memo = map[treeFit]treeSize{}
		s := l.measure(f.root, l.maxW)
		if s.w <= l.maxW && s.h <= l.maxH {
			break
		}
		var c *treeBox
		if s.w > l.maxW {
			l.place(f.root, 0, 0, l.maxW)
			c = l.overflow(f.root)
		} else if (s.list || s.cols > 0) && l.split(f) {
			break
		} else if c = l.splittable(f.root); c == nil {
			l.place(f.root, 0, 0, l.maxW)
			c = l.crossing(f.root)
		}
		if c == nil {
			c = l.cut(f.root)
		}
		if c == nil {
			break
		}
		g := &TreeFigure{from: f, Uses: 1, root: &treeBox{n: c.n, kids: c.kids}}
		g.root.h = boxHeight(l.lines(g.root))
		c.kids, c.ref = nil, g
		c.h = boxHeight(l.lines(c))
		l.figs = append(l.figs, g)
	}
	l.memo = map[treeFit]treeSize{}
	s := l.measure(f.root, l.maxW)
	l.place(f.root, 0, 0, l.maxW)
	f.w, f.h = s.w, s.h
}

// split draws a figure whose root lists its children in parts, each the
// root over as long a run of its children as fits, listed as in the whole;
// it does nothing when one child alone is too large.
func (l *treeLayouter) split(f *TreeFigure) bool {
	fits := func(kids []*treeBox) bool {
		s := l.measure(&treeBox{n: f.root.n, kids: kids, h: f.root.h, listed: true}, l.maxW)
		return s.w <= l.maxW && s.h <= l.maxH
	}
	kids := f.root.kids
	var runs [][]*treeBox
	for start := 0; start < len(kids); {
		end := start + 1
		if !fits(kids[start:end]) {
			return false
		}
		for end < len(kids) && fits(kids[start:end+1]) {
			end++
		}
		runs = append(runs, kids[start:end])
		start = end
	}
	if len(runs) < 2 {
		return false
	}
	f.root.kids, f.root.listed, f.Part = runs[0], true, 1
	for i, run := range runs[1:] {
		g := &TreeFigure{Part: i + 2, Uses: f.Uses, Folded: f.Folded, from: f.from, first: f,
			root: &treeBox{n: f.root.n, kids: run, h: f.root.h, listed: true}}
		f.more = append(f.more, g)
		l.figs = append(l.figs, g)
	}
	return true
}

// overflow picks the branch of a figure too wide to draw apart: the one
// nearest the root whose children lie beyond the width, as they do when
// lists nest deeper than the width holds.
func (l *treeLayouter) overflow(root *treeBox) *treeBox {
	for level := []*treeBox{root}; len(level) > 0; {
		var next []*treeBox
		for _, b := range level {
			for _, k := range b.kids {
				if k.x+treeBoxW > l.maxW && b != root {
					return b
				}
			}
			next = append(next, b.kids...)
		}
		level = next
	}
	return nil
}

// splittable picks the branch of a figure too tall to draw apart when it
// can be drawn in parts in a figure of its own: the tallest child of the
// root that is too tall itself and lists children that each fit.
func (l *treeLayouter) splittable(root *treeBox) *treeBox {
	var best *treeBox
	bestH := 0.0
	for _, k := range root.kids {
		s := l.measure(k, l.maxW)
		if s.h <= l.maxH-root.h-treeListGap || !(s.list || s.cols > 0) || s.h <= bestH {
			continue
		}
		fits := true
		for _, kk := range k.kids {
			fits = fits && k.h+treeListGap+l.measure(kk, l.maxW-treeIndent).h <= l.maxH
		}
		if fits {
			best, bestH = k, s.h
		}
	}
	return best
}

// crossing picks the branch of a placed figure too tall to draw apart
// where the figure crosses its height: the parent of the first box that
// reaches beyond it, or that box when its parent is the root.
func (l *treeLayouter) crossing(root *treeBox) *treeBox {
	var best, bestParent *treeBox
	var walk func(b, parent *treeBox)
	walk = func(b, parent *treeBox) {
		if parent != nil && b.y+b.h > l.maxH && (best == nil || b.y < best.y || (b.y == best.y && b.x < best.x)) {
			best, bestParent = b, parent
		}
		for _, k := range b.kids {
			walk(k, b)
		}
	}
	walk(root, nil)
	switch {
	case best == nil:
		return nil
	case bestParent != root:
		return bestParent
	case len(best.kids) > 0:
		return best
	}
	return nil
}

// cut picks the branch of a figure to draw apart: among the nearest the
// root that have children drawn, the tallest.
func (l *treeLayouter) cut(root *treeBox) *treeBox {
	level := root.kids
	for len(level) > 0 {
		var best *treeBox
		bestH := 0.0
		var next []*treeBox
		for _, b := range level {
			if len(b.kids) == 0 {
				continue
			}
			if h := l.measure(b, l.maxW).h; best == nil || h > bestH {
				best, bestH = b, h
			}
			next = append(next, b.kids...)
		}
		if best != nil {
			return best
		}
		level = next
	}
	return nil
}

// order names the figures in the order a reader meets their references,
// the goal's first, and drops any no reference reaches.
// A figure drawn in parts has one name, and its parts follow each other.
func (l *treeLayouter) order(top *TreeFigure) []*TreeFigure {
	out := append([]*TreeFigure{top}, top.more...)
	named := map[*TreeFigure]bool{top: true}
	letters := 0
	for i := 0; i < len(out); i++ {
		if out[i].first != nil {
			out[i].Name = out[i].first.Name
		} else {
			out[i].Name = figureName(letters)
			letters++
		}
		var visit func(b *treeBox)
		visit = func(b *treeBox) {
			if b.ref != nil && !named[b.ref] {
				named[b.ref] = true
				out = append(out, b.ref)
				out = append(out, b.ref.more...)
			}
			for _, k := range b.kids {
				visit(k)
			}
		}
		visit(out[i].root)
	}
	return out
}

// figureName is A…Z, then AA, AB…
func figureName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// treeCaption says what a figure is.
func treeCaption(f *TreeFigure) string {
	var c string
	switch {
	case f.from == nil && !f.Folded:
		c = f.Name + " · the goal"
	case f.Folded:
		c = fmt.Sprintf("%s · a branch drawn once for the %d places it recurs", f.Name, f.Uses)
	default:
		c = fmt.Sprintf("%s · a branch of %s, drawn apart", f.Name, f.from.Name)
	}
	if f.Part > 0 {
		first := f
		if f.first != nil {
			first = f.first
		}
		c += fmt.Sprintf(" (part %d of %d)", f.Part, len(first.more)+1)
	}
	return c
}

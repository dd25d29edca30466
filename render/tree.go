package render

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/fogleman/gg"

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

// measure sizes a box with what is drawn under it within a width.
func (l *treeLayouter) measure(b *treeBox, budget float64) treeSize {
	budget = max(budget, treeBoxW)
	key := treeFit{b, budget}
	if s, ok := l.memo[key]; ok {
		return s
	}
	s := treeSize{w: treeBoxW, h: b.h}
	switch {
	case len(b.kids) == 0:
	case leavesOnly(b.kids) && (len(b.kids) != 2 || b.listed || 2*treeBoxW+treeHGap > budget):
		// Leaves are listed; two side by side take less room.
		s = l.columns(b, budget)
	default:
		row, tall := -treeHGap, 0.0
		for _, k := range b.kids {
			ks := l.measure(k, budget)
			row += ks.w + treeHGap
			tall = max(tall, ks.h)
		}
		if row <= budget && !b.listed {
			s.w, s.h = max(treeBoxW, row), b.h+treeVGap+tall
			break
		}
		s.list = true
		for _, k := range b.kids {
			ks := l.measure(k, budget-treeIndent)
			s.w = max(s.w, treeIndent+ks.w)
			s.h += treeListGap + ks.h
		}
	}
	l.memo[key] = s
	return s
}

// columns lists leaves under their gate, in as few columns as keep the
// list within the figure's height and its width.
func (l *treeLayouter) columns(b *treeBox, budget float64) treeSize {
	n := len(b.kids)
	s := treeSize{}
	for cols := 1; cols <= n; cols++ {
		w := treeIndent + float64(cols)*(treeBoxW+treeIndent) - treeIndent
		if cols > 1 && w > budget {
			break
		}
		rows := (n + cols - 1) / cols
		h := 0.0
		for c := 0; c*rows < n; c++ {
			ch := 0.0
			for _, k := range b.kids[c*rows : min(n, (c+1)*rows)] {
				ch += treeListGap + k.h
			}
			h = max(h, ch)
		}
		s = treeSize{w: w, h: b.h + h, cols: cols}
		if s.h <= l.maxH {
			break
		}
	}
	return s
}

func leavesOnly(bs []*treeBox) bool {
	for _, b := range bs {
		if len(b.kids) > 0 {
			return false
		}
	}
	return true
}

// place puts a box, and what is drawn under it, with the top-left corner
// of its extent at x, y.
func (l *treeLayouter) place(b *treeBox, x, y, budget float64) {
	s := l.measure(b, budget)
	b.x, b.y, b.list, b.cols = x, y, s.list, s.cols
	switch {
	case len(b.kids) == 0:
	case s.cols > 0:
		rows := (len(b.kids) + s.cols - 1) / s.cols
		for i, k := range b.kids {
			if i%rows == 0 {
				y = b.y + b.h
			}
			y += treeListGap
			k.x, k.y = x+treeIndent+float64(i/rows)*(treeBoxW+treeIndent), y
			y += k.h
		}
	case s.list:
		y += b.h
		for _, k := range b.kids {
			y += treeListGap
			l.place(k, x+treeIndent, y, budget-treeIndent)
			y += l.measure(k, budget-treeIndent).h
		}
	default:
		row := -treeHGap
		for _, k := range b.kids {
			row += l.measure(k, budget).w + treeHGap
		}
		cx := x + (s.w-row)/2
		for _, k := range b.kids {
			l.place(k, cx, y+b.h+treeVGap, budget)
			cx += l.measure(k, budget).w + treeHGap
		}
		// Centred over its first and last child.
		mid := (b.kids[0].x + b.kids[len(b.kids)-1].x) / 2
		b.x = max(x, min(x+s.w-treeBoxW, mid))
	}
}

// lines is the text of a box: its label, a reference to the figure that
// draws its branch, and its values or the defense that cuts it.
func (l *treeLayouter) lines(b *treeBox) []treeLine {
	n, nv := b.n, l.v.Nodes[b.n.ID]
	goal := n.ID == l.t.Root
	ink := color.Color(InkColor)
	switch {
	case nv.Defended:
		ink = cutInk
	case goal:
		ink = color.White
	}
	var out []treeLine
	for _, s := range l.wrap(printable(n.Label), treeLabelSize, goal, treeMaxLines) {
		out = append(out, treeLine{s, treeLabelSize, goal, ink})
	}
	if b.ref != nil {
		refInk := color.Color(Stroke[model.Process])
		if nv.Defended {
			refInk = cutInk
		}
		out = append(out, treeLine{"→ see " + b.ref.Name, treeSmallSize, true, refInk})
	}
	if nv.Defended && n.Defense != "" {
		for _, s := range l.wrap("defended: "+printable(n.Defense), treeSmallSize, false, 3) {
			out = append(out, treeLine{s, treeSmallSize, false, defenseInk})
		}
	} else {
		values := fmt.Sprintf("cost %s · p %.2f · skill %s", FormatCost(nv.Cost), nv.Probability, nv.Skill)
		for _, s := range l.wrap(values, treeSmallSize, false, 2) {
			out = append(out, treeLine{s, treeSmallSize, false, ink})
		}
	}
	return out
}

// wrap wraps a text to the width of a box.
func (l *treeLayouter) wrap(text string, size float64, bold bool, maxLines int) []string {
	key := treeWrap{text, size, bold, maxLines}
	if lines, ok := l.wraps[key]; ok {
		return lines
	}
	lines := wrapHard(text, treeBoxW-12, size, bold, maxLines)
	if l.wraps == nil {
		l.wraps = map[treeWrap][]string{}
	}
	l.wraps[key] = lines
	return lines
}

// treeLineH is the height a line of text takes in a box.
func treeLineH(size float64) float64 { return size * 1.25 }

// boxHeight is the height of a box holding some lines, with room at the
// top for a gate's badge; see drawBox.
func boxHeight(lines []treeLine) float64 {
	h := 14.0
	for i, ln := range lines {
		if i > 0 && ln.size != lines[i-1].size {
			h += 2
		}
		h += treeLineH(ln.size)
	}
	return h
}

// wrapHard wraps a text like Wrap, and breaks a word wider than the line.
func wrapHard(text string, width, size float64, bold bool, maxLines int) []string {
	var words []string
	for _, para := range splitLines(text) {
		var line []string
		for _, w := range splitWords(para) {
			r := []rune(w)
			for len(r) > 1 && TextWidth(string(r), size, bold) > width {
				cut := 1
				for cut < len(r)-1 && TextWidth(string(r[:cut+1]), size, bold) <= width {
					cut++
				}
				line = append(line, string(r[:cut]))
				r = r[cut:]
			}
			line = append(line, string(r))
		}
		words = append(words, strings.Join(line, " "))
	}
	// A broken word's pieces are words of their own: each is narrower
	// than the line, so Wrap puts them on lines of their own or with
	// their neighbours.
	return Wrap(strings.Join(words, "\n"), width, size, bold, maxLines)
}

var (
	goalFill   = hex(0x2b5c8a)
	gateFill   = hex(0xdde9f7)
	leafFill   = hex(0xfdf3e1)
	cutFill    = hex(0xeeeeee)
	cutInk     = hex(0x999999)
	defenseInk = hex(0x2e7d32)
)

// FormatCost writes a cost, "∞" when the branch is cut.
func FormatCost(c float64) string {
	if math.IsInf(c, 1) {
		return "∞"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", c), "0"), ".")
}

// packTree puts the figures on one image, the goal's figure at the top
// left and the others after it in order: in columns no taller than a
// height, or in rows no wider than a width, whichever of the heights and
// widths up to maxH gives the image with the shortest longer side (and
// then the smallest).
func packTree(l *TreeLayout, maxH float64) {
	if len(l.Figures) == 0 {
		return
	}
	pack := func(limit float64, rows, place bool) model.Rect {
		x, y, lane := 0.0, 0.0, 0.0 // lane: the width of a column, the height of a row
		all := l.Figures[0].Bounds
		for _, f := range l.Figures {
			w, h := f.Bounds.W, f.Bounds.H
			switch {
			case rows && x > 0 && x+w > limit:
				x, y, lane = 0, y+lane+treeFigureGap, 0
			case !rows && y > 0 && y+h > limit:
				x, y, lane = x+lane+treeFigureGap, 0, 0
			}
			r := model.Rect{X: x, Y: y, W: w, H: h}
			if place {
				f.Bounds = r
			}
			all = union(all, r)
			if rows {
				x, lane = x+w+treeFigureGap, max(lane, h)
			} else {
				y, lane = y+h+treeFigureGap, max(lane, w)
			}
		}
		return all
	}
	widest, tallest := 0.0, 0.0
	for _, f := range l.Figures {
		widest, tallest = max(widest, f.Bounds.W), max(tallest, f.Bounds.H)
	}
	type try struct {
		limit float64
		rows  bool
	}
	var best try
	bestSide, bestArea := math.Inf(1), math.Inf(1)
	const tries = 24
	for _, rows := range []bool{false, true} {
		least := tallest
		if rows {
			least = widest
		}
		for i := 0; i <= tries; i++ {
			limit := least + (max(least, maxH)-least)*float64(i)/tries
			b := pack(limit, rows, false)
			side, area := max(b.W, b.H), b.W*b.H
			if side < bestSide-0.5 || (side < bestSide+0.5 && area < bestArea-0.5) {
				best, bestSide, bestArea = try{limit, rows}, side, area
			}
		}
	}
	l.Bounds = pack(best.limit, best.rows, true)
}

// treeSheet lays an attack tree out for one image at a scale in pixels a
// unit, lowering the scale as far as treeMinScale while the image would
// be larger than treeMaxSide; at each scale it tries figures as large as
// the image, then smaller ones, which pack more tightly. It returns the
// layout, with a margin around it, and the scale. A tree too large for
// the image even at treeMinScale is laid out as for that scale, and the
// caller draws it smaller.
func treeSheet(t *model.AttackTree, v *stride.TreeValues, scale float64) (*TreeLayout, float64) {
	if math.IsNaN(scale) || math.IsInf(scale, 0) || scale <= 0 {
		scale = 1
	}
	floor := min(scale, treeMinScale)
	var l *TreeLayout
	wraps := map[treeWrap][]string{}
	for s := scale; ; s = max(floor, s*0.9) {
		side := treeMaxSide/s - 2*treeMargin
		for _, share := range []float64{1, 0.5} {
			l = layoutTree(t, v, side*share, side*share, wraps)
			packTree(l, side)
			if l.Bounds.W <= side && l.Bounds.H <= side {
				return withMargin(l), s
			}
		}
		if s == floor {
			l = layoutTree(t, v, side, side, wraps)
			packTree(l, side)
			return withMargin(l), s
		}
	}
}

func withMargin(l *TreeLayout) *TreeLayout {
	b := l.Bounds
	l.Bounds = model.Rect{X: b.X - treeMargin, Y: b.Y - treeMargin, W: b.W + 2*treeMargin, H: b.H + 2*treeMargin}
	return l
}

// DrawTree draws every figure of a laid-out attack tree where it lies.
func DrawTree(s Surface, t *model.AttackTree, v *stride.TreeValues, l *TreeLayout) {
	for _, f := range l.Figures {
		drawFigure(s, t, v, f, len(l.Figures) > 1)
	}
}

// drawFigure draws one figure: the goal on top, AND/OR gates, leaves with
// their cost, probability and skill, cut branches in grey with the defense
// that cuts them, and references to branches drawn apart with a dashed
// border.
func drawFigure(s Surface, t *model.AttackTree, v *stride.TreeValues, f *TreeFigure, captioned bool) {
	ox, oy := f.Bounds.X, f.Bounds.Y
	if captioned {
		s.Text(ox, oy+treeCaptionSize+2, treeCaption(f), treeCaptionSize, true, Left, InkColor)
		oy += treeCaptionH
	}
	l := &treeLayouter{t: t, v: v}
	var edges, boxes func(b *treeBox)
	edges = func(b *treeBox) {
		if len(b.kids) == 0 {
			return
		}
		cut := func(k *treeBox) bool { return v.Nodes[k.n.ID].Defended }
		bottom := oy + b.y + b.h
		switch {
		case b.cols > 0 || b.list:
			// A spine down from the parent (one per column, the others
			// hanging from a bus under the parent) and a stub to each
			// child's box.
			spineX := func(k *treeBox) float64 {
				if b.list {
					return ox + b.x + treeIndent/2
				}
				return ox + k.x - treeIndent/2
			}
			type spine struct{ x, top, end float64 }
			var spines []spine
			bus := bottom + treeListGap/2
			for _, k := range b.kids {
				x, y := spineX(k), oy+k.y+k.h/2
				s.Line(x, y, ox+k.x, y, MutedColor, 1.2, cut(k))
				switch {
				case len(spines) == 0:
					spines = append(spines, spine{x, bottom, y})
				case spines[len(spines)-1].x != x:
					spines = append(spines, spine{x, bus, y})
				default:
					spines[len(spines)-1].end = y
				}
			}
			if len(spines) > 1 {
				s.Line(spines[0].x, bus, spines[len(spines)-1].x, bus, MutedColor, 1.2, false)
			}
			for _, sp := range spines {
				s.Line(sp.x, sp.top, sp.x, sp.end, MutedColor, 1.2, false)
			}
		default:
			// Down from the parent to a bar, down from the bar to each child.
			px, bar := ox+b.x+treeBoxW/2, bottom+treeVGap/2
			s.Line(px, bottom, px, bar, MutedColor, 1.2, false)
			left := ox + b.kids[0].x + treeBoxW/2
			right := ox + b.kids[len(b.kids)-1].x + treeBoxW/2
			s.Line(min(left, px), bar, max(right, px), bar, MutedColor, 1.2, false)
			for _, k := range b.kids {
				kx := ox + k.x + treeBoxW/2
				s.Line(kx, bar, kx, oy+k.y, MutedColor, 1.2, cut(k))
			}
		}
		for _, k := range b.kids {
			edges(k)
		}
	}
	boxes = func(b *treeBox) {
		drawBox(s, t, v, b, l.lines(b), ox+b.x, oy+b.y)
		for _, k := range b.kids {
			boxes(k)
		}
	}
	edges(f.root)
	boxes(f.root)
}

// drawBox draws one node's box with its gate's badge and its text.
func drawBox(s Surface, t *model.AttackTree, v *stride.TreeValues, b *treeBox, lines []treeLine, x, y float64) {
	n, nv := b.n, v.Nodes[b.n.ID]
	fill, stroke := color.Color(leafFill), color.Color(Stroke[model.ExternalEntity])
	switch {
	case nv.Defended:
		fill, stroke = cutFill, cutInk
	case n.ID == t.Root:
		fill, stroke = goalFill, goalFill
	case n.Gate != model.Leaf:
		fill, stroke = gateFill, Stroke[model.Process]
	}
	radius := 0.0
	if n.Gate != model.Leaf {
		radius = 10
	}
	s.Rect(x, y, treeBoxW, b.h, radius, fill, stroke, 1.3, b.ref != nil)
	if n.Gate != model.Leaf {
		gate := strings.ToUpper(n.Gate.String())
		w := TextWidth(gate, treeSmallSize, true) + 10
		s.Rect(x+treeBoxW/2-w/2, y-8, w, 14, 7, stroke, nil, 0, false)
		s.Text(x+treeBoxW/2, y+2.5, gate, treeSmallSize, true, Center, white)
	}
	cy := y + 8 // room for the badge; boxHeight leaves as much below
	for i, ln := range lines {
		if i > 0 && ln.size != lines[i-1].size {
			cy += 2 // a little room between the label and what follows
		}
		cy += treeLineH(ln.size)
		s.Text(x+treeBoxW/2, cy-ln.size*0.3, ln.text, ln.size, ln.bold, Center, ln.ink)
	}
}

// TreeSVG writes an attack tree as an SVG document, laid out as TreePNG
// lays it out, a unit to a pixel.
func TreeSVG(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) error {
	l, _ := treeSheet(t, v, PNGScale)
	s := &svgSurface{}
	DrawTree(s, t, v, l)
	b := l.Bounds
	// A unit is a pixel, as far as treeMaxSide.
	fit := min(1, treeMaxSide/b.W, treeMaxSide/b.H)
	_, err := fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="%s %s %s %s" font-family="Go, 'DejaVu Sans', Helvetica, Arial, sans-serif">
<title>%s</title>
<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff"/>
%s</svg>
`, trimFloat(b.W*fit), trimFloat(b.H*fit), trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), escapeXML(printable(t.Name)),
		trimFloat(b.X), trimFloat(b.Y), trimFloat(b.W), trimFloat(b.H), s.b.String())
	return err
}

// TreeImage draws an attack tree into one image at a scale in pixels a
// unit, or at a smaller one (see treeSheet) so that its longer side stays
// under treeMaxSide pixels.
func TreeImage(m *model.Model, t *model.AttackTree, v *stride.TreeValues, scale float64) (image.Image, error) {
	l, scale := treeSheet(t, v, scale)
	b := finiteRect(l.Bounds)
	scale = min(fitScale(b, scale), treeMaxSide/b.W, treeMaxSide/b.H)
	c := gg.NewContext(max(1, int(b.W*scale+0.5)), max(1, int(b.H*scale+0.5)))
	c.SetColor(color.White)
	c.Clear()
	DrawTree(&rasterSurface{c: c, scale: scale, offX: b.X, offY: b.Y}, t, v, l)
	return c.Image(), nil
}

// TreePNG writes an attack tree as a PNG image.
func TreePNG(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) error {
	img, err := TreeImage(m, t, v, PNGScale)
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

package render

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/rampart-tm/rampart/model"
)

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

package render

import (
	"bytes"
	"fmt"
	"image/png"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// treeCase is an attack tree to lay out: derived from a model of the
// corpus, or made by hand.
type treeCase struct {
	name string
	m    *model.Model
	t    *model.AttackTree
	v    *stride.TreeValues
}

var treeCorpus struct {
	sync.Mutex
	trees []treeCase
}

// treeCases derives an attack tree for every element and data asset of
// the demo and of the imported models the tests keep, largest first. The
// tests only read them.
func treeCases(t testing.TB) []treeCase {
	t.Helper()
	treeCorpus.Lock()
	defer treeCorpus.Unlock()
	if treeCorpus.trees == nil {
		treeCorpus.trees = deriveTreeCases(t)
	}
	return treeCorpus.trees
}

func deriveTreeCases(t testing.TB) []treeCase {
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*model.Model{"demo": demo}
	var files []string
	for _, glob := range []string{"../storage/threatdragon/testdata/*.json", "../stride/testdata/tmt/*.tm7"} {
		found, _ := filepath.Glob(glob)
		files = append(files, found...)
	}
	for _, f := range files {
		if m, err := storage.ReadAny(f); err == nil { // the JSON schema there is no model
			models[filepath.Base(f)] = m
		}
	}
	if len(models) < 5 {
		t.Fatalf("the corpus has %d models", len(models))
	}
	var out []treeCase
	for name, m := range models {
		stride.Run(lib, m)
		var targets []string
		for id, e := range m.Elements {
			if e.Kind != model.TrustBoundary {
				targets = append(targets, id)
			}
		}
		for id := range m.Assets {
			targets = append(targets, id)
		}
		for _, id := range targets {
			tree, err := stride.Derive(lib, m, id)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, treeCase{name + ": " + m.TargetName(tree), m, tree, stride.Evaluate(m, tree)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].t.Nodes) != len(out[j].t.Nodes) {
			return len(out[i].t.Nodes) > len(out[j].t.Nodes)
		}
		return out[i].name < out[j].name
	})
	return out
}

// handMadeTree builds a tree of n nodes, each hanging from the one chosen by
// parent(i), gates where nodes have children.
func handMadeTree(n int, parent func(i int) int) (*model.Model, *model.AttackTree) {
	m := model.New("hand")
	t := &model.AttackTree{ID: "t", Name: "Hand-made", Root: "n0", Nodes: map[string]*model.TreeNode{}}
	for i := 0; i < n; i++ {
		nd := &model.TreeNode{ID: fmt.Sprintf("n%d", i), Position: i, Label: fmt.Sprintf("Step %d of the attack", i),
			Cost: float64(i%7 + 1), Probability: 0.5, Skill: model.Medium}
		if i > 0 {
			nd.Parent = fmt.Sprintf("n%d", parent(i))
		}
		t.Nodes[nd.ID] = nd
	}
	for i := 1; i < n; i++ {
		p := parent(i)
		t.Nodes[fmt.Sprintf("n%d", p)].Gate = model.Or + model.Gate(p%2) // OR and AND by turns
	}
	m.Trees[t.ID] = t
	return m, t
}

// oddTreeCases are shapes no derived tree has: a gate over two thousand
// leaves, a chain two hundred deep (a gate over a leaf and the next gate),
// a full binary tree.
func oddTreeCases() []treeCase {
	var out []treeCase
	for name, parent := range map[string]func(int) int{
		"wide":   func(int) int { return 0 },
		"deep":   func(i int) int { return (i - 1) / 2 * 2 },
		"binary": func(i int) int { return (i - 1) / 2 },
	} {
		n := map[string]int{"wide": 2000, "deep": 400, "binary": 1023}[name]
		m, t := handMadeTree(n, parent)
		// The longest label a model takes, and a word wider than a box.
		t.Nodes["n1"].Label = strings.Repeat("Exfiltrate ", model.MaxNameLen/11)
		t.Nodes["n2"].Label = "Fetch https://" + strings.Repeat("x", 200) + ".example/"
		out = append(out, treeCase{name, m, t, stride.Evaluate(m, t)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// A PNG of any derived tree of the corpus opens in common viewers (under
// 8,000 pixels a side) at a scale where its smallest text is at least 9
// pixels high; so does the SVG. A tree of a shape no derivation gives may
// be drawn smaller, never larger.
func TestTreeImagesStayBoundedAndLegible(t *testing.T) {
	trees := treeCases(t)
	for _, c := range trees {
		l, scale := treeSheet(c.t, c.v, PNGScale)
		if w, h := l.Bounds.W*scale, l.Bounds.H*scale; max(w, h) >= 8000 || scale < treeMinScale {
			t.Errorf("%s (%d nodes): %.0f × %.0f pixels at %.2f pixels a unit", c.name, len(c.t.Nodes), w, h, scale)
		}
	}
	largest := trees[0]
	if len(largest.t.Nodes) < 500 {
		t.Fatalf("the largest tree of the corpus has %d nodes", len(largest.t.Nodes))
	}
	for _, c := range append([]treeCase{largest}, oddTreeCases()...) {
		var buf bytes.Buffer
		if c.name == largest.name { // drawing the odd ones takes long
			if err := TreePNG(&buf, c.m, c.t, c.v); err != nil {
				t.Fatal(err)
			}
			cfg, err := png.DecodeConfig(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Width >= 8000 || cfg.Height >= 8000 || cfg.Width < 1000 || cfg.Height < 1000 {
				t.Errorf("%s (%d nodes): the PNG is %d × %d", c.name, len(c.t.Nodes), cfg.Width, cfg.Height)
			}
			t.Logf("%s (%d nodes): a PNG of %d × %d pixels", c.name, len(c.t.Nodes), cfg.Width, cfg.Height)
		} else if l, scale := treeSheet(c.t, c.v, PNGScale); max(l.Bounds.W, l.Bounds.H)*min(scale, treeMaxSide/l.Bounds.W, treeMaxSide/l.Bounds.H) >= 8000 {
			t.Errorf("%s: the PNG would be %.0f × %.0f at %.2f", c.name, l.Bounds.W*scale, l.Bounds.H*scale, scale)
		}
		buf.Reset()
		if err := TreeSVG(&buf, c.m, c.t, c.v); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`<svg [^>]*width="([\d.]+)" height="([\d.]+)"`).FindStringSubmatch(buf.String())
		if m == nil {
			t.Fatalf("%s: the SVG has no size", c.name)
		}
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		if max(w, h) >= 8000 {
			t.Errorf("%s: the SVG is %s × %s", c.name, m[1], m[2])
		}
	}
}

// treeFigureKids are the children of a figure's root, from all its parts.
func treeFigureKids(f *TreeFigure) []*treeBox {
	kids := slices.Clone(f.root.kids)
	for _, part := range f.more {
		kids = append(kids, part.root.kids...)
	}
	return kids
}

// The figures of a laid-out tree, references and parts followed, are the
// tree node for node, with the same text and values: a folded branch stands
// for the others of the same labels, links and values.
func TestTreeFiguresDrawTheWholeTree(t *testing.T) {
	for _, c := range append(treeCases(t)[:40], oddTreeCases()...) {
		for _, budget := range [][2]float64{{treeFigureW / treeScale, treeFigureH / treeScale}, {3780, 3780}} {
			l := LayoutTree(c.t, c.v, budget[0], budget[1])
			lt := &treeLayouter{t: c.t, v: c.v}
			// What the figures show, with each box's text.
			var drawn strings.Builder
			var show func(b *treeBox, kids []*treeBox, depth int)
			show = func(b *treeBox, kids []*treeBox, depth int) {
				var text []string
				for _, ln := range lt.lines(&treeBox{n: b.n}) {
					text = append(text, ln.text)
				}
				fmt.Fprintf(&drawn, "%s%s %s\n", strings.Repeat("  ", depth), b.n.Gate, strings.Join(text, " "))
				for _, k := range kids {
					if k.ref != nil {
						show(k, treeFigureKids(k.ref), depth+1)
					} else {
						show(k, k.kids, depth+1)
					}
				}
			}
			show(l.Figures[0].root, treeFigureKids(l.Figures[0]), 0)
			// What the tree is.
			var want strings.Builder
			c.t.Walk(func(n *model.TreeNode, depth int) {
				var text []string
				for _, ln := range lt.lines(&treeBox{n: n}) {
					text = append(text, ln.text)
				}
				fmt.Fprintf(&want, "%s%s %s\n", strings.Repeat("  ", depth), n.Gate, strings.Join(text, " "))
			})
			if got, want := strings.Split(drawn.String(), "\n"), strings.Split(want.String(), "\n"); !slices.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Errorf("%s: line %d of the figures is\n%q\nnot the tree's\n%q", c.name, i+1, got[min(i, len(got)-1)], want[min(i, len(want)-1)])
				continue
			}
			refs := map[*TreeFigure]int{}
			for _, f := range l.Figures {
				var count func(b *treeBox)
				count = func(b *treeBox) {
					if b.ref != nil {
						refs[b.ref]++
					}
					for _, k := range b.kids {
						count(k)
					}
				}
				count(f.root)
			}
			for i, f := range l.Figures {
				switch {
				case i == 0 && (f.Name != "A" || refs[f] > 0):
					t.Errorf("%s: the goal's figure is %s, referenced %d times", c.name, f.Name, refs[f])
				case i > 0 && f.first == nil && refs[f] != f.Uses:
					t.Errorf("%s: figure %s says it is used %d times, and is referenced %d times", c.name, f.Name, f.Uses, refs[f])
				case i > 0 && f.first == nil && f.Folded && f.Uses < 2:
					t.Errorf("%s: figure %s is a branch that recurs once", c.name, f.Name)
				case f.first != nil && (f.Name != f.first.Name || refs[f] > 0):
					t.Errorf("%s: part %d of %s is named %s and referenced %d times", c.name, f.Part, f.first.Name, f.Name, refs[f])
				}
			}
		}
	}
}

// Within a figure no box overlaps another or its gate's badge, every box
// lies within the figure and the figure within its width, and every line
// of text within its box.
func TestTreeFiguresKeepBoxesApartAndWithinBounds(t *testing.T) {
	for _, c := range append(treeCases(t), oddTreeCases()...) {
		maxW, maxH := treeFigureW/treeScale, treeFigureH/treeScale
		l := LayoutTree(c.t, c.v, maxW, maxH)
		lt := &treeLayouter{t: c.t, v: c.v}
		for _, f := range l.Figures {
			if f.Bounds.W > maxW || f.Bounds.H > maxH {
				t.Errorf("%s: figure %s is %.0f × %.0f, more than %.0f × %.0f", c.name, f.Name, f.Bounds.W, f.Bounds.H, maxW, maxH)
			}
			var boxes []*treeBox
			var collect func(b *treeBox)
			collect = func(b *treeBox) {
				boxes = append(boxes, b)
				for _, k := range b.kids {
					collect(k)
				}
			}
			collect(f.root)
			for i, a := range boxes {
				if a.x < 0 || a.y < 0 || a.x+treeBoxW > f.w+0.01 || a.y+a.h > f.h+0.01 {
					t.Errorf("%s: figure %s (%.0f × %.0f) has %q at %.0f, %.0f", c.name, f.Name, f.w, f.h, a.n.Label, a.x, a.y)
				}
				for _, ln := range lt.lines(a) {
					if w := TextWidth(ln.text, ln.size, ln.bold); w > treeBoxW-8 && !strings.HasSuffix(ln.text, "…") {
						t.Errorf("%s: %q is %.0f wide in a box %.0f wide", c.name, ln.text, w, treeBoxW)
					}
				}
				for _, b := range boxes[i+1:] {
					// The badge reaches 8 units above a gate's box.
					if a.x < b.x+treeBoxW && b.x < a.x+treeBoxW && a.y-8 < b.y+b.h && b.y-8 < a.y+a.h {
						t.Errorf("%s: figure %s has %q over %q", c.name, f.Name, a.n.Label, b.n.Label)
					}
				}
			}
		}
	}
}

// demoWithTrees is the demo with derived attack trees kept.
func demoWithTrees(t *testing.T, targets ...string) (*model.Model, *stride.Library) {
	t.Helper()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	stride.Run(lib, m)
	for _, id := range targets {
		tree, err := stride.Derive(lib, m, id)
		if err != nil {
			t.Fatal(err)
		}
		m.Trees[tree.ID] = tree
	}
	return m, lib
}

func treeReport(t *testing.T, m *model.Model, lib *stride.Library) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Report(&buf, m, ReportOptions{RampartVersion: "test", Hash: "0", Rules: lib}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var treeBBoxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// The report prints every word of its attack trees, drawings included, at
// 6 pt or more, measured with pdftotext on the largest tree of the demo
// and one with branches that recur.
func TestReportTreeTextIsAtLeastSixPoints(t *testing.T) {
	m, lib := demoWithTrees(t, "payment-token", "orders-db")
	pdf := treeReport(t, m, lib)
	cmd := exec.Command("pdftotext", "-bbox-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	type word struct {
		h    float64
		text string
	}
	var pages [][]word
	for _, p := range strings.Split(string(out), "<page ")[1:] {
		var ws []word
		for _, m := range treeBBoxWord.FindAllStringSubmatch(p, -1) {
			y0, _ := strconv.ParseFloat(m[2], 64)
			y1, _ := strconv.ParseFloat(m[4], 64)
			ws = append(ws, word{y1 - y0, m[5]})
		}
		pages = append(pages, ws)
	}
	// pdftotext boxes a word by its font's ascent and descent, a fixed
	// share of the font size: the chapter's 18-point heading gives it.
	start, em := -1, 0.0
	for i, ws := range pages {
		for j, w := range ws {
			if w.text == "Attack" && j+1 < len(ws) && ws[j+1].text == "trees" && w.h > 15 {
				start, em = i, w.h/18
			}
		}
		if start >= 0 {
			break
		}
	}
	if start < 0 {
		t.Fatal("the report has no chapter of attack trees")
	}
	smallest, where, words := 1e9, "", 0
	for i := start; i < len(pages); i++ {
		next := false
		for _, w := range pages[i] {
			next = next || (i > start && w.h/em > 17)
		}
		if next {
			break // the next chapter's heading
		}
		for _, w := range pages[i] {
			words++
			if size := w.h / em; size < smallest {
				smallest, where = size, fmt.Sprintf("%q on page %d", w.text, i+1)
			}
		}
	}
	if words < 1000 {
		t.Fatalf("only %d words in the chapter of attack trees", words)
	}
	if smallest < 6 {
		t.Errorf("the smallest text of the attack trees is %.1f pt: %s", smallest, where)
	}
	t.Logf("%d words, the smallest %.1f pt (%s)", words, smallest, where)
}

// The same model with the same trees gives the same report, figures and
// references included.
func TestReportWithTreesIsByteIdentical(t *testing.T) {
	m, lib := demoWithTrees(t, "payment-token", "orders-db")
	if a, b := treeReport(t, m, lib), treeReport(t, m.Clone(), lib); !bytes.Equal(a, b) {
		t.Fatal("the same trees gave two different reports")
	}
}

// A box shows the whole of the longest label a model takes, wrapped, and
// breaks a word wider than the box rather than letting it run out.
func TestTreeBoxesShowWholeLabels(t *testing.T) {
	for _, label := range []string{
		strings.Repeat("Exfiltrate ", model.MaxNameLen/11),
		strings.Repeat("x", model.MaxNameLen),
		"Fetch https://" + strings.Repeat("x", 200) + ".example/ and read it",
	} {
		m, tree := handMadeTree(2, func(int) int { return 0 })
		tree.Nodes["n1"].Label = label
		lt := &treeLayouter{t: tree, v: stride.Evaluate(m, tree)}
		var shown []string
		for _, ln := range lt.lines(&treeBox{n: tree.Nodes["n1"]}) {
			if ln.size == treeLabelSize {
				shown = append(shown, ln.text)
				if w := TextWidth(ln.text, ln.size, ln.bold); w > treeBoxW-12 {
					t.Errorf("%q is %.0f wide", ln.text, w)
				}
			}
		}
		if strings.Join(strings.Fields(strings.Join(shown, "")), "") != strings.Join(strings.Fields(label), "") {
			t.Errorf("a box shows %q for %q", shown, label)
		}
	}
}

package render

import (
	"fmt"
	"strings"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// attackTrees draws each of the model's attack trees with its values and
// minimal attack paths.
func (r *report) attackTrees() {
	if len(r.m.Trees) == 0 {
		return
	}
	r.section("Attack trees", 0)
	r.para("Each tree has the attacker's goal at its root. An OR node succeeds when any child does, an AND node " +
		"when all do. Values: the cheapest attack (minimum over OR, sum over AND, in the analyst's cost unit), " +
		"the probability of success (OR: 1 − Π(1 − p), AND: Π p) and the skill needed. Branches whose defense is " +
		"in place, or whose threat is mitigated, are cut (shown in grey). A large tree is drawn in parts named by letter: a " +
		"branch that recurs under several routes is drawn once, and a branch too large for the page is drawn apart; a box " +
		"with a dashed border and \"see B\" stands for the branch drawn in part B, with the same values.")
	for i, t := range r.m.TreeList() {
		if i > 0 {
			r.pdf.AddPage()
		}
		r.section(t.Name, 1)
		v := stride.Evaluate(r.m, t)
		root := v.Root(t)
		r.para(fmt.Sprintf("Target: %s. Cheapest attack: %s; probability of success: %.2f; skill needed: %s.",
			r.m.TargetName(t), FormatCost(root.Cost), root.Probability, root.Skill))
		r.treeFigures(t, v)
		r.need(20)
		r.font("B", 10, InkColor)
		r.pdf.CellFormat(textW, 6, "Nodes, with their values", "", 1, "L", false, 0, "")
		rows := [][]string{{"Node", "Gate", "Cost", "p", "Skill"}}
		t.Walk(func(n *model.TreeNode, depth int) {
			nv := v.Nodes[n.ID]
			label := strings.Repeat("   ", depth) + n.Label
			if nv.Defended {
				label += " [defended"
				if n.Defense != "" {
					label += ": " + n.Defense
				}
				label += "]"
			}
			gate := "" // a leaf has none; a gate reads as in the figure
			if len(t.Children(n.ID)) > 0 {
				gate = strings.ToUpper(n.Gate.String())
			}
			rows = append(rows, []string{label, gate, FormatCost(nv.Cost), fmt.Sprintf("%.2f", nv.Probability), nv.Skill.String()})
		})
		r.table([]float64{textW - 64, 14, 16, 14, 20}, rows, true)
		r.font("B", 10, InkColor)
		r.need(20)
		r.pdf.CellFormat(textW, 6, "Minimal attack paths", "", 1, "L", false, 0, "")
		paths := [][]string{{"#", "Cost", "p", "Steps"}}
		for i, p := range v.Paths {
			var steps []string
			for _, id := range p.Leaves {
				steps = append(steps, t.Nodes[id].Label)
			}
			paths = append(paths, []string{fmt.Sprint(i + 1), FormatCost(p.Cost), fmt.Sprintf("%.2f", p.Probability), strings.Join(steps, " + ")})
		}
		if len(paths) == 1 {
			r.para("None: every branch is defended.")
		} else {
			if v.MorePaths {
				r.para(fmt.Sprintf("The %d cheapest are listed; the tree has more minimal paths, each dearer than "+
					"these or as dear.", len(v.Paths)))
			}
			r.table([]float64{8, 14, 14, textW - 36}, paths, true)
		}
	}
}

// Attack trees print at treeScale millimetres a drawing unit, so their
// smallest text (treeSmallSize) is 6.9 pt; a figure is at most a page's
// text area, treeFigureW by treeFigureH millimetres, and LayoutTree draws
// branches apart to keep it so.
const (
	treeScale   = 0.27
	treeFigureW = textW
	treeFigureH = 250.0
)

// treeFigures draws an attack tree's figures one after the other, each
// whole on a page.
func (r *report) treeFigures(t *model.AttackTree, v *stride.TreeValues) {
	l := LayoutTree(t, v, treeFigureW/treeScale, treeFigureH/treeScale)
	for _, f := range l.Figures {
		b := f.Bounds
		// LayoutTree brings every figure within a page; were one larger,
		// it would be drawn smaller rather than run off the page.
		scale := min(treeScale, treeFigureW/b.W, treeFigureH/b.H)
		r.need(b.H*scale + 4)
		y := r.pdf.GetY()
		s := &pdfSurface{pdf: r.pdf, scale: scale, offX: b.X, offY: b.Y, boxX: marginX + (textW-b.W*scale)/2, boxY: y}
		r.pdf.SetAutoPageBreak(false, 18)
		drawFigure(s, t, v, f, len(l.Figures) > 1)
		r.pdf.SetAutoPageBreak(true, 18)
		r.pdf.SetXY(marginX, y+b.H*scale+4)
	}
}

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
		"in place, or whose threat is mitigated, are cut (shown in grey).")
	for i, t := range r.m.TreeList() {
		if i > 0 {
			r.pdf.AddPage()
		}
		r.section(t.Name, 1)
		v := stride.Evaluate(r.m, t)
		root := v.Root(t)
		r.para(fmt.Sprintf("Target: %s. Cheapest attack: %s; probability of success: %.2f; skill needed: %s.",
			r.m.TargetName(t), FormatCost(root.Cost), root.Probability, root.Skill))
		if l, err := LayoutTree(t); err == nil {
			b := l.Bounds
			scale := min(textW/b.W, 120/b.H, 0.35)
			r.need(b.H*scale + 4)
			y := r.pdf.GetY()
			s := &pdfSurface{pdf: r.pdf, scale: scale, offX: b.X, offY: b.Y, boxX: marginX + (textW-b.W*scale)/2, boxY: y}
			r.pdf.SetAutoPageBreak(false, 18)
			DrawTree(s, r.m, t, v, l)
			r.pdf.SetAutoPageBreak(true, 18)
			r.pdf.SetXY(marginX, y+b.H*scale+4)
		}
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
			rows = append(rows, []string{label, n.Gate.String(), FormatCost(nv.Cost), fmt.Sprintf("%.2f", nv.Probability), nv.Skill.String()})
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
			r.table([]float64{8, 14, 14, textW - 36}, paths, true)
		}
	}
}

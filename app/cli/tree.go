package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// findTarget finds what an attack tree is for, by name (or ID): an
// element, preferring nodes over flows and higher levels over deeper ones,
// or a data asset.
func findTarget(m *model.Model, name string) (string, error) {
	var best *model.Element
	for _, d := range m.DiagramList() {
		for _, e := range m.ElementsIn(d.ID) {
			if (e.Name == name || e.ID == name) && e.Kind != model.TrustBoundary && m.ChildOf(e.ID) == nil {
				if best == nil || (best.Kind == model.DataFlow && e.Kind != model.DataFlow) {
					best = e
				}
			}
		}
	}
	if best != nil {
		return best.ID, nil
	}
	for _, a := range m.AssetList() {
		if a.Name == name || a.ID == name {
			return a.ID, nil
		}
	}
	return "", usagef("no element or data asset named %q", name)
}

// WriteTree prints an attack tree with each node's values, then its
// minimal attack paths.
func WriteTree(w io.Writer, m *model.Model, t *model.AttackTree, v *stride.TreeValues) {
	root := v.Root(t)
	fmt.Fprintf(w, "%s\ncheapest attack: %s · probability of success: %.2f · skill: %s\n\n", t.Name,
		render.FormatCost(root.Cost), root.Probability, root.Skill)
	t.Walk(func(n *model.TreeNode, depth int) {
		nv := v.Nodes[n.ID]
		gate := strings.ToUpper(n.Gate.String())
		if n.Gate == model.Leaf {
			gate = "-"
		}
		state := ""
		if nv.Defended {
			state = " [defended"
			if n.Defense != "" {
				state += ": " + oneLine(n.Defense, 60)
			}
			state += "]"
		}
		fmt.Fprintf(w, "%s%-4s %s  (cost %s, p %.2f, skill %s)%s\n", strings.Repeat("  ", depth), gate, n.Label,
			render.FormatCost(nv.Cost), nv.Probability, nv.Skill, state)
	})
	fmt.Fprintf(w, "\nminimal attack paths (cheapest first):\n")
	if len(v.Paths) == 0 {
		fmt.Fprintln(w, "  none: every branch is defended")
	}
	for i, p := range v.Paths {
		var steps []string
		for _, id := range p.Leaves {
			steps = append(steps, t.Nodes[id].Label)
		}
		fmt.Fprintf(w, "  %2d. cost %s, p %.2f, skill %s: %s\n", i+1, render.FormatCost(p.Cost), p.Probability, p.Skill,
			strings.Join(steps, " + "))
	}
	if v.MorePaths {
		fmt.Fprintf(w, "  (the %d cheapest; the tree has more)\n", len(v.Paths))
	}
}

func attackTreeCmd() *cobra.Command {
	var target, out string
	cmd := &cobra.Command{
		Use:   "attack-tree FILE --target NAME [-o OUT.(png|svg)]",
		Short: "Print (or draw) the attack tree for a target",
		Long: "Prints the attack tree for an element or data asset with its values: the cheapest attack\n" +
			"(minimum over OR, sum over AND), the probability of success (OR 1−Π(1−p), AND Πp), the skill\n" +
			"needed, and the minimal attack paths. Uses the model's own tree for the target when it has one,\n" +
			"and otherwise derives one from the diagrams and the threats. -o also draws it.",
		Args: exactlyOneFile("model file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if target == "" {
				return usagef("attack-tree needs --target NAME")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if out != "" && ext != ".png" && ext != ".svg" {
				return usagef("the output must end in .png or .svg, not %s", out)
			}
			if err := storage.CheckOutput(out, storage.FormatOther, args[0]); err != nil {
				return err
			}
			m, lib, _, err := loadAnalysed(cmd, args[0])
			if err != nil {
				return err
			}
			id, err := findTarget(m, target)
			if err != nil {
				return err
			}
			var tree *model.AttackTree
			for _, t := range m.TreeList() {
				if t.Target == id {
					tree = t
					break
				}
			}
			if tree == nil {
				if tree, err = stride.Derive(lib, m, id); err != nil {
					return err
				}
			}
			values := stride.Evaluate(m, tree)
			WriteTree(cmd.OutOrStdout(), m, tree, values)
			if out == "" {
				return nil
			}
			return writeOutput(cmd, out, func(w io.Writer) error {
				if ext == ".png" {
					return render.TreePNG(w, m, tree, values)
				}
				return render.TreeSVG(w, m, tree, values)
			})
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "the element or data asset attacked, by name")
	cmd.Flags().StringVarP(&out, "output", "o", "", "also draw the tree to this PNG or SVG file")
	return cmd
}

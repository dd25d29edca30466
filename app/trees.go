package app

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/stride"
)

// treesPanel lists the model's attack trees, shows the one picked as an
// outline with each node's computed values, and edits its nodes: label,
// gate, cost, probability, skill, defense. Every change is an undoable
// edit of the whole tree.
type treesPanel struct {
	w        *window
	list     *widget.List
	outline  *widget.Tree
	trees    []*model.AttackTree
	current  string // tree ID
	node     string // node ID
	values   *stride.TreeValues
	summary  *widget.Label
	detail   *fyne.Container
	syncs    []func()
	syncing  bool
	content  fyne.CanvasObject
	children map[string][]string // outline's node → children, rebuilt with the tree
}

func newTreesPanel(w *window) *treesPanel {
	p := &treesPanel{w: w, summary: widget.NewLabel(""), detail: container.NewVBox()}
	p.summary.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(func() int { return len(p.trees) },
		func() fyne.CanvasObject { return widget.NewLabel("attack tree name") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.trees) {
				o.(*widget.Label).SetText(p.trees[i].Name)
			}
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.trees) {
			p.current, p.node = p.trees[i].ID, ""
			p.refresh()
		}
	}
	p.outline = widget.NewTree(
		func(id string) []string {
			if id == "" {
				if t := p.tree(); t != nil {
					return []string{t.Root}
				}
				return nil
			}
			return p.children[id]
		},
		func(id string) bool { return id == "" || len(p.children[id]) > 0 },
		func(bool) fyne.CanvasObject { return widget.NewLabel("node label with its values") },
		func(id string, _ bool, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.nodeLine(id)) })
	p.outline.OnSelected = func(id string) {
		p.node = id
		p.showNode()
	}
	newTree := widget.NewButton("New tree for selection", p.newTree)
	draw := widget.NewButton("Show drawing", p.showDrawing)
	del := widget.NewButton("Delete tree", func() {
		if t := p.tree(); t != nil {
			p.w.do(p.w.ed.Do(model.DeleteTree(p.w.ed.Model, t.ID)))
		}
	})
	left := container.NewBorder(nil, container.NewVBox(newTree, del), nil, nil, p.list)
	middle := container.NewBorder(container.NewBorder(nil, nil, nil, draw, p.summary), nil, nil, nil, p.outline)
	inner := container.NewHSplit(middle, container.NewScroll(container.NewPadded(p.detail)))
	inner.Offset = 0.62
	split := container.NewHSplit(left, inner)
	split.Offset = 0.18
	p.content = split
	return p
}

func (p *treesPanel) tree() *model.AttackTree { return p.w.ed.Model.Trees[p.current] }

func (p *treesPanel) nodeLine(id string) string {
	t := p.tree()
	if t == nil || t.Nodes[id] == nil || p.values == nil {
		return ""
	}
	n, v := t.Nodes[id], p.values.Nodes[id]
	gate := ""
	if n.Gate != model.Leaf {
		gate = strings.ToUpper(n.Gate.String()) + "  "
	}
	cut := ""
	if v.Defended {
		cut = "  [defended]"
	}
	return fmt.Sprintf("%s%s   (cost %s, p %.2f, %s)%s", gate, n.Label, render.FormatCost(v.Cost), v.Probability, v.Skill, cut)
}

// refresh lists the trees again and evaluates the one shown: values
// follow the threats' triage.
func (p *treesPanel) refresh() {
	m := p.w.ed.Model
	p.trees = m.TreeList()
	p.list.Refresh()
	t := p.tree()
	if t == nil {
		p.current, p.node, p.values, p.children = "", "", nil, nil
		p.summary.SetText("Pick a tree, or select an element (or nothing, for a data asset) and press New tree.")
		p.outline.Refresh()
		p.detail.RemoveAll()
		return
	}
	p.values = stride.Evaluate(m, t)
	p.children = map[string][]string{}
	t.Walk(func(n *model.TreeNode, _ int) {
		for _, c := range t.Children(n.ID) {
			p.children[n.ID] = append(p.children[n.ID], c.ID)
		}
	})
	root := p.values.Root(t)
	p.summary.SetText(fmt.Sprintf("%s — target %s. Cheapest attack %s, probability of success %.2f, skill %s; %d minimal attack paths.",
		t.Name, m.TargetName(t), render.FormatCost(root.Cost), root.Probability, root.Skill, len(p.values.Paths)))
	p.outline.Refresh()
	p.outline.OpenBranch(t.Root)
	if t.Nodes[p.node] == nil {
		p.node = ""
		p.detail.RemoveAll()
	} else {
		p.syncing = true
		for _, f := range p.syncs {
			f()
		}
		p.syncing = false
	}
}

// edit applies a change to a copy of the tree as one undoable edit.
func (p *treesPanel) edit(label, key string, change func(t *model.AttackTree)) {
	t := p.tree()
	if t == nil || p.syncing {
		return
	}
	after := t.Clone()
	change(after)
	e := model.PutTree(p.w.ed.Model, after, label)
	if key != "" {
		e = model.Mergeable(e, key)
	}
	p.w.do(p.w.ed.Do(e))
}

// newTree derives a tree for the selected element, or asks for a data asset.
func (p *treesPanel) newTree() {
	ed := p.w.ed
	derive := func(target string) {
		t, err := stride.Derive(p.w.analysis.lib, ed.Model, target)
		if err != nil {
			p.w.showError(err)
			return
		}
		if err := ed.Do(model.PutTree(ed.Model, t, "derived "+t.Name)); err != nil {
			p.w.showError(err)
			return
		}
		p.current, p.node = t.ID, ""
		p.refresh()
	}
	if sel := ed.Selection(); len(sel) == 1 {
		derive(sel[0])
		return
	}
	var names []string
	ids := map[string]string{}
	for _, a := range ed.Model.AssetList() {
		names = append(names, a.Name)
		ids[a.Name] = a.ID
	}
	if len(names) == 0 {
		p.w.showError(fmt.Errorf("select the element to attack (or add data assets to attack them)"))
		return
	}
	choice := widget.NewSelect(names, nil)
	choice.SetSelected(names[0])
	dialog.ShowForm("New attack tree", "Derive", "Cancel", []*widget.FormItem{widget.NewFormItem("Data asset", choice)},
		func(ok bool) {
			if ok {
				derive(ids[choice.Selected])
			}
		}, p.w.win)
}

// showNode edits the node picked in the outline.
func (p *treesPanel) showNode() {
	t := p.tree()
	p.detail.RemoveAll()
	p.syncs = nil
	if t == nil || t.Nodes[p.node] == nil {
		return
	}
	id := p.node
	node := func() *model.TreeNode {
		if x := p.tree(); x != nil && x.Nodes[id] != nil {
			return x.Nodes[id]
		}
		return &model.TreeNode{}
	}
	label := widget.NewEntry()
	label.OnChanged = func(s string) {
		p.edit("renamed attack step "+s, "tree-label:"+id, func(t *model.AttackTree) { t.Nodes[id].Label = s })
	}
	gate := widget.NewSelect([]string{"leaf", "or", "and"}, func(s string) {
		if g, err := model.ParseGate(s); err == nil && g != node().Gate {
			p.edit("made "+node().Label+" "+s, "", func(t *model.AttackTree) { t.Nodes[id].Gate = g })
		}
	})
	number := func(get func(*model.TreeNode) float64, set func(*model.TreeNode, float64), what string, lo, hi float64) *widget.Entry {
		e := widget.NewEntry()
		e.Validator = func(s string) error {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || v < lo || v > hi {
				return fmt.Errorf("a number from %g to %g", lo, hi)
			}
			return nil
		}
		e.OnChanged = func(s string) {
			if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && v >= lo && v <= hi && v != get(node()) {
				p.edit(fmt.Sprintf("set the %s of %s to %g", what, node().Label, v), "tree-"+what+":"+id,
					func(t *model.AttackTree) { set(t.Nodes[id], v) })
			}
		}
		p.syncs = append(p.syncs, func() {
			if v, err := strconv.ParseFloat(e.Text, 64); err != nil || v != get(node()) {
				e.SetText(strconv.FormatFloat(get(node()), 'f', -1, 64))
			}
		})
		return e
	}
	cost := number(func(n *model.TreeNode) float64 { return n.Cost }, func(n *model.TreeNode, v float64) { n.Cost = v }, "cost", 0, 1e9)
	prob := number(func(n *model.TreeNode) float64 { return n.Probability }, func(n *model.TreeNode, v float64) { n.Probability = v }, "probability", 0, 1)
	skill := widget.NewSelect(levelLabels(), func(s string) {
		if l, err := model.ParseLevel(s); err == nil && l != node().Skill {
			p.edit("set the skill of "+node().Label, "", func(t *model.AttackTree) { t.Nodes[id].Skill = l })
		}
	})
	defense := widget.NewEntry()
	defense.SetPlaceHolder("What counters this step")
	defense.OnChanged = func(s string) {
		p.edit("set the defense of "+node().Label, "tree-defense:"+id, func(t *model.AttackTree) { t.Nodes[id].Defense = s })
	}
	defended := widget.NewCheck("Defense in place", func(b bool) {
		p.edit("marked the defense of "+node().Label, "", func(t *model.AttackTree) { t.Nodes[id].Defended = b })
	})
	p.syncs = append(p.syncs, func() {
		n := node()
		if label.Text != n.Label {
			label.SetText(n.Label)
		}
		gate.SetSelected(n.Gate.String())
		skill.SetSelected(n.Skill.Label())
		if defense.Text != n.Defense {
			defense.SetText(n.Defense)
		}
		defended.SetChecked(n.Defended)
	})
	p.detail.Add(widget.NewForm(
		widget.NewFormItem("Step", label), widget.NewFormItem("Gate", gate), widget.NewFormItem("Cost", cost),
		widget.NewFormItem("Probability", prob), widget.NewFormItem("Skill", skill), widget.NewFormItem("Defense", defense),
		widget.NewFormItem("", defended)))
	n := t.Nodes[id]
	if th := p.w.ed.Model.Threats[n.ThreatID]; th != nil {
		p.detail.Add(widget.NewButton("Go to threat "+th.Code(), func() { p.w.goToThreat(th.ID) }))
	} else if e := p.w.ed.Model.Elements[n.ElementID]; e != nil {
		p.detail.Add(widget.NewButton("Go to "+e.Label(), func() { p.w.ed.Select(e.ID) }))
	}
	if id != t.Root {
		p.detail.Add(p.parentChoice(t, id))
	}
	p.detail.Add(container.NewGridWithColumns(2,
		widget.NewButton("Add step below", func() { p.addChild(id) }),
		widget.NewButton("Remove", func() { p.remove(id) }),
		widget.NewButton("Move up", func() { p.move(id, -1) }),
		widget.NewButton("Move down", func() { p.move(id, 1) }),
	))
	p.syncing = true
	for _, f := range p.syncs {
		f()
	}
	p.syncing = false
	p.detail.Refresh()
}

func (p *treesPanel) addChild(parent string) {
	t := p.tree()
	if t == nil {
		return
	}
	id := "n" + model.NewID()
	p.edit("added a step to "+t.Name, "", func(t *model.AttackTree) {
		if pn := t.Nodes[parent]; pn.Gate == model.Leaf {
			pn.Gate = model.Or // a step with steps below becomes a gate
		}
		t.Nodes[id] = &model.TreeNode{ID: id, Parent: parent, Position: len(t.Children(parent)) + 1, Label: "New attack step",
			Cost: 10, Probability: 0.5, Skill: model.Medium}
	})
	p.node = id
	p.outline.OpenBranch(parent)
	p.outline.Select(id)
}

// remove deletes a node and everything below it (not the goal).
func (p *treesPanel) remove(id string) {
	t := p.tree()
	if t == nil || id == t.Root {
		p.w.showError(fmt.Errorf("the goal stays; delete the tree instead"))
		return
	}
	p.edit("removed "+t.Nodes[id].Label+" from "+t.Name, "", func(t *model.AttackTree) {
		var drop func(string)
		drop = func(x string) {
			for _, c := range t.Children(x) {
				drop(c.ID)
			}
			delete(t.Nodes, x)
		}
		drop(id)
	})
	p.node = ""
	p.detail.RemoveAll()
}

// move swaps a node with its previous (-1) or next (+1) sibling.
func (p *treesPanel) move(id string, by int) {
	t := p.tree()
	if t == nil || t.Nodes[id] == nil {
		return
	}
	sibs := t.Children(t.Nodes[id].Parent)
	for i, s := range sibs {
		if s.ID == id && i+by >= 0 && i+by < len(sibs) {
			other := sibs[i+by].ID
			p.edit("moved "+s.Label, "", func(t *model.AttackTree) {
				for j, x := range t.Children(t.Nodes[id].Parent) {
					t.Nodes[x.ID].Position = j
				}
				t.Nodes[id].Position, t.Nodes[other].Position = t.Nodes[other].Position, t.Nodes[id].Position
			})
			return
		}
	}
}

// parentChoice moves a node (with what is below it) under another node
// that is not below it.
func (p *treesPanel) parentChoice(t *model.AttackTree, id string) fyne.CanvasObject {
	below := map[string]bool{}
	var mark func(string)
	mark = func(x string) {
		below[x] = true
		for _, c := range t.Children(x) {
			mark(c.ID)
		}
	}
	mark(id)
	var labels []string
	ids := map[string]string{}
	t.Walk(func(n *model.TreeNode, depth int) {
		if !below[n.ID] {
			l := strings.Repeat("· ", depth) + n.Label
			labels = append(labels, l)
			ids[l] = n.ID
		}
	})
	sel := widget.NewSelect(labels, nil)
	for l, x := range ids {
		if x == t.Nodes[id].Parent {
			sel.SetSelected(l)
		}
	}
	sel.OnChanged = func(l string) {
		to := ids[l]
		if to == "" || to == t.Nodes[id].Parent {
			return
		}
		p.edit("moved "+t.Nodes[id].Label+" under "+t.Nodes[to].Label, "", func(t *model.AttackTree) {
			if t.Nodes[to].Gate == model.Leaf {
				t.Nodes[to].Gate = model.Or
			}
			t.Nodes[id].Parent = to
			t.Nodes[id].Position = len(t.Children(to)) + 1
		})
	}
	return widget.NewForm(widget.NewFormItem("Under", sel))
}

// showDrawing opens the tree drawn by graphviz in a window of its own.
func (p *treesPanel) showDrawing() {
	t := p.tree()
	if t == nil {
		return
	}
	img, err := render.TreeImage(p.w.ed.Model, t, stride.Evaluate(p.w.ed.Model, t), 1)
	if err != nil {
		p.w.showError(err)
		return
	}
	c := canvas.NewImageFromImage(img)
	c.FillMode = canvas.ImageFillOriginal
	win := p.w.s.app.NewWindow(t.Name)
	win.SetContent(container.NewScroll(c))
	win.Resize(fyne.NewSize(1200, 700))
	win.Show()
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
)

// newTestWindow opens an editor window on a model in a headless test app,
// with the canvas at 100 % and the origin at its top-left corner.
func newTestWindow(t *testing.T, m *model.Model) *window {
	t.Helper()
	a := test.NewTempApp(t)
	s := newSession(a, "")
	s.headless = true // the test goroutine is the UI thread: no analysis or file check behind its back
	w := s.newWindow(editor.New(m))
	w.win.Resize(fyne.NewSize(1400, 900))
	w.canvas.zoom, w.canvas.pan, w.canvas.autoFit = 1, fyne.NewPos(0, 0), false
	w.canvas.Refresh()
	t.Cleanup(w.win.Close)
	return w
}

// at converts a diagram point to a position in the canvas widget.
func at(x, y float64) fyne.Position { return fyne.NewPos(float32(x), float32(y)) }

// drag drags on the canvas from a diagram point by (dx, dy), pressing the
// mouse first as a real pointer does.
func drag(w *window, from fyne.Position, dx, dy float32) {
	v := w.canvas
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Button: desktop.MouseButtonPrimary})
	steps := 4
	for i := 1; i <= steps; i++ {
		p := from.AddXY(dx*float32(i)/float32(steps), dy*float32(i)/float32(steps))
		v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(dx/float32(steps), dy/float32(steps))})
	}
	v.DragEnd()
}

func only(t *testing.T, m *model.Model, k model.Kind) *model.Element {
	t.Helper()
	var found *model.Element
	for _, e := range m.Elements {
		if e.Kind == k {
			if found != nil {
				t.Fatalf("more than one %s", k.Label())
			}
			found = e
		}
	}
	if found == nil {
		t.Fatalf("no %s", k.Label())
	}
	return found
}

func TestPlaceFromThePaletteByClick(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	test.Tap(w.tools[ToolProcess])
	if w.canvas.tool != ToolProcess {
		t.Fatal("the palette button did not choose the tool")
	}
	test.TapAt(w.canvas, at(300, 200))
	p := only(t, w.ed.Model, model.Process)
	if c := p.Centre(); c.X < 290 || c.X > 310 || c.Y < 190 || c.Y > 210 {
		t.Errorf("placed at %v", c)
	}
	if w.canvas.tool != ToolProcess || !w.ed.IsSelected(p.ID) {
		t.Error("after placing, the tool stays, with the new element selected")
	}
}

func TestDrawABoundaryByDragging(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	w.canvas.SetTool(ToolBoundary)
	drag(w, at(100, 100), 500, 300)
	b := only(t, w.ed.Model, model.TrustBoundary)
	if b.X != 100 || b.Y != 100 || b.W != 500 || b.H != 300 {
		t.Errorf("boundary %v,%v %vx%v", b.X, b.Y, b.W, b.H)
	}
}

func TestMoveConnectRenameDeleteUndo(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	ed := w.ed
	u, _ := ed.Place(model.ExternalEntity, model.Point{X: 150, Y: 150})
	p, _ := ed.Place(model.Process, model.Point{X: 550, Y: 150})
	ed.Select()

	// Move: drag the user's body 100 to the right; one undo step.
	before := ed.Model.Elements[u].X
	drag(w, at(150, 150), 100, 0)
	if got := ed.Model.Elements[u].X; got != before+100 {
		t.Fatalf("moved to x=%v, want %v", got, before+100)
	}
	if got := ed.History.UndoLabel(); got != "moved External entity 1" {
		t.Errorf("undo label %q", got)
	}

	// Connect: drag from the user's rim to the process.
	ue := ed.Model.Elements[u]
	drag(w, at(ue.X+ue.W-2, ue.Y+ue.H/2), 550-(float32(ue.X+ue.W)-2), 0)
	f := only(t, ed.Model, model.DataFlow)
	if f.Source != u || f.Target != p {
		t.Fatalf("flow %s→%s", f.Source, f.Target)
	}

	// Rename in place: double-click the user, type, press Enter.
	test.DoubleTap(w.canvas) // on empty space: nothing happens
	w.canvas.DoubleTapped(&fyne.PointEvent{Position: at(ue.Centre().X, ue.Centre().Y)})
	if !w.renameLine.Visible() {
		t.Fatal("double-click on an entity should show the rename field")
	}
	test.Type(w.renameLine, "Customer") // replaces the selected old name
	w.renameLine.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := ed.Model.Elements[u].Name; got != "Customer" {
		t.Fatalf("name = %q", got)
	}
	if w.renameLine.Visible() {
		t.Error("the rename field should close on Enter")
	}

	// Delete with the Delete key, then undo and redo with the shortcuts.
	ed.Select(p)
	w.canvas.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	if ed.Model.Elements[p] != nil || ed.Model.Elements[f.ID] != nil {
		t.Fatal("Delete should remove the process and its flow")
	}
	w.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	if ed.Model.Elements[p] == nil || ed.Model.Elements[f.ID] == nil {
		t.Fatal("Ctrl+Z should bring them back")
	}
	w.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{})
	if ed.Model.Elements[p] != nil {
		t.Fatal("Ctrl+Y should delete again")
	}
}

func TestRubberBandAndShiftSelection(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	ed := w.ed
	a, _ := ed.Place(model.Process, model.Point{X: 150, Y: 150})
	b, _ := ed.Place(model.Process, model.Point{X: 450, Y: 150})
	c, _ := ed.Place(model.Process, model.Point{X: 450, Y: 450})
	ed.Select()
	drag(w, at(20, 20), 600, 250)
	if sel := ed.Selection(); len(sel) != 2 || !ed.IsSelected(a) || !ed.IsSelected(b) {
		t.Fatalf("rubber band selected %v", sel)
	}
	w.canvas.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: at(450, 450)}, Modifier: fyne.KeyModifierShift})
	w.canvas.Tapped(&fyne.PointEvent{Position: at(450, 450)})
	if !ed.IsSelected(c) || len(ed.Selection()) != 3 {
		t.Fatal("shift-click adds to the selection")
	}
	// Dragging one selected element moves them all.
	xs := []float64{ed.Model.Elements[a].X, ed.Model.Elements[b].X, ed.Model.Elements[c].X}
	drag(w, at(150, 150), 50, 0)
	for i, id := range []string{a, b, c} {
		if got := ed.Model.Elements[id].X; got != xs[i]+50 {
			t.Errorf("element %d at x=%v, want %v", i, got, xs[i]+50)
		}
	}
}

func TestDoubleClickOpensChildAndBreadcrumbReturns(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	shop := m.Elements["shop"]
	w.canvas.DoubleTapped(&fyne.PointEvent{Position: at(shop.Centre().X, shop.Centre().Y)})
	if d := w.ed.Diagram(); d.ID != "platform" {
		t.Fatalf("on screen: %s", d.Name)
	}
	if n := len(w.crumbs.Objects); n != 3 { // Context › Shop platform
		t.Fatalf("breadcrumb has %d objects", n)
	}
	test.Tap(w.crumbs.Objects[0].(fyne.Tappable))
	if d := w.ed.Diagram(); d.ID != model.RootDiagramID {
		t.Fatalf("the breadcrumb should return to the context diagram, shows %s", d.Name)
	}
}

func TestThreatsAppearAndSelectingOneSelectsItsElement(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	w.analysis.Now()
	if len(m.Threats) < 40 || len(w.threats.items) != len(m.Threats) {
		t.Fatalf("%d threats in the model, %d listed", len(m.Threats), len(w.threats.items))
	}
	if w.ed.History.CanUndo() {
		t.Error("analysis must not be an undo step")
	}
	if w.canvas.marks["i-order"].Open == 0 || w.canvas.marks["user-db"].Worst < model.SeverityHigh {
		t.Error("badges should count open threats and show the worst severity")
	}
	// Pick the SQL injection threat: its flow is selected, on its diagram.
	var sql *model.Threat
	for i, th := range w.threats.items {
		if th.RuleID == "inject.sql" {
			sql = th
			w.threats.list.Select(i)
		}
	}
	if sql == nil {
		t.Fatal("no SQL injection threat listed")
	}
	if !w.ed.IsSelected(sql.ElementID) || w.ed.Diagram().ID != "platform" {
		t.Fatalf("selecting the threat should select %s on its diagram", sql.ElementID)
	}
	// Triage it in the detail pane; the list filter for open threats drops it.
	w.ed.Do(model.SetStatus(m, sql.ID, model.Mitigated, "parameterized queries"))
	w.threats.state.SetSelected("open")
	for _, th := range w.threats.items {
		if th.ID == sql.ID {
			t.Fatal("a mitigated threat is listed under open")
		}
	}
	// Scope to the selection: only the flow's threats.
	w.threats.state.SetSelected(anyChoice)
	w.threats.scope.SetSelected("Selection")
	for _, th := range w.threats.items {
		if th.ElementID != sql.ElementID {
			t.Fatalf("threat on %s listed for the selection", th.ElementID)
		}
	}
}

func TestAddManualThreat(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	p, _ := w.ed.Place(model.Process, model.Point{X: 100, Y: 100})
	w.threats.addManual()
	ts := w.ed.Model.ThreatsOf(p)
	if len(ts) != 1 || !ts[0].Manual || ts[0].Number == 0 {
		t.Fatalf("manual threats: %+v", ts)
	}
	if w.threats.current != ts[0].ID {
		t.Error("the new threat should be shown for editing")
	}
}

func TestAutoLayoutIsOneUndoStep(t *testing.T) {
	m, _ := storage.Demo()
	w := newTestWindow(t, m)
	w.ed.ShowDiagram("platform")
	x := m.Elements["gateway"].X
	l, err := render.AutoLayout(m, "platform")
	if err != nil {
		t.Fatal(err)
	}
	edit, err := render.LayoutEdit(m, "platform", l)
	if err != nil {
		t.Fatal(err)
	}
	w.do(w.ed.Do(edit))
	if m.Elements["gateway"].X == x {
		t.Fatal("layout did not move the gateway")
	}
	w.ed.Undo()
	if m.Elements["gateway"].X != x {
		t.Fatal("one undo should restore every position")
	}
}

func TestAttackTreeView(t *testing.T) {
	m, _ := storage.Demo()
	w := newTestWindow(t, m)
	w.analysis.Now()
	w.ed.Select("orders-db")
	w.trees.newTree()
	tree := w.trees.tree()
	if tree == nil || len(m.Trees) != 1 || tree.Target != "orders-db" {
		t.Fatal("New tree should derive a tree for the selected element")
	}
	if !strings.Contains(w.trees.summary.Text, "Cheapest attack") {
		t.Errorf("summary %q", w.trees.summary.Text)
	}
	// Edit a leaf: a defense in place cuts its branch and changes the values.
	var leaf *model.TreeNode
	tree.Walk(func(n *model.TreeNode, _ int) {
		if leaf == nil && n.Gate == model.Leaf && n.ThreatID != "" {
			leaf = n
		}
	})
	w.trees.outline.Select(leaf.ID)
	before := w.trees.values.Nodes[leaf.ID]
	w.trees.edit("defended", "", func(t *model.AttackTree) { t.Nodes[leaf.ID].Defended = true })
	if after := w.trees.values.Nodes[leaf.ID]; !after.Defended || before.Defended {
		t.Fatal("marking the defense should cut the leaf")
	}
	// Jump from the leaf to its threat: the threat is picked and its element selected.
	w.goToThreat(leaf.ThreatID)
	if w.threats.current != leaf.ThreatID || !w.ed.IsSelected(m.Threats[leaf.ThreatID].ElementID) {
		t.Fatal("going to the threat should show it and select its element")
	}
	w.trees.addChild(tree.Root)
	if n := len(m.Trees[tree.ID].Children(tree.Root)); n < 2 {
		t.Fatalf("root has %d children after adding", n)
	}
	w.ed.Undo()
	w.ed.Undo()
	if m.Trees[tree.ID].Nodes[leaf.ID].Defended {
		t.Fatal("tree edits undo")
	}
}

func TestHistoryPanelFiltersBySelectionAndJumps(t *testing.T) {
	w := newTestWindow(t, model.New("x"))
	a, _ := w.ed.Place(model.Process, model.Point{X: 100, Y: 100})
	b, _ := w.ed.Place(model.DataStore, model.Point{X: 400, Y: 100})
	w.ed.Rename(a, "Orders API")
	for i, tab := range w.bottom.Items {
		if tab.Content == w.history.content {
			w.bottom.SelectIndex(i)
		}
	}
	if n := len(w.history.entries); n != 3 || w.history.entries[0].Action != "renamed Process 1 to Orders API" {
		t.Fatalf("history: %+v", w.history.entries)
	}
	w.ed.Select(b)
	w.history.selection.SetChecked(true)
	if n := len(w.history.entries); n != 1 || w.history.entries[0].Action != "added data store Data store 1" {
		t.Fatalf("history of the selection: %+v", w.history.entries)
	}
	w.history.selection.SetChecked(false)
	w.history.list.Select(0) // the rename: selects the process
	if !w.ed.IsSelected(a) {
		t.Fatal("picking an entry selects what it changed")
	}
}

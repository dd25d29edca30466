package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/app/editor"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// conflicted is the demo merged from two versions that renamed the
// catalog differently and deleted and edited the payments service.
func conflicted(t *testing.T) *model.Model {
	base, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := base.Clone(), base.Clone()
	for _, e := range []model.Edit{model.Rename(ours, "catalog-svc", "Product catalog"), model.DeleteElements(ours, []string{"payments"})} {
		if err := e.Apply(ours); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range []model.Edit{model.Rename(theirs, "catalog-svc", "Catalogue"), model.SetProp(theirs, "payments", "authentication", "mtls")} {
		if err := e.Apply(theirs); err != nil {
			t.Fatal(err)
		}
	}
	m := model.Merge(base, ours, theirs)
	if len(m.Conflicts) != 2 {
		t.Fatalf("want 2 conflicts, got %v", m.ConflictList())
	}
	return m
}

// rowButton is the button labelled text in the row of a conflict.
func rowButton(t *testing.T, p *conflictsPanel, id, text string) *widget.Button {
	t.Helper()
	row := slices.IndexFunc(p.w.ed.Model.ConflictList(), func(c *model.Conflict) bool { return c.ID == id })
	var objs []fyne.CanvasObject
	walk(p.box.Objects[row*2], func(o any) {
		if c, ok := o.(fyne.CanvasObject); ok {
			objs = append(objs, c)
		}
	})
	return buttonIn(t, objs, text)
}

func TestConflictsPanelResolvesAsUndoableEdits(t *testing.T) {
	w := newTestWindow(t, conflicted(t))
	p := w.conflicts
	if w.bottom.Selected() != p.tab {
		t.Fatal("a model with conflicts opens on its Conflicts tab")
	}
	if !strings.Contains(p.count.Text, "2 merge conflicts") {
		t.Errorf("count reads %q", p.count.Text)
	}
	test.Tap(rowButton(t, p, model.ConflictID("element", "catalog-svc", "name"), "Use theirs"))
	m := w.ed.Model
	if got := m.Elements["catalog-svc"].Name; got != "Catalogue" {
		t.Fatalf("after Use theirs the name is %q", got)
	}
	if len(m.Conflicts) != 1 || len(p.box.Objects) != 2 {
		t.Fatalf("%d conflicts left, %d rows", len(m.Conflicts), len(p.box.Objects)/2)
	}
	w.do(w.ed.Undo())
	if m := w.ed.Model; m.Elements["catalog-svc"].Name != "Product catalog" || len(m.Conflicts) != 2 {
		t.Fatal("undo does not bring the conflict back")
	}
	w.do(w.ed.Redo())

	// The payments service was deleted in ours: using ours deletes it.
	test.Tap(rowButton(t, p, model.ConflictID("element", "payments", ""), "Use ours"))
	if w.ed.Model.Elements["payments"] != nil {
		t.Error("Use ours kept the element ours deleted")
	}
	if len(w.ed.Model.Conflicts) != 0 {
		t.Fatalf("left: %v", w.ed.Model.ConflictList())
	}
	for _, tab := range w.bottom.Items {
		if tab == p.tab {
			t.Error("the Conflicts tab stays after the last is resolved")
		}
	}
	if w.bottom.Selected() == nil {
		t.Error("no tab selected")
	}
}

// dialogContents is every object of a dialog, through its widgets, and
// the text of its labels.
func dialogContents(top fyne.CanvasObject) (objs []fyne.CanvasObject, text string) {
	var deep func(o fyne.CanvasObject)
	deep = func(o fyne.CanvasObject) {
		objs = append(objs, o)
		if l, ok := o.(*widget.Label); ok {
			text += l.Text
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				deep(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				deep(c)
			}
		}
	}
	deep(top)
	return objs, text
}

// Using the side that deleted an element asks first when other conflicts
// (a threat triaged on it) would go with it.
func TestDeletingResolutionAsksAboutWhatGoesWithIt(t *testing.T) {
	base, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	el, threat := "payments", "manual-1"
	_ = model.PutThreat(base, &model.Threat{ID: threat, Number: 1, Manual: true, ElementID: el, Title: "Card data leaks",
		Category: model.InformationDisclosure}, "").Apply(base)
	ours, theirs := base.Clone(), base.Clone()
	_ = model.DeleteElements(ours, []string{el}).Apply(ours)
	_ = model.SetStatus(theirs, threat, model.Accepted, "runAsNonRoot").Apply(theirs)
	m := model.Merge(base, ours, theirs)
	w := newTestWindow(t, m)
	test.Tap(rowButton(t, w.conflicts, model.ConflictID("element", el, ""), "Use ours"))
	if w.ed.Model.Elements[el] == nil {
		t.Fatal("deleted without asking")
	}
	top := w.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question asked")
	}
	objs, text := dialogContents(top)
	if !strings.Contains(text, "T-0001 Card data leaks") || !strings.Contains(text, "changed status") {
		t.Errorf("the question does not name the triage that goes: %q", text)
	}
	test.Tap(buttonIn(t, objs, "Delete"))
	if w.ed.Model.Elements[el] != nil || len(w.ed.Model.Conflicts) != 0 {
		t.Errorf("after Delete: element %v, conflicts %v", w.ed.Model.Elements[el], w.ed.Model.ConflictList())
	}
}

// Deleting a data asset one side deleted also deletes the attack tree the
// other side aimed at it: the question says so, and the panel of data
// assets shows no ghost of it.
func TestDeletingAnAssetNamesTheTreeThatGoes(t *testing.T) {
	base, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	asset := base.AssetList()[0]
	ours, theirs := base.Clone(), base.Clone()
	_ = model.DeleteAsset(ours, asset.ID).Apply(ours)
	_ = model.PutTree(theirs, &model.AttackTree{ID: "tr", Name: "Steal " + asset.Name, Target: asset.ID, Root: "g",
		Nodes: map[string]*model.TreeNode{"g": {ID: "g", Label: "Read it", Gate: model.Or}}}, "").Apply(theirs)
	w := newTestWindow(t, model.Merge(base, ours, theirs))
	test.Tap(rowButton(t, w.conflicts, model.ConflictID("data asset", asset.ID, ""), "Use ours"))
	top := w.win.Canvas().Overlays().Top()
	if top == nil || w.ed.Model.Assets[asset.ID] == nil {
		t.Fatal("deleted without asking")
	}
	objs, text := dialogContents(top)
	if !strings.Contains(text, "attack tree Steal "+asset.Name) {
		t.Errorf("the question does not name the tree: %q", text)
	}
	test.Tap(buttonIn(t, objs, "Delete"))
	if w.ed.Model.Assets[asset.ID] != nil || len(w.ed.Model.Trees) != 0 {
		t.Fatal("not deleted")
	}
	w.ed.Select()
	w.props.refresh(editor.SelectionChanged)
	cards := 0
	for _, o := range w.props.box.Objects {
		if _, ok := o.(*widget.Card); ok {
			cards++
		}
	}
	if cards != len(w.ed.Model.Assets) {
		t.Errorf("the data assets panel shows %d assets, the model has %d", cards, len(w.ed.Model.Assets))
	}
}

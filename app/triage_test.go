package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
)

// triageWindow is a window on a small analysed model with threats to
// triage, some of them obsolete.
func triageWindow(t *testing.T) (*window, *model.Model) {
	t.Helper()
	m := model.New("triage")
	w := newTestWindow(t, m)
	user, _ := w.ed.Place(model.ExternalEntity, model.Point{X: 100, Y: 100})
	api, _ := w.ed.Place(model.Process, model.Point{X: 400, Y: 100})
	db, _ := w.ed.Place(model.DataStore, model.Point{X: 700, Y: 100})
	w.ed.Connect(user, api)
	w.ed.Connect(api, db)
	w.analysis.Now()
	// The API is stated to authenticate its callers: the threats that
	// assumed it did not retire.
	w.ed.Do(model.SetProp(m, api, "authenticates_callers", "true"))
	w.analysis.Now()
	w.threats.refresh()
	return w, m
}

// highlighted is the threat the list highlights, or "".
func highlighted(p *threatsPanel) string {
	if p.highlight >= 0 && p.highlight < len(p.items) {
		return p.items[p.highlight].ID
	}
	return ""
}

// walk calls f on every object under o, through containers, forms and
// scrolls.
func walk(o fyne.CanvasObject, f func(any)) {
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case *widget.Form:
		for _, item := range x.Items {
			walk(item.Widget, f)
		}
	case *container.Scroll:
		walk(x.Content, f)
	}
}

func firstWhere(t *testing.T, m *model.Model, ok func(*model.Threat) bool) *model.Threat {
	t.Helper()
	for _, th := range m.ThreatList() {
		if ok(th) {
			return th
		}
	}
	t.Fatal("no such threat")
	return nil
}

// The list's highlight and the detail pane are one state: changing the
// filter never leaves one threat highlighted and another shown, and
// clicking the highlighted one shows it.
func TestTriageListAndDetailShowOneThreat(t *testing.T) {
	w, m := triageWindow(t)
	p := w.threats
	old := firstWhere(t, m, func(th *model.Threat) bool { return th.Obsolete })
	p.state.SetSelected("obsolete")
	p.pick(old.ID)
	if highlighted(p) != old.ID || p.current != old.ID {
		t.Fatalf("picking %s highlights %q and shows %q", old.ID, highlighted(p), p.current)
	}
	p.state.SetSelected("open")
	if h := highlighted(p); h != "" || p.current != "" {
		t.Fatalf("after the filter left %s out, %q is highlighted and %q shown", old.ID, h, p.current)
	}
	p.list.Select(0)
	if p.current != p.items[0].ID {
		t.Fatalf("clicking the first threat shows %q, not %s", p.current, p.items[0].ID)
	}
	// Mitigating under the "open" filter keeps the threat shown and
	// highlighted, so its justification can be typed next.
	picked := p.current
	w.ed.Do(model.SetStatus(m, picked, model.Mitigated, ""))
	p.refresh()
	if highlighted(p) != picked || p.current != picked {
		t.Fatalf("after mitigating %s, %q is highlighted and %q shown", picked, highlighted(p), p.current)
	}
}

// An obsolete threat's detail says it is obsolete and why, not "open";
// statuses read in words everywhere.
func TestObsoleteThreatDetailSaysWhy(t *testing.T) {
	w, m := triageWindow(t)
	p := w.threats
	old := firstWhere(t, m, func(th *model.Threat) bool { return th.Obsolete })
	p.pick(old.ID)
	var texts []string
	var status *widget.Select
	walk(p.detail, func(o any) {
		switch x := o.(type) {
		case *widget.Label:
			if x.Visible() {
				texts = append(texts, x.Text)
			}
		case *widget.Select:
			if len(x.Options) > 0 && x.Options[0] == model.Statuses[0].Label() {
				status = x
			}
		}
	})
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "obsolete") || !strings.Contains(all, "no longer raises it") {
		t.Errorf("the obsolete threat's detail does not say why it retired:\n%s", all)
	}
	if status == nil || status.Visible() {
		t.Error("an obsolete threat offers a status to set, as if it were open")
	}
	for _, label := range append(statusLabels(), levelLabels()...) {
		if strings.Contains(label, "_") {
			t.Errorf("%q is not in words", label)
		}
	}
	for _, label := range levelLabels() {
		if _, err := model.ParseLevel(label); err != nil {
			t.Errorf("level %q does not read back: %v", label, err)
		}
	}
}

// Selecting an element on the canvas narrows the threat list to it;
// selecting nothing lists every threat again.
func TestSelectingAnElementNarrowsTheThreats(t *testing.T) {
	w, m := triageWindow(t)
	p := w.threats
	w.ed.Select()
	p.refresh()
	all := len(p.items)
	api := ""
	for _, e := range m.Elements {
		if e.Kind == model.Process {
			api = e.ID
		}
	}
	w.ed.Select(api)
	p.refresh()
	if len(p.items) == 0 || len(p.items) >= all {
		t.Fatalf("selecting the API lists %d of %d threats", len(p.items), all)
	}
	for _, th := range p.items {
		if th.ElementID != api {
			t.Errorf("%s is listed while only the API is selected", th.ID)
		}
	}
	w.ed.Select()
	p.refresh()
	if len(p.items) != all {
		t.Errorf("with nothing selected the list has %d of %d threats", len(p.items), all)
	}
}

// Selecting a refined process lists the threats analysed inside it, as its
// badge counts them.
func TestSelectingARefinedProcessListsWhatIsInside(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	w.analysis.Now()
	for _, d := range m.Diagrams {
		if p := m.Elements[d.Refines]; p != nil && p.Diagram == model.RootDiagramID {
			w.ed.Select(p.ID)
			w.threats.refresh()
			if len(w.threats.items) == 0 {
				t.Errorf("selecting %s lists no threats, though its child diagram has them", p.Name)
			}
		}
	}
}

// Picking a threat brings its element into view and rings it.
func TestPickingAThreatShowsWhereItIs(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	w := newTestWindow(t, m)
	w.analysis.Now()
	w.canvas.pan = fyne.NewPos(-5000, -5000) // looking far away
	th := m.ThreatList()[0]
	w.threats.pick(th.ID)
	if w.canvas.pulsing != th.ElementID {
		t.Fatalf("the element of %s is not ringed", th.Code())
	}
	e := m.Elements[th.ElementID]
	c := w.canvas.toScreen(e.Centre())
	if s := w.canvas.Size(); c.X < 0 || c.Y < 0 || c.X > s.Width || c.Y > s.Height {
		t.Errorf("the element of %s is off screen at %v", th.Code(), c)
	}
}

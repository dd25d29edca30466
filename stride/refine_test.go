package stride_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/stride"
)

// threeTier is a web app calling an API that writes to a database, all in
// the context diagram.
func threeTier() *model.Model {
	m := model.New("refine")
	add := func(e *model.Element) {
		e.Diagram = model.RootDiagramID
		m.Elements[e.ID] = e
	}
	add(&model.Element{ID: "web", Kind: model.ExternalEntity, Name: "Web app", X: 0, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "api", Kind: model.Process, Name: "API", X: 300, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "db", Kind: model.DataStore, Name: "Orders DB", X: 600, Y: 100, W: 100, H: 50,
		Props: map[string]string{"technology": "postgresql"}})
	add(&model.Element{ID: "call", Kind: model.DataFlow, Name: "orders", Source: "web", Target: "api"})
	add(&model.Element{ID: "write", Kind: model.DataFlow, Name: "store order", Source: "api", Target: "db"})
	return m
}

// openIDs lists the IDs of the threats an analysis leaves open and live.
func openIDs(t *testing.T, lib *stride.Library, m *model.Model) []string {
	t.Helper()
	analyzed(t, lib, m)
	var out []string
	for _, th := range live(m) {
		out = append(out, th.ID)
	}
	slices.Sort(out)
	return out
}

func on(ids []string, element string) int {
	n := 0
	for _, id := range ids {
		if len(id) > len(element) && id[len(id)-len(element)-1:] == "@"+element {
			n++
		}
	}
	return n
}

func apply(t *testing.T, m *model.Model, e model.Edit) {
	t.Helper()
	if err := e.Apply(m); err != nil {
		t.Fatal(err)
	}
}

func stubIDs() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("stub%d", n) }
}

// Opening a process into a child diagram, with nothing drawn inside,
// changes no threat: the process and its flows are still analysed where
// they are drawn.
func TestOpeningAChildDiagramKeepsEveryThreat(t *testing.T) {
	lib := builtin(t)
	m := threeTier()
	before := openIDs(t, lib, m)
	if on(before, "api") == 0 || on(before, "call") == 0 {
		t.Fatalf("the API and its call should have threats: %v", before)
	}
	apply(t, m, model.Refine(m, "api", "child", stubIDs()))
	if after := openIDs(t, lib, m); !slices.Equal(before, after) {
		t.Errorf("opening the child diagram changed the threats:\nbefore %v\nafter  %v", before, after)
	}
	// An inner process with no interface flow joined to it does not take
	// the API over either.
	apply(t, m, model.AddElement(&model.Element{ID: "inner", Kind: model.Process, Diagram: "child", Name: "Order handler",
		X: 300, Y: 100, W: 100, H: 50}))
	after := openIDs(t, lib, m)
	if on(after, "api") != on(before, "api") || on(after, "call") != on(before, "call") {
		t.Errorf("an unconnected child took threats from the API: before %v, after %v", before, after)
	}
}

// Once the analyst joins the interface flows inside, the child diagram
// stands for the process and its flows, and its elements carry the
// threats.
func TestAConnectedChildTakesOverItsProcess(t *testing.T) {
	lib := builtin(t)
	m := threeTier()
	apply(t, m, model.Refine(m, "api", "child", stubIDs()))
	apply(t, m, model.AddElement(&model.Element{ID: "inner", Kind: model.Process, Diagram: "child", Name: "Order handler",
		X: 300, Y: 100, W: 100, H: 50}))
	var in, out string
	for _, f := range m.ElementsIn("child") {
		if f.Kind == model.DataFlow && f.Source == "web" {
			in = f.ID
		} else if f.Kind == model.DataFlow {
			out = f.ID
		}
	}
	// One interface flow joined: the call is stood for, the write is not.
	apply(t, m, model.Connect(m, in, "web", "inner"))
	ids := openIDs(t, lib, m)
	if on(ids, "call") != 0 || on(ids, in) == 0 {
		t.Errorf("the joined interface flow should carry the call's threats: %v", ids)
	}
	if on(ids, "write") == 0 {
		t.Errorf("the write, not yet joined inside, lost its threats: %v", ids)
	}
	if on(ids, "api") != 0 || on(ids, "inner") == 0 {
		t.Errorf("the child should analyse the API through its inner process: %v", ids)
	}
	apply(t, m, model.Connect(m, out, "inner", "db"))
	ids = openIDs(t, lib, m)
	if on(ids, "write") != 0 || on(ids, out) == 0 {
		t.Errorf("both interface flows joined: the write should be stood for: %v", ids)
	}
}

// A flow drawn later to a process whose child has taken over is analysed
// where it is drawn until its interface flow is joined inside.
func TestALateFlowToARefinedProcessKeepsItsThreats(t *testing.T) {
	lib := builtin(t)
	m := threeTier()
	apply(t, m, model.Refine(m, "api", "child", stubIDs()))
	apply(t, m, model.AddElement(&model.Element{ID: "inner", Kind: model.Process, Diagram: "child", Name: "Order handler",
		X: 300, Y: 100, W: 100, H: 50}))
	for _, f := range m.ElementsIn("child") {
		if f.Kind == model.DataFlow && f.Source == "web" {
			apply(t, m, model.Connect(m, f.ID, "web", "inner"))
		}
	}
	apply(t, m, model.AddElement(&model.Element{ID: "admin", Kind: model.ExternalEntity, Diagram: model.RootDiagramID,
		Name: "Shop admin", X: 0, Y: 300, W: 100, H: 50}))
	apply(t, m, model.AddElement(&model.Element{ID: "manage", Kind: model.DataFlow, Diagram: model.RootDiagramID,
		Name: "manage orders", Source: "admin", Target: "api"}))
	if ids := openIDs(t, lib, m); on(ids, "manage") == 0 {
		t.Errorf("a flow to a refined process, not yet in its child, has no threats: %v", ids)
	}
}

// Every threat that retires says why: a child diagram took its process or
// flow over, its element was deleted, or its rule stopped firing.
func TestRetiredThreatsSayWhy(t *testing.T) {
	lib := builtin(t)
	m := threeTier()
	apply(t, m, model.Refine(m, "api", "child", stubIDs()))
	apply(t, m, model.AddElement(&model.Element{ID: "inner", Kind: model.Process, Diagram: "child", Name: "Order handler",
		X: 300, Y: 100, W: 100, H: 50}))
	analyzed(t, lib, m)
	for _, f := range m.ElementsIn("child") {
		if f.Kind == model.DataFlow && f.Source == "web" {
			apply(t, m, model.Connect(m, f.ID, "web", "inner"))
		}
	}
	analyzed(t, lib, m)
	reasons := stride.ObsoleteReasons(m, lib)
	want := map[string]string{"api": `the child diagram "API"`, "call": `its interface flow in "API"`}
	seen := map[string]bool{}
	for _, th := range m.Threats {
		if !th.Obsolete {
			continue
		}
		why := reasons[th.ID]
		if why == "" {
			t.Errorf("%s retired without a reason", th.ID)
		}
		if w, ok := want[th.ElementID]; ok {
			seen[th.ElementID] = true
			if !strings.Contains(why, w) {
				t.Errorf("%s: reason %q, want one naming %q", th.ID, why, w)
			}
		}
	}
	if !seen["api"] || !seen["call"] {
		t.Fatalf("the API and its call should have retired threats: %v", seen)
	}
	apply(t, m, model.DeleteElements(m, []string{"db"}))
	analyzed(t, lib, m)
	for id, why := range stride.ObsoleteReasons(m, lib) {
		if strings.HasSuffix(id, "@db") && why != "its element was deleted" {
			t.Errorf("%s: reason %q for a deleted store", id, why)
		}
	}
}

// A flow between two refined processes has an interface flow in each
// child: two halves of one link, whose threats are raised once, on the
// half where the data arrives.
func TestALinkBetweenTwoChildrenIsAnalysedOnce(t *testing.T) {
	lib := builtin(t)
	m := model.New("halves")
	add := func(e *model.Element) { m.Elements[e.ID] = e }
	add(&model.Element{ID: "shop", Kind: model.Process, Diagram: model.RootDiagramID, Name: "Shop", X: 0, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "pay", Kind: model.Process, Diagram: model.RootDiagramID, Name: "Payments", X: 300, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "charge", Kind: model.DataFlow, Diagram: model.RootDiagramID, Name: "charge", Source: "shop", Target: "pay",
		Props: map[string]string{"protocol": "HTTP"}})
	ids := stubIDs()
	apply(t, m, model.Refine(m, "shop", "shop-child", ids))
	apply(t, m, model.Refine(m, "pay", "pay-child", ids))
	add(&model.Element{ID: "cart", Kind: model.Process, Diagram: "shop-child", Name: "Cart", X: 300, Y: 100, W: 100, H: 50})
	add(&model.Element{ID: "ledger", Kind: model.Process, Diagram: "pay-child", Name: "Ledger", X: 300, Y: 100, W: 100, H: 50})
	var sent, received string
	for _, f := range m.ElementList() {
		switch {
		case f.Kind != model.DataFlow || f.ID == "charge":
		case f.Diagram == "shop-child":
			sent = f.ID
			apply(t, m, model.Connect(m, f.ID, "cart", "pay"))
		case f.Diagram == "pay-child":
			received = f.ID
			apply(t, m, model.Connect(m, f.ID, "shop", "ledger"))
		}
	}
	found := openIDs(t, lib, m)
	transport := func(flow string) int {
		n := 0
		for _, id := range found {
			if strings.HasPrefix(id, "transport-") && strings.HasSuffix(id, "@"+flow) {
				n++
			}
		}
		return n
	}
	if transport(received) == 0 || transport(sent) != 0 || transport("charge") != 0 {
		t.Errorf("plain HTTP between two children: transport threats on the received half %d, the sent half %d, the parent %d",
			transport(received), transport(sent), transport("charge"))
	}
	// The half is read with the element that really sends on the link.
	for _, th := range live(m) {
		if th.ElementID == received && strings.HasPrefix(th.RuleID, "transport-") &&
			!strings.Contains(strings.Join(th.Facts, "\n"), "Cart → Ledger") {
			t.Errorf("the link's facts do not name its real ends: %q", th.Facts)
		}
	}
}

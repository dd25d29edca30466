package model_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
)

func within(t *testing.T, e *model.Element) {
	t.Helper()
	vals := []float64{e.X, e.Y, e.W, e.H, e.X + e.W, e.Y + e.H}
	for _, p := range e.Points {
		vals = append(vals, p.X, p.Y)
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.Abs(v) > model.MaxCoord {
			t.Errorf("%s: %v is outside the canvas (%+v)", e.ID, v, e)
		}
	}
	if e.W < 0 || e.H < 0 || e.W > model.MaxSize || e.H > model.MaxSize {
		t.Errorf("%s: size %v×%v out of bounds", e.ID, e.W, e.H)
	}
}

func TestBoundClampsGeometryAndSaysWhat(t *testing.T) {
	m := model.New("Hostile")
	m.Elements["far"] = &model.Element{ID: "far", Kind: model.Process, Diagram: "context", Name: "Far away",
		X: 1e308, Y: -1e308, W: 1e308, H: 60}
	m.Elements["nan"] = &model.Element{ID: "nan", Kind: model.DataStore, Diagram: "context", Name: "Not a number",
		X: math.NaN(), Y: math.Inf(1), W: math.NaN(), H: -5}
	m.Elements["flow"] = &model.Element{ID: "flow", Kind: model.DataFlow, Diagram: "context", Name: "Bent",
		Source: "far", Target: "nan", Points: []model.Point{{X: 1e308, Y: math.NaN()}, {X: 10, Y: 20}}}
	m.Elements["ok"] = &model.Element{ID: "ok", Kind: model.ExternalEntity, Diagram: "context", Name: "Fine",
		X: 10, Y: 20, W: 150, H: 70}
	notes := model.Bound(m)
	for _, e := range m.Elements {
		within(t, e)
	}
	if got := m.Elements["ok"]; !reflect.DeepEqual(got, &model.Element{ID: "ok", Kind: model.ExternalEntity, Diagram: "context",
		Name: "Fine", X: 10, Y: 20, W: 150, H: 70}) {
		t.Errorf("an element within bounds changed: %+v", got)
	}
	if p := m.Elements["flow"].Points[1]; p != (model.Point{X: 10, Y: 20}) {
		t.Errorf("a point within bounds moved to %v", p)
	}
	if len(notes) != 3 {
		t.Fatalf("want a note for each of the 3 elements moved, got %q", notes)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{`process "Far away" (far): position (1e+308, -1e+308) size 1e+308×60 moved`,
		`data store "Not a number"`, "NaN", `data flow "Bent"`} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	if again := model.Bound(m); len(again) != 0 {
		t.Errorf("a bounded model was changed again: %q", again)
	}
}

func TestBoundCutsLongTextsAndNamesTheElement(t *testing.T) {
	m := model.New(strings.Repeat("M", 2000))
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", W: 150, H: 70,
		Name:        strings.Repeat("é", 1<<20), // 1 M characters, 2 MB
		Description: strings.Repeat("d", model.MaxTextLen+1),
		Props:       map[string]string{"note": strings.Repeat("v", 50<<20), strings.Repeat("k", 300): "x", "protocol": "https"}}
	m.Threats["t"] = &model.Threat{ID: "t", ElementID: "p", Title: "Spoofing", Mitigation: strings.Repeat("m", 1<<20),
		References: []string{"CWE-20", strings.Repeat("r", 1000)}}
	shared := m.Threats["t"].References
	notes := model.Bound(m)

	e := m.Elements["p"]
	if n := utf8.RuneCountInString(e.Name); n != model.MaxNameLen || !strings.HasSuffix(e.Name, "…") || !utf8.ValidString(e.Name) {
		t.Errorf("name has %d characters (valid UTF-8: %v), want %d ending in …", n, utf8.ValidString(e.Name), model.MaxNameLen)
	}
	if n := utf8.RuneCountInString(e.Description); n != model.MaxTextLen {
		t.Errorf("description has %d characters", n)
	}
	if n := utf8.RuneCountInString(e.Props["note"]); n != model.MaxValueLen {
		t.Errorf("property value has %d characters", n)
	}
	if e.Props["protocol"] != "https" || len(e.Props) != 3 {
		t.Errorf("properties: %v keys, protocol %q", len(e.Props), e.Props["protocol"])
	}
	for k := range e.Props {
		if utf8.RuneCountInString(k) > model.MaxKeyLen {
			t.Errorf("a key of %d characters stayed", len(k))
		}
	}
	if n := utf8.RuneCountInString(m.Name); n != model.MaxNameLen {
		t.Errorf("model name has %d characters", n)
	}
	if n := utf8.RuneCountInString(m.Threats["t"].Mitigation); n != model.MaxTextLen {
		t.Errorf("mitigation notes have %d characters", n)
	}
	if shared[1] != strings.Repeat("r", 1000) {
		t.Error("cutting a threat's references changed a list it shares")
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"the model: name cut from 2000 to 500 characters",
		`process "ééé`, "(p): ", "name cut from 1048576 to 500 characters", `property "note" cut from 52428800 to 4096`,
		"description cut from 65537 to 65536", `threat "Spoofing" (t): mitigation notes cut`, "reference 2 cut from 1000 to 500"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	if len(all) > 10000 {
		t.Errorf("the notes quote the long texts: %d bytes", len(all))
	}
}

func TestBoundLeavesGeneratedModelsAlone(t *testing.T) {
	for seed := range uint64(30) {
		m := modelgen.Random(rand.New(rand.NewPCG(seed, 5)))
		before := m.Clone()
		if notes := model.Bound(m); len(notes) > 0 || !reflect.DeepEqual(before, m) {
			t.Fatalf("seed %d: a model within bounds was changed: %q", seed, notes)
		}
	}
	m := modelgen.Large(300)
	if notes := model.Bound(m); len(notes) > 0 {
		t.Fatalf("the large model was changed: %q", notes)
	}
}

func TestBoundCountsRatherThanListsManyChanges(t *testing.T) {
	m := model.New("Many")
	for i := range 1000 {
		id := string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		m.Elements[id] = &model.Element{ID: id, Kind: model.Process, Diagram: "context", X: 1e300, W: 10, H: 10}
	}
	notes := model.Bound(m)
	if len(notes) > 60 || !strings.Contains(notes[len(notes)-1], "more") {
		t.Fatalf("%d notes, last %q", len(notes), notes[len(notes)-1])
	}
}

func TestEditsKeepGeometryInsideTheCanvas(t *testing.T) {
	m := model.New("Edge")
	m.Elements["a"] = &model.Element{ID: "a", Kind: model.Process, Diagram: "context", X: 0, Y: 0, W: 100, H: 50}
	m.Elements["b"] = &model.Element{ID: "b", Kind: model.Process, Diagram: "context", X: 300, Y: 0, W: 100, H: 50}
	m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Source: "a", Target: "b",
		Points: []model.Point{{X: 200, Y: 100}}}
	var h model.History
	do := func(e model.Edit) {
		t.Helper()
		if err := h.Do(m, e); err != nil {
			t.Fatal(err)
		}
	}
	do(model.MoveElements(m, []string{"a", "b", "f"}, 1e308, math.Inf(-1)))
	for _, e := range m.Elements {
		within(t, e)
	}
	a, b := m.Elements["a"], m.Elements["b"]
	if b.X-a.X != 300 || b.X+b.W != model.MaxCoord || a.Y != -model.MaxCoord {
		t.Errorf("the group did not stop together at the edge: a %v,%v b %v,%v", a.X, a.Y, b.X, b.Y)
	}
	do(model.MoveElements(m, []string{"a"}, math.NaN(), 5))
	if math.IsNaN(m.Elements["a"].X) {
		t.Error("a move by NaN made a NaN coordinate")
	}
	do(model.SetBounds(m, "a", model.Rect{X: -1e300, Y: 5, W: 1e300, H: math.NaN()}))
	do(model.SetPoints(m, "f", []model.Point{{X: math.Inf(1), Y: 1}}))
	do(model.AddElement(&model.Element{ID: "c", Kind: model.DataStore, Diagram: "context", X: 5e6, Y: 5e6, W: 100, H: 40}))
	for _, e := range m.Elements {
		within(t, e)
	}
	h.Undo(m)
	h.Undo(m)
	if got := m.Elements["f"].Points; len(got) != 1 || math.IsInf(got[0].X, 0) {
		t.Errorf("undo left points %v", got)
	}
}

func TestEditsRefuseTextsBeyondTheirBounds(t *testing.T) {
	m := model.New("Texts")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "Orders API", W: 100, H: 50}
	m.Threats["t"] = &model.Threat{ID: "t", Number: 1, ElementID: "p", Title: "Spoofing"}
	m.Assets["a"] = &model.DataAsset{ID: "a", Name: "Cards"}
	long := strings.Repeat("x", 1<<20)
	edits := map[string]model.Edit{
		"rename":         model.Rename(m, "p", long),
		"describe":       model.Describe(m, "p", long),
		"property value": model.SetProp(m, "p", "protocol", long),
		"property key":   model.SetProp(m, "p", strings.Repeat("k", 200), "x"),
		"scope reason":   model.SetScope(m, "p", true, long),
		"diagram name":   model.RenameDiagram(m, "context", long),
		"model info":     model.SetInfo(m, model.Info{Name: "ok", Authors: []string{long}}),
		"asset":          model.UpdateAsset(m, &model.DataAsset{ID: "a", Name: long}),
		"new asset":      model.AddAsset(&model.DataAsset{ID: "b", Name: "b", Description: long}),
		"justification":  model.SetStatus(m, "t", model.Mitigated, long),
		"mitigation":     model.SetMitigation(m, "t", long),
		"threat":         model.PutThreat(m, &model.Threat{ID: "t2", ElementID: "p", Title: long}, "added"),
		"suppression":    model.Suppress(m, &model.Suppression{RuleID: "r", Justification: long}),
		"new element":    model.AddElement(&model.Element{ID: "q", Kind: model.Process, Diagram: "context", Name: long}),
		"attack tree":    model.PutTree(m, &model.AttackTree{ID: "at", Name: long, Nodes: map[string]*model.TreeNode{}}, ""),
		"attack tree node": model.PutTree(m, &model.AttackTree{ID: "at", Name: "tree", Target: "p", Root: "n",
			Nodes: map[string]*model.TreeNode{"n": {ID: "n", Label: long}}}, ""),
	}
	before := m.Clone()
	for name, e := range edits {
		err := e.Apply(m)
		if !errors.Is(err, model.ErrTooLong) {
			t.Errorf("%s: want ErrTooLong, got %v", name, err)
			continue
		}
		if len(err.Error()) > 300 {
			t.Errorf("%s: the message quotes the text: %d bytes", name, len(err.Error()))
		}
	}
	if !reflect.DeepEqual(before, m) {
		t.Error("a refused edit changed the model")
	}
	if err := model.Rename(m, "p", strings.Repeat("é", model.MaxNameLen)).Apply(m); err != nil {
		t.Errorf("a name at the bound is refused: %v", err)
	}
}

func TestCut(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{{"abc", 3, "abc"}, {"abcd", 3, "ab…"}, {"ééééé", 4, "ééé…"}, {"", 1, ""}} {
		if got, _ := model.Cut(c.in, c.max); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

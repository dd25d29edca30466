package render_test

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

func analysedDemo(t testing.TB) (*model.Model, *stride.Library) {
	t.Helper()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if errs := stride.Run(lib, m); len(errs) > 0 {
		t.Fatal(errs)
	}
	return m, lib
}

func report(t testing.TB, m *model.Model, lib *stride.Library) []byte {
	t.Helper()
	hash, err := storage.Hash(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "test", Hash: hash, Rules: lib}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfText extracts a PDF's text with pdftotext, whitespace collapsed so
// wrapped lines read as one.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-raw", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestReportIsByteIdentical(t *testing.T) {
	m, lib := analysedDemo(t)
	a, b := report(t, m, lib), report(t, m.Clone(), lib)
	if !bytes.Equal(a, b) {
		t.Fatal("the same model gave two different PDFs")
	}
}

func TestReportNamesEverySectionElementAndThreat(t *testing.T) {
	m, lib := analysedDemo(t)
	tree, err := stride.Derive(lib, m, "orders-db")
	if err != nil {
		t.Fatal(err)
	}
	m.Trees[tree.ID] = tree
	text := pdfText(t, report(t, m, lib))
	hash, _ := storage.Hash(m)
	for _, want := range []string{"THREAT MODEL REPORT", "Contents", "Executive summary", "Scope and assumptions",
		"Top risks", "Data assets", "Level 0: Context", "Level 1: Shop platform", "Level 2: Orders service",
		"Validation findings", "Appendix: rules that fired", hash, "Page 3 of", "Verify:", "Attack trees",
		"Attack tree: Orders DB", "Minimal attack paths"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, e := range m.Elements {
		if !strings.Contains(text, strings.Join(strings.Fields(e.Label()), " ")) {
			t.Errorf("report lacks element %q", e.Label())
		}
	}
	for _, th := range m.Threats {
		if !strings.Contains(text, th.Code()+" "+strings.Join(strings.Fields(th.Title), " ")) {
			t.Errorf("report lacks threat %s %q", th.Code(), th.Title)
		}
	}
}

func TestReportPrintsUnicode(t *testing.T) {
	m := model.New("Zahlungsdienst für Kunden → Überweisung")
	m.Authors = []string{"Zoë Ångström", "Łukasz Żółć"}
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "Служба платежей", W: 150, H: 70}
	text := pdfText(t, report(t, m, nil))
	for _, want := range []string{"Zahlungsdienst für Kunden → Überweisung", "Zoë Ångström, Łukasz Żółć", "Служба платежей"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestSVGAndPNGDrawTheDiagram(t *testing.T) {
	m, _ := analysedDemo(t)
	badges := render.Badges(m, model.Validate(m))
	var svg bytes.Buffer
	if err := render.SVG(&svg, m, "platform", badges); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(svg.Bytes(), new(struct{})); err != nil {
		t.Fatalf("not well-formed SVG: %v", err)
	}
	for _, e := range m.ElementsIn("platform") {
		if !strings.Contains(svg.String(), ">"+e.Label()+"<") && e.Kind != model.DataFlow {
			t.Errorf("SVG lacks %q", e.Label())
		}
	}
	var pngBuf bytes.Buffer
	if err := render.PNG(&pngBuf, m, "platform", badges); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&pngBuf)
	if err != nil {
		t.Fatal(err)
	}
	ext := render.Extent(m, "platform")
	if b := img.Bounds(); b.Dx() != int(ext.W*render.PNGScale+0.5) {
		t.Errorf("PNG is %d wide, want %v", b.Dx(), ext.W*render.PNGScale)
	}
}

func TestAutoLayoutKeepsNodesApartAndInsideTheirBoundaries(t *testing.T) {
	m, _ := analysedDemo(t)
	l, err := render.AutoLayout(m, "platform")
	if err != nil {
		t.Fatal(err)
	}
	before := model.NewIndex(m)
	zone := map[string]string{}
	for _, e := range m.ElementsIn("platform") {
		if e.Kind.IsNode() {
			if z := before.Innermost(e); z != nil {
				zone[e.ID] = z.ID
			}
		}
	}
	var h model.History
	edit, err := render.LayoutEdit(m, "platform", l)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Do(m, edit); err != nil {
		t.Fatal(err)
	}
	after := model.NewIndex(m)
	nodes := []*model.Element{}
	for _, e := range m.ElementsIn("platform") {
		if e.Kind.IsNode() {
			nodes = append(nodes, e)
			if z := after.Innermost(e); (z == nil && zone[e.ID] != "") || (z != nil && z.ID != zone[e.ID]) {
				t.Errorf("%s left its trust boundary", e.Label())
			}
		}
	}
	for i, a := range nodes {
		for _, b := range nodes[i+1:] {
			if a.Bounds().Overlaps(b.Bounds()) {
				t.Errorf("%s and %s overlap after layout", a.Label(), b.Label())
			}
		}
	}
	h.Undo(m)
	if m.Elements["gateway"].X != 70 {
		t.Error("one undo restores the hand-made layout")
	}
}

// BenchmarkReportLarge writes the report of the generated model with 1000
// elements, 2000 flows and 50 boundaries over 20 diagrams.
func BenchmarkReportLarge(b *testing.B) {
	m := modelgen.Large(1000)
	lib, _ := stride.Builtin()
	stride.Run(lib, m)
	for b.Loop() {
		var buf bytes.Buffer
		if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "bench", Hash: "0", Rules: lib}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstLayout is the first graphviz drawing after start: starting
// the WebAssembly graphviz and laying out a 50-node diagram.
func BenchmarkFirstLayout(b *testing.B) {
	m := modelgen.Large(1000)
	for b.Loop() {
		render.ResetGraphviz()
		if _, err := render.AutoLayout(m, model.RootDiagramID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayout is a layout with graphviz already running.
func BenchmarkLayout(b *testing.B) {
	m := modelgen.Large(1000)
	render.AutoLayout(m, model.RootDiagramID)
	for b.Loop() {
		if _, err := render.AutoLayout(m, model.RootDiagramID); err != nil {
			b.Fatal(err)
		}
	}
}

// Damaged and odd models (flows to flows, missing ends, odd names) draw
// and report without failing.
func TestOddModelsDrawAndReport(t *testing.T) {
	for seed := range uint64(60) {
		m := modelgen.Random(rand.New(rand.NewPCG(seed, 9)))
		for _, d := range m.DiagramList() {
			var buf bytes.Buffer
			if err := render.SVG(&buf, m, d.ID, render.Badges(m, model.Validate(m))); err != nil {
				t.Fatal(err)
			}
			render.Raster(m, d.ID, nil, 0.1)
		}
		var buf bytes.Buffer
		if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "test"}); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func TestReportCarriesChangesAndHistory(t *testing.T) {
	m, lib := analysedDemo(t)
	old := m.Clone()
	m.Elements["gateway"].Name = "Edge gateway"
	history := []model.Change{{At: m.Modified, Author: "Sam Rivera", Action: "renamed API gateway to Edge gateway", Subjects: []string{"gateway"}}}
	hash, _ := storage.Hash(m)
	var buf bytes.Buffer
	if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "test", Hash: hash, Rules: lib,
		History: history, Since: old, SinceLabel: "version 1.0"}); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Changes since version 1.0", "name: API gateway → Edge gateway", "Change history",
		"Sam Rivera", "renamed API gateway to Edge gateway"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

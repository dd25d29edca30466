package render

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/storage"
	"github.com/rampart-tm/rampart/stride"
)

// legibleCorpus is the demo and the imported models of the corpus, each
// analysed with the built-in rules.
func legibleCorpus(t *testing.T) (map[string]*model.Model, *stride.Library) {
	t.Helper()
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	demo, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*model.Model{"demo": demo}
	var paths []string
	for _, pattern := range []string{"../storage/threatdragon/testdata/*.json", "../stride/testdata/tmt/*.tm7"} {
		found, _ := filepath.Glob(pattern)
		paths = append(paths, found...)
	}
	for _, path := range paths {
		if strings.HasSuffix(path, ".schema.json") {
			continue
		}
		m, _, err := storage.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		models[filepath.Base(path)] = m
	}
	if len(models) < 4 {
		t.Fatalf("only %d models in the corpus", len(models))
	}
	for name, m := range models {
		if errs := stride.Run(lib, m); len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
	}
	return models, lib
}

// pdfWord is a word as pdftotext -bbox-layout finds it, in points.
type pdfWord struct {
	Text string  `xml:",chardata"`
	YMin float64 `xml:"yMin,attr"`
	YMax float64 `xml:"yMax,attr"`
}

type pdfPage struct {
	Width  float64   `xml:"width,attr"`
	Height float64   `xml:"height,attr"`
	Words  []pdfWord `xml:"flow>block>line>word"`
}

// pdfPages lays out a PDF's words page by page with pdftotext.
func pdfPages(t *testing.T, pdf []byte) []pdfPage {
	t.Helper()
	cmd := exec.Command("pdftotext", "-bbox-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	var doc struct {
		Pages []pdfPage `xml:"body>doc>page"`
	}
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("pdftotext's layout: %v", err)
	}
	return doc.Pages
}

// No text in the report prints smaller than 6 pt. What is measured is the
// height of each word's box as pdftotext lays it out: poppler makes it the
// font's ascent less its descent times the font size, so it is the font
// size times a constant of the font, found from the footer, which is set
// at 8 pt on every page. A diagram too wide for a portrait page goes on a
// landscape one, or is cut into tiles; the rest of the report stays
// portrait.
func TestReportTextIsAtLeast6pt(t *testing.T) {
	t.Parallel()
	models, lib := legibleCorpus(t)
	for _, name := range sortedKeys(models) {
		m := models[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Report(&buf, m, ReportOptions{RampartVersion: "test", Hash: "0", Rules: lib}); err != nil {
				t.Fatal(err)
			}
			pages := pdfPages(t, buf.Bytes())
			perPt := 0.0 // box height per point of font size
			for _, w := range pages[len(pages)-1].Words {
				if w.Text == "Page" {
					perPt = (w.YMax - w.YMin) / 8
				}
			}
			if perPt < 1 || perPt > 1.5 {
				t.Fatalf("the footer's words are %.2f high per point", perPt)
			}
			smallest, landscape := 100.0, 0
			for i, p := range pages {
				if p.Width > p.Height {
					landscape++
				}
				for _, w := range p.Words {
					size := (w.YMax - w.YMin) / perPt
					smallest = min(smallest, size)
					if size < minTextPt-0.01 {
						t.Errorf("page %d: %q prints at %.2f pt", i+1, w.Text, size)
					}
				}
			}
			if first, last := pages[0], pages[len(pages)-1]; first.Width > first.Height || last.Width > last.Height {
				t.Error("the cover and the last page must be portrait")
			}
			t.Logf("%d pages, %d landscape, smallest text %.2f pt", len(pages), landscape, smallest)
		})
	}
}

// The demo's Level 1 diagram is too large for a page at a legible size:
// it is cut into tiles, with an overview naming them.
func TestReportTilesALargeDiagram(t *testing.T) {
	t.Parallel()
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	stride.Run(lib, m)
	var buf bytes.Buffer
	if err := Report(&buf, m, ReportOptions{RampartVersion: "test", Hash: "0", Rules: lib}); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, p := range pdfPages(t, buf.Bytes()) {
		for _, w := range p.Words {
			text.WriteString(w.Text + " ")
		}
	}
	for _, want := range []string{"this diagram takes 2 pages", "cut into tiles A1 to A2",
		"Level 1: Shop platform, tile A1 of 2", "A2 to its right", "Level 1: Shop platform, tile A2 of 2", "A1 to its left"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
}

// In the report's drawings no flow name, boundary title or badge overlaps
// another, a node, a node's badge or an interface stub; a flow's badge
// sits on the corner of its name.
func TestDiagramTextsDoNotOverlap(t *testing.T) {
	t.Parallel()
	models, _ := legibleCorpus(t)
	for _, name := range sortedKeys(models) {
		m := models[name]
		badges := Badges(m, model.Validate(m))
		for _, d := range m.DiagramList() {
			p := planDiagram(m, m.ElementsIn(d.ID), badges)
			texts, fixed := p.placements()
			where := name + ", " + d.Name
			for i, a := range texts {
				for _, b := range texts[i+1:] {
					if a.id == b.id && a.badge != b.badge {
						continue // a flow's badge on the corner of its name
					}
					if a.r.Overlaps(b.r) {
						t.Errorf("%s: the texts of %s and %s overlap", where, label(m, a), label(m, b))
					}
				}
				for _, f := range fixed {
					if a.r.Overlaps(f.r) {
						t.Errorf("%s: the text of %s covers %s", where, label(m, a), covered(m, f))
					}
				}
			}
			for _, tx := range p.texts {
				if tx.hasBadge && tx.box.W > 0 && !grow(tx.box, 8).Overlaps(badgeRect(tx.badge)) {
					t.Errorf("%s: the badge of %s is away from its name", where, m.NameOf(tx.el))
				}
			}
		}
	}
}

// covered names what a text must keep clear of: a node or a flow's stub.
func covered(m *model.Model, o owned) string {
	if e := m.Elements[o.id]; e.Kind == model.DataFlow {
		return "the stub of " + m.NameOf(e)
	}
	return label(m, o)
}

func label(m *model.Model, o owned) string {
	s := m.NameOf(m.Elements[o.id])
	if o.badge {
		s += " (badge)"
	}
	return s
}

// A flow that runs straight under a node other than its ends is drawn
// around it: in the demo's Level 1, the Orders service fetches its
// credentials from the Secrets vault past the Notification service.
func TestFlowsAreDrawnAroundNodes(t *testing.T) {
	m, err := storage.Demo()
	if err != nil {
		t.Fatal(err)
	}
	p := planDiagram(m, m.ElementsIn("platform"), nil)
	for i, e := range p.order {
		if e.Kind != model.DataFlow {
			continue
		}
		path := FlowPath(m, p.drawn[i])
		for _, n := range p.order {
			if !n.Kind.IsNode() || n.ID == e.Source || n.ID == e.Target {
				continue
			}
			for j := 1; j < len(path); j++ {
				if passesUnder(path[j-1], path[j], n) {
					t.Errorf("%s runs under %s", e.Name, n.Name)
				}
			}
		}
		if e.ID == "f-vault-orders" && len(p.drawn[i].Points) == 0 {
			t.Error("Fetch database credentials is drawn straight")
		}
	}
}

package render_test

import (
	"bytes"
	"compress/zlib"
	"io"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/stride"
)

// hostile is a model no importer lets through: coordinates and sizes that
// are not numbers, infinite or near the largest float.
func hostile() *model.Model {
	m := model.New("Off the canvas")
	m.Elements["p"] = &model.Element{ID: "p", Kind: model.Process, Diagram: "context", Name: "Far", X: 1e308, Y: -1e308, W: 1e308, H: 60}
	m.Elements["s"] = &model.Element{ID: "s", Kind: model.DataStore, Diagram: "context", Name: "Lost", X: math.NaN(), Y: math.Inf(1), W: math.NaN(), H: 40}
	m.Elements["e"] = &model.Element{ID: "e", Kind: model.ExternalEntity, Diagram: "context", Name: "Near", X: 10, Y: 10, W: 100, H: 50}
	m.Elements["f"] = &model.Element{ID: "f", Kind: model.DataFlow, Diagram: "context", Name: "Calls", Source: "e", Target: "p",
		Points: []model.Point{{X: math.Inf(-1), Y: math.NaN()}}}
	m.Elements["b"] = &model.Element{ID: "b", Kind: model.TrustBoundary, Diagram: "context", Name: "Edge",
		Points: []model.Point{{X: -1e308, Y: 0}, {X: 1e308, Y: math.NaN()}}}
	return m
}

// pdfContent is the text of every compressed stream of a PDF.
func pdfContent(t *testing.T, pdf []byte) string {
	t.Helper()
	var out strings.Builder
	re := regexp.MustCompile(`/Length (\d+)>>\nstream\n`)
	for _, loc := range re.FindAllSubmatchIndex(pdf, -1) {
		n, _ := strconv.Atoi(string(pdf[loc[2]:loc[3]]))
		z, err := zlib.NewReader(bytes.NewReader(pdf[loc[1] : loc[1]+n]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(z)
		out.Write(b)
	}
	return out.String()
}

var notFinite = regexp.MustCompile(`NaN|Inf|e\+`)

// The writers never write a number that is not finite, whatever model
// they are given: the SVG, the PDF's drawing operators and the PNG's size.
func TestWritersNeverWriteNaNOrInf(t *testing.T) {
	m := hostile()
	lib, err := stride.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	badges := render.Badges(m, model.Validate(m))
	var svg bytes.Buffer
	if err := render.SVG(&svg, m, "context", badges); err != nil {
		t.Fatal(err)
	}
	if bad := notFinite.FindString(svg.String()); bad != "" {
		t.Errorf("the SVG holds %q", bad)
	}
	img := render.Raster(m, "context", badges, render.PNGScale)
	if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 || b.Dx() > 20000 || b.Dy() > 20000 {
		t.Errorf("the PNG is %v", b)
	}
	var pdf bytes.Buffer
	if err := render.Report(&pdf, m, render.ReportOptions{RampartVersion: "test", Hash: "0", Rules: lib}); err != nil {
		t.Fatal(err)
	}
	if bad := notFinite.FindString(pdfContent(t, pdf.Bytes())); bad != "" {
		t.Errorf("the PDF's pages hold %q", bad)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf.Bytes())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("pdftotext reads the report with %v: %s", err, stderr.String())
	}
}

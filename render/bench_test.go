package render_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage/threatdragon"
	"github.com/rampart-tm/rampart/stride"
)

// BenchmarkReportThreatDragon writes the report of a generated Threat
// Dragon model, as `rampart report` does after importing and analysing
// it: 10^4 cells, and 10^5 cells (a 19 MB file; left out with -short).
// Besides time and allocations it reports the report's peak heap above
// the analysed model (peak-MB), sampled as the report progresses.
func BenchmarkReportThreatDragon(b *testing.B) {
	for _, cells := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("cells=%d", cells), func(b *testing.B) {
			if cells > 10_000 && testing.Short() {
				b.Skip("the 10^5-cell model takes a minute and gigabytes")
			}
			m, _, err := threatdragon.Read(modelgen.ThreatDragon(cells, 1, false))
			if err != nil {
				b.Fatal(err)
			}
			lib, err := stride.Builtin()
			if err != nil {
				b.Fatal(err)
			}
			stride.Run(lib, m)
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base, peak := ms.HeapInuse, uint64(0)
			last := -1.0
			sample := func(done float64) {
				if done-last < 0.02 {
					return
				}
				last = done
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse-min(ms.HeapInuse, base))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				last = -1
				var buf bytes.Buffer
				if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "bench", Hash: "0", Rules: lib,
					Progress: sample}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
		})
	}
}

// A model with more threats than a report details one by one lists them
// in brief: every threat is in the report, with what the analyst wrote,
// in a size one can read and write.
func TestReportOfManyThreatsListsThemInBrief(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a report of 20,001 threats")
	}
	m := modelgen.Large(40)
	var el string
	for id := range m.Elements {
		el = max(el, id)
	}
	for i := range 20_001 {
		id := fmt.Sprintf("x%05d", i)
		th := &model.Threat{ID: id, Number: 100_000 + i, RuleID: "test.rule", ElementID: el, Title: fmt.Sprintf("Threat %d", i),
			Category: model.Tampering, Likelihood: model.Medium, Impact: model.High,
			Description: "A long description that a detailed listing would print in full for every one of them.",
			Facts:       []string{"why it was raised", "and more facts, one per line"}}
		switch i {
		case 7:
			th.Status, th.Justification = model.Mitigated, "Accepted by the owner"
		case 8:
			th.Manual, th.RuleID, th.Title = true, "", "Added by hand"
		}
		m.Threats[id] = th
	}
	var buf bytes.Buffer
	if err := render.Report(&buf, m, render.ReportOptions{RampartVersion: "test", Hash: "0"}); err != nil {
		t.Fatal(err)
	}
	if pages := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); pages > 300 {
		t.Errorf("%d pages for 20,001 threats", pages)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"listed in brief", "T-100000 ", "T-120000 ", "open high threat",
		"Threat 7 (confirmed, rule test.rule) Justification: Accepted by the owner", "Added by hand"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	for i := range 20_001 {
		if code := fmt.Sprintf("T-%d ", 100_000+i); !strings.Contains(text, code) {
			t.Fatalf("the report lacks threat %s", code)
		}
	}
}

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/render"
	"github.com/rampart-tm/rampart/storage"
)

// BenchmarkAnalyzeJSONAgainstDot runs the whole `rampart analyze --format
// json` on the 1000-element model (a fresh process each time, as CI runs
// it) and native `dot -Tsvg` on the same diagrams, and reports the ratio:
// analysing a model should cost a small part of laying it out. Needs dot
// (Debian's graphviz) on the PATH.
func BenchmarkAnalyzeJSONAgainstDot(b *testing.B) {
	path, dots := largeModel(b)
	var analyze, layout time.Duration
	for b.Loop() {
		analyze += runRampart(b, "analyze", path, "--format", "json")
		layout += runDot(dots)
	}
	b.ReportMetric(float64(analyze.Milliseconds())/float64(b.N), "analyze-ms/op")
	b.ReportMetric(float64(layout.Milliseconds())/float64(b.N), "dot-ms/op")
	b.ReportMetric(analyze.Seconds()/layout.Seconds(), "analyze/dot")
}

// BenchmarkReportAgainstDot times the whole `rampart report` of the
// 1000-element model against native `dot -Tsvg` on its diagrams in the same
// run (target: at most 5×).
func BenchmarkReportAgainstDot(b *testing.B) {
	path, dots := largeModel(b)
	var report, layout time.Duration
	for b.Loop() {
		report += runRampart(b, "report", path, "-o", filepath.Join(filepath.Dir(path), "large.pdf"))
		layout += runDot(dots)
	}
	b.ReportMetric(float64(report.Milliseconds())/float64(b.N), "report-ms/op")
	b.ReportMetric(float64(layout.Milliseconds())/float64(b.N), "dot-ms/op")
	b.ReportMetric(report.Seconds()/layout.Seconds(), "report/dot")
}

// largeModel writes the generated 1000-element model to a file and gives
// the DOT source of each of its diagrams; it skips without native dot.
func largeModel(b *testing.B) (string, []string) {
	if _, err := exec.LookPath("dot"); err != nil {
		b.Skip("native dot is not installed (apt-get install graphviz)")
	}
	m := modelgen.Large(1000)
	path := filepath.Join(b.TempDir(), "large.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		b.Fatal(err)
	}
	var dots []string
	for _, d := range m.DiagramList() {
		dots = append(dots, render.DOT(m, d.ID))
	}
	return path, dots
}

// runRampart times one rampart command in a fresh process, as a user or
// CI runs it.
func runRampart(b *testing.B, args ...string) time.Duration {
	start := time.Now()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "RAMPART_TEST_AS_MAIN=1")
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatal(err, stderr.String())
	}
	return time.Since(start)
}

// runDot times native dot drawing each diagram as SVG.
func runDot(dots []string) time.Duration {
	start := time.Now()
	for _, src := range dots {
		c := exec.Command("dot", "-Tsvg")
		c.Stdin, c.Stdout = strings.NewReader(src), io.Discard
		_ = c.Run() // dot gives up on some dense nested clusters ("trouble in init_rank"): the time still counts
	}
	return time.Since(start)
}

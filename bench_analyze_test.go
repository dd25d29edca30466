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
	dot, err := exec.LookPath("dot")
	if err != nil {
		b.Skip("native dot is not installed (apt-get install graphviz)")
	}
	dir := b.TempDir()
	m := modelgen.Large(1000)
	path := filepath.Join(dir, "large.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		b.Fatal(err)
	}
	var dots []string
	for _, d := range m.DiagramList() {
		dots = append(dots, render.DOT(m, d.ID))
	}
	var analyze, layout time.Duration
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "analyze", path, "--format", "json")
		cmd.Env = append(os.Environ(), "RAMPART_TEST_AS_MAIN=1")
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		analyze += time.Since(start)
		start = time.Now()
		for _, src := range dots {
			c := exec.Command(dot, "-Tsvg")
			c.Stdin, c.Stdout = strings.NewReader(src), io.Discard
			_ = c.Run() // dot gives up on some dense nested clusters ("trouble in init_rank"): the time still counts
		}
		layout += time.Since(start)
	}
	b.ReportMetric(float64(analyze.Milliseconds())/float64(b.N), "analyze-ms/op")
	b.ReportMetric(float64(layout.Milliseconds())/float64(b.N), "dot-ms/op")
	b.ReportMetric(analyze.Seconds()/layout.Seconds(), "analyze/dot")
}

// BenchmarkReportAgainstDot times the whole `rampart report` of the
// 1000-element model against native `dot -Tsvg` on its diagrams in the same
// run (target: at most 5×).
func BenchmarkReportAgainstDot(b *testing.B) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		b.Skip("native dot is not installed (apt-get install graphviz)")
	}
	dir := b.TempDir()
	m := modelgen.Large(1000)
	path := filepath.Join(dir, "large.rampart")
	if err := storage.WriteNew(path, m); err != nil {
		b.Fatal(err)
	}
	var dots []string
	for _, d := range m.DiagramList() {
		dots = append(dots, render.DOT(m, d.ID))
	}
	var report, layout time.Duration
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "report", path, "-o", filepath.Join(dir, "large.pdf"))
		cmd.Env = append(os.Environ(), "RAMPART_TEST_AS_MAIN=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatal(err, string(out))
		}
		report += time.Since(start)
		start = time.Now()
		for _, src := range dots {
			c := exec.Command(dot, "-Tsvg")
			c.Stdin, c.Stdout = strings.NewReader(src), io.Discard
			_ = c.Run()
		}
		layout += time.Since(start)
	}
	b.ReportMetric(float64(report.Milliseconds())/float64(b.N), "report-ms/op")
	b.ReportMetric(float64(layout.Milliseconds())/float64(b.N), "dot-ms/op")
	b.ReportMetric(report.Seconds()/layout.Seconds(), "report/dot")
}

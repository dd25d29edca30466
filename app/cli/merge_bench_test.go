package cli_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/app/cli"
	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

// BenchmarkMergeLarge times `rampart merge` of two edited versions of the
// 1000-element model, from reading the three files to writing the merged
// one with both audit trails (target: under 300 ms).
func BenchmarkMergeLarge(b *testing.B) {
	dir := b.TempDir()
	base := modelgen.Large(1000)
	paths := map[string]string{}
	for i, side := range []string{"base", "ours", "theirs"} {
		m := base.Clone()
		r := rand.New(rand.NewPCG(uint64(i), 1))
		els := m.ElementList()
		for j := 0; i > 0 && j < 60; j++ {
			e := els[r.IntN(len(els))]
			var ed model.Edit
			switch j % 3 {
			case 0:
				ed = model.Rename(m, e.ID, side+" "+e.Name)
			case 1:
				ed = model.SetProp(m, e.ID, "technology", side)
			default:
				ed = model.MoveElements(m, []string{e.ID}, 20, 0)
			}
			_ = ed.Apply(m) // an edit that does not fit (a deleted element) is skipped
		}
		paths[side] = filepath.Join(dir, side+".rampart")
		if err := storage.WriteNew(paths[side], m); err != nil {
			b.Fatal(err)
		}
	}
	out := filepath.Join(dir, "merged.rampart")
	for b.Loop() {
		var errOut bytes.Buffer
		if code := cli.Run([]string{"merge", paths["base"], paths["ours"], paths["theirs"], "-o", out}, nil, io.Discard, &errOut); code > 1 {
			b.Fatal(errOut.String())
		}
	}
}

package storage_test

import (
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model"
	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

// The large model: 1000 elements, 2000 flows, 50 boundaries, 20 diagrams.
var large = modelgen.Large(1000)

func BenchmarkSaveLarge(b *testing.B) {
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		if err := storage.WriteNew(filepath.Join(dir, "large.rampart"), large); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadLarge(b *testing.B) {
	path := filepath.Join(b.TempDir(), "large.rampart")
	if err := storage.WriteNew(path, large); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := storage.Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveOneEdit is what the editor pays after every edit.
func BenchmarkSaveOneEdit(b *testing.B) {
	m := large.Clone()
	f, err := storage.Create(filepath.Join(b.TempDir(), "large.rampart"), m)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ids := []string{"n00010"}
	for i := 0; b.Loop(); i++ {
		if err := model.MoveElements(m, ids, 1, 0).Apply(m); err != nil {
			b.Fatal(err)
		}
		if err := f.Save(m); err != nil {
			b.Fatal(err)
		}
	}
}

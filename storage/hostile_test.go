package storage_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/rampart-tm/rampart/model/modelgen"
	"github.com/rampart-tm/rampart/storage"
)

// TestCorruptedFilesGiveErrorsNotPanics flips bytes in and truncates a
// good file many ways: opening always ends in a model or a clear error,
// never a panic, and a refused file is never written to.
func TestCorruptedFilesGiveErrorsNotPanics(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.rampart")
	if err := storage.WriteNew(good, modelgen.Large(60)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	r := rand.New(rand.NewPCG(5, 5))
	runs := 300
	if testing.Short() {
		runs = 60
	}
	for i := range runs {
		bad := bytes.Clone(data)
		switch i % 3 {
		case 0: // flip a few bytes anywhere
			for range 1 + r.IntN(8) {
				bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
			}
		case 1: // truncate
			bad = bad[:r.IntN(len(bad))]
		case 2: // overwrite a run of bytes past the header
			at := 100 + r.IntN(len(bad)-200)
			for j := at; j < at+1+r.IntN(100) && j < len(bad); j++ {
				bad[j] = byte(r.IntN(256))
			}
		}
		path := filepath.Join(dir, "bad.rampart")
		if err := os.WriteFile(path, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("case %d: panic: %v", i, p)
				}
			}()
			_, err := storage.Load(path)
			f, _, err2 := storage.Open(path)
			if err2 == nil {
				f.Close()
			} else if err == nil {
				t.Errorf("case %d: Load accepted what Open refused: %v", i, err2)
			}
			if err != nil {
				if after, _ := os.ReadFile(path); !bytes.Equal(after, bad) {
					t.Fatalf("case %d: a refused file was written to (%v)", i, err)
				}
			}
		}()
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
	}
}

package stride

import (
	"sync/atomic"
	"testing"
)

// Every item is done once, and a panic on another goroutine is raised in
// the caller.
func TestInPieces(t *testing.T) {
	var done [1000]atomic.Int32
	inPieces(len(done), 7, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			done[i].Add(1)
		}
	})
	for i := range done {
		if n := done[i].Load(); n != 1 {
			t.Fatalf("item %d done %d times", i, n)
		}
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Fatalf("recovered %v, want the worker's panic", p)
		}
	}()
	inPieces(1000, 10, func(lo, _ int) {
		if lo == 500 {
			panic("boom")
		}
	})
}

package stride

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// inPieces runs do on pieces [lo, hi) of n items, of about size items
// each, on every processor. Pieces are taken in turn, so a slow one does
// not leave the other processors idle. do must only write what its
// piece owns. A panic in do is raised again in the caller, where the
// command line reports it as an internal error.
func inPieces(n, size int, do func(lo, hi int)) {
	pieces := (n + size - 1) / size
	workers := min(runtime.GOMAXPROCS(0), pieces)
	if workers <= 1 {
		if n > 0 {
			do(0, n)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Pointer[any]
	for range workers {
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					failed.CompareAndSwap(nil, &p)
				}
			}()
			for {
				p := int(next.Add(1)) - 1
				if p >= pieces {
					return
				}
				do(p*size, min((p+1)*size, n))
			}
		})
	}
	wg.Wait()
	if p := failed.Load(); p != nil {
		panic(*p)
	}
}

// later runs f on another goroutine and returns what waits for its
// result; a panic in f is raised again in the one who waits.
func later[T any](f func() (T, error)) func() (T, error) {
	var v T
	var err error
	var failed any
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { failed = recover() }()
		v, err = f()
	}()
	return func() (T, error) {
		<-done
		if failed != nil {
			panic(failed)
		}
		return v, err
	}
}

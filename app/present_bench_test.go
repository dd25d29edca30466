package app

import "testing"

// BenchmarkPresentEnter enters presentation mode on a diagram of 500
// elements and 800 flows (target: under 50 ms); leaving is not timed.
func BenchmarkPresentEnter(b *testing.B) {
	v := benchWindow(b)
	for b.Loop() {
		v.onPresent()
		b.StopTimer()
		v.present.leave()
		b.StartTimer()
	}
}

// BenchmarkPresentNext moves the focus to the next element while
// presenting the same diagram (target: under 50 ms).
func BenchmarkPresentNext(b *testing.B) {
	v := benchWindow(b)
	v.onPresent()
	b.Cleanup(func() {
		if v.present != nil {
			v.present.leave()
		}
	})
	for b.Loop() {
		v.present.move(1)
	}
}

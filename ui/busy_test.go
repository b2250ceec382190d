package ui

import (
	"sync/atomic"
	"testing"
	"time"
)

// A run of saves hands memory back once, after the last of them.
func TestSettleMemoryOnceAfterARun(t *testing.T) {
	var calls atomic.Int32
	old := freeOSMemory
	freeOSMemory = func() { calls.Add(1) }
	t.Cleanup(func() { freeOSMemory = old })
	for range 5 {
		settleMemory()
		time.Sleep(settleAfter / 10)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("during the run: got %d releases, want 0", n)
	}
	deadline := time.Now().Add(10 * settleAfter)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(settleAfter / 10)
	}
	time.Sleep(settleAfter / 2)
	if n := calls.Load(); n != 1 {
		t.Errorf("after the run: got %d releases, want 1", n)
	}
}

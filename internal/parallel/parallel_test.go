package parallel

import (
	"errors"
	"sync/atomic"
	"testing"
)

func TestDo(t *testing.T) {
	var running, most, done atomic.Int64
	errA, errB := errors.New("a"), errors.New("b")
	err := Do(50, 3, func(i int) error {
		n := running.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		defer running.Add(-1)
		done.Add(1)
		switch i {
		case 7:
			return errA
		case 40:
			return errB
		}
		return nil
	})
	if done.Load() != 50 || most.Load() > 3 {
		t.Errorf("ran %d of 50, at most %d at a time (limit 3)", done.Load(), most.Load())
	}
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Errorf("err %v: want both errors joined", err)
	}
	if err := Do(0, 3, func(int) error { return errA }); err != nil {
		t.Errorf("nothing to run: %v", err)
	}
}

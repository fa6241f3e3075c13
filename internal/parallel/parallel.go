// Package parallel runs a bulk job's independent steps a few at a time:
// the store's listings and bulk reads, an offboarding's handovers and a
// backup's reads each keep a bounded number of Vault requests in flight.
// It is pure Go.
package parallel

import (
	"errors"
	"sync"
)

// Do runs fn(0), …, fn(n-1), at most limit at a time, waits for all of
// them and joins their errors (nil when none failed).
func Do(n, limit int, fn func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = fn(i)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

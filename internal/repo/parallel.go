package repo

import (
	"errors"
	"sync"
)

// reads is how many requests a listing or a bulk job keeps in flight.
const reads = 8

// inParallel runs fn(0), …, fn(n-1), at most limit at a time, and joins
// their errors.
func inParallel(n, limit int, fn func(i int) error) error {
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

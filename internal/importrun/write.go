package importrun

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/records"
)

// Write is one credential an import writes.
type Write struct {
	// Cred is the credential to add; for an update, its Store and Name
	// say which one.
	Cred records.Credential
	// Update, when set, makes the write an update of the existing
	// credential: it is given the current record and returns the record to
	// write and whether that changes anything (an error refuses the write).
	Update func(cur records.Credential) (next records.Credential, changed bool, err error)
}

// Result is the outcome of one write (added, updated, unchanged, failed
// or not tried) and its error. Added and Updated may carry an error too:
// the record was saved but the redaction index or the listing was not
// updated (Options.Stale).
type Result struct {
	Outcome importer.Outcome
	Err     error
}

// DefaultWorkers is how many writes an import has in flight.
const DefaultWorkers = 8

// Options tune Import and Run.
type Options struct {
	// Workers is the number of writes in flight; DefaultWorkers when 0.
	Workers int
	// Stale is the store's error for a write that was saved but left the
	// redaction index or the credential listing behind (the caller passes
	// repo.ErrIndexStale), matched with errors.Is: such a write counts as
	// done and keeps its error. nil: every error fails its write.
	Stale error
	// OnWrite, when set, is called after each write with the number done
	// and the total; calls never overlap and done only grows.
	OnWrite func(done, total int)

	// The rest is Run's.

	// Now is the run's time: the rotation date of a new password the file
	// gives no date for, and the times in the progress. Zero: now, to the
	// second.
	Now time.Time
	// AfterWrites, when set, is called once the writes are over, before
	// the repairs and the progress record (the caller clears its progress
	// display).
	AfterWrites func()
	// Warn, when set, is told of a failure that only narrows the report
	// (the earlier runs' progress unreadable, this run's not recorded),
	// in words for the user; the run goes on.
	Warn func(error)
}

// Import writes credentials through the store's own operations (Add; Get
// and Update), so every write is a check-and-set, records who wrote it
// and updates the redaction index. Writes go a few at a time. One that
// fails is reported and the others go on, except after an error that
// every later write would meet too (permission denied, Vault unreachable
// or sealed, the context ended): then nothing more is started, and the
// writes not started are not tried. The results are in the order of
// writes.
//
// An import that stopped can be run again: rows already added exist, and
// a skip-on-duplicate plan leaves them.
func Import(ctx context.Context, st Store, writes []Write, o Options) []Result {
	results := make([]Result, len(writes))
	for i := range results {
		results[i].Outcome = importer.OutcomeNotTried
	}
	workers := o.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	var (
		stop     atomic.Bool
		mu       sync.Mutex
		done     int
		wg       sync.WaitGroup
		jobs     = make(chan int)
		progress = func() {
			mu.Lock()
			defer mu.Unlock()
			done++
			if o.OnWrite != nil {
				o.OnWrite(done, len(writes))
			}
		}
	)
	for w := 0; w < min(workers, len(writes)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res := writeOne(ctx, st, writes[i], o.Stale)
				results[i] = res
				if res.Outcome == importer.OutcomeFailed && stops(res.Err) {
					stop.Store(true)
				}
				progress()
			}
		}()
	}
	for i := range writes {
		if stop.Load() || ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// writeOne makes one write: an add, or a read, merge and check-and-set
// update.
func writeOne(ctx context.Context, st Store, w Write, stale error) Result {
	saved := func(outcome importer.Outcome, err error) Result {
		switch {
		case err == nil:
			return Result{Outcome: outcome}
		case stale != nil && errors.Is(err, stale):
			return Result{Outcome: outcome, Err: err}
		}
		return Result{Outcome: importer.OutcomeFailed, Err: err}
	}
	if w.Update == nil {
		return saved(importer.OutcomeAdded, st.Add(ctx, w.Cred))
	}
	cur, version, err := st.Get(ctx, w.Cred.Store, w.Cred.Name)
	if err != nil {
		return Result{Outcome: importer.OutcomeFailed, Err: err}
	}
	next, changed, err := w.Update(cur)
	switch {
	case err != nil:
		return Result{Outcome: importer.OutcomeFailed, Err: err}
	case !changed:
		return Result{Outcome: importer.OutcomeUnchanged}
	}
	next.Store, next.Name = cur.Store, cur.Name
	return saved(importer.OutcomeUpdated, st.Update(ctx, next, version))
}

// stops: errors every later write would meet as well.
func stops(err error) bool {
	return errors.Is(err, failure.ErrDenied) || errors.Is(err, failure.ErrUnreachable) || errors.Is(err, failure.ErrSealed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

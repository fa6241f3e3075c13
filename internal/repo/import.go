package repo

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Existing reports which of names exist in a store: the map
// holds each one that exists, true when it is deleted (its name stays
// taken until it is destroyed). It is one list request for the store,
// plus a metadata read for each name of names that is there, a few at a
// time, to tell deleted ones; a store without credentials has none.
func (f Creds) Existing(ctx context.Context, store string, names []string) (map[string]bool, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	have := make(map[string]bool, len(keys))
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			have[k] = true
		}
	}
	var found []string
	seen := map[string]bool{}
	for _, n := range names {
		if have[n] && !seen[n] {
			seen[n] = true
			found = append(found, n)
		}
	}
	out := make(map[string]bool, len(found))
	deleted := make([]bool, len(found))
	if err := inParallel(len(found), reads, func(i int) error {
		meta, err := r.c.KV().Metadata(ctx, r.mount, records.CredPath(store, found[i]))
		if err == nil {
			deleted[i] = meta.Deleted()
		}
		return err
	}); err != nil {
		return nil, err
	}
	for i, n := range found {
		out[n] = deleted[i]
	}
	return out, nil
}

// ImportWrite is one credential an import writes.
type ImportWrite struct {
	// Cred is the credential to add; for an update, its Store and Name
	// say which one.
	Cred records.Credential
	// Update, when set, makes the write an update of the existing
	// credential: it is given the current record and returns the record to
	// write and whether that changes anything (an error refuses the write).
	Update func(cur records.Credential) (next records.Credential, changed bool, err error)
}

// ImportOutcome is what became of one write.
type ImportOutcome string

// The outcomes.
const (
	ImportAdded     ImportOutcome = "added"
	ImportUpdated   ImportOutcome = "updated"
	ImportUnchanged ImportOutcome = "unchanged" // an update that changed nothing: nothing written
	ImportFailed    ImportOutcome = "failed"
	ImportNotTried  ImportOutcome = "not tried" // the import stopped first
)

// ImportResult is the outcome of one write and its error. Added and
// Updated may carry an error too: the record was saved but the redaction
// index was not updated (ErrIndexStale).
type ImportResult struct {
	Outcome ImportOutcome
	Err     error
}

// DefaultImportWorkers is how many writes an import has in flight.
const DefaultImportWorkers = 8

// ImportOptions tune Import.
type ImportOptions struct {
	// Workers is the number of writes in flight; DefaultImportWorkers when 0.
	Workers int
	// Progress, when set, is called after each write with the number done
	// and the total; calls never overlap and done only grows.
	Progress func(done, total int)
}

// Import writes credentials through the same operations as `cred add`
// and `cred edit` (Creds().Add; Get and Update),
// so every write is a check-and-set, records who wrote it and updates the
// redaction index. Writes go a few at a time. One that fails is reported
// and the others go on, except after an error that every later write
// would meet too (permission denied, Vault unreachable or sealed, the
// context ended): then nothing more is started, and the writes not
// started are ImportNotTried. The results are in the order of writes.
//
// An import that stopped can be run again: rows already added exist, and
// a skip-on-duplicate plan leaves them.
func (f Imports) Import(ctx context.Context, writes []ImportWrite, opts ImportOptions) []ImportResult {
	r := f.r
	results := make([]ImportResult, len(writes))
	for i := range results {
		results[i].Outcome = ImportNotTried
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = DefaultImportWorkers
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
			if opts.Progress != nil {
				opts.Progress(done, len(writes))
			}
		}
	)
	for w := 0; w < min(workers, len(writes)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res := r.importOne(ctx, writes[i])
				results[i] = res
				if res.Outcome == ImportFailed && stopsImport(res.Err) {
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

func (r *Repo) importOne(ctx context.Context, w ImportWrite) ImportResult {
	saved := func(outcome ImportOutcome, err error) ImportResult {
		switch {
		case err == nil:
			return ImportResult{Outcome: outcome}
		case errors.Is(err, ErrIndexStale):
			return ImportResult{Outcome: outcome, Err: err}
		}
		return ImportResult{Outcome: ImportFailed, Err: err}
	}
	if w.Update == nil {
		return saved(ImportAdded, r.Creds().Add(ctx, w.Cred))
	}
	cur, version, err := r.Creds().Get(ctx, w.Cred.Store, w.Cred.Name)
	if err != nil {
		return ImportResult{Outcome: ImportFailed, Err: err}
	}
	next, changed, err := w.Update(cur)
	switch {
	case err != nil:
		return ImportResult{Outcome: ImportFailed, Err: err}
	case !changed:
		return ImportResult{Outcome: ImportUnchanged}
	}
	next.Store, next.Name = cur.Store, cur.Name
	return saved(ImportUpdated, r.Creds().Update(ctx, next, version))
}

// stopsImport: errors every later write would meet as well.
func stopsImport(err error) bool {
	return errors.Is(err, vault.ErrDenied) || errors.Is(err, vault.ErrUnreachable) || errors.Is(err, vault.ErrSealed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

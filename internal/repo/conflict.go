package repo

import (
	"context"
	"errors"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/sellervault/sellervault/internal/vault"
)

// conflictRetries bounds how often a read-modify-write of a shared record
// (a listing shard, an index shard, the team's domains) is tried again
// after another writer got there first. Twenty members writing the same
// shard at once each land within it (TestConcurrentEditsWithRetry).
const conflictRetries = 40

// retryOnConflict runs step (which reads a record and writes it with
// check-and-set) again while it fails with vault.ErrConflict, after a
// short randomised pause that grows, so that writers racing for one
// record spread out instead of colliding in lockstep. Any other error,
// or a cancelled ctx, ends it at once.
func retryOnConflict(ctx context.Context, step func() error) error {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 2 * time.Millisecond
	b.MaxInterval = 100 * time.Millisecond
	b.MaxElapsedTime = 0 // bounded by conflictRetries
	policy := backoff.WithContext(backoff.WithMaxRetries(b, conflictRetries), ctx)
	return backoff.Retry(func() error {
		err := step()
		if err != nil && !errors.Is(err, vault.ErrConflict) {
			return backoff.Permanent(err)
		}
		return err
	}, policy)
}

// onlyConflicts reports whether err, and every error joined in it (the
// shards of a listing written in parallel), is a check-and-set conflict:
// a lost race, not a failure to hide.
func onlyConflicts(err error) bool {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		if _, isVault := err.(*vault.Error); !isVault {
			for _, e := range joined.Unwrap() {
				if !onlyConflicts(e) {
					return false
				}
			}
			return len(joined.Unwrap()) > 0
		}
	}
	return errors.Is(err, vault.ErrConflict)
}

// putDerived writes a record sellervault derives from others (a listing
// or index shard, the team's mail domains) with check-and-set over
// version, the one read (0: none). A record whose current version was
// deleted with Vault's CLI reads as none, but a write with 0 conflicts
// with it for ever; such a record is written over its deleted version.
func (r *Repo) putDerived(ctx context.Context, path string, data map[string]interface{}, version int) error {
	_, err := r.c.KV().Put(ctx, r.mount, path, data, version)
	if version != 0 || !errors.Is(err, vault.ErrConflict) {
		return err
	}
	meta, merr := r.c.KV().Metadata(ctx, r.mount, path)
	if merr != nil || !meta.Deleted() {
		return err
	}
	_, err = r.c.KV().Put(ctx, r.mount, path, data, meta.CurrentVersion)
	return err
}

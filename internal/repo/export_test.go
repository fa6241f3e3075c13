package repo

import (
	"context"
	"time"
)

// SetClock sets what the repository takes as the time.
func (r *Repo) SetClock(now func() time.Time) { r.now = now }

// SetVerifyUpTo changes VerifyUpTo for one repository, so that tests can
// use a store's listing with a few credentials.
func (r *Repo) SetVerifyUpTo(n int) { r.verifyUpTo = n }

// CompareListing runs compareListing: whether the store's listing holds
// want, with want brought up to date where the listing is newer.
func (r *Repo) CompareListing(ctx context.Context, store string, want map[string]map[string]string) (bool, error) {
	st, err := r.compareListing(ctx, store, want)
	return st.same, err
}

// OnlyConflicts is onlyConflicts.
var OnlyConflicts = onlyConflicts

// DeletedKey marks a deleted credential's listing entry.
const DeletedKey = deletedKey

// ListingShardOf is the path of the listing shard that lists a credential.
var ListingShardOf = listingShardOf

package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Add records a new store and creates its access policy and group,
// through which staff are given the store.
func (f Stores) Add(ctx context.Context, s records.Store) error {
	r := f.r
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	s.UpdatedBy = who
	// The key first: the store's name, if sensitive, is indexed with it.
	if err := access.EnsureStoreKey(ctx, r.c, r.layout, s.Name); err != nil {
		return err
	}
	if err := r.create(ctx, "store "+s.Name, records.StorePath(s.Name), s.Encode()); err != nil {
		return err
	}
	if err := r.writeListing(ctx, s.Name, nil, nil); err != nil { // no credential yet
		return fmt.Errorf("saved, but %w (%v)", ErrIndexStale, err)
	}
	return access.EnsureStoreAccess(ctx, r.c, r.layout, s.Name)
}

// Get reads a store record.
func (f Stores) Get(ctx context.Context, name string) (records.Store, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, records.StorePath(name))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Store{}, fmt.Errorf("store %s: %w", name, ErrNoStore)
	}
	if err != nil {
		return records.Store{}, err
	}
	return records.StoreFromData(rec.Data), nil
}

// Require checks that a store exists (and is not deleted), from its
// metadata: a not-found (ErrNoStore) when it does not.
func (f Stores) Require(ctx context.Context, name string) error { return f.r.requireStore(ctx, name) }

// GroupMembers are the entity IDs in a store's access group: the staff
// given the store (managers have it through their role).
func (f Stores) GroupMembers(ctx context.Context, store string) ([]string, error) {
	r := f.r
	group, err := r.c.Identity().GroupByName(ctx, r.layout.StoreGroup(store))
	if err != nil {
		return nil, err
	}
	return group.MemberEntityIDs, nil
}

// SetGroupMembers makes ids the members of a store's access group. Their
// policies come from the group, read at every request: whoever leaves it
// loses the store at once, tokens included.
func (f Stores) SetGroupMembers(ctx context.Context, store string, ids []string) error {
	r := f.r
	return r.c.Identity().SetGroupMembers(ctx, r.layout.StoreGroup(store), ids)
}

// requireStore checks that a store exists, from its metadata.
func (r *Repo) requireStore(ctx context.Context, name string) error {
	meta, err := r.c.KV().Metadata(ctx, r.mount, records.StorePath(name))
	if errors.Is(err, vault.ErrNotFound) || (err == nil && meta.Deleted()) {
		return fmt.Errorf("store %s: %w", name, ErrNoStore)
	}
	return err
}

// List lists the stores the caller may see (Scope), from metadata.
func (f Stores) List(ctx context.Context) ([]records.Store, error) {
	r := f.r
	return r.scopeStores(ctx)
}

// allStores lists every store from metadata (managers and finance).
func (r *Repo) allStores(ctx context.Context) ([]records.Store, error) {
	entries, err := r.listMeta(ctx, records.StoreDir())
	if err != nil {
		return nil, err
	}
	out := make([]records.Store, 0, len(entries))
	for _, e := range entries {
		s := records.StoreFromMetadata(e.meta.CustomMetadata)
		s.Name = e.key
		out = append(out, s)
	}
	return out, nil
}

// Remove soft-deletes a store that has no credentials left, and
// removes its access group and policy so that nobody keeps access to it.
func (f Stores) Remove(ctx context.Context, name string) error {
	r := f.r
	if err := r.requireStore(ctx, name); err != nil {
		return err
	}
	creds, err := r.Creds().List(ctx, name)
	if err != nil {
		return err
	}
	if len(creds) > 0 {
		return fmt.Errorf("store %s still has %d credentials: remove them first (`sellervault cred rm`)", name, len(creds))
	}
	if err := r.c.KV().Delete(ctx, r.mount, records.StorePath(name)); err != nil {
		return err
	}
	return access.RemoveStoreAccess(ctx, r.c, r.layout, name)
}

package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Add records a new credential under an existing store.
func (f Creds) Add(ctx context.Context, c records.Credential) error {
	r := f.r
	if err := r.requireStore(ctx, c.Store); err != nil {
		return err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	if err := r.withCredentialRefs(ctx, &c); err != nil {
		return err
	}
	c.UpdatedBy = who
	return r.create(ctx, "credential "+c.Address(), records.CredPath(c.Store, c.Name), c.Encode())
}

// Get reads a credential and the version read, in one request.
func (f Creds) Get(ctx context.Context, store, name string) (records.Credential, int, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, records.CredPath(store, name))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Credential{}, 0, fmt.Errorf("credential %s/%s: %w", store, name, errNoRecord)
	}
	if err != nil {
		return records.Credential{}, 0, err
	}
	c := records.CredentialFromData(rec.Data)
	c.Store, c.Name = store, name
	return c, rec.Version, nil
}

// Update writes c over the version the caller read; if someone
// wrote in between, it fails with vault.ErrConflict and writes nothing.
func (f Creds) Update(ctx context.Context, c records.Credential, version int) error {
	r := f.r
	if err := r.withCredentialRefs(ctx, &c); err != nil {
		return err
	}
	return r.updateCredential(ctx, c, version, r.update)
}

// UpdateKeepingValues writes c over the version the caller read, for an
// edit that changes no value (who holds it, when it is due): the
// redaction index stays as it is, and so do its recovery factors' IDs,
// as read.
func (f Creds) UpdateKeepingValues(ctx context.Context, c records.Credential, version int) error {
	r := f.r
	return r.updateCredential(ctx, c, version, r.updateValuesKept)
}

// updateCredential stamps the writer and writes with write (update, or
// updateValuesKept when no value changes, and so its recovery factors'
// IDs stay as read).
func (r *Repo) updateCredential(ctx context.Context, c records.Credential, version int,
	write func(context.Context, string, records.Encoded, int) error) error {
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	c.UpdatedBy = who
	return write(ctx, records.CredPath(c.Store, c.Name), c.Encode(), version)
}

// List lists a store's credentials from metadata, every mirror
// checked against its credential's version, or those of every store the
// caller may use (Scope) when store is "".
func (f Creds) List(ctx context.Context, store string) ([]records.Credential, error) {
	r := f.r
	if store != "" {
		if err := r.requireMember(ctx, store); err != nil {
			return nil, err
		}
		return r.verifiedCredentials(ctx, store)
	}
	stores, err := r.credentialStores(ctx)
	if err != nil {
		return nil, err
	}
	return r.credentialsOf(ctx, stores)
}

// credentialsOf lists the credentials of the given stores: from each
// store's listing (ListingShards reads) when it was verified lately, or
// else from each credential's metadata, verified (verifiedCredentials).
func (r *Repo) credentialsOf(ctx context.Context, stores []records.Store) ([]records.Credential, error) {
	each := make([][]records.Credential, len(stores))
	err := parallel.Do(len(stores), storesAtOnce, func(i int) error {
		listed, ok, err := r.listedCredentials(ctx, stores[i].Name, r.listingMaxAge)
		if err != nil {
			return err
		}
		if !ok {
			listed, err = r.verifiedCredentials(ctx, stores[i].Name)
			if err != nil {
				return err
			}
		}
		each[i] = listed
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []records.Credential
	for _, listed := range each {
		out = append(out, listed...)
	}
	return out, nil
}

// Verified lists a store's live credentials from their metadata, each
// mirror checked against its credential's version (read through, and
// repaired unless a dry run, when behind): for jobs that act on what
// they list (an incident's lockdown).
func (f Creds) Verified(ctx context.Context, store string) ([]records.Credential, error) {
	return f.r.verifiedCredentials(ctx, store)
}

// storesAtOnce is how many stores a listing of many reads at once (each
// with up to reads requests in flight).
const storesAtOnce = 4

// verifiedCredentials lists a store's live credentials from their
// metadata, a few at a time, and checks each mirror's stamp against the
// credential's current version. A mirror behind its data (written around
// sellervault, or cut off) is read through: the credential is read, and
// its metadata repaired when the caller may write it. A caller who may
// not read the data gets the metadata marked MirrorStale. Then the
// store's listing is written again, verified now, when the caller may.
func (r *Repo) verifiedCredentials(ctx context.Context, store string) ([]records.Credential, error) {
	entries, err := r.listMetaAll(ctx, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	metas := make([]map[string]string, len(entries))
	stale := make([]bool, len(entries))
	err = parallel.Do(len(entries), reads, func(i int) error {
		e := entries[i]
		metas[i] = e.meta.CustomMetadata
		if e.meta.Deleted() || records.Fresh(metas[i], e.meta.CurrentVersion) {
			return nil
		}
		fixed, err := r.readThrough(ctx, store, e.key, e.meta.CustomMetadata)
		switch {
		case errors.Is(err, vault.ErrDenied):
			stale[i] = true
			return nil
		case errors.Is(err, vault.ErrNotFound): // deleted meanwhile
			return nil
		case err != nil:
			return fmt.Errorf("credential %s/%s: %w", store, e.key, err)
		}
		metas[i] = fixed
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []records.Credential
	listing := map[string]map[string]string{}
	for i, e := range entries {
		listing[e.key] = listingEntry(metas[i], e.meta.Deleted())
		if e.meta.Deleted() {
			continue
		}
		c := records.CredentialFromMetadata(metas[i])
		c.Store, c.Name, c.MirrorStale = store, e.key, stale[i]
		out = append(out, c)
	}
	if r.readOnly {
		return out, nil
	}
	// The listing is written again when it differs, or when it was last
	// verified more than half its age ago (so that listings of many
	// stores keep using it); a member's write is refused, and harmless,
	// and so is losing a race with a writer who relisted a credential
	// meanwhile (the next listing verifies again).
	st, err := r.compareListing(ctx, store, listing)
	if err == nil && (!st.same || r.now().Sub(st.verified) > ListingMaxAge/2) {
		err = r.writeListing(ctx, store, listing, st.versions)
	}
	if err != nil && !errors.Is(err, vault.ErrDenied) && !onlyConflicts(err) {
		return nil, fmt.Errorf("%w (%v)", ErrIndexStale, err)
	}
	return out, nil
}

// readThrough returns the metadata a credential's data calls for (its
// mirror, stamped with the version read), and writes it when the caller
// may (a manager; ErrDenied otherwise is not an error) and this is not a
// dry run.
func (r *Repo) readThrough(ctx context.Context, store, name string, meta map[string]string) (map[string]string, error) {
	_, fixed, writable, err := r.mirrorDiff(ctx, store, name, meta)
	if err != nil || r.readOnly || !writable {
		// (not writable: data written around sellervault that it would
		// not write, a field too long: shown, not written)
		return fixed, err
	}
	err = r.c.KV().SetCustomMetadata(ctx, r.mount, records.CredPath(store, name), fixed)
	if err != nil && !errors.Is(err, vault.ErrDenied) {
		return nil, err
	}
	return fixed, nil
}

// History lists a credential's versions, with who wrote each.
func (f Creds) History(ctx context.Context, store, name string) ([]Version, error) {
	r := f.r
	return r.history(ctx, records.CredPath(store, name))
}

// Delete soft-deletes a credential; Undelete brings it
// back.
func (f Creds) Delete(ctx context.Context, store, name string) error {
	r := f.r
	if _, _, err := r.Creds().Get(ctx, store, name); err != nil {
		return err
	}
	path := records.CredPath(store, name)
	if err := r.c.KV().Delete(ctx, r.mount, path); err != nil {
		return err
	}
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err == nil {
		err = r.relist(ctx, path, listingEntry(meta.CustomMetadata, true))
	}
	if err == nil {
		// Its values leave the index: a member who joins the store later
		// may not read the deleted version, so must not test guesses of it.
		err = r.indexRecord(ctx, path, nil)
	}
	if err != nil {
		return fmt.Errorf("deleted, but %w", err)
	}
	return nil
}

// Undelete restores a soft-deleted credential, and its values
// to the redaction index.
func (f Creds) Undelete(ctx context.Context, store, name string) error {
	r := f.r
	if err := r.undelete(ctx, "credential "+store+"/"+name, records.CredPath(store, name)); err != nil {
		return err
	}
	c, _, err := r.Creds().Get(ctx, store, name)
	if err == nil {
		err = r.indexRecord(ctx, records.CredPath(store, name), c.Encode().Sensitive)
	}
	if err != nil {
		return fmt.Errorf("undeleted, but %w", err)
	}
	return nil
}

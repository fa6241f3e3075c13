package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// AddCredential records a new credential under an existing store.
func (r *Repo) AddCredential(ctx context.Context, c records.Credential) error {
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

// GetCredential reads a credential and the version read, in one request.
func (r *Repo) GetCredential(ctx context.Context, store, name string) (records.Credential, int, error) {
	rec, err := r.c.KVGet(ctx, r.mount, records.CredPath(store, name))
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

// UpdateCredential writes c over the version the caller read; if someone
// wrote in between, it fails with vault.ErrConflict and writes nothing.
func (r *Repo) UpdateCredential(ctx context.Context, c records.Credential, version int) error {
	if err := r.withCredentialRefs(ctx, &c); err != nil {
		return err
	}
	return r.updateCredential(ctx, c, version, r.update)
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

// ListCredentials lists a store's credentials from metadata, or those of
// every store the caller may use (Scope) when store is "".
func (r *Repo) ListCredentials(ctx context.Context, store string) ([]records.Credential, error) {
	if store != "" {
		if err := r.requireMember(ctx, store); err != nil {
			return nil, err
		}
		return r.credentialsOf(ctx, []records.Store{{Name: store}})
	}
	stores, err := r.credentialStores(ctx)
	if err != nil {
		return nil, err
	}
	return r.credentialsOf(ctx, stores)
}

// credentialsOf lists the credentials of the given stores: from each
// store's listing (ListingShards reads), or, where that cannot be used,
// from each credential's metadata.
func (r *Repo) credentialsOf(ctx context.Context, stores []records.Store) ([]records.Credential, error) {
	var out []records.Credential
	for _, s := range stores {
		listed, ok, err := r.listedCredentials(ctx, s.Name)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, listed...)
			continue
		}
		entries, err := r.listMeta(ctx, records.CredDir(s.Name))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			c := records.CredentialFromMetadata(e.meta.CustomMetadata)
			c.Store, c.Name = s.Name, e.key
			out = append(out, c)
		}
	}
	return out, nil
}

// CredentialHistory lists a credential's versions, with who wrote each.
func (r *Repo) CredentialHistory(ctx context.Context, store, name string) ([]Version, error) {
	return r.history(ctx, records.CredPath(store, name))
}

// DeleteCredential soft-deletes a credential; UndeleteCredential brings it
// back.
func (r *Repo) DeleteCredential(ctx context.Context, store, name string) error {
	if _, _, err := r.GetCredential(ctx, store, name); err != nil {
		return err
	}
	path := records.CredPath(store, name)
	if err := r.c.KVDelete(ctx, r.mount, path); err != nil {
		return err
	}
	meta, err := r.c.KVMetadata(ctx, r.mount, path)
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

// UndeleteCredential restores a soft-deleted credential, and its values
// to the redaction index.
func (r *Repo) UndeleteCredential(ctx context.Context, store, name string) error {
	if err := r.undelete(ctx, "credential "+store+"/"+name, records.CredPath(store, name)); err != nil {
		return err
	}
	c, _, err := r.GetCredential(ctx, store, name)
	if err == nil {
		err = r.indexRecord(ctx, records.CredPath(store, name), c.Encode().Sensitive)
	}
	if err != nil {
		return fmt.Errorf("undeleted, but %w", err)
	}
	return nil
}

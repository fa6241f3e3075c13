package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// A store's credential listing: the custom metadata of each of its
// credentials, mirrored in ListingShards KV records, ListingDir/STORE/NN,
// so that listing a store's credentials (`cred list`, `rotation status`,
// the inventory) takes one list request and ListingShards reads instead
// of one read per credential. Each shard holds
//
//	credentials  a JSON object: credential name → its custom metadata,
//	             with deletedKey "yes" for a soft-deleted one
//	complete     "yes" when the listing was built from every credential
//	             (a rebuild: RebuildListings, or AddStore for a new store)
//
// A credential's writes (create, update, delete, undelete) replace its
// entry with check-and-set, after its data and metadata. Metadata holds no
// value, so neither does the listing; only managers write it (records
// mount), and a store's group reads it as it reads the credentials'
// metadata.
//
// A reader uses the listing only when every shard is complete and its
// names are exactly those Vault lists in the store's folder; otherwise (a
// credential added or destroyed by another program or an older release,
// a write that failed half-way, a caller who may not read the listing
// such as the reminder job) it reads the credentials' metadata one by
// one, as before. A change made around sellervault (Vault's CLI or API)
// is not seen until `sellervault doctor` repairs the credential's metadata
// and the listing (or `sellervault redact --reindex` rebuilds it).
const (
	ListingDir    = "_meta/listing"
	ListingShards = 8
	listingKey    = "credentials"
	completeKey   = "complete"
	deletedKey    = "sellervault_deleted" // in an entry: the credential is soft-deleted
)

func listingShard(store string, i int) string { return fmt.Sprintf("%s/%s/%02x", ListingDir, store, i) }

func listingShardOf(store, name string) string { return listingShard(store, listingIndex(name)) }

// listingIndex is the shard of a credential's entry.
func listingIndex(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32() % ListingShards)
}

// credentialPath splits a credential's path; ok is false for other paths.
func credentialPath(path string) (store, name string, ok bool) {
	rest, ok := strings.CutPrefix(path, records.StoreDir()+"/")
	if !ok {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != "creds" {
		return "", "", false
	}
	return parts[0], parts[2], true
}

// relist replaces a credential's entry in its store's listing (meta from
// listingEntry). Its error says the credential itself was written.
func (r *Repo) relist(ctx context.Context, path string, meta map[string]string) error {
	store, name, ok := credentialPath(path)
	if !ok {
		return nil
	}
	shard := listingShardOf(store, name)
	for attempt := 0; ; attempt++ {
		version, entries, complete, err := r.readListingShard(ctx, shard)
		if err != nil {
			return fmt.Errorf("%w (%v)", ErrIndexStale, err)
		}
		entries[name] = meta
		_, err = r.c.KVPut(ctx, r.mount, shard, listingData(entries, complete), version)
		if errors.Is(err, vault.ErrConflict) && attempt < 10 {
			continue
		}
		if err != nil {
			return fmt.Errorf("%w (%v)", ErrIndexStale, err)
		}
		return nil
	}
}

// readListingShard reads a shard (version 0 and no entries when there is
// none).
func (r *Repo) readListingShard(ctx context.Context, path string) (version int, entries map[string]map[string]string, complete bool, err error) {
	entries = map[string]map[string]string{}
	rec, err := r.c.KVGet(ctx, r.mount, path)
	if errors.Is(err, vault.ErrNotFound) {
		return 0, entries, false, nil
	}
	if err != nil {
		return 0, nil, false, err
	}
	raw, _ := rec.Data[listingKey].(string)
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &entries); err != nil {
			entries = map[string]map[string]string{} // unreadable: rebuilt by the next reindex; incomplete now
			return rec.Version, entries, false, nil
		}
	}
	return rec.Version, entries, rec.Data[completeKey] == "yes", nil
}

func listingData(entries map[string]map[string]string, complete bool) map[string]interface{} {
	b, _ := json.Marshal(entries) // maps of strings always marshal
	data := map[string]interface{}{listingKey: string(b)}
	if complete {
		data[completeKey] = "yes"
	}
	return data
}

// listedCredentials reads a store's live credentials from its listing;
// ok is false when the listing cannot be used (missing, incomplete,
// names other than Vault lists, denied).
func (r *Repo) listedCredentials(ctx context.Context, store string) (creds []records.Credential, ok bool, err error) {
	shards := make([]map[string]map[string]string, ListingShards)
	complete := make([]bool, ListingShards+1)
	var keys []string
	err = inParallel(ListingShards+1, reads, func(i int) error {
		if i == ListingShards {
			var err error
			keys, err = r.c.KVList(ctx, r.mount, records.CredDir(store))
			if errors.Is(err, vault.ErrNotFound) {
				err = nil
			}
			complete[i] = true
			return err
		}
		_, entries, c, err := r.readListingShard(ctx, listingShard(store, i))
		shards[i], complete[i] = entries, c
		return err
	})
	if errors.Is(err, vault.ErrDenied) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	listed := 0
	for i := range shards {
		if !complete[i] {
			return nil, false, nil
		}
		listed += len(shards[i])
	}
	names := 0
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			continue
		}
		names++
		if _, ok := shards[listingIndex(k)][k]; !ok {
			return nil, false, nil
		}
	}
	if names != listed {
		return nil, false, nil
	}
	for i := range shards {
		for name, meta := range shards[i] {
			if meta[deletedKey] == "yes" {
				continue
			}
			c := records.CredentialFromMetadata(meta)
			c.Store, c.Name = store, name
			creds = append(creds, c)
		}
	}
	sort.Slice(creds, func(i, j int) bool { return creds[i].Name < creds[j].Name })
	return creds, true, nil
}

// writeListing replaces a store's whole listing, marked complete: a
// rebuild from every live credential's metadata (none for a new store).
func (r *Repo) writeListing(ctx context.Context, store string, creds map[string]map[string]string) error {
	shards := make([]map[string]map[string]string, ListingShards)
	for i := range shards {
		shards[i] = map[string]map[string]string{}
	}
	for name, meta := range creds {
		shards[listingIndex(name)][name] = meta
	}
	return inParallel(ListingShards, reads, func(i int) error {
		path := listingShard(store, i)
		version, _, _, err := r.readListingShard(ctx, path)
		if err != nil {
			return err
		}
		_, err = r.c.KVPut(ctx, r.mount, path, listingData(shards[i], true), version)
		return err
	})
}

// RebuildListings builds every store's credential listing from its
// credentials' metadata (a manager's job, part of Reindex).
func (r *Repo) RebuildListings(ctx context.Context) error {
	stores, err := r.ListStores(ctx)
	if err != nil {
		return err
	}
	for _, s := range stores {
		if err := r.rebuildListing(ctx, s.Name); err != nil {
			return fmt.Errorf("the credential listing of store %s: %w", s.Name, err)
		}
	}
	return nil
}

// rebuildListing builds a store's listing from its credentials' metadata,
// deleted ones marked.
func (r *Repo) rebuildListing(ctx context.Context, store string) error {
	entries, err := r.listMetaAll(ctx, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	creds := map[string]map[string]string{}
	for _, e := range entries {
		creds[e.key] = listingEntry(e.meta.CustomMetadata, e.meta.Deleted())
	}
	return r.writeListing(ctx, store, creds)
}

// listingEntry is a credential's entry: its metadata, marked if deleted.
func listingEntry(meta map[string]string, deleted bool) map[string]string {
	if !deleted {
		return meta
	}
	out := make(map[string]string, len(meta)+1)
	for k, v := range meta {
		out[k] = v
	}
	out[deletedKey] = "yes"
	return out
}

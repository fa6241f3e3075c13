package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/parallel"
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
//	             (a rebuild: Index().RebuildListings, or Stores().Add for a new store)
//
// A credential's writes (create, update, delete, undelete) replace its
// entry with check-and-set, after its data and metadata. Metadata holds no
// value, so neither does the listing; only managers write it (records
// mount), and a store's group reads it as it reads the credentials'
// metadata.
//
//	verified     when every entry was last checked against its
//	             credential's current version (RFC 3339)
//
// A reader uses the listing only when every shard is complete, was
// verified less than ListingMaxAge ago, and its names are exactly those
// Vault lists in the store's folder. Otherwise (a listing not verified
// lately, a credential added or destroyed by another program or an older
// release, a write that failed half-way, a caller who may not read the
// listing such as the reminder job) it reads every credential's metadata,
// a few at a time, and checks each mirror's stamp against the
// credential's current version (records.Fresh): a credential written
// around sellervault (Vault's CLI or API, an interrupted write) is read
// through from its data, its metadata repaired when the caller may write
// it (a manager), and the store's listing written again, verified now.
// A listing of one named store, and of a store with at most VerifyUpTo
// credentials, is always verified. So a change made with Vault's API
// shows at once in `cred list STORE`, and in listings of many stores
// (`rotation status`, `cred list`, `open`) at once for stores of up to
// VerifyUpTo credentials, and within ListingMaxAge (or at once after a
// manager's verified listing of the store) for bigger ones. Vault cannot
// return many records' versions in one request; this is what keeps a
// listing of 10,000 credentials in big stores to a few hundred requests
// most of the time, and costs a small store at most VerifyUpTo reads.
const (
	ListingDir    = "_meta/listing"
	ListingShards = 8
	listingKey    = "credentials"
	completeKey   = "complete"
	verifiedKey   = "verified"
	deletedKey    = "sellervault_deleted" // in an entry: the credential is soft-deleted
)

// ListingMaxAge is how long a verified listing is used without checking
// its entries against the credentials' versions.
const ListingMaxAge = 10 * time.Minute

// VerifyUpTo is the size of a store (live and deleted credentials) whose
// listing is verified every time: as many metadata reads, a few tens of
// milliseconds.
const VerifyUpTo = 250

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
	err := retryOnConflict(ctx, func() error {
		sh, err := r.readListingShard(ctx, shard)
		if err != nil {
			return err
		}
		sh.entries[name] = meta
		return r.putListingShard(ctx, shard, sh, sh.version)
	})
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrIndexStale, err)
	}
	return nil
}

// putListingShard writes a shard over version (check-and-set).
func (r *Repo) putListingShard(ctx context.Context, path string, sh listingShardRec, version int) error {
	err := r.putDerived(ctx, path, sh.data(), version)
	return err
}

// listingShardRec is one shard as read.
type listingShardRec struct {
	version  int // 0: there is none
	entries  map[string]map[string]string
	complete bool
	verified time.Time // zero: never verified
}

// readListingShard reads a shard (version 0 and no entries when there is
// none).
func (r *Repo) readListingShard(ctx context.Context, path string) (listingShardRec, error) {
	sh := listingShardRec{entries: map[string]map[string]string{}}
	rec, err := r.c.KV().Get(ctx, r.mount, path)
	if errors.Is(err, vault.ErrNotFound) {
		return sh, nil
	}
	if err != nil {
		return sh, err
	}
	sh.version = rec.Version
	raw, _ := rec.Data[listingKey].(string)
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &sh.entries); err != nil {
			sh.entries = map[string]map[string]string{} // unreadable: rebuilt by the next reindex; incomplete now
			return sh, nil
		}
	}
	sh.complete = rec.Data[completeKey] == "yes"
	if v, ok := rec.Data[verifiedKey].(string); ok {
		sh.verified, _ = time.Parse(time.RFC3339, v) // unreadable: never verified
	}
	return sh, nil
}

// data is what the shard is written as.
func (sh listingShardRec) data() map[string]interface{} {
	b, _ := json.Marshal(sh.entries) // maps of strings always marshal
	data := map[string]interface{}{listingKey: string(b)}
	if sh.complete {
		data[completeKey] = "yes"
	}
	if !sh.verified.IsZero() {
		data[verifiedKey] = sh.verified.UTC().Format(time.RFC3339)
	}
	return data
}

// listedCredentials reads a store's live credentials from its listing;
// ok is false when the listing cannot be used (missing, incomplete,
// verified more than maxAge ago, names other than Vault lists, denied).
func (r *Repo) listedCredentials(ctx context.Context, store string, maxAge time.Duration) (creds []records.Credential, ok bool, err error) {
	read := make([]listingShardRec, ListingShards)
	var keys []string
	err = parallel.Do(ListingShards+1, reads, func(i int) error {
		if i == ListingShards {
			var err error
			keys, err = r.c.KV().List(ctx, r.mount, records.CredDir(store))
			if errors.Is(err, vault.ErrNotFound) {
				err = nil
			}
			return err
		}
		var err error
		read[i], err = r.readListingShard(ctx, listingShard(store, i))
		return err
	})
	if errors.Is(err, vault.ErrDenied) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	listed := 0
	shards := make([]map[string]map[string]string, ListingShards)
	for i, sh := range read {
		if !sh.complete || r.now().Sub(sh.verified) > maxAge {
			return nil, false, nil
		}
		shards[i] = sh.entries
		listed += len(sh.entries)
	}
	if listed <= r.verifyUpTo {
		return nil, false, nil
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

// writeListing replaces a store's whole listing, marked complete and
// verified now: a rebuild from every credential's metadata, each checked
// against its version (none for a new store). versions are the shards'
// current versions when the caller has just read them (compareListing),
// or nil: then each is read first.
func (r *Repo) writeListing(ctx context.Context, store string, creds map[string]map[string]string, versions []int) error {
	now := r.now()
	shards := make([]listingShardRec, ListingShards)
	for i := range shards {
		shards[i] = listingShardRec{entries: map[string]map[string]string{}, complete: true, verified: now}
	}
	for name, meta := range creds {
		shards[listingIndex(name)].entries[name] = meta
	}
	return parallel.Do(ListingShards, reads, func(i int) error {
		path := listingShard(store, i)
		if versions == nil {
			old, err := r.readListingShard(ctx, path)
			if err != nil {
				return err
			}
			return r.putListingShard(ctx, path, shards[i], old.version)
		}
		return r.putListingShard(ctx, path, shards[i], versions[i])
	})
}

// RebuildListings builds every store's credential listing from its
// credentials' metadata (a manager's job, part of a rebuild of the
// redaction indexes: package reindex).
func (f Index) RebuildListings(ctx context.Context) error {
	r := f.r
	stores, err := r.Stores().List(ctx)
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

// rebuildListing builds a store's listing from its credentials'
// verified metadata, deleted ones marked.
func (r *Repo) rebuildListing(ctx context.Context, store string) error {
	_, err := r.verifiedCredentials(ctx, store)
	return err
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

// listingState is a store's listing compared with what it should hold.
type listingState struct {
	same     bool      // complete, and holds exactly what it should
	verified time.Time // when its least recently verified shard was
	versions []int     // each shard's version (0: none), for writeListing
}

// compareListing compares a store's listing with want. Where the listing
// holds an entry that may be for a later state of a credential than
// want's (a writer relisted it after the caller read the metadata: a
// later version, a delete or an undelete), the credential's metadata is
// read again and, when it mirrors its data, replaces want's entry, so
// that writing want afterwards does not undo that writer's change. A
// credential added after the caller listed the store is not in want; a
// listing written from want leaves it out, and the next listing, which
// finds a name Vault lists but the listing lacks, checks every
// credential again.
func (r *Repo) compareListing(ctx context.Context, store string, want map[string]map[string]string) (listingState, error) {
	shards := make([]listingShardRec, ListingShards)
	err := parallel.Do(ListingShards, reads, func(i int) error {
		var err error
		shards[i], err = r.readListingShard(ctx, listingShard(store, i))
		return err
	})
	if err != nil {
		return listingState{}, err
	}
	st := listingState{versions: make([]int, ListingShards)}
	got := map[string]map[string]string{}
	complete := true
	for i, sh := range shards {
		st.versions[i] = sh.version
		complete = complete && sh.complete
		if i == 0 || sh.verified.Before(st.verified) {
			st.verified = sh.verified
		}
		maps.Copy(got, sh.entries)
	}
	for k, g := range got {
		if w, ok := want[k]; !ok || !newerEntry(g, w) {
			continue
		}
		// Relisted by a writer since the caller read its metadata (or
		// the listing is wrong): the metadata as it is now decides.
		m, err := r.c.KV().Metadata(ctx, r.mount, records.CredPath(store, k))
		if err == nil && records.Fresh(m.CustomMetadata, m.CurrentVersion) {
			want[k] = listingEntry(m.CustomMetadata, m.Deleted())
		}
	}
	st.same = complete && len(got) == len(want)
	for k, w := range want {
		if !st.same {
			break
		}
		st.same = maps.Equal(got[k], w)
	}
	return st, nil
}

// newerEntry reports whether listing entry a may be for a later state of
// its credential than b: stamped with a later data version, or with the
// same one and deleted or undeleted since (neither changes the version).
func newerEntry(a, b map[string]string) bool {
	va, _ := strconv.Atoi(a[records.MirrorsKey])
	vb, _ := strconv.Atoi(b[records.MirrorsKey])
	if va != vb {
		return va > vb
	}
	return (a[deletedKey] == "yes") != (b[deletedKey] == "yes")
}

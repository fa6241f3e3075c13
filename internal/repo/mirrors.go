package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// A credential's custom metadata mirrors its data (records.MirrorDiff),
// and each store's listing mirrors that metadata: a write cut off between
// the two, a failover or an edit made with Vault's CLI leaves them
// behind. The Mirrors facet finds and repairs that, credential by
// credential (an import's re-run) or for the whole team (package doctor,
// and an offboarding before it chooses what to hand over).

// mirrorCheck is what a check of every store's credentials found: how
// many live credentials it read, the credentials whose metadata did not
// mirror their data ("STORE/NAME: what differed"), the stores whose
// listing did not name what that metadata holds. Unless dryRun, each was
// repaired.
type mirrorCheck struct {
	dryRun      bool
	credentials int
	mirrors     []string
	listings    []string
}

// checkStore checks and repairs one store's credentials and listing.
func (r *Repo) checkStore(ctx context.Context, store string, rep *mirrorCheck) error {
	entries, err := r.listMetaAll(ctx, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	type finding struct {
		differ []string
		fixed  map[string]string
	}
	found := make([]finding, len(entries))
	err = parallel.Do(len(entries), reads, func(i int) error {
		e := entries[i]
		if e.meta.Deleted() {
			return nil
		}
		var err error
		found[i].differ, found[i].fixed, _, err = r.mirrorDiff(ctx, store, e.key, e.meta.CustomMetadata)
		return err
	})
	if err != nil {
		return err
	}
	listing := map[string]map[string]string{}
	for i, e := range entries {
		meta := e.meta.CustomMetadata
		if !e.meta.Deleted() {
			rep.credentials++
		}
		if len(found[i].differ) > 0 {
			rep.mirrors = append(rep.mirrors, store+"/"+e.key+": "+strings.Join(found[i].differ, ", "))
			meta = found[i].fixed
			if !rep.dryRun {
				if err := r.c.KV().SetCustomMetadata(ctx, r.mount, records.CredPath(store, e.key), meta); err != nil {
					return err
				}
			}
		}
		listing[e.key] = listingEntry(meta, e.meta.Deleted())
	}
	st, err := r.compareListing(ctx, store, listing)
	if err != nil || st.same {
		return err
	}
	rep.listings = append(rep.listings, store)
	if rep.dryRun {
		return nil
	}
	return r.writeListing(ctx, store, listing, st.versions)
}

// mirrorDiff compares a live credential's custom metadata with the mirror
// of its data (records.MirrorDiff), stamped with the version read. A
// caller who may not compute contact IDs (a member) keeps those the
// metadata has. writable is false when the data holds what sellervault
// would not write (a field too long: written around it).
func (r *Repo) mirrorDiff(ctx context.Context, store, name string, meta map[string]string) (differ []string, fixed map[string]string, writable bool, err error) {
	c, version, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return nil, nil, false, err
	}
	if err := r.withCredentialRefs(ctx, &c); errors.Is(err, vault.ErrDenied) {
		old := records.CredentialFromMetadata(meta)
		c.RecoveryEmailRef, c.RecoveryPhoneRef = old.RecoveryEmailRef, old.RecoveryPhoneRef
	} else if err != nil {
		return nil, nil, false, err
	}
	enc := c.Encode()
	differ, fixed = records.MirrorDiff(meta, records.Stamp(enc.Metadata, version))
	return differ, fixed, enc.Check() == nil, nil
}

// RepairMirror writes a live credential's metadata, and its listing
// entry, again from its data when they differ (a write cut off between
// the data and the metadata); it returns the keys that differed. A
// deleted credential is left alone.
func (f Mirrors) RepairMirror(ctx context.Context, store, name string) ([]string, error) {
	r := f.r
	path := records.CredPath(store, name)
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err != nil || meta.Deleted() {
		return nil, err
	}
	differ, fixed, _, err := r.mirrorDiff(ctx, store, name, meta.CustomMetadata)
	if err != nil || len(differ) == 0 {
		return nil, err
	}
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, path, fixed); err != nil {
		return nil, err
	}
	return differ, r.relist(ctx, path, fixed)
}

// Check brings every store's credentials' metadata and listings up to
// date with their data (the first two checks of package doctor), unless dryRun:
// checked is how many live credentials it read, mirrors the credentials
// whose metadata did not mirror their data ("STORE/NAME: what differed"),
// listings the stores whose listing was rebuilt (on a dry run, what it
// would repair). On an error, what it found before it.
func (f Mirrors) Check(ctx context.Context, dryRun bool) (checked int, mirrors, listings []string, err error) {
	c := &mirrorCheck{dryRun: dryRun}
	err = f.r.checkStores(ctx, c)
	return c.credentials, c.mirrors, c.listings, err
}

// DryRun makes the store's listings (and the redaction index check)
// repair and rewrite nothing they find stale until end is called: a
// dry run's command is the store's only user while it runs.
func (f Mirrors) DryRun() (end func()) { return f.r.dryRun() }

// checkStores runs checkStore on every store.
func (r *Repo) checkStores(ctx context.Context, rep *mirrorCheck) error {
	stores, err := r.allStores(ctx)
	if err != nil {
		return err
	}
	for _, s := range stores {
		if err := r.checkStore(ctx, s.Name, rep); err != nil {
			return fmt.Errorf("store %s: %w", s.Name, err)
		}
	}
	return nil
}

// RepairMirrors is RepairMirror for many credentials (STORE/NAME), a few
// at a time: repaired[i] is what differed for addrs[i]. A credential that
// is not there is skipped; any other failure is returned once every
// credential was tried.
func (f Mirrors) RepairMirrors(ctx context.Context, addrs []string) (repaired [][]string, err error) {
	r := f.r
	repaired = make([][]string, len(addrs))
	err = parallel.Do(len(addrs), reads, func(i int) error {
		store, name, _ := strings.Cut(addrs[i], "/")
		differ, err := r.Mirrors().RepairMirror(ctx, store, name)
		repaired[i] = differ
		if errors.Is(err, vault.ErrNotFound) {
			return nil
		}
		return err
	})
	return repaired, err
}

package setup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Schema 1 kept what finance and the reminder job write inside the
// records mount, where a dot-segment from their grants reached every
// record. Schema 2 keeps each in a mount of its own. The migration copies
// each old record to its new place, then soft-deletes the old one (a
// manager can undelete it):
//
//	PREFIX/proposals/payout/STORE/ID           -> PREFIX-proposals/payout/STORE/ID
//	PREFIX/proposals/payout-decisions/STORE/ID -> PREFIX/decisions/payout/STORE/ID
//	PREFIX/verifications/payout/STORE          -> PREFIX-verifications/payout/STORE
//	PREFIX/_meta/reminders/CHANNEL/PERSON      -> PREFIX-reminders/CHANNEL/PERSON (metadata)
//
// Every live version is copied in order (Vault numbers them anew and
// dates them now); the new record's custom metadata names where it came
// from, how many versions it got and when the last of them was written
// (MigratedFrom, MigratedVersion, MigratedTime), so a reader can use the
// original time of that version and knows the mirror is stale once a newer
// version exists. Each record moves in four writes, each checked first, so
// a run stopped at any write finishes on the next one without copying
// anything twice.

// Custom metadata keys of a migrated record.
const (
	MigratedFrom    = "migrated_from"
	MigratedVersion = records.OriginalVersionKey
	MigratedTime    = records.OriginalTimeKey
	MigratedDeleted = "migrated_deleted"
)

// move is one kind of record to migrate.
type move struct {
	what         string
	src, dst     string // mounts
	dir          string // folder in src
	depth        int    // path segments below dir
	to           func(rel string) string
	metadataOnly bool

	// For records whose old path holds a value (schema 3, contacts.go):
	// done tells a record already at its new place (no need to move);
	// toCtx finds the new path (in dst) with a Vault request; origin is
	// what MigratedFrom says instead of the old path; listing is the
	// custom metadata of the record, from its last version's data; and
	// destroy removes the old record with its history and metadata (its
	// path leaves the listings), instead of soft-deleting it.
	done    func(rel string) bool
	toCtx   func(ctx context.Context, rel string) (string, error)
	origin  string
	listing func(ctx context.Context, data map[string]interface{}) (map[string]string, error)
	destroy bool
	// shown names an old record in errors (its path may spell a value).
	shown func(rel string) string
}

func (r *runner) moves() []move {
	l := r.l
	same := func(prefix string) func(string) string { return func(rel string) string { return prefix + rel } }
	return []move{
		{what: "payout change requests", src: l.KV(), dst: l.Proposals(), dir: "proposals/payout", depth: 2, to: same("payout/")},
		{what: "payout decisions", src: l.KV(), dst: l.KV(), dir: "proposals/payout-decisions", depth: 2, to: same("decisions/payout/")},
		{what: "payout verifications", src: l.KV(), dst: l.Verifications(), dir: "verifications/payout", depth: 1, to: same("payout/")},
		{what: "reminder notes", src: l.KV(), dst: l.Reminders(), dir: "_meta/reminders", depth: 2, to: same(""), metadataOnly: true},
	}
}

func (r *runner) migrations() []step {
	var steps []step
	for _, m := range append(r.moves(), r.contactMoves()...) {
		steps = append(steps, r.migration(m))
	}
	return append(steps, r.credentialListings(), r.staffListings(), r.redactionIndexes())
}

func (r *runner) migration(m move) step {
	var pending []string
	return step{
		item: fmt.Sprintf("move %s from %s/%s/ to %s/", m.what, m.src, m.dir, m.dst),
		check: func(ctx context.Context) (Action, error) {
			pending = nil
			if _, mounted := r.mounts[m.src+"/"]; !mounted {
				return Unchanged, nil
			}
			rels, err := leaves(ctx, r.c, m.src, m.dir, m.depth)
			if err != nil {
				return "", err
			}
			for _, rel := range rels {
				if m.done != nil && m.done(rel) {
					continue
				}
				done, err := r.moved(ctx, m, rel)
				if err != nil {
					return "", err
				}
				if !done {
					pending = append(pending, rel)
				}
			}
			if len(pending) == 0 {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			for _, rel := range pending {
				if err := r.moveOne(ctx, m, rel); err != nil {
					if m.shown != nil {
						return maskedError{fmt.Sprintf("%s/%s/%s", m.src, m.dir, m.shown(rel)), rel, m.shown(rel), err}
					}
					return fmt.Errorf("%s/%s/%s: %w", m.src, m.dir, rel, err)
				}
			}
			return nil
		},
	}
}

// moved reports whether a record needs no more work: a data record whose
// old copy is deleted, a note that exists at its new place.
func (r *runner) moved(ctx context.Context, m move, rel string) (bool, error) {
	if m.metadataOnly {
		if _, mounted := r.mounts[m.dst+"/"]; !mounted {
			return false, nil
		}
		return r.c.KV().Exists(ctx, m.dst, m.to(rel))
	}
	if m.destroy {
		return false, nil // listed: still there
	}
	meta, err := r.c.KV().Metadata(ctx, m.src, m.dir+"/"+rel)
	if err != nil {
		return false, err
	}
	return meta.Deleted(), nil
}

// moveOne moves one record, resuming where an earlier run stopped.
func (r *runner) moveOne(ctx context.Context, m move, rel string) error {
	from, origin := m.dir+"/"+rel, m.src+"/"+m.dir+"/"+rel
	if m.origin != "" {
		origin = m.origin
	}
	var to string
	if m.toCtx != nil {
		var err error
		if to, err = m.toCtx(ctx, rel); err != nil {
			return err
		}
	} else {
		to = m.to(rel)
	}
	srcMeta, err := r.c.KV().Metadata(ctx, m.src, from)
	if err != nil {
		return err
	}
	if m.metadataOnly {
		return r.c.KV().SetCustomMetadata(ctx, m.dst, to, srcMeta.CustomMetadata)
	}
	leave := func() error {
		if m.destroy {
			return r.c.KV().DestroyAll(ctx, m.src, from)
		}
		return r.c.KV().Delete(ctx, m.src, from)
	}
	if srcMeta.Deleted() && !m.destroy {
		return nil
	}
	dstMeta, err := r.c.KV().Metadata(ctx, m.dst, to)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		dstMeta = &vault.KVMeta{CustomMetadata: map[string]string{}}
	case err != nil:
		return err
	}
	if dstMeta.CustomMetadata[MigratedFrom] == "" && dstMeta.CurrentVersion > 0 {
		if m.destroy {
			// Never destroy history that was not copied: someone wrote
			// the new place around the migration (sellervault refuses to
			// while it is unfinished).
			return fmt.Errorf("the new place %s/%s already holds a record that was not migrated: "+
				"compare the two and delete one by hand, then run init again (nothing was destroyed)", m.dst, to)
		}
		// Written at the new place since the policies changed: newer
		// than the old record, which only leaves.
		return leave()
	}
	if dstMeta.CustomMetadata[MigratedFrom] == "" {
		// Claim the new place first, so a resumed run tells our copies
		// from records written there meanwhile. A record that is
		// destroyed at its old place takes its deleted versions along:
		// which ones (by position) is noted in the claim, since they are
		// undeleted to be read.
		claim := map[string]string{MigratedFrom: origin}
		if d := deletedPositions(srcMeta.Versions); m.destroy && d != "" {
			claim[MigratedDeleted] = d
		}
		if err := r.c.KV().SetCustomMetadata(ctx, m.dst, to, claim); err != nil {
			return err
		}
		dstMeta.CustomMetadata = claim
	}
	if m.destroy {
		var deleted []int
		for _, v := range srcMeta.Versions {
			if v.DeletionTime != "" && !v.Destroyed {
				deleted = append(deleted, v.Version)
			}
		}
		if len(deleted) > 0 {
			if err := r.c.KV().Undelete(ctx, m.src, from, deleted...); err != nil {
				return err
			}
		}
	}
	var last vault.KVVersion
	var lastData map[string]interface{}
	copied := 0
	for _, v := range srcMeta.Versions {
		if (v.DeletionTime != "" && !m.destroy) || v.Destroyed {
			continue
		}
		rec, err := r.c.KV().GetVersion(ctx, m.src, from, v.Version)
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if copied >= dstMeta.CurrentVersion {
			if _, err := r.c.KV().Put(ctx, m.dst, to, rec.Data, copied); err != nil {
				return err
			}
		}
		copied++
		last, lastData = v, rec.Data
	}
	custom := map[string]string{MigratedFrom: origin, MigratedVersion: strconv.Itoa(copied), MigratedTime: last.CreatedTime}
	if d := dstMeta.CustomMetadata[MigratedDeleted]; m.destroy && d != "" {
		custom[MigratedDeleted] = d
		var versions []int
		for _, p := range strings.Split(custom[MigratedDeleted], ",") {
			if n, err := strconv.Atoi(p); err == nil && n < copied {
				versions = append(versions, n+1)
			}
		}
		if len(versions) > 0 {
			if err := r.c.KV().DeleteVersions(ctx, m.dst, to, versions...); err != nil {
				return err
			}
		}
	}
	if m.listing != nil && lastData != nil {
		listing, err := m.listing(ctx, lastData)
		if err != nil {
			return err
		}
		maps.Copy(custom, listing)
	}
	if copied > 0 && !maps.Equal(dstMeta.CustomMetadata, custom) {
		if err := r.c.KV().SetCustomMetadata(ctx, m.dst, to, custom); err != nil {
			return err
		}
	}
	return leave()
}

// maskedError is an error of a step on a record whose path spells a
// value: the value is replaced by its mask in the message, and the error
// still matches what it wraps.
type maskedError struct {
	where, value, mask string
	err                error
}

func (e maskedError) Error() string {
	return e.where + ": " + strings.ReplaceAll(e.err.Error(), e.value, e.mask)
}

func (e maskedError) Unwrap() error { return e.err }

// deletedPositions lists, comma-separated, the positions (from 0) among
// the versions that are not destroyed of those that are deleted.
func deletedPositions(versions []vault.KVVersion) string {
	var out []string
	k := 0
	for _, v := range versions {
		if v.Destroyed {
			continue
		}
		if v.DeletionTime != "" {
			out = append(out, strconv.Itoa(k))
		}
		k++
	}
	return strings.Join(out, ",")
}

// leaves lists the records depth segments below dir (paths relative to
// dir); a missing folder has none.
func leaves(ctx context.Context, c *vault.Client, mount, dir string, depth int) ([]string, error) {
	keys, err := c.KV().List(ctx, mount, dir)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		folder := strings.HasSuffix(k, "/")
		switch {
		case depth == 1 && !folder:
			out = append(out, k)
		case depth > 1 && folder:
			sub, err := leaves(ctx, c, mount, dir+"/"+strings.TrimSuffix(k, "/"), depth-1)
			if err != nil {
				return nil, err
			}
			for _, s := range sub {
				out = append(out, k+s)
			}
		}
	}
	return out, nil
}

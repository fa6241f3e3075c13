// Package repo keeps sellervault's records (package records) in Vault's
// KV v2 mount, through package vault.
//
// Every write is a check-and-set: adding a record requires that none
// exists (cas=0), and an edit names the version it read, so two people
// editing at once never silently overwrite each other: the second gets
// vault.ErrConflict and reads again. After the data, the record's custom
// metadata is written so that listings (and the reminder job) need
// metadata only; the data stays the source of truth.
//
// Reads of a single record are one request; listings are one list request
// plus one metadata read per record, a few at a time.
//
// A Repo is used through its facets, one per concern (facets.go), as
// Vault's own client is used through Sys() and Logical():
//
//	r.Creds()      credentials (creds.go, listing.go)
//	r.Contacts()   company mailboxes and phones, their keyed IDs (contacts.go, contacts_rekey.go)
//	r.Stores()     stores and their access groups, the role groups' members (stores.go, stores_groups.go)
//	r.Members()    people: onboarding, access, member views (scope.go),
//	               offboardings' progress records (offboarding.go; the
//	               offboarding is package offboard)
//	r.TOTP()       2-step keys in the TOTP engine, seed escrow (totp.go, escrow.go)
//	r.Rotation()   pending values, due marks, reminder notes (rotate.go, rotation.go, reminders.go)
//	r.Payouts()    payout records, the cooling-off, verifications (payout_store.go, sign.go)
//	r.Proposals()  payout change requests and their decisions (payout_proposals.go;
//	               the two-person change control is package payoutchange)
//	r.Incidents()  incident records (incident.go; the lockdown is package incident)
//	r.Backups()    the records of the team's mounts as they are, for a backup and a restore
//	               (backup.go, backup_sign.go; the workflow is package backuprun)
//	r.Imports()    imports' progress records (import_progress.go; the run is package importrun)
//	r.Index()      redaction indexes and listings (redactindex.go, redactshards.go;
//	               their rebuild from every record is package reindex)
//	r.Identities() the caller; people's entities, groups, logins and tokens (identities.go)
//	r.Mirrors()    credentials' metadata and listings checked against their
//	               data, and repaired (mirrors.go; the team's checks are package doctor)
//
// The store keeps records and what is done to one record at a time:
// reads and writes, paths and encodings, listings, index writes, mirror
// repairs. The workflows built on them live in packages of their own and
// depend on small interfaces that these facets satisfy, never on this
// package: importrun (an import's run), remind (the reminder job),
// offboard (an offboarding), incident (a store's lockdown), doctor (the
// checks and repairs after a failure), payoutchange (the two-person
// change control of payout details), backuprun (a backup and a restore)
// and reindex (the rebuild of the redaction indexes).
package repo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Errors callers tell apart. Each also matches the vault kind that sets
// the exit code: ErrExists is a conflict, ErrNoStore a not-found.
var (
	ErrExists  = kindError{"already exists", vault.ErrConflict}
	ErrNoStore = kindError{"no such store: add it first with `sellervault store add`", vault.ErrNotFound}
)

// errNoRecord is a record that is not there (or deleted).
var errNoRecord = kindError{"no such record", vault.ErrNotFound}

// kindError is an error with its own words that also matches a vault kind.
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string        { return e.msg }
func (e kindError) Is(target error) bool { return target == e.kind }

// Repo reads and writes records for one team (one mount prefix).
type Repo struct {
	c      *vault.Client
	layout vault.Layout
	mount  string

	whoOnce sync.Once
	self    *vault.TokenInfo // the caller, looked up once
	who     string           // self's display name
	whoErr  error

	layoutOnce sync.Once // contactsReady, checked once
	layoutErr  error

	// listingMaxAge is how old a verified credential listing may be
	// for a listing of many stores to use it (ListingMaxAge; 0: verify
	// every listing, as an export does).
	listingMaxAge time.Duration
	verifyUpTo    int // VerifyUpTo
	now           func() time.Time
	// readOnly: a dry run's listings repair nothing they find stale.
	readOnly bool
}

// New returns a repository on the client's Vault.
func New(c *vault.Client, l vault.Layout) *Repo {
	return &Repo{c: c, layout: l, mount: l.KV(), listingMaxAge: ListingMaxAge, verifyUpTo: VerifyUpTo, now: time.Now}
}

// VerifyEveryListing makes every later listing of this repository check
// each credential's mirror against its current version (ListingDir),
// however recently its store's listing was verified: for jobs that act
// on what they list (an export, an incident).
func (r *Repo) VerifyEveryListing() { r.listingMaxAge = 0 }

// dryRun makes the repository's listings read-only until the function
// it returns is called (a dry run's command is the repository's only
// user while it runs).
func (r *Repo) dryRun() func() {
	was := r.readOnly
	r.readOnly = true
	return func() { r.readOnly = was }
}

// writer names who is writing, recorded in every version written: the
// token's display name (e.g. "userpass-olga", or "root"). It is what the
// writer's token says; Vault's audit log is the authoritative record.
func (r *Repo) writer(ctx context.Context) (string, error) {
	_, who, err := r.identity(ctx)
	return who, err
}

// identity is the caller's entity ID and display name, from one
// lookup-self per repository.
func (r *Repo) identity(ctx context.Context) (id, name string, err error) {
	r.whoOnce.Do(func() {
		r.self, r.whoErr = r.c.Tokens().LookupSelf(ctx)
		if r.whoErr == nil {
			r.who = r.self.DisplayName
		}
	})
	if r.whoErr != nil {
		return "", "", r.whoErr
	}
	return r.self.EntityID, r.who, nil
}

// create writes a record that must not exist yet.
func (r *Repo) create(ctx context.Context, what, path string, enc records.Encoded) error {
	if err := enc.Check(); err != nil {
		return err
	}
	version, err := r.c.KV().Put(ctx, r.mount, path, enc.Data, 0)
	if err != nil {
		if errors.Is(err, vault.ErrConflict) {
			return r.existsError(ctx, what, path)
		}
		return err
	}
	meta := records.Stamp(enc.Metadata, version)
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, path, meta); err != nil {
		return err
	}
	if err := r.relist(ctx, path, meta); err != nil {
		return fmt.Errorf("saved, but %w", err)
	}
	if len(enc.Sensitive) == 0 {
		return nil
	}
	if err := r.indexRecord(ctx, path, enc.Sensitive); err != nil {
		return fmt.Errorf("saved, but %w", err)
	}
	return nil
}

func (r *Repo) existsError(ctx context.Context, what, path string) error {
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err == nil && meta.Deleted() {
		return fmt.Errorf("%s %w, deleted: undelete it or choose another name", what, ErrExists)
	}
	return fmt.Errorf("%s %w", what, ErrExists)
}

// update writes a new version over the version the caller read.
func (r *Repo) update(ctx context.Context, path string, enc records.Encoded, version int) error {
	if err := r.updateValuesKept(ctx, path, enc, version); err != nil {
		return err
	}
	if err := r.indexRecord(ctx, path, enc.Sensitive); err != nil { // old values leave it too
		return fmt.Errorf("saved, but %w", err)
	}
	return nil
}

// updateValuesKept writes a new version that changes no sensitive value
// (an owner, assignees, a due date), so the redaction index, which holds
// the values' HMACs, stays as it is.
func (r *Repo) updateValuesKept(ctx context.Context, path string, enc records.Encoded, version int) error {
	if err := enc.Check(); err != nil {
		return err
	}
	written, err := r.c.KV().Put(ctx, r.mount, path, enc.Data, version)
	if err != nil {
		return err
	}
	meta := records.Stamp(enc.Metadata, written)
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, path, meta); err != nil {
		return err
	}
	if err := r.relist(ctx, path, meta); err != nil {
		return fmt.Errorf("saved, but %w", err)
	}
	return nil
}

// entry is a listed record's key and metadata.
type entry struct {
	key  string
	meta *vault.KVMeta
}

// listMeta lists the records (not folders) under dir and reads their
// metadata, a few at a time; deleted records are left out.
func (r *Repo) listMeta(ctx context.Context, dir string) ([]entry, error) {
	entries, err := r.listMetaAll(ctx, dir)
	if err != nil {
		return nil, err
	}
	live := entries[:0]
	for _, e := range entries {
		if !e.meta.Deleted() {
			live = append(live, e)
		}
	}
	return live, nil
}

// listMetaAll is listMeta with the deleted records, sorted by key.
func (r *Repo) listMetaAll(ctx context.Context, dir string) ([]entry, error) {
	keys, err := r.c.KV().List(ctx, r.mount, dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			names = append(names, k)
		}
	}
	entries := make([]entry, len(names))
	if err := parallel.Do(len(names), reads, func(i int) error {
		meta, err := r.c.KV().Metadata(ctx, r.mount, dir+"/"+names[i])
		entries[i] = entry{key: names[i], meta: meta}
		return err
	}); err != nil {
		return nil, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
	return entries, nil
}

// Version is one entry of a record's history.
type Version struct {
	Version   int    `json:"version"`
	Created   string `json:"created"`
	Deleted   string `json:"deleted,omitempty"`
	Destroyed bool   `json:"destroyed"`
	UpdatedBy string `json:"updated_by"`
	Current   bool   `json:"current"`
}

// history lists a record's versions with who wrote each, reading each
// live version (values are not returned).
func (r *Repo) history(ctx context.Context, path string) ([]Version, error) {
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(meta.Versions))
	for _, v := range meta.Versions {
		h := Version{Version: v.Version, Created: v.CreatedTime, Deleted: v.DeletionTime,
			Destroyed: v.Destroyed, Current: v.Version == meta.CurrentVersion}
		if v.DeletionTime == "" && !v.Destroyed {
			rec, err := r.c.KV().GetVersion(ctx, r.mount, path, v.Version)
			if err != nil && !errors.Is(err, vault.ErrNotFound) {
				return nil, err
			}
			if rec != nil {
				h.UpdatedBy = records.UpdatedByFromData(rec.Data)
			}
		}
		out = append(out, h)
	}
	return out, nil
}

// undelete restores the newest deleted version of a record.
func (r *Repo) undelete(ctx context.Context, what, path string) error {
	meta, err := r.c.KV().Metadata(ctx, r.mount, path)
	if err != nil {
		return err
	}
	if !meta.Deleted() {
		return fmt.Errorf("%s is not deleted", what)
	}
	if err := r.c.KV().Undelete(ctx, r.mount, path, meta.CurrentVersion); err != nil {
		return err
	}
	if err := r.relist(ctx, path, meta.CustomMetadata); err != nil {
		return fmt.Errorf("undeleted, but %w", err)
	}
	return nil
}

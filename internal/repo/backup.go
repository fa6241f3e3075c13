package repo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Backup and restore: Dump reads every live record of the team's KV
// mounts (records, proposals, verifications) into a backup.Document;
// Restore writes one into an initialised team whose mounts are empty.
// Package backup documents what is in a backup and what is not, and how
// its paths map to the mounts.
//
// Decisions a restore makes, because Vault cannot export TOTP seeds or
// logins:
//
//   - A credential whose TOTP key is not in the TOTP engine of the vault
//     restored into has its link cleared (data and metadata "totp" and
//     "totp_period"), and custom metadata "totp_reenrol" = "required" in
//     its place, so that nothing points to a key that is not there:
//     `totp code` then says the credential has no key and how to add one,
//     and `totp add` enrols a new seed (and its write drops the marker).
//     A key that is there already (a restore into the Vault the backup
//     came from, after the records were lost) keeps its link.
//   - A staff record whose status is active is restored with status
//     "not-onboarded": the person has no login in this Vault, and
//     `staff onboard` (which refuses an active member) gives them one and
//     makes the record active again. Offboarded records are restored as
//     they were.
//   - A payout change request or verification keeps when it was made: a
//     restored version is dated by the restore, so the time from the
//     backup goes into custom metadata setup.MigratedVersion ("1", the
//     restored version) and setup.MigratedTime, which is how the payout
//     code reads the time of a record `sellervault init` moved (the same
//     mirror: stale, and ignored, once finance writes a newer
//     verification). So a flag for verification raised after the last
//     verification still stands, and a request's cooling-off counts from
//     when it was proposed. (A version 1 backup has no such times: its
//     requests are dated by the restore, and their cooling-off starts
//     again.)
//   - A payout change request is written as it was, signature included.
//     The signature checks only with its requester's Transit key, which
//     is in the Vault the backup came from and not in another: a pending
//     request whose signature does not check here, or that changes
//     another payout version than the restored one (each record is
//     restored as version 1), cannot be approved, and the report lists it
//     in ProposeAgain: reject it and propose it again.
//
// Everything else is written as it was in the backup, updated_by
// included: the version's writer in Vault's audit log is whoever ran the
// restore.

// StatusNotOnboarded is the status a restore gives an active staff
// record: the person must be onboarded again.
const StatusNotOnboarded = "not-onboarded"

// TOTPReenrolKey is the custom metadata a restore sets on a credential
// whose TOTP link it cleared.
const TOTPReenrolKey = "totp_reenrol"

// Restore refusals: a conflict (something is there) and a not-found (no
// init), for the exit code.
var (
	ErrNotEmpty       = kindError{"the team mount is not empty: restore writes only into mounts that hold nothing but what `sellervault init` writes", vault.ErrConflict}
	ErrNotInitialised = kindError{"the team mount is not initialised (check --mount or SELLERVAULT_MOUNT; a new Vault needs `sellervault init` first)", vault.ErrNotFound}
	ErrOldLayout      = kindError{"the team's Vault has the layout of an earlier sellervault: run `sellervault init` with this release first (it moves records to their new places)", vault.ErrNotFound}
)

// DumpOptions shape a backup.
type DumpOptions struct {
	Now     func() time.Time
	Version string // sellervault's version, kept in the document
}

// DumpReport is what a backup left out and why. Paths are document paths
// (see package backup), except in Unknown: paths of the records mount as
// they are, of the other mounts after the mount's name.
type DumpReport struct {
	Deleted []string `json:"deleted"` // current version deleted: not backed up
	// Unknown are outside the record folders (and live records at the
	// schema 1 places of the records mount, which nothing reads any more):
	// not backed up.
	Unknown      []string `json:"unknown"`
	MetadataOnly []string `json:"metadata_only"` // no version, only metadata: not backed up
	Notes        int      `json:"reminder_notes"`
	IndexEntries int      `json:"redaction_index_entries"`
	// Moved counts the copies `sellervault init` left, deleted, at the
	// schema 1 places of the records mount when it moved them.
	Moved int `json:"moved_leftovers"`
	// Unlisted are people of the role groups left out of the staff list
	// (an entity name sellervault would not accept); their records, if
	// any, are in the backup.
	Unlisted []string `json:"unlisted_people"`
}

// Dump reads every live record of the team's KV mounts (records,
// proposals, verifications), the TOTP keys the credentials link to (their
// parameters, never a seed: Vault has no way to return one), and the
// team's people, into a validated document.
func (f Backups) Dump(ctx context.Context, opts DumpOptions) (*backup.Document, *DumpReport, error) {
	r := f.r
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := r.requireInit(ctx); err != nil {
		return nil, nil, err
	}
	rep := &DumpReport{}
	type item struct {
		mount backup.Mount
		path  string // in the mount
		doc   string // in the document
		moved bool   // a schema 1 place: a leftover of the move, or a record nothing reads
	}
	var items []item
	for _, m := range backup.Mounts {
		paths, err := r.c.KV().ListAll(ctx, r.mountOf(m))
		if err != nil {
			return nil, nil, err
		}
		for _, p := range paths {
			if m != backup.RecordsMount {
				doc, ok := backup.DocPath(m, p)
				if !ok {
					rep.Unknown = append(rep.Unknown, r.mountOf(m)+"/"+p)
					continue
				}
				items = append(items, item{mount: m, path: p, doc: doc})
				continue
			}
			switch backup.Classify(p) {
			case backup.Include:
				items = append(items, item{mount: m, path: p, doc: p})
			case backup.SkipNotes, backup.SkipMoved:
				items = append(items, item{mount: m, path: p, doc: p, moved: true})
			case backup.SkipIndex:
				rep.IndexEntries++
			case backup.Unknown:
				rep.Unknown = append(rep.Unknown, p)
			}
		}
	}
	notes, err := r.c.KV().ListAll(ctx, r.layout.Reminders())
	if err != nil && !errors.Is(err, vault.ErrDenied) {
		return nil, nil, err
	}
	rep.Notes = len(notes)
	type result struct {
		rec     *backup.Record
		deleted bool
		noData  bool
		err     error
	}
	results := make([]result, len(items))
	_ = inParallel(len(items), reads, func(i int) error {
		it := items[i]
		rec, deleted, noData, err := r.readForBackup(ctx, r.mountOf(it.mount), it.path, it.doc)
		results[i] = result{rec, deleted, noData, err}
		return nil // each result keeps its error, reported in order below
	})
	doc := &backup.Document{Format: backup.Format, Version: backup.Version, CreatedAt: opts.Now(),
		Team: r.layout.Prefix, SellervaultVersion: opts.Version}
	for i, res := range results {
		switch {
		case res.err != nil:
			return nil, nil, res.err
		case items[i].moved && res.rec != nil:
			rep.Unknown = append(rep.Unknown, items[i].path)
		case items[i].moved:
			rep.Moved++
		case res.deleted:
			rep.Deleted = append(rep.Deleted, items[i].doc)
		case res.noData:
			rep.MetadataOnly = append(rep.MetadataOnly, items[i].doc)
		default:
			doc.Records = append(doc.Records, *res.rec)
		}
	}
	doc.DeletedSkipped = len(rep.Deleted)
	if doc.TOTPReenrol, err = r.totpForBackup(ctx, doc.Records); err != nil {
		return nil, nil, err
	}
	if doc.Staff, rep.Unlisted, err = r.peopleForBackup(ctx, doc.Records); err != nil {
		return nil, nil, err
	}
	doc.Normalize()
	if err := doc.Validate(); err != nil {
		return nil, nil, fmt.Errorf("the backup would not be restorable: %w", err)
	}
	return doc, rep, nil
}

// mountOf names one of the mounts a backup holds.
func (r *Repo) mountOf(m backup.Mount) string {
	switch m {
	case backup.ProposalsMount:
		return r.layout.Proposals()
	case backup.VerificationsMount:
		return r.layout.Verifications()
	}
	return r.mount
}

// readForBackup reads a record's metadata and its current version, as
// the record of document path doc. A payout change request or
// verification gets its time: Vault's time of the current version, or
// the original time `sellervault init` kept when it moved the record
// (while that mirror names the current version, as loadRequest and
// lastVerified read it); the mirror's keys are left out, and a restore
// writes them again from the time.
func (r *Repo) readForBackup(ctx context.Context, mount, path, doc string) (rec *backup.Record, deleted, noData bool, err error) {
	meta, err := r.c.KV().Metadata(ctx, mount, path)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return nil, true, false, nil // gone since it was listed
	case err != nil:
		return nil, false, false, err
	case meta.CurrentVersion == 0:
		return nil, false, true, nil
	case meta.Deleted():
		return nil, true, false, nil
	}
	kv, err := r.c.KV().GetVersion(ctx, mount, path, meta.CurrentVersion)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, true, false, nil // deleted since its metadata was read
	}
	if err != nil {
		return nil, false, false, err
	}
	data, err := canonical(kv.Data)
	if err != nil {
		return nil, false, false, fmt.Errorf("record %s: %w", doc, err)
	}
	rec = &backup.Record{Path: doc, Data: data, CustomMetadata: meta.CustomMetadata}
	if backup.TimedKind(backup.Kind(doc)) {
		custom := copyMeta(meta.CustomMetadata)
		for _, v := range meta.Versions {
			if v.Version == meta.CurrentVersion {
				rec.VersionTime = v.CreatedTime
			}
		}
		if custom[setup.MigratedVersion] == strconv.Itoa(meta.CurrentVersion) && custom[setup.MigratedTime] != "" {
			rec.VersionTime = custom[setup.MigratedTime]
		}
		delete(custom, setup.MigratedVersion)
		delete(custom, setup.MigratedTime)
		rec.CustomMetadata = custom
		if _, err := time.Parse(time.RFC3339Nano, rec.VersionTime); err != nil {
			return nil, false, false, fmt.Errorf("%s %s: Vault gave no time for its current version", backup.Kind(doc), doc)
		}
	}
	return rec, false, false, nil
}

// canonical gives data the types JSON decoding with UseNumber gives, as
// a restore reads them.
func canonical(data map[string]interface{}) (map[string]interface{}, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return nil, errors.New("its data cannot be written as JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	out := map[string]interface{}{}
	if err := dec.Decode(&out); err != nil {
		return nil, errors.New("its data cannot be read back from JSON")
	}
	return out, nil
}

// totpForBackup lists the credentials that link to a TOTP key, with the
// key's issuer and account when the key is there.
func (r *Repo) totpForBackup(ctx context.Context, recs []backup.Record) ([]backup.TOTPKey, error) {
	var out []backup.TOTPKey
	for _, rec := range recs {
		ref := rec.TOTPRef()
		if ref == "" {
			continue
		}
		k := backup.TOTPKey{Credential: backup.CredentialAddress(rec.Path)}
		info, err := r.c.TOTP().KeyInfo(ctx, r.layout.TOTP(), ref)
		switch {
		case err == nil:
			k.Issuer, k.Account = clip(info.Issuer), clip(info.Account)
		case !errors.Is(err, vault.ErrNotFound):
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func clip(s string) string {
	if len(s) > backup.MaxMetadataValue {
		return s[:backup.MaxMetadataValue]
	}
	return s
}

// peopleForBackup lists the team's people: each staff record, and each
// member of the team's role groups who has none (people made by `init`'s
// tooling or the demo), with the stores whose groups they are in.
func (r *Repo) peopleForBackup(ctx context.Context, recs []backup.Record) ([]backup.Person, []string, error) {
	people := map[string]*backup.Person{}
	var stores []string
	for _, rec := range recs {
		switch backup.Kind(rec.Path) {
		case "store":
			stores = append(stores, strings.TrimPrefix(rec.Path, records.StoreDir()+"/"))
		case "staff":
			get := func(k string) string { s, _ := rec.Data[k].(string); return s }
			people[backup.StaffName(rec.Path)] = &backup.Person{Name: backup.StaffName(rec.Path), Role: get("role"),
				Stores: records.SplitList(get("stores")), Status: get("status"), StaffRecord: true}
		}
	}
	byEntity := map[string]*backup.Person{}
	for _, role := range access.PersonRoles {
		g, err := r.c.Identity().GroupByName(ctx, r.layout.RoleGroup(role))
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, id := range g.MemberEntityIDs {
			name, err := r.c.Identity().EntityName(ctx, id)
			if errors.Is(err, vault.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			if _, ok := people[name]; ok {
				continue // the staff record says more; a person is listed once
			}
			p := &backup.Person{Name: name, Role: opsRole(role), Status: "active"}
			people[name], byEntity[id] = p, p
		}
	}
	if len(byEntity) > 0 {
		for _, s := range stores {
			g, err := r.c.Identity().GroupByName(ctx, r.layout.StoreGroup(s))
			if errors.Is(err, vault.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			for _, id := range g.MemberEntityIDs {
				if p, ok := byEntity[id]; ok {
					p.Stores = append(p.Stores, s)
				}
			}
		}
	}
	var out []backup.Person
	var unlisted []string
	for _, p := range people {
		probe := backup.Document{Staff: []backup.Person{*p}}
		if p.StaffRecord {
			probe.Records = []backup.Record{{Path: backup.StaffDir + p.Name}}
		}
		if err := probeStaff(probe); err != nil {
			unlisted = append(unlisted, p.Name)
			continue
		}
		sort.Strings(p.Stores)
		out = append(out, *p)
	}
	sort.Strings(unlisted)
	return out, unlisted, nil
}

// probeStaff checks one person by the document's rules.
func probeStaff(d backup.Document) error {
	d.Format, d.Version, d.CreatedAt, d.Team = backup.Format, backup.Version, time.Unix(1, 0), "probe"
	for i := range d.Records {
		d.Records[i].Data = map[string]interface{}{}
	}
	return d.Validate()
}

// opsRole maps a role group's role to the staff role `staff onboard`
// takes.
func opsRole(groupRole string) string {
	if groupRole == "staff" {
		return "ops"
	}
	return groupRole
}

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

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/escrow"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/totp"
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
func (r *Repo) Dump(ctx context.Context, opts DumpOptions) (*backup.Document, *DumpReport, error) {
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
	for _, role := range setup.PersonRoles {
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

// RestoreOptions shape a restore.
type RestoreOptions struct {
	DryRun bool // check the document and the mount, plan, write nothing
	// Recovery are the off-line identities that open the backup's escrow
	// copies of TOTP seeds (package escrow): a credential whose key is not
	// in this Vault gets its seed imported again instead of re-enrolment.
	Recovery []age.Identity
}

// RestoreReport is what a restore did, or would do. Record paths are
// document paths (see package backup: requests are written to the
// proposals mount, verifications to the verifications mount).
type RestoreReport struct {
	Team      string    `json:"team"`  // the team the backup was made of
	Mount     string    `json:"mount"` // the mount prefix restored into
	CreatedAt time.Time `json:"backup_created_at"`
	DryRun    bool      `json:"dry_run"`
	Planned   int       `json:"planned"`
	Written   []string  `json:"written"` // records written in full, in order
	// TOTPReenrol are the credentials whose TOTP key must be enrolled
	// again (the link was cleared); TOTPKept those whose key is in this
	// Vault already.
	TOTPReenrol []string `json:"totp_reenrol"`
	TOTPKept    []string `json:"totp_kept"`
	// TOTPRecovered are the credentials whose seed was imported again
	// from its escrow copy, opened with RestoreOptions.Recovery.
	TOTPRecovered []string `json:"totp_recovered"`
	// Onboard are the people who need a login again.
	Onboard []backup.Person `json:"onboard"`
	// PendingPayout are payout changes still pending (STORE/ID), proposed
	// under the old Vault's identities.
	PendingPayout []string `json:"pending_payout"`
	// ProposeAgain are the pending payout changes (STORE/ID) that cannot
	// be approved here: their requester's signature does not check in
	// this Vault (the requester's Transit key is in the Vault the backup
	// came from), or they change another payout version than the restored
	// record's. Reject them and propose them again.
	ProposeAgain []string `json:"propose_again"`
	// Verified are the stores whose payout verification was restored with
	// the time it was made.
	Verified       []string `json:"payout_verified"`
	StoreAccess    []string `json:"store_access"` // stores whose access group and policy were ensured
	DeletedSkipped int      `json:"deleted_skipped"`
}

// PartialRestoreError is a restore that failed after its first write:
// Written are the records written in full; DataOnly, when set, is a
// record whose data was written but not its custom metadata. All are
// document paths.
type PartialRestoreError struct {
	Written  []string
	DataOnly string
	Failed   string
	Err      error
}

func (e *PartialRestoreError) Error() string {
	msg := fmt.Sprintf("restore stopped at %s after writing %d records", e.Failed, len(e.Written))
	if e.DataOnly != "" {
		msg += fmt.Sprintf(" (and the data, but not the metadata, of %s)", e.DataOnly)
	}
	return msg + ": " + e.Err.Error()
}

func (e *PartialRestoreError) Unwrap() error { return e.Err }

// write is one planned record write.
type write struct {
	doc   string // the document path, for reports
	mount string
	path  string // in mount
	data  map[string]interface{}
	meta  map[string]string
	cas   int
	// seed, for a credential whose seed is recovered from escrow, is
	// imported as TOTP key seedRef before the record is written.
	seed    *totp.Key
	seedRef string
}

// Restore writes a backup into the team's mounts: the team must be
// initialised with this release's layout (a version 1 backup is upgraded
// first, see backup.Document.Upgrade), its records mount must hold no
// record but _meta/init and _meta/settings (the settings are replaced by
// the backup's), and its proposals and verifications mounts none at all.
// (The reminders mount is not looked at: the backup holds no notes, and
// notes there only keep the reminder job from sending again.) Everything
// is checked before the first write: the document, the mounts, the TOTP
// keys present, the requests' signatures. Each record is created with
// check-and-set 0 (it must not exist) in its mount, then its custom
// metadata is set. A failure after the first write is a
// *PartialRestoreError that names exactly what was written.
func (r *Repo) Restore(ctx context.Context, doc *backup.Document, opts RestoreOptions) (*RestoreReport, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	doc = doc.Upgrade()
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	rep := &RestoreReport{Team: doc.Team, Mount: r.layout.Prefix, CreatedAt: doc.CreatedAt, DryRun: opts.DryRun,
		DeletedSkipped: doc.DeletedSkipped, Written: []string{}, TOTPReenrol: []string{}, TOTPKept: []string{}, TOTPRecovered: []string{},
		Onboard: []backup.Person{}, PendingPayout: []string{}, ProposeAgain: []string{}, Verified: []string{}, StoreAccess: []string{}}
	if err := r.requireInit(ctx); err != nil {
		return nil, err
	}
	settingsVersion, err := r.checkEmpty(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := r.planRestore(ctx, doc, rep, settingsVersion, opts.Recovery)
	if err != nil {
		return nil, err
	}
	rep.Planned = len(plan)
	if opts.DryRun {
		return rep, nil
	}
	// Store access groups first: they are idempotent and outside the KV
	// mounts, so a failure here leaves the mounts empty for another try.
	for _, rec := range doc.Records {
		if backup.Kind(rec.Path) != "store" {
			continue
		}
		store := strings.TrimPrefix(rec.Path, records.StoreDir()+"/")
		if err := setup.EnsureStoreAccess(ctx, r.c, r.layout, store); err != nil {
			return nil, fmt.Errorf("store access for %s (no record written yet): %w", store, err)
		}
		rep.StoreAccess = append(rep.StoreAccess, store)
	}
	for _, w := range plan {
		if w.seed != nil {
			// The key first: the credential's link then points to it.
			if err := r.importSeed(ctx, w.seedRef, *w.seed); err != nil {
				return rep, &PartialRestoreError{Written: rep.Written, Failed: w.doc, Err: err}
			}
		}
		version, err := r.c.KV().Put(ctx, w.mount, w.path, w.data, w.cas)
		if err != nil {
			return rep, &PartialRestoreError{Written: rep.Written, Failed: w.doc, Err: err}
		}
		if len(w.meta) > 0 {
			meta := w.meta
			if _, stamped := meta[records.MirrorsKey]; stamped {
				meta = records.Stamp(meta, version) // the version this Vault gave
			}
			if err := r.c.KV().SetCustomMetadata(ctx, w.mount, w.path, meta); err != nil {
				return rep, &PartialRestoreError{Written: rep.Written, DataOnly: w.doc, Failed: w.doc, Err: err}
			}
		}
		rep.Written = append(rep.Written, w.doc)
	}
	return rep, nil
}

// rekeyContact names a restored mailbox or phone, and a credential's or
// mailbox's recovery factors, by their IDs in this team (a keyed HMAC
// with its own contacts key, which another Vault does not share), and
// makes the listing (custom metadata) of the record's data: masked, as
// this release keeps it, whatever the backup's layout was.
func (r *Repo) rekeyContact(ctx context.Context, kind string, w *write) error {
	var enc records.Encoded
	switch kind {
	case "mailbox":
		m := records.MailboxFromData(w.data)
		if err := r.withMailboxRefs(ctx, &m); err != nil {
			return err
		}
		w.path, enc = records.MailboxPath(m.ID), m.Encode()
		w.doc = w.path
	case "phone":
		p := records.PhoneFromData(w.data)
		id, err := r.contactID(ctx, records.KindPhone, p.Number)
		if err != nil {
			return err
		}
		w.path, enc = records.PhonePath(id), p.Encode()
		w.doc = w.path
	default:
		c := records.CredentialFromData(w.data)
		if err := r.withCredentialRefs(ctx, &c); err != nil {
			return err
		}
		enc = c.Encode()
	}
	for _, k := range []string{"address", "number", "recovery_email", "recovery_phone", "recovery_email_ref", "recovery_phone_ref"} {
		delete(w.meta, k)
		if v, ok := enc.Metadata[k]; ok {
			w.meta[k] = v
		}
		if strings.HasSuffix(k, "_ref") {
			delete(w.data, k)
			if v, ok := enc.Data[k]; ok {
				w.data[k] = v
			}
		}
	}
	return nil
}

// requireInit refuses a team that `sellervault init` has not prepared,
// or prepared with an earlier layout (whose records are not where this
// release backs them up from or restores them to).
func (r *Repo) requireInit(ctx context.Context) error {
	marker, err := r.c.KV().Get(ctx, r.mount, vault.InitMarkerPath)
	if errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("mount %s: %w", r.mount, ErrNotInitialised)
	}
	if err != nil {
		return err
	}
	if schema := markerSchema(marker.Data); schema < setup.SchemaVersion {
		return fmt.Errorf("mount %s (layout schema %d, this release needs %d): %w", r.mount, schema, setup.SchemaVersion, ErrOldLayout)
	}
	return nil
}

// markerSchema reads the layout schema an init marker names (1 when it
// names none: the first releases wrote none).
func markerSchema(data map[string]interface{}) int {
	n, err := strconv.Atoi(fmt.Sprint(data["schema"]))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// checkEmpty refuses mounts that hold any record (live, deleted or
// metadata only) besides what init writes, and returns the version of
// the settings record (0: none).
func (r *Repo) checkEmpty(ctx context.Context) (int, error) {
	var held []string
	for _, m := range backup.Mounts {
		mount := r.mountOf(m)
		paths, err := r.c.KV().ListAll(ctx, mount)
		if err != nil {
			return 0, err
		}
		var found []string
		for _, p := range paths {
			if m != backup.RecordsMount || (p != vault.InitMarkerPath && p != setup.SettingsPath) {
				found = append(found, p)
			}
		}
		if len(found) == 0 {
			continue
		}
		shown := found
		if len(shown) > 5 {
			shown = shown[:5]
		}
		more := ""
		if len(found) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(found)-len(shown))
		}
		held = append(held, fmt.Sprintf("%s holds %s (%s%s)", mount, countRecords(len(found)), strings.Join(shown, ", "), more))
	}
	if len(held) > 0 {
		return 0, fmt.Errorf("%w; %s; nothing was written", ErrNotEmpty, strings.Join(held, "; "))
	}
	meta, err := r.c.KV().Metadata(ctx, r.mount, setup.SettingsPath)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return meta.CurrentVersion, nil
}

func countRecords(n int) string {
	if n == 1 {
		return "1 record"
	}
	return fmt.Sprintf("%d records", n)
}

// planRestore decides every write, and fills the report's lists.
func (r *Repo) planRestore(ctx context.Context, doc *backup.Document, rep *RestoreReport, settingsVersion int, recovery []age.Identity) ([]write, error) {
	decided := map[string]bool{}
	payoutRestored := map[string]bool{}
	escrowed := map[string]string{} // STORE/NAME: its sealed seed
	for _, rec := range doc.Records {
		switch backup.Kind(rec.Path) {
		case "totp-escrow":
			escrowed[backup.CredentialAddress(rec.Path)], _ = rec.Data[escrow.Field].(string)
		case "payout-decision":
			decided[backup.PayoutChange(rec.Path)] = true
		case "payout":
			payoutRestored[strings.TrimSuffix(strings.TrimPrefix(rec.Path, records.StoreDir()+"/"), "/payout")] = true
		}
	}
	var plan []write
	for _, rec := range doc.Records {
		m, path := backup.Place(rec.Path)
		w := write{doc: rec.Path, mount: r.mountOf(m), path: path, data: copyData(rec.Data), meta: copyMeta(rec.CustomMetadata)}
		switch kind := backup.Kind(rec.Path); kind {
		case "settings":
			w.cas = settingsVersion
		case "mailbox", "phone":
			if err := r.rekeyContact(ctx, kind, &w); err != nil {
				return nil, fmt.Errorf("a %s record (nothing was written): %w", kind, err)
			}
		case "credential":
			if err := r.rekeyContact(ctx, kind, &w); err != nil {
				return nil, fmt.Errorf("record %s (nothing was written): %w", rec.Path, err)
			}
			if ref := rec.TOTPRef(); ref != "" {
				addr := backup.CredentialAddress(rec.Path)
				_, err := r.c.TOTP().KeyInfo(ctx, r.layout.TOTP(), ref)
				switch {
				case err == nil:
					rep.TOTPKept = append(rep.TOTPKept, addr)
				case errors.Is(err, vault.ErrNotFound) && len(recovery) > 0 && escrowed[addr] != "":
					key, err := escrow.Open(escrowed[addr], recovery...)
					if err != nil {
						return nil, fmt.Errorf("the escrow copy of the seed of %s (nothing was written): %w", addr, err)
					}
					w.seed, w.seedRef = &key, ref
					rep.TOTPRecovered = append(rep.TOTPRecovered, addr)
				case errors.Is(err, vault.ErrNotFound):
					delete(w.data, backup.TOTPField)
					delete(w.data, backup.TOTPPeriodField)
					delete(w.meta, backup.TOTPField)
					delete(w.meta, backup.TOTPPeriodField)
					if len(w.meta) < backup.MaxMetadataKeys {
						w.meta[TOTPReenrolKey] = "required"
					}
					rep.TOTPReenrol = append(rep.TOTPReenrol, addr)
				default:
					return nil, fmt.Errorf("check the totp key of %s (nothing was written): %w", addr, err)
				}
			}
		case "staff":
			w.meta = staff.MaskMetadata(w.meta) // a backup of schema 2 mirrors the values
			if s, _ := w.data["status"].(string); s == "active" {
				w.data["status"] = StatusNotOnboarded
				w.meta["status"] = StatusNotOnboarded
			}
		case "payout-request":
			change := backup.PayoutChange(rec.Path)
			if decided[change] {
				break
			}
			rep.PendingPayout = append(rep.PendingPayout, change)
			ok, err := r.approvableAfterRestore(ctx, change, rec.Data, payoutRestored)
			if err != nil {
				return nil, fmt.Errorf("check the signature of payout change %s (nothing was written): %w", change, err)
			}
			if !ok {
				rep.ProposeAgain = append(rep.ProposeAgain, change)
			}
		case "payout-verification":
			rep.Verified = append(rep.Verified, backup.VerifiedStore(rec.Path))
		}
		if rec.VersionTime != "" {
			// The restored version is version 1 (check-and-set 0); its
			// time is the backup's.
			w.meta[setup.MigratedVersion] = "1"
			w.meta[setup.MigratedTime] = rec.VersionTime
			if len(w.meta) > backup.MaxMetadataKeys {
				return nil, fmt.Errorf("record %s has %d custom metadata keys; with the time it was made, Vault would take at most %d (nothing was written)",
					rec.Path, len(w.meta), backup.MaxMetadataKeys)
			}
		}
		plan = append(plan, w)
	}
	for _, p := range doc.Staff {
		if p.Status == "active" {
			rep.Onboard = append(rep.Onboard, p)
		}
	}
	// Settings first (the one write over an existing version, so a
	// conflict there stops the restore before anything else), then
	// stores, then the rest, each in path order.
	rank := func(path string) int {
		switch backup.Kind(path) {
		case "settings":
			return 0
		case "store":
			return 1
		}
		return 2
	}
	sort.SliceStable(plan, func(i, j int) bool {
		if ri, rj := rank(plan[i].doc), rank(plan[j].doc); ri != rj {
			return ri < rj
		}
		return plan[i].doc < plan[j].doc
	})
	return plan, nil
}

// approvableAfterRestore reports whether a pending request (STORE/ID),
// restored, can still be approved here: its requester's signature checks
// with this Vault's key of the requester (as loadRequest checks it), and
// it changes the payout version the restore writes (1 when the store's
// payout record is in the backup, else none: 0).
func (r *Repo) approvableAfterRestore(ctx context.Context, change string, data map[string]interface{}, payoutRestored map[string]bool) (bool, error) {
	store, id, _ := strings.Cut(change, "/")
	get := func(k string) string { s, _ := data[k].(string); return s }
	base, err := strconv.Atoi(get("base_version"))
	if err != nil || base < 0 {
		base = 0
	}
	restored := 0
	if payoutRestored[store] {
		restored = 1
	}
	if base != restored {
		return false, nil
	}
	ok, err := r.signedBy(ctx, get("requested_by_entity"), get("signature"), purposeRequest, requestFields(store, id, base, decodePayout(data))...)
	if errors.Is(err, vault.ErrDenied) {
		return false, nil
	}
	return ok, err
}

func copyData(m map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyMeta(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

package repo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Backup and restore: Dump reads every live record of the team's KV mount
// into a backup.Document; Restore writes one into an initialised, empty
// team mount. Package backup documents what is in a backup and what is
// not.
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
	ErrNotEmpty       = kindError{"the team mount is not empty: restore writes only into a mount that holds nothing but what `sellervault init` writes", vault.ErrConflict}
	ErrNotInitialised = kindError{"the team mount is not initialised (check --mount or SELLERVAULT_MOUNT; a new Vault needs `sellervault init` first)", vault.ErrNotFound}
)

// DumpOptions shape a backup.
type DumpOptions struct {
	Now     func() time.Time
	Version string // sellervault's version, kept in the document
}

// DumpReport is what a backup left out and why.
type DumpReport struct {
	Deleted      []string `json:"deleted"`       // current version deleted: not backed up
	Unknown      []string `json:"unknown"`       // outside the record folders: not backed up
	MetadataOnly []string `json:"metadata_only"` // no version, only metadata: not backed up
	Notes        int      `json:"reminder_notes"`
	IndexEntries int      `json:"redaction_index_entries"`
	// Unlisted are people of the role groups left out of the staff list
	// (an entity name sellervault would not accept); their records, if
	// any, are in the backup.
	Unlisted []string `json:"unlisted_people"`
}

// Dump reads every live record of the team's KV mount, the TOTP keys the
// credentials link to (their parameters, never a seed: Vault has no way
// to return one), and the team's people, into a validated document.
func (r *Repo) Dump(ctx context.Context, opts DumpOptions) (*backup.Document, *DumpReport, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := r.requireInit(ctx); err != nil {
		return nil, nil, err
	}
	paths, err := r.c.KVListAll(ctx, r.mount)
	if err != nil {
		return nil, nil, err
	}
	rep := &DumpReport{}
	var include []string
	for _, p := range paths {
		switch backup.Classify(p) {
		case backup.Include:
			include = append(include, p)
		case backup.SkipNotes:
			rep.Notes++
		case backup.SkipIndex:
			rep.IndexEntries++
		case backup.Unknown:
			rep.Unknown = append(rep.Unknown, p)
		}
	}
	type result struct {
		rec     *backup.Record
		deleted bool
		noData  bool
		err     error
	}
	results := make([]result, len(include))
	_ = inParallel(len(include), reads, func(i int) error {
		rec, deleted, noData, err := r.readForBackup(ctx, include[i])
		results[i] = result{rec, deleted, noData, err}
		return nil // each result keeps its error, reported in order below
	})
	doc := &backup.Document{Format: backup.Format, Version: backup.Version, CreatedAt: opts.Now(),
		Team: r.layout.Prefix, SellervaultVersion: opts.Version}
	for i, res := range results {
		switch {
		case res.err != nil:
			return nil, nil, res.err
		case res.deleted:
			rep.Deleted = append(rep.Deleted, include[i])
		case res.noData:
			rep.MetadataOnly = append(rep.MetadataOnly, include[i])
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

// readForBackup reads a record's metadata and its current version.
func (r *Repo) readForBackup(ctx context.Context, path string) (rec *backup.Record, deleted, noData bool, err error) {
	meta, err := r.c.KVMetadata(ctx, r.mount, path)
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
	kv, err := r.c.KVGetVersion(ctx, r.mount, path, meta.CurrentVersion)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, true, false, nil // deleted since its metadata was read
	}
	if err != nil {
		return nil, false, false, err
	}
	data, err := canonical(kv.Data)
	if err != nil {
		return nil, false, false, fmt.Errorf("record %s: %w", path, err)
	}
	return &backup.Record{Path: path, Data: data, CustomMetadata: meta.CustomMetadata}, false, false, nil
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
		info, err := r.c.TOTPKeyInfo(ctx, r.layout.TOTP(), ref)
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
		g, err := r.c.GroupByName(ctx, r.layout.RoleGroup(role))
		if errors.Is(err, vault.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, id := range g.MemberEntityIDs {
			name, err := r.c.EntityName(ctx, id)
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
			g, err := r.c.GroupByName(ctx, r.layout.StoreGroup(s))
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
}

// RestoreReport is what a restore did, or would do.
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
	// Onboard are the people who need a login again.
	Onboard []backup.Person `json:"onboard"`
	// PendingPayout are payout changes still pending (STORE/ID): their
	// cooling-off starts again, and they were proposed under the old
	// Vault's identities.
	PendingPayout  []string `json:"pending_payout"`
	StoreAccess    []string `json:"store_access"` // stores whose access group and policy were ensured
	DeletedSkipped int      `json:"deleted_skipped"`
}

// PartialRestoreError is a restore that failed after its first write:
// Written are the records written in full; DataOnly, when set, is a
// record whose data was written but not its custom metadata.
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
	path string
	data map[string]interface{}
	meta map[string]string
	cas  int
}

// Restore writes a backup into the team's mount, which must be
// initialised and hold no record but _meta/init and _meta/settings (the
// settings are replaced by the backup's). Everything is checked before
// the first write: the document, the mount, the TOTP keys present. Each
// record is created with check-and-set 0 (it must not exist), then its
// custom metadata is set. A failure after the first write is a
// *PartialRestoreError that names exactly what was written.
func (r *Repo) Restore(ctx context.Context, doc *backup.Document, opts RestoreOptions) (*RestoreReport, error) {
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	rep := &RestoreReport{Team: doc.Team, Mount: r.layout.Prefix, CreatedAt: doc.CreatedAt, DryRun: opts.DryRun,
		DeletedSkipped: doc.DeletedSkipped, Written: []string{}, TOTPReenrol: []string{}, TOTPKept: []string{},
		Onboard: []backup.Person{}, PendingPayout: []string{}, StoreAccess: []string{}}
	if err := r.requireInit(ctx); err != nil {
		return nil, err
	}
	settingsVersion, err := r.checkEmpty(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := r.planRestore(ctx, doc, rep, settingsVersion)
	if err != nil {
		return nil, err
	}
	rep.Planned = len(plan)
	if opts.DryRun {
		return rep, nil
	}
	// Store access groups first: they are idempotent and outside the KV
	// mount, so a failure here leaves the mount empty for another try.
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
		if _, err := r.c.KVPut(ctx, r.mount, w.path, w.data, w.cas); err != nil {
			return rep, &PartialRestoreError{Written: rep.Written, Failed: w.path, Err: err}
		}
		if len(w.meta) > 0 {
			if err := r.c.KVSetCustomMetadata(ctx, r.mount, w.path, w.meta); err != nil {
				return rep, &PartialRestoreError{Written: rep.Written, DataOnly: w.path, Failed: w.path, Err: err}
			}
		}
		rep.Written = append(rep.Written, w.path)
	}
	return rep, nil
}

// requireInit refuses a mount that `sellervault init` has not prepared.
func (r *Repo) requireInit(ctx context.Context) error {
	_, err := r.c.KVGet(ctx, r.mount, vault.InitMarkerPath)
	if errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("mount %s: %w", r.mount, ErrNotInitialised)
	}
	return err
}

// checkEmpty refuses a mount that holds any record (live, deleted or
// metadata only) besides what init writes, and returns the version of
// the settings record (0: none).
func (r *Repo) checkEmpty(ctx context.Context) (int, error) {
	paths, err := r.c.KVListAll(ctx, r.mount)
	if err != nil {
		return 0, err
	}
	var found []string
	for _, p := range paths {
		if p != vault.InitMarkerPath && p != setup.SettingsPath {
			found = append(found, p)
		}
	}
	if len(found) > 0 {
		shown := found
		if len(shown) > 5 {
			shown = shown[:5]
		}
		more := ""
		if len(found) > len(shown) {
			more = fmt.Sprintf(" and %d more", len(found)-len(shown))
		}
		return 0, fmt.Errorf("%w; %s holds %d records (%s%s); nothing was written", ErrNotEmpty, r.mount, len(found), strings.Join(shown, ", "), more)
	}
	meta, err := r.c.KVMetadata(ctx, r.mount, setup.SettingsPath)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return meta.CurrentVersion, nil
}

// planRestore decides every write, and fills the report's lists.
func (r *Repo) planRestore(ctx context.Context, doc *backup.Document, rep *RestoreReport, settingsVersion int) ([]write, error) {
	decided := map[string]bool{}
	for _, rec := range doc.Records {
		if backup.Kind(rec.Path) == "payout-decision" {
			decided[strings.TrimPrefix(rec.Path, "proposals/payout-decisions/")] = true
		}
	}
	var plan []write
	for _, rec := range doc.Records {
		w := write{path: rec.Path, data: copyData(rec.Data), meta: copyMeta(rec.CustomMetadata)}
		switch backup.Kind(rec.Path) {
		case "settings":
			w.cas = settingsVersion
		case "credential":
			if ref := rec.TOTPRef(); ref != "" {
				addr := backup.CredentialAddress(rec.Path)
				_, err := r.c.TOTPKeyInfo(ctx, r.layout.TOTP(), ref)
				switch {
				case err == nil:
					rep.TOTPKept = append(rep.TOTPKept, addr)
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
			if s, _ := w.data["status"].(string); s == "active" {
				w.data["status"] = StatusNotOnboarded
				w.meta["status"] = StatusNotOnboarded
			}
		case "payout-request":
			id := strings.TrimPrefix(rec.Path, "proposals/payout/")
			if !decided[id] {
				rep.PendingPayout = append(rep.PendingPayout, id)
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
		if ri, rj := rank(plan[i].path), rank(plan[j].path); ri != rj {
			return ri < rj
		}
		return plan[i].path < plan[j].path
	})
	return plan, nil
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

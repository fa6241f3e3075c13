package repo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/escrow"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

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
func (f Backups) Restore(ctx context.Context, doc *backup.Document, opts RestoreOptions) (*RestoreReport, error) {
	r := f.r
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
		if err := access.EnsureStoreAccess(ctx, r.c, r.layout, store); err != nil {
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

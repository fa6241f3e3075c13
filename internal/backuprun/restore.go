package backuprun

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/totp"
)

// StatusNotOnboarded is the status a restore gives an active staff
// record: the person must be onboarded again.
const StatusNotOnboarded = "not-onboarded"

// TOTPReenrolKey is the custom metadata a restore sets on a credential
// whose TOTP link it cleared.
const TOTPReenrolKey = "totp_reenrol"

// ErrNotEmpty refuses a restore into mounts that hold a record; it is a
// conflict, for the exit code.
var ErrNotEmpty = kindError{"the team mount is not empty: restore writes only into mounts that hold nothing but what `sellervault init` writes", failure.ErrConflict}

// kindError is an error with its own words that also matches a kind of
// package failure.
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string        { return e.msg }
func (e kindError) Is(target error) bool { return target == e.kind }

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
	mount backup.Mount
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
// keys present, the escrow copies, the requests' signatures. Each record
// is created with check-and-set 0 (it must not exist) in its mount, then
// its custom metadata is set. A failure after the first write is a
// *PartialRestoreError that names exactly what was written.
func Restore(ctx context.Context, d Deps, doc *backup.Document, opts RestoreOptions) (*RestoreReport, error) {
	st := d.Records
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	doc = doc.Upgrade()
	if err := doc.Validate(); err != nil {
		return nil, err
	}
	rep := &RestoreReport{Team: doc.Team, Mount: st.Team(), CreatedAt: doc.CreatedAt, DryRun: opts.DryRun,
		DeletedSkipped: doc.DeletedSkipped, Written: []string{}, TOTPReenrol: []string{}, TOTPKept: []string{}, TOTPRecovered: []string{},
		Onboard: []backup.Person{}, PendingPayout: []string{}, ProposeAgain: []string{}, Verified: []string{}, StoreAccess: []string{}}
	if err := st.RequireInit(ctx); err != nil {
		return nil, err
	}
	settingsVersion, err := checkEmpty(ctx, st)
	if err != nil {
		return nil, err
	}
	plan, err := planRestore(ctx, d, doc, rep, settingsVersion, opts.Recovery)
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
		if err := d.Groups.EnsureAccess(ctx, store); err != nil {
			return nil, fmt.Errorf("store access for %s (no record written yet): %w", store, err)
		}
		rep.StoreAccess = append(rep.StoreAccess, store)
	}
	for _, w := range plan {
		if w.seed != nil {
			// The key first: the credential's link then points to it.
			if err := d.Keys.ImportSeed(ctx, w.seedRef, *w.seed); err != nil {
				return rep, &PartialRestoreError{Written: rep.Written, Failed: w.doc, Err: err}
			}
		}
		version, err := st.Write(ctx, w.mount, w.path, w.data, w.cas)
		if err != nil {
			return rep, &PartialRestoreError{Written: rep.Written, Failed: w.doc, Err: err}
		}
		if len(w.meta) > 0 {
			meta := w.meta
			if _, stamped := meta[records.MirrorsKey]; stamped {
				meta = records.Stamp(meta, version) // the version this Vault gave
			}
			if err := st.SetMetadata(ctx, w.mount, w.path, meta); err != nil {
				return rep, &PartialRestoreError{Written: rep.Written, DataOnly: w.doc, Failed: w.doc, Err: err}
			}
		}
		rep.Written = append(rep.Written, w.doc)
	}
	return rep, nil
}

// checkEmpty refuses mounts that hold any record (live, deleted or
// metadata only) besides what init writes, and returns the version of
// the settings record (0: none).
func checkEmpty(ctx context.Context, st Records) (int, error) {
	var held []string
	for _, m := range backup.Mounts {
		paths, err := st.List(ctx, m)
		if err != nil {
			return 0, err
		}
		var found []string
		for _, p := range paths {
			if m != backup.RecordsMount || (p != backup.InitPath && p != backup.SettingsPath) {
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
		held = append(held, fmt.Sprintf("%s holds %s (%s%s)", st.Mount(m), countRecords(len(found)), strings.Join(shown, ", "), more))
	}
	if len(held) > 0 {
		return 0, fmt.Errorf("%w; %s; nothing was written", ErrNotEmpty, strings.Join(held, "; "))
	}
	version, err := st.Version(ctx, backup.RecordsMount, backup.SettingsPath)
	switch {
	case errors.Is(err, failure.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return version, nil
}

func countRecords(n int) string {
	if n == 1 {
		return "1 record"
	}
	return fmt.Sprintf("%d records", n)
}

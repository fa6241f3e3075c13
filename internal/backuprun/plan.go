package backuprun

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/escrow"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// planRestore decides every write, and fills the report's lists.
func planRestore(ctx context.Context, d Deps, doc *backup.Document, rep *RestoreReport, settingsVersion int, recovery []age.Identity) ([]write, error) {
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
		w := write{doc: rec.Path, mount: m, path: path, data: copyData(rec.Data), meta: copyMeta(rec.CustomMetadata)}
		switch kind := backup.Kind(rec.Path); kind {
		case "settings":
			w.cas = settingsVersion
		case "mailbox", "phone":
			if err := rekey(ctx, d.Contacts, &w); err != nil {
				return nil, fmt.Errorf("a %s record (nothing was written): %w", kind, err)
			}
		case "credential":
			if err := rekey(ctx, d.Contacts, &w); err != nil {
				return nil, fmt.Errorf("record %s (nothing was written): %w", rec.Path, err)
			}
			if ref := rec.TOTPRef(); ref != "" {
				addr := backup.CredentialAddress(rec.Path)
				_, _, err := d.Keys.KeyInfo(ctx, ref)
				switch {
				case err == nil:
					rep.TOTPKept = append(rep.TOTPKept, addr)
				case errors.Is(err, failure.ErrNotFound) && len(recovery) > 0 && escrowed[addr] != "":
					key, err := escrow.Open(escrowed[addr], recovery...)
					if err != nil {
						return nil, fmt.Errorf("the escrow copy of the seed of %s (nothing was written): %w", addr, err)
					}
					w.seed, w.seedRef = &key, ref
					rep.TOTPRecovered = append(rep.TOTPRecovered, addr)
				case errors.Is(err, failure.ErrNotFound):
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
			ok, err := approvable(ctx, d.Signatures, change, rec.Data, payoutRestored)
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
			w.meta[records.OriginalVersionKey] = "1"
			w.meta[records.OriginalTimeKey] = rec.VersionTime
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

// rekey names a restored mailbox or phone, and a credential's or
// mailbox's recovery factors, by their IDs in this team, and makes the
// record's listing metadata of its data (Contacts.Rekey).
func rekey(ctx context.Context, c Contacts, w *write) error {
	rec, err := c.Rekey(ctx, backup.Record{Path: w.doc, Data: w.data, CustomMetadata: w.meta})
	if err != nil {
		return err
	}
	w.doc, w.data, w.meta = rec.Path, rec.Data, rec.CustomMetadata
	w.mount, w.path = backup.Place(rec.Path)
	return nil
}

// approvable reports whether a pending request (STORE/ID), restored, can
// still be approved here: its requester's signature checks with this
// Vault's key of the requester (as the payout commands check it), and it
// changes the payout version the restore writes (1 when the store's
// payout record is in the backup, else none: 0). A check this caller may
// not make is not approvable.
func approvable(ctx context.Context, sig Signatures, change string, data map[string]interface{}, payoutRestored map[string]bool) (bool, error) {
	store, id, _ := strings.Cut(change, "/")
	s, _ := data["base_version"].(string)
	base, err := strconv.Atoi(s)
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
	ok, err := sig.RequestSigned(ctx, store, id, base, data)
	if errors.Is(err, failure.ErrDenied) {
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

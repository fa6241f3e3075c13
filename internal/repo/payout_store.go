package repo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// The payout records: a store's payout details (stores/STORE/payout, a
// manager's to write), the team's cooling-off setting, the verifications
// finance records, and who is calling. The change control that writes
// the payout record is package payoutchange; the requests and decisions
// it works on are the Proposals facet (payout_proposals.go).

func payoutPath(store string) string { return records.PayoutPath(store) }
func payoutKeys() []string {
	return []string{"holder", "iban", "bic", "routing", "account", "account_type", "bank", "country", "currency", "provider"}
}
func recordData(r payout.Record) []string {
	return []string{r.Holder, r.IBAN, r.BIC, r.Routing, r.Account, r.AccountType, r.Bank, r.Country, r.Currency, r.Provider}
}
func nowUTC(now func() time.Time) time.Time { return now().UTC().Truncate(time.Second) }

func encodePayout(r payout.Record, extra map[string]interface{}) map[string]interface{} {
	data := map[string]interface{}{}
	for i, v := range recordData(r) {
		data[payoutKeys()[i]] = v
	}
	for k, v := range extra {
		data[k] = v
	}
	return data
}

func decodePayout(data map[string]interface{}) payout.Record {
	get := func(k string) string { s, _ := data[k].(string); return s }
	return payout.Record{Holder: get("holder"), IBAN: get("iban"), BIC: get("bic"), Routing: get("routing"),
		Account: get("account"), AccountType: get("account_type"), Bank: get("bank"), Country: get("country"),
		Currency: get("currency"), Provider: get("provider")}
}

// Get reads a store's payout record (finance and managers only); an
// error matching vault.ErrNotFound when the store has none (ErrNoStore
// when the store itself does not exist).
func (f Payouts) Get(ctx context.Context, store string) (*payout.Current, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, payoutPath(store))
	if errors.Is(err, vault.ErrNotFound) {
		if serr := r.requireStore(ctx, store); serr != nil {
			return nil, serr
		}
		return nil, fmt.Errorf("payout record of %s: %w (propose one with `sellervault payout propose %s`)", store, errNoRecord, store)
	}
	if err != nil {
		return nil, err
	}
	get := func(k string) string { s, _ := rec.Data[k].(string); return s }
	return &payout.Current{Store: store, Record: decodePayout(rec.Data), Version: rec.Version,
		ApprovedBy: get("approved_by"), ApprovedAt: get("approved_at"), RequestID: get("request_id"), UpdatedAt: get("updated_at")}, nil
}

// GetVersion reads one version of a store's payout record; version 0
// (no record yet) is the empty record. A version that is gone (a restore
// writes current versions only) is an error matching vault.ErrNotFound.
func (f Payouts) GetVersion(ctx context.Context, store string, version int) (payout.Record, error) {
	r := f.r
	if version == 0 {
		return payout.Record{}, nil
	}
	rec, err := r.c.KV().GetVersion(ctx, r.mount, payoutPath(store), version)
	if errors.Is(err, vault.ErrNotFound) {
		return payout.Record{}, fmt.Errorf("payout change: version %d of the payout record of %s %w", version, store, errNoRecord)
	}
	if err != nil {
		return payout.Record{}, err
	}
	return decodePayout(rec.Data), nil
}

// Apply writes rec as a store's payout record over version (check-and-set:
// vault.ErrConflict when it changed since), with the approval that makes
// it, then its listing metadata and its redaction index. applied says
// whether the record was written: an error with applied true is about
// the metadata or the index only.
func (f Payouts) Apply(ctx context.Context, store string, rec payout.Record, a payout.Approval, version int) (applied bool, err error) {
	r := f.r
	data := encodePayout(rec, map[string]interface{}{"kind": "payout", "approved_by": a.ApprovedBy,
		"approved_at": a.ApprovedAt, "requested_by": a.RequestedBy, "requested_by_entity": a.RequesterEntity,
		"request_id": a.RequestID, "updated_at": a.ApprovedAt})
	if _, err := r.c.KV().Put(ctx, r.mount, payoutPath(store), data, version); err != nil {
		return false, err
	}
	meta := nonEmpty(map[string]string{"kind": "payout", "scheme": rec.Scheme(), "country": rec.Country,
		"currency": rec.Currency, "provider": rec.Provider, "approved_by": a.ApprovedBy, "approved_at": a.ApprovedAt})
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, payoutPath(store), meta); err != nil {
		return true, fmt.Errorf("the listing metadata was not updated: %w", err)
	}
	if err := r.indexRecord(ctx, payoutPath(store), payoutSensitive(rec)); err != nil {
		return true, err
	}
	return true, nil
}

// nonEmpty drops empty values, which Vault refuses in custom metadata.
func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// Caller is the caller's entity ID ("" for a root or service token) and
// token name, from Vault's lookup of the caller's own token (once per
// store): who proposes, approves or rejects a change, never a name that
// a record gives.
func (f Payouts) Caller(ctx context.Context) (entity, name string, err error) {
	return f.r.identity(ctx)
}

// CoolingOff reads the team's payout cooling-off period.
func (f Payouts) CoolingOff(ctx context.Context) (time.Duration, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, setup.SettingsPath)
	if errors.Is(err, vault.ErrNotFound) {
		return setup.DefaultCoolingOff, nil
	}
	if err != nil {
		return 0, err
	}
	s, _ := rec.Data["payout_cooling_off"].(string)
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return setup.DefaultCoolingOff, nil
	}
	return d, nil
}

// SetCoolingOff changes the team's payout cooling-off period (what
// `init --payout-cooling-off` sets), with check-and-set.
func (f Payouts) SetCoolingOff(ctx context.Context, d time.Duration) error {
	r := f.r
	version := 0
	data := map[string]interface{}{}
	rec, err := r.c.KV().Get(ctx, r.mount, setup.SettingsPath)
	switch {
	case err == nil:
		version, data = rec.Version, rec.Data // other settings are kept
	case !errors.Is(err, vault.ErrNotFound):
		return err
	}
	data["payout_cooling_off"] = d.String()
	_, err = r.c.KV().Put(ctx, r.mount, setup.SettingsPath, data, version)
	return err
}

const purposeVerification = "payout-verification"

// RecordVerification records that a field of a store's payout
// details matched what the marketplace shows, in the verifications mount
// (finance writes it; the payout record and its metadata stay a manager's
// to change): the verification schedule (and any flag from an offboarding
// or incident) starts again from when Vault wrote it. The record is
// signed with the verifier's key; its time is Vault's, never the
// verifier's word.
func (f Payouts) RecordVerification(ctx context.Context, store, field string, now time.Time) error {
	r := f.r
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	at := now.UTC().Truncate(time.Second).Format(time.RFC3339)
	mount, path := r.layout.Verifications(), records.VerificationPath(store)
	entity, signature, err := r.sign(ctx, purposeVerification, store, field, at)
	if err != nil {
		return err
	}
	version := 0
	if rec, err := r.c.KV().Get(ctx, mount, path); err == nil {
		version = rec.Version
	} else if !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	_, err = r.c.KV().Put(ctx, mount, path, map[string]interface{}{"field": field, "verified_by": who,
		"verified_by_entity": entity, "signed_at": at, "signature": signature}, version)
	return err
}

// lastVerified is when a store's payout details were last verified: the
// time Vault wrote the current version of the verification record (for a
// record moved by `init` from the old layout, the time of the original
// version it names); zero when never.
func (r *Repo) lastVerified(ctx context.Context, store string) (time.Time, error) {
	meta, err := r.c.KV().Metadata(ctx, r.layout.Verifications(), records.VerificationPath(store))
	if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrDenied) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	if meta.Deleted() {
		return time.Time{}, nil
	}
	created := ""
	for _, v := range meta.Versions {
		if v.Version == meta.CurrentVersion {
			created = v.CreatedTime
		}
	}
	if meta.CustomMetadata[setup.MigratedVersion] == strconv.Itoa(meta.CurrentVersion) && meta.CustomMetadata[setup.MigratedTime] != "" {
		created = meta.CustomMetadata[setup.MigratedTime]
	}
	t, _ := time.Parse(time.RFC3339Nano, created)
	return t.UTC().Truncate(time.Second), nil
}

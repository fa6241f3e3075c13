package repo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Payout change control errors; the refusals are permission errors, the
// races conflicts, for the exit code.
var (
	ErrSelfApproval = kindError{"the requester cannot approve their own payout change: another person must", vault.ErrDenied}
	ErrNoIdentity   = kindError{"approving a payout change needs a person's login (an identity entity); a root or service token has none", vault.ErrDenied}
	ErrCoolingOff   = kindError{"the cooling-off period of this payout change has not passed", vault.ErrDenied}
	ErrNotPending   = kindError{"the payout change is no longer pending", vault.ErrConflict}
	ErrStale        = kindError{"the payout record changed since this request was made: propose the change again", vault.ErrConflict}
)

// Statuses of a payout change request.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
)

func payoutPath(store string) string      { return records.StorePath(store) + "/payout" }
func requestDir(store string) string      { return "proposals/payout/" + store }
func requestPath(store, id string) string { return requestDir(store) + "/" + id }
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

// Payout is a store's payout record and how it came to be.
type Payout struct {
	Store      string
	Record     payout.Record
	Version    int
	ApprovedBy string
	ApprovedAt string
	RequestID  string
	UpdatedAt  string
}

// GetPayout reads a store's payout record (finance and managers only).
func (r *Repo) GetPayout(ctx context.Context, store string) (*Payout, error) {
	rec, err := r.c.KVGet(ctx, r.mount, payoutPath(store))
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
	return &Payout{Store: store, Record: decodePayout(rec.Data), Version: rec.Version,
		ApprovedBy: get("approved_by"), ApprovedAt: get("approved_at"), RequestID: get("request_id"), UpdatedAt: get("updated_at")}, nil
}

// Request is a proposed payout change.
type Request struct {
	ID          string        `json:"id"`
	Store       string        `json:"store"`
	Status      string        `json:"status"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt string        `json:"requested_at"` // Vault's clock: when the request record was created
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   string        `json:"decided_at,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Diff        []string      `json:"diff"`
	Record      payout.Record `json:"-"`
	requesterID string
	baseVersion int
}

// ProposePayout records a change request for a store's payout details.
// The record must be normalised and valid. With dryRun nothing is
// written. The request is written once (check-and-set 0) and never
// changed: finance may create requests but not update them, and the
// decision goes to a separate record only managers write.
func (r *Repo) ProposePayout(ctx context.Context, store string, rec payout.Record, now func() time.Time, dryRun bool) (*Request, error) {
	if err := r.requireStore(ctx, store); err != nil {
		return nil, err
	}
	var old payout.Record
	base := 0
	current, err := r.GetPayout(ctx, store)
	switch {
	case err == nil:
		old, base = current.Record, current.Version
	case !errors.Is(err, vault.ErrNotFound):
		return nil, err
	}
	diff := payout.Diff(old, rec)
	if len(diff) == 0 {
		return nil, fmt.Errorf("the proposed payout details of %s are the same as the current ones", store)
	}
	entity, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	req := &Request{ID: newRequestID(at), Store: store, Status: StatusPending, RequestedBy: who,
		RequestedAt: at.Format(time.RFC3339), Diff: diff, Record: rec, requesterID: entity, baseVersion: base}
	if dryRun {
		return req, nil
	}
	data := encodePayout(rec, map[string]interface{}{"kind": "payout-request", "requested_by": who,
		"requested_by_entity": entity, "diff": strings.Join(diff, "\n"), "base_version": fmt.Sprint(base)})
	if _, err := r.c.KVPut(ctx, r.mount, requestPath(store, req.ID), data, 0); err != nil {
		return nil, err
	}
	return req, nil
}

func newRequestID(at time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return at.Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

func decisionPath(store, id string) string { return "proposals/payout-decisions/" + store + "/" + id }

func splitLines(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// loadRequest reads a request and its decision. The store comes from the
// path and the request time from Vault's own record of when the request
// was created, never from what the requester wrote.
func (r *Repo) loadRequest(ctx context.Context, store, id string) (*Request, error) {
	path := requestPath(store, id)
	meta, err := r.c.KVMetadata(ctx, r.mount, path)
	if err != nil {
		return nil, err
	}
	if meta.CurrentVersion != 1 || len(meta.Versions) != 1 {
		return nil, fmt.Errorf("payout change %s was modified after it was proposed (%d versions): it cannot be approved; propose it again and look into who changed it", id, meta.CurrentVersion)
	}
	rec, err := r.c.KVGetVersion(ctx, r.mount, path, 1)
	if err != nil {
		return nil, err
	}
	get := func(k string) string { s, _ := rec.Data[k].(string); return s }
	created, err := time.Parse(time.RFC3339Nano, meta.Versions[0].CreatedTime)
	if err != nil {
		return nil, fmt.Errorf("payout change %s has no creation time", id)
	}
	q := &Request{ID: id, Store: store, Status: StatusPending, RequestedBy: get("requested_by"),
		RequestedAt: created.UTC().Truncate(time.Second).Format(time.RFC3339), Diff: splitLines(get("diff")),
		Record: decodePayout(rec.Data), requesterID: get("requested_by_entity")}
	fmt.Sscan(get("base_version"), &q.baseVersion)
	dec, err := r.c.KVGet(ctx, r.mount, decisionPath(store, id))
	switch {
	case err == nil:
		d := func(k string) string { s, _ := dec.Data[k].(string); return s }
		q.Status, q.DecidedBy, q.DecidedAt, q.Reason = d("status"), d("decided_by"), d("decided_at"), d("reason")
	case !errors.Is(err, vault.ErrNotFound):
		return nil, err
	}
	return q, nil
}

// PayoutRequests lists change requests, newest first; store "" lists
// every store's. Each request is read in full (its masked diff is in its
// data), with its decision.
func (r *Repo) PayoutRequests(ctx context.Context, store string) ([]*Request, error) {
	stores := []string{store}
	if store == "" {
		keys, err := r.c.KVList(ctx, r.mount, "proposals/payout")
		if err != nil {
			return nil, err
		}
		stores = stores[:0]
		for _, k := range keys {
			if strings.HasSuffix(k, "/") {
				stores = append(stores, strings.TrimSuffix(k, "/"))
			}
		}
	}
	var out []*Request
	for _, s := range stores {
		ids, err := r.c.KVList(ctx, r.mount, requestDir(s))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if strings.HasSuffix(id, "/") {
				continue
			}
			q, err := r.loadRequest(ctx, s, id)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// findRequest reads a request by ID (IDs are unique across stores).
func (r *Repo) findRequest(ctx context.Context, id string) (*Request, error) {
	keys, err := r.c.KVList(ctx, r.mount, "proposals/payout")
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		store := strings.TrimSuffix(k, "/")
		if _, err := r.c.KVMetadata(ctx, r.mount, requestPath(store, id)); err == nil {
			return r.loadRequest(ctx, store, id)
		}
	}
	return nil, fmt.Errorf("payout change %s: %w", id, errNoRecord)
}

// CoolingOff reads the team's payout cooling-off period.
func (r *Repo) CoolingOff(ctx context.Context) (time.Duration, error) {
	rec, err := r.c.KVGet(ctx, r.mount, setup.SettingsPath)
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

// ApprovePayout applies a pending change: by someone other than the
// requester, after the cooling-off period (from Vault's clock), over the
// payout version the request was made against (check-and-set). The
// decision is claimed first, as a record that can be created once.
func (r *Repo) ApprovePayout(ctx context.Context, id string, now func() time.Time) (*Request, error) {
	q, err := r.findRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if q.Status != StatusPending {
		return nil, fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	entity, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case entity == "":
		return nil, ErrNoIdentity
	case entity == q.requesterID:
		return nil, ErrSelfApproval
	}
	cooling, err := r.CoolingOff(ctx)
	if err != nil {
		return nil, err
	}
	requested, _ := time.Parse(time.RFC3339, q.RequestedAt)
	at := nowUTC(now)
	if wait := requested.Add(cooling).Sub(at); wait > 0 {
		return nil, fmt.Errorf("%w: approve it after %s (in %s)", ErrCoolingOff, requested.Add(cooling).Format(time.RFC3339), wait.Round(time.Second))
	}
	if err := q.Record.Validate(); err != nil {
		return nil, fmt.Errorf("payout change %s is not valid any more: %w", id, err)
	}
	q.Status, q.DecidedBy, q.DecidedAt = StatusApproved, who, at.Format(time.RFC3339)
	if err := r.decide(ctx, q, 0); err != nil {
		return nil, err
	}
	data := encodePayout(q.Record, map[string]interface{}{"kind": "payout", "approved_by": who,
		"approved_at": q.DecidedAt, "requested_by": q.RequestedBy, "request_id": q.ID, "updated_at": q.DecidedAt})
	if _, err := r.c.KVPut(ctx, r.mount, payoutPath(q.Store), data, q.baseVersion); err != nil {
		// An answer lost on the way may hide a write that happened.
		if p, gerr := r.GetPayout(ctx, q.Store); gerr == nil && p.RequestID == q.ID {
			return q, nil
		}
		q.Status, q.Reason = "failed", "not applied: "+err.Error()
		_ = r.decide(ctx, q, 1)
		if errors.Is(err, vault.ErrConflict) {
			return nil, ErrStale
		}
		return nil, err
	}
	meta := nonEmpty(map[string]string{"kind": "payout", "scheme": q.Record.Scheme(), "country": q.Record.Country,
		"currency": q.Record.Currency, "provider": q.Record.Provider, "approved_by": who, "approved_at": q.DecidedAt})
	if err := r.c.KVSetCustomMetadata(ctx, r.mount, payoutPath(q.Store), meta); err != nil {
		return q, fmt.Errorf("approved and applied, but the listing metadata was not updated: %w", err)
	}
	if err := r.indexRecord(ctx, payoutPath(q.Store), payoutSensitive(q.Record)); err != nil {
		return q, fmt.Errorf("approved and applied, but %w", err)
	}
	return q, nil
}

// RejectPayout closes a pending change without applying it.
func (r *Repo) RejectPayout(ctx context.Context, id, reason string, now func() time.Time) (*Request, error) {
	q, err := r.findRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if q.Status != StatusPending {
		return nil, fmt.Errorf("%w (%s)", ErrNotPending, q.Status)
	}
	_, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	q.Status, q.DecidedBy, q.DecidedAt, q.Reason = StatusRejected, who, nowUTC(now).Format(time.RFC3339), reason
	return q, r.decide(ctx, q, 0)
}

// decide writes the request's decision record over version (0: it must
// not exist yet, so a request is decided once).
func (r *Repo) decide(ctx context.Context, q *Request, version int) error {
	_, err := r.c.KVPut(ctx, r.mount, decisionPath(q.Store, q.ID), map[string]interface{}{
		"kind": "payout-decision", "status": q.Status, "decided_by": q.DecidedBy, "decided_at": q.DecidedAt, "reason": q.Reason,
	}, version)
	if errors.Is(err, vault.ErrConflict) {
		return fmt.Errorf("%w (decided by someone else meanwhile)", ErrNotPending)
	}
	return err
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

// SetCoolingOff changes the team's payout cooling-off period (what
// `init --payout-cooling-off` sets), with check-and-set.
func (r *Repo) SetCoolingOff(ctx context.Context, d time.Duration) error {
	version := 0
	rec, err := r.c.KVGet(ctx, r.mount, setup.SettingsPath)
	switch {
	case err == nil:
		version = rec.Version
	case !errors.Is(err, vault.ErrNotFound):
		return err
	}
	_, err = r.c.KVPut(ctx, r.mount, setup.SettingsPath, map[string]interface{}{"payout_cooling_off": d.String()}, version)
	return err
}

// verificationPath is where the last verification of a store's payout
// details against the marketplace is recorded. Finance writes it; the
// payout record and its metadata stay a manager's to change.
func verificationPath(store string) string { return "verifications/payout/" + store }

// RecordPayoutVerification records that a field of a store's payout
// details matched what the marketplace shows: the verification schedule
// (and any flag from an offboarding or incident) starts again from now.
func (r *Repo) RecordPayoutVerification(ctx context.Context, store, field string, now time.Time) error {
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	at := now.UTC().Truncate(time.Second).Format(time.RFC3339)
	path := verificationPath(store)
	version := 0
	if rec, err := r.c.KVGet(ctx, r.mount, path); err == nil {
		version = rec.Version
	} else if !errors.Is(err, vault.ErrNotFound) {
		return err
	}
	if _, err := r.c.KVPut(ctx, r.mount, path, map[string]interface{}{"verified_at": at, "verified_by": who, "field": field}, version); err != nil {
		return err
	}
	return r.c.KVSetCustomMetadata(ctx, r.mount, path, map[string]string{"verified_at": at, "verified_by": who, "field": field})
}

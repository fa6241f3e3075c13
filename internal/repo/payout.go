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
	RequestedAt string        `json:"requested_at"`
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   string        `json:"decided_at,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Diff        []string      `json:"diff"`
	Record      payout.Record `json:"-"`
	requesterID string
	baseVersion int
	version     int
}

// identity is the caller's entity ID and display name.
func (r *Repo) identity(ctx context.Context) (id, name string, err error) {
	info, err := r.c.LookupSelf(ctx)
	if err != nil {
		return "", "", err
	}
	return info.EntityID, info.DisplayName, nil
}

// ProposePayout records a change request for a store's payout details.
// The record must be normalised and valid. With dryRun nothing is written.
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
	if _, err := r.c.KVPut(ctx, r.mount, requestPath(store, req.ID), req.data(), 0); err != nil {
		return nil, err
	}
	return req, r.c.KVSetCustomMetadata(ctx, r.mount, requestPath(store, req.ID), req.metadata())
}

func newRequestID(at time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return at.Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

func (q *Request) data() map[string]interface{} {
	return encodePayout(q.Record, map[string]interface{}{
		"kind": "payout-request", "store": q.Store, "status": q.Status,
		"requested_by": q.RequestedBy, "requested_by_entity": q.requesterID, "requested_at": q.RequestedAt,
		"decided_by": q.DecidedBy, "decided_at": q.DecidedAt, "reason": q.Reason,
		"diff": strings.Join(q.Diff, "\n"), "base_version": fmt.Sprint(q.baseVersion),
	})
}

// metadata mirrors what listings show: masked diff, status, who and when.
// Vault takes no empty values and no line breaks in custom metadata.
func (q *Request) metadata() map[string]string {
	return nonEmpty(map[string]string{"kind": "payout-request", "store": q.Store, "status": q.Status,
		"requested_by": q.RequestedBy, "requested_at": q.RequestedAt, "decided_by": q.DecidedBy,
		"decided_at": q.DecidedAt, "diff": strings.Join(q.Diff, diffSeparator)})
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

// diffSeparator joins diff lines in metadata.
const diffSeparator = " | "

func requestFromData(id string, data map[string]interface{}, version int) *Request {
	get := func(k string) string { s, _ := data[k].(string); return s }
	base := 0
	fmt.Sscan(get("base_version"), &base)
	return &Request{ID: id, Store: get("store"), Status: get("status"), RequestedBy: get("requested_by"),
		RequestedAt: get("requested_at"), DecidedBy: get("decided_by"), DecidedAt: get("decided_at"),
		Reason: get("reason"), Diff: splitLines(get("diff")), Record: decodePayout(data),
		requesterID: get("requested_by_entity"), baseVersion: base, version: version}
}

func requestFromMetadata(id string, m map[string]string) *Request {
	return &Request{ID: id, Store: m["store"], Status: m["status"], RequestedBy: m["requested_by"],
		RequestedAt: m["requested_at"], DecidedBy: m["decided_by"], DecidedAt: m["decided_at"], Diff: splitOn(m["diff"], diffSeparator)}
}

func splitLines(s string) []string { return splitOn(s, "\n") }

func splitOn(s, sep string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, sep)
}

// PayoutRequests lists change requests from metadata, newest first; store
// "" lists every store's.
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
		entries, err := r.listMeta(ctx, requestDir(s))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			out = append(out, requestFromMetadata(e.key, e.meta.CustomMetadata))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// findRequest reads a request by ID (IDs are unique across stores).
func (r *Repo) findRequest(ctx context.Context, id string) (*Request, error) {
	all, err := r.PayoutRequests(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, q := range all {
		if q.ID == id {
			rec, err := r.c.KVGet(ctx, r.mount, requestPath(q.Store, id))
			if err != nil {
				return nil, err
			}
			return requestFromData(id, rec.Data, rec.Version), nil
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
// requester, after the cooling-off period, over the payout version the
// request was made against (check-and-set).
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
	requested, err := time.Parse(time.RFC3339, q.RequestedAt)
	if err != nil {
		return nil, fmt.Errorf("payout change %s has no valid request time", id)
	}
	at := nowUTC(now)
	if wait := requested.Add(cooling).Sub(at); wait > 0 {
		return nil, fmt.Errorf("%w: approve it after %s (in %s)", ErrCoolingOff, requested.Add(cooling).Format(time.RFC3339), wait.Round(time.Second))
	}
	if err := q.Record.Validate(); err != nil {
		return nil, fmt.Errorf("payout change %s is not valid any more: %w", id, err)
	}
	// Claim the decision first (check-and-set on the request), so that two
	// approvers, or an approver and a rejecter, cannot both act.
	q.Status, q.DecidedBy, q.DecidedAt = StatusApproved, who, at.Format(time.RFC3339)
	if err := r.decide(ctx, q); err != nil {
		return nil, err
	}
	data := encodePayout(q.Record, map[string]interface{}{"kind": "payout", "approved_by": who,
		"approved_at": q.DecidedAt, "requested_by": q.RequestedBy, "request_id": q.ID, "updated_at": q.DecidedAt})
	if _, err := r.c.KVPut(ctx, r.mount, payoutPath(q.Store), data, q.baseVersion); err != nil {
		// Not applied: record why, so the request does not read as approved.
		q.Status, q.Reason = StatusRejected, "not applied: "+err.Error()
		_ = r.decide(ctx, q)
		if errors.Is(err, vault.ErrConflict) {
			return nil, ErrStale
		}
		return nil, err
	}
	meta := nonEmpty(map[string]string{"kind": "payout", "scheme": q.Record.Scheme(), "country": q.Record.Country,
		"currency": q.Record.Currency, "provider": q.Record.Provider, "approved_by": who, "approved_at": q.DecidedAt})
	return q, r.c.KVSetCustomMetadata(ctx, r.mount, payoutPath(q.Store), meta)
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
	return q, r.decide(ctx, q)
}

// decide records the request's outcome over the version read.
func (r *Repo) decide(ctx context.Context, q *Request) error {
	v, err := r.c.KVPut(ctx, r.mount, requestPath(q.Store, q.ID), q.data(), q.version)
	if err != nil {
		return err
	}
	q.version = v
	return r.c.KVSetCustomMetadata(ctx, r.mount, requestPath(q.Store, q.ID), q.metadata())
}

package repo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	ErrNotApprover  = kindError{"only a manager approves payout changes", vault.ErrDenied}
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

func payoutPath(store string) string { return records.StorePath(store) + "/payout" }
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

// Get reads a store's payout record (finance and managers only).
func (f Payouts) Get(ctx context.Context, store string) (*Payout, error) {
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
	return &Payout{Store: store, Record: decodePayout(rec.Data), Version: rec.Version,
		ApprovedBy: get("approved_by"), ApprovedAt: get("approved_at"), RequestID: get("request_id"), UpdatedAt: get("updated_at")}, nil
}

// Request is a proposed payout change. Everything shown about it comes
// from what the requester cannot bend: the change is computed from the
// proposed record against the payout version it was made against, the
// requester is the entity whose signature it carries, and the request
// time is Vault's record of when it was created.
type Request struct {
	ID          string        `json:"id"`
	Store       string        `json:"store"`
	Status      string        `json:"status"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt string        `json:"requested_at"` // Vault's clock: when the request record was created
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   string        `json:"decided_at,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Diff        []string      `json:"diff"`            // masked, old → new, computed from the records
	BaseVersion int           `json:"base_version"`    // the payout version it changes (0: none yet)
	Signed      bool          `json:"signed"`          // the requester's signature checks
	Stale       bool          `json:"stale,omitempty"` // the payout version it changes is gone
	Record      payout.Record `json:"-"`
	Base        payout.Record `json:"-"` // the payout record at BaseVersion
	requesterID string
	signature   string
	checked     bool // the caller could check the signature (managers)
}

// requestFields are the fields a requester signs: where the request is,
// what it changes from and to.
func requestFields(store, id string, base int, rec payout.Record) []string {
	return append([]string{store, id, strconv.Itoa(base)}, recordData(rec)...)
}

const purposeRequest = "payout-request"

// Propose records a change request for a store's payout details.
// The record must be normalised and valid. With dryRun nothing is
// written. The request is written once (check-and-set 0) in the proposals
// mount, signed with the requester's key, and never changed: finance may
// create requests but not update them, and the decision goes to a
// separate record only managers write.
func (f Payouts) Propose(ctx context.Context, store string, rec payout.Record, now func() time.Time, dryRun bool) (*Request, error) {
	r := f.r
	if err := r.requireStore(ctx, store); err != nil {
		return nil, err
	}
	var old payout.Record
	base := 0
	current, err := r.Payouts().Get(ctx, store)
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
	_, who, err := r.identity(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	req := &Request{ID: newRequestID(at), Store: store, Status: StatusPending, RequestedBy: who,
		RequestedAt: at.Format(time.RFC3339), Diff: diff, Record: rec, Base: old, BaseVersion: base}
	if dryRun {
		return req, nil
	}
	entity, signature, err := r.sign(ctx, purposeRequest, requestFields(store, req.ID, base, rec)...)
	if err != nil {
		return nil, err
	}
	req.requesterID, req.signature, req.Signed = entity, signature, true
	data := encodePayout(rec, map[string]interface{}{"kind": "payout-request", "requested_by": who,
		"requested_by_entity": entity, "base_version": strconv.Itoa(base), "signature": signature})
	if _, err := r.c.KV().Put(ctx, r.layout.Proposals(), records.ProposalPath(store, req.ID), data, 0); err != nil {
		return nil, err
	}
	return req, nil
}

func newRequestID(at time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return at.Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

// loadRequest reads a request and its decision. The store and ID come
// from the path, the request time from Vault's own record of when the
// request was created (or, for a request moved by `init` from the old
// layout, when its original was), the requester from the signature, and
// the change from the records.
func (r *Repo) loadRequest(ctx context.Context, store, id string) (*Request, error) {
	meta, err := r.c.KV().Metadata(ctx, r.layout.Proposals(), records.ProposalPath(store, id))
	if err != nil {
		return nil, err
	}
	return r.requestFrom(ctx, store, id, meta)
}

// requestFrom reads a request whose metadata the caller has read.
func (r *Repo) requestFrom(ctx context.Context, store, id string, meta *vault.KVMeta) (*Request, error) {
	mount, path := r.layout.Proposals(), records.ProposalPath(store, id)
	if meta.CurrentVersion != 1 || len(meta.Versions) != 1 {
		return nil, fmt.Errorf("payout change %s was modified after it was proposed (%d versions): it cannot be approved; propose it again and look into who changed it", id, meta.CurrentVersion)
	}
	rec, err := r.c.KV().GetVersion(ctx, mount, path, 1)
	if err != nil {
		return nil, err
	}
	get := func(k string) string { s, _ := rec.Data[k].(string); return s }
	createdAt := meta.Versions[0].CreatedTime
	if meta.CustomMetadata[setup.MigratedVersion] == "1" && meta.CustomMetadata[setup.MigratedTime] != "" {
		createdAt = meta.CustomMetadata[setup.MigratedTime]
	}
	created, err := time.Parse(time.RFC3339Nano, createdAt)
	if err != nil {
		return nil, fmt.Errorf("payout change %s has no creation time", id)
	}
	q := &Request{ID: id, Store: store, Status: StatusPending, RequestedAt: created.UTC().Truncate(time.Second).Format(time.RFC3339),
		Record: decodePayout(rec.Data), requesterID: get("requested_by_entity"), signature: get("signature")}
	raw := q.Record
	if q.BaseVersion, err = strconv.Atoi(get("base_version")); err != nil || q.BaseVersion < 0 {
		q.BaseVersion = 0
	}
	q.Signed, err = r.signedBy(ctx, q.requesterID, q.signature, purposeRequest, requestFields(store, id, q.BaseVersion, raw)...)
	// What is shown, checked and applied is the normal form (sellervault
	// proposes it so; a request written otherwise is shown as it will be
	// stored).
	q.Record = raw.Normalize()
	switch {
	case errors.Is(err, vault.ErrDenied):
		// Only managers may check signatures: finance sees the name
		// the requester wrote.
		q.RequestedBy = get("requested_by")
	case err != nil:
		return nil, err
	default:
		q.checked = true
		q.RequestedBy = r.personName(ctx, q.requesterID, get("requested_by"), q.Signed)
	}
	switch q.Base, err = r.payoutVersion(ctx, store, q.BaseVersion); {
	case errors.Is(err, vault.ErrNotFound):
		// Gone (a restore writes current versions only): the request is
		// stale, and an approval fails its check-and-set anyway.
		q.Stale = true
	case err != nil:
		return nil, err
	}
	q.Diff = payout.Diff(q.Base, q.Record)
	dec, err := r.c.KV().Get(ctx, r.mount, records.DecisionPath(store, id))
	switch {
	case err == nil:
		d := func(k string) string { s, _ := dec.Data[k].(string); return s }
		q.Status, q.DecidedBy, q.DecidedAt, q.Reason = d("status"), d("decided_by"), d("decided_at"), d("reason")
	case !errors.Is(err, vault.ErrNotFound):
		return nil, err
	}
	return q, nil
}

// payoutVersion reads one version of a store's payout record; version 0
// (no record yet) is the empty record.
func (r *Repo) payoutVersion(ctx context.Context, store string, version int) (payout.Record, error) {
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

// personName names a request's author: the entity's name from Vault when
// the caller may read it, else the name the author wrote (marked when the
// signature does not check).
func (r *Repo) personName(ctx context.Context, entity, claimed string, signed bool) string {
	if !signed || !entityIDPattern().MatchString(entity) {
		return claimed + " (unproven)"
	}
	if name, err := r.c.Identity().EntityName(ctx, entity); err == nil && name != "" {
		return name
	}
	return claimed
}

// Requests lists change requests, newest first; store "" lists
// every store's. Each request is read in full, with its decision.
func (f Payouts) Requests(ctx context.Context, store string) ([]*Request, error) {
	r := f.r
	mount := r.layout.Proposals()
	stores := []string{store}
	if store == "" {
		keys, err := r.c.KV().List(ctx, mount, records.ProposalDir)
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
		ids, err := r.c.KV().List(ctx, mount, records.ProposalDir+"/"+s)
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

// FindRequest reads a request by ID, or by STORE/ID. IDs are made
// unique, but a finance member can create a request under another store
// with the same ID: an ID found under more than one store is refused, and
// the error asks for STORE/ID.
func (f Payouts) FindRequest(ctx context.Context, id string) (*Request, error) {
	r := f.r
	if store, rest, ok := strings.Cut(id, "/"); ok {
		if _, err := records.ParseStoreName(store); err != nil || !requestIDPattern().MatchString(rest) {
			return nil, fmt.Errorf("payout change %q: give ID or STORE/ID", id)
		}
		return r.loadRequest(ctx, store, rest)
	}
	if !requestIDPattern().MatchString(id) {
		return nil, fmt.Errorf("payout change %q: an ID looks like 20260101-120000-a1b2c3", id)
	}
	keys, err := r.c.KV().List(ctx, r.layout.Proposals(), records.ProposalDir)
	if err != nil {
		return nil, err
	}
	var found []string
	var meta *vault.KVMeta
	for _, k := range keys {
		store := strings.TrimSuffix(k, "/")
		if m, err := r.c.KV().Metadata(ctx, r.layout.Proposals(), records.ProposalPath(store, id)); err == nil {
			found, meta = append(found, store), m
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("payout change %s: %w", id, errNoRecord)
	case 1:
		return r.requestFrom(ctx, found[0], id, meta)
	}
	return nil, fmt.Errorf("payout change %s exists under %d stores (%s): someone made a second one; give STORE/ID and check each: %w",
		id, len(found), strings.Join(found, ", "), vault.ErrConflict)
}

// requestIDPattern is the form newRequestID makes.
var requestIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`) })

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

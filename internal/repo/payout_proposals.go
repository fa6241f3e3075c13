package repo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// The records of payout change requests: each request at
// proposals/payout/STORE/ID in the proposals mount (finance and managers
// create them, nobody updates them), and each decision at
// decisions/payout/STORE/ID in the records mount (managers only). Who
// may decide what is package payoutchange.

// requestFields are the fields a requester signs: where the request is,
// what it changes from and to.
func requestFields(store, id string, base int, rec payout.Record) []string {
	return append([]string{store, id, strconv.Itoa(base)}, recordData(rec)...)
}

const purposeRequest = "payout-request"

// CheckStore refuses a store that does not exist (ErrNoStore), before a
// change is proposed for it.
func (f Proposals) CheckStore(ctx context.Context, store string) error {
	return f.r.requireStore(ctx, store)
}

// Create writes a change request for a store's payout record, changing
// payout version base (0: none yet) to rec: once (check-and-set 0), and
// signed with the caller's key over its store, ID, base and record. It
// names the caller (their entity and token name) as its requester, and
// returns the entity. A token without an entity cannot sign, so cannot
// propose.
func (f Proposals) Create(ctx context.Context, store, id string, base int, rec payout.Record) (entity string, err error) {
	r := f.r
	_, who, err := r.identity(ctx)
	if err != nil {
		return "", err
	}
	entity, signature, err := r.sign(ctx, purposeRequest, requestFields(store, id, base, rec)...)
	if err != nil {
		return "", err
	}
	data := encodePayout(rec, map[string]interface{}{"kind": "payout-request", "requested_by": who,
		"requested_by_entity": entity, "base_version": strconv.Itoa(base), "signature": signature})
	if _, err := r.c.KV().Put(ctx, r.layout.Proposals(), records.ProposalPath(store, id), data, 0); err != nil {
		return "", err
	}
	return entity, nil
}

// Get reads a change request. The store and ID come from the path, the
// creation time from Vault's own record of when the request was created
// (or, for a request moved by `init` from the old layout, when its
// original was), and Signed from checking the signature of the entity it
// names. A request written more than once is refused: requests are never
// updated, so one that was has been tampered with.
func (f Proposals) Get(ctx context.Context, store, id string) (*payout.Proposal, error) {
	r := f.r
	mount, path := r.layout.Proposals(), records.ProposalPath(store, id)
	meta, err := r.c.KV().Metadata(ctx, mount, path)
	if err != nil {
		return nil, err
	}
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
	p := &payout.Proposal{Store: store, ID: id, Record: decodePayout(rec.Data), CreatedAt: created,
		Entity: get("requested_by_entity"), ClaimedBy: get("requested_by")}
	if p.BaseVersion, err = strconv.Atoi(get("base_version")); err != nil || p.BaseVersion < 0 {
		p.BaseVersion = 0
	}
	p.Signed, err = r.signedBy(ctx, p.Entity, get("signature"), purposeRequest, requestFields(store, id, p.BaseVersion, p.Record)...)
	switch {
	case errors.Is(err, vault.ErrDenied):
		// Only managers may check signatures.
		return p, nil
	case err != nil:
		return nil, err
	}
	p.Checked = true
	if p.Signed && entityIDPattern().MatchString(p.Entity) {
		if name, err := r.c.Identity().EntityName(ctx, p.Entity); err == nil {
			p.SignerName = name
		}
	}
	return p, nil
}

// List lists the change requests of a store, or of every store (store
// ""), as STORE/ID, in the order Vault lists them.
func (f Proposals) List(ctx context.Context, store string) ([]string, error) {
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
	var out []string
	for _, s := range stores {
		ids, err := r.c.KV().List(ctx, mount, records.ProposalDir+"/"+s)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !strings.HasSuffix(id, "/") {
				out = append(out, s+"/"+id)
			}
		}
	}
	return out, nil
}

// StoresWith lists the stores that hold a change request with ID id.
func (f Proposals) StoresWith(ctx context.Context, id string) ([]string, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.layout.Proposals(), records.ProposalDir)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, k := range keys {
		store := strings.TrimSuffix(k, "/")
		if _, err := r.c.KV().Metadata(ctx, r.layout.Proposals(), records.ProposalPath(store, id)); err == nil {
			found = append(found, store)
		}
	}
	return found, nil
}

// Decision reads the decision on a change request; nil when there is
// none yet.
func (f Proposals) Decision(ctx context.Context, store, id string) (*payout.Decision, error) {
	r := f.r
	dec, err := r.c.KV().Get(ctx, r.mount, records.DecisionPath(store, id))
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	get := func(k string) string { s, _ := dec.Data[k].(string); return s }
	return &payout.Decision{Status: get("status"), By: get("decided_by"), At: get("decided_at"), Reason: get("reason")}, nil
}

// Decide writes the decision on a change request over version (0: it
// must not exist yet); vault.ErrConflict when the record is not at
// version.
func (f Proposals) Decide(ctx context.Context, store, id string, d payout.Decision, version int) error {
	r := f.r
	_, err := r.c.KV().Put(ctx, r.mount, records.DecisionPath(store, id), map[string]interface{}{
		"kind": "payout-decision", "status": d.Status, "decided_by": d.By, "decided_at": d.At, "reason": d.Reason,
	}, version)
	return err
}

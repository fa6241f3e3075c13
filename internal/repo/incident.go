package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Incident records (records.Incident) live at incidents/STORE; package
// incident locks a store down and lifts the lockdown, and this store
// only reads, writes and lists the records, and refuses new staff for a
// store under an open incident.

// errNoIncident: no incident record for a store.
var errNoIncident = kindError{"no open incident for this store", vault.ErrNotFound}

func incidentPath(store string) string { return "incidents/" + store }

// Get reads a store's last incident; a store that never had one is a
// not-found.
func (f Incidents) Get(ctx context.Context, store string) (*records.Incident, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, incidentPath(store))
	if errors.Is(err, vault.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", store, errNoIncident)
	}
	if err != nil {
		return nil, err
	}
	get := func(k string) string { s, _ := rec.Data[k].(string); return s }
	at := func(k string) time.Time { t, _ := time.Parse(time.RFC3339, get(k)); return t }
	return &records.Incident{Store: store, Status: get("status"), Reason: get("reason"), StartedAt: at("started_at"),
		StartedBy: get("started_by"), Removed: records.SplitList(get("removed")), RemovedWho: records.SplitList(get("removed_names")),
		ClosedAt: at("closed_at"), ClosedBy: get("closed_by"), ForceReason: get("force_reason"), Version: rec.Version}, nil
}

// Put writes an incident record over its Version (check-and-set; 0: a
// new record), sets Version to the version written, and mirrors the
// status in the record's metadata.
func (f Incidents) Put(ctx context.Context, in *records.Incident) error {
	r := f.r
	t := func(v time.Time) string {
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339)
	}
	data := map[string]interface{}{"kind": "incident", "status": in.Status, "reason": in.Reason,
		"started_at": t(in.StartedAt), "started_by": in.StartedBy, "removed": strings.Join(in.Removed, ","),
		"removed_names": strings.Join(in.RemovedWho, ","), "closed_at": t(in.ClosedAt), "closed_by": in.ClosedBy,
		"force_reason": in.ForceReason}
	v, err := r.c.KV().Put(ctx, r.mount, incidentPath(in.Store), data, in.Version)
	if err != nil {
		return err
	}
	in.Version = v
	return r.c.KV().SetCustomMetadata(ctx, r.mount, incidentPath(in.Store), map[string]string{
		"kind": "incident", "status": in.Status, "started_at": t(in.StartedAt)})
}

// List names the stores that have an incident record, open or closed.
func (f Incidents) List(ctx context.Context) ([]string, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, "incidents")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			out = append(out, k)
		}
	}
	return out, nil
}

// ErrLocked: a store under an open incident gets no new staff.
var ErrLocked = kindError{"the store is locked down by an open incident: close it first (`sellervault incident close`)", vault.ErrConflict}

// refuseLocked refuses to give anyone a store under an open incident.
func (r *Repo) refuseLocked(ctx context.Context, stores []string) error {
	for _, s := range stores {
		in, err := r.Incidents().Get(ctx, s)
		switch {
		case errors.Is(err, vault.ErrNotFound):
			continue
		case err != nil:
			return err
		case in.Status == records.IncidentOpen:
			return fmt.Errorf("%s: %w", s, ErrLocked)
		}
	}
	return nil
}

package repo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// An incident is a store whose seller account looks taken over. Starting
// one locks the store down: every staff member's access to it ends at
// once (the store group is emptied; managers keep theirs through their
// role), every credential of the store is due for rotation, and the
// payout record is flagged for verification against the marketplace.
// Closing it puts the staff back, and only when the rotations and the
// verification are done, or when a manager forces it with a reason. Each
// incident is one record, incidents/STORE, whose versions are the
// history of the store's incidents.

// Incident states.
const (
	IncidentOpen   = "open"
	IncidentClosed = "closed"
)

// Errors of incidents.
var (
	errNoIncident = kindError{"no open incident for this store", vault.ErrNotFound}
	// ErrIncidentUnfinished: close refused, something is still open.
	ErrIncidentUnfinished = errors.New("the incident is not finished")
)

// Incident is a store's incident record.
type Incident struct {
	Store     string    `json:"store"`
	Status    string    `json:"status"`
	Reason    string    `json:"reason"`
	StartedAt time.Time `json:"started_at"`
	StartedBy string    `json:"started_by"`
	// Removed are the entity IDs that were in the store's group, put
	// back at the close.
	Removed     []string  `json:"-"`
	RemovedWho  []string  `json:"removed"` // their names, for people
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	ForceReason string    `json:"force_reason,omitempty"`
	version     int
}

// IncidentProgress is what is still open in an incident.
type IncidentProgress struct {
	Incident
	OpenRotations []string `json:"open_rotations"` // credentials not rotated since the start
	HasPayout     bool     `json:"has_payout"`
	PayoutOpen    bool     `json:"payout_verification_open"`
}

// Done tells whether everything the lockdown asked for is done.
func (p IncidentProgress) Done() bool { return len(p.OpenRotations) == 0 && !p.PayoutOpen }

func incidentPath(store string) string { return "incidents/" + store }

// Get reads a store's last incident.
func (f Incidents) Get(ctx context.Context, store string) (*Incident, error) {
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
	return &Incident{Store: store, Status: get("status"), Reason: get("reason"), StartedAt: at("started_at"),
		StartedBy: get("started_by"), Removed: records.SplitList(get("removed")), RemovedWho: records.SplitList(get("removed_names")),
		ClosedAt: at("closed_at"), ClosedBy: get("closed_by"), ForceReason: get("force_reason"), version: rec.Version}, nil
}

func (r *Repo) putIncident(ctx context.Context, in *Incident) error {
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
	v, err := r.c.KV().Put(ctx, r.mount, incidentPath(in.Store), data, in.version)
	if err != nil {
		return err
	}
	in.version = v
	return r.c.KV().SetCustomMetadata(ctx, r.mount, incidentPath(in.Store), map[string]string{
		"kind": "incident", "status": in.Status, "started_at": t(in.StartedAt)})
}

// Start locks a store down. It is safe to run again after a
// failure: the incident record is written first, and each step after it
// is idempotent; on an open incident it applies the lockdown again
// (reopened is true) and keeps the first reason and start.
func (f Incidents) Start(ctx context.Context, store, reason string, now time.Time) (in *Incident, reopened bool, err error) {
	r := f.r
	if err := r.requireStore(ctx, store); err != nil {
		return nil, false, err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return nil, false, err
	}
	in, err = r.Incidents().Get(ctx, store)
	switch {
	case err == nil && in.Status == IncidentOpen:
		reopened = true
	case err == nil:
		in = &Incident{Store: store, version: in.version}
	case errors.Is(err, vault.ErrNotFound):
		in = &Incident{Store: store}
	default:
		return nil, false, err
	}
	if !reopened {
		in.Status, in.Reason, in.StartedAt, in.StartedBy = IncidentOpen, reason, now.UTC().Truncate(time.Second), who
	}
	at := in.StartedAt
	group, err := r.c.Identity().GroupByName(ctx, r.layout.StoreGroup(store))
	if err != nil {
		return nil, reopened, err
	}
	for _, id := range group.MemberEntityIDs { // anyone added since a first try, too
		if records.Contains(in.Removed, id) {
			continue
		}
		name, err := r.c.Identity().EntityName(ctx, id)
		if err != nil {
			name = id
		}
		in.Removed, in.RemovedWho = append(in.Removed, id), append(in.RemovedWho, name)
	}
	if err := r.putIncident(ctx, in); err != nil {
		return nil, reopened, err
	}
	// Staff out at once: their policies come from the group, read at
	// every request, so their tokens lose the store now.
	if err := r.c.Identity().SetGroupMembers(ctx, r.layout.StoreGroup(store), []string{}); err != nil {
		return in, reopened, fmt.Errorf("incident recorded, but staff access was not removed (run it again): %w", err)
	}
	creds, err := r.verifiedCredentials(ctx, store)
	if err != nil {
		return in, reopened, err
	}
	for _, c := range creds {
		if _, err := r.Rotation().MarkDue(ctx, records.Target{Kind: records.TargetCredential, Store: store, Name: c.Name}, at); err != nil {
			return in, reopened, fmt.Errorf("marking %s due: %w", c.Address(), err)
		}
	}
	if _, err := r.flagPayout(ctx, store, at, "incident: "+in.Reason, false); err != nil {
		return in, reopened, err
	}
	return in, reopened, nil
}

// flagPayout flags a store's payout record, if it has one, for
// verification against the marketplace; a record flagged already keeps
// its first flag (and flagged is false).
func (r *Repo) flagPayout(ctx context.Context, store string, at time.Time, why string, dryRun bool) (flagged bool, err error) {
	meta, err := r.c.KV().Metadata(ctx, r.mount, payoutPath(store))
	if errors.Is(err, vault.ErrNotFound) {
		return false, nil
	}
	if err != nil || meta.CustomMetadata["verify_due"] != "" {
		return false, err
	}
	if dryRun {
		return true, nil
	}
	meta.CustomMetadata["verify_due"] = at.Format(time.RFC3339)
	meta.CustomMetadata["verify_reason"] = why
	return true, r.c.KV().SetCustomMetadata(ctx, r.mount, payoutPath(store), meta.CustomMetadata)
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
		case in.Status == IncidentOpen:
			return fmt.Errorf("%s: %w", s, ErrLocked)
		}
	}
	return nil
}

// Progress says what an open incident still waits for.
func (f Incidents) Progress(ctx context.Context, in *Incident) (*IncidentProgress, error) {
	r := f.r
	p := &IncidentProgress{Incident: *in, OpenRotations: []string{}}
	creds, err := r.verifiedCredentials(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	for _, c := range creds {
		if c.Rotation.LastRotated.Before(in.StartedAt) || !c.Rotation.DueSince.IsZero() {
			p.OpenRotations = append(p.OpenRotations, c.Address())
		}
	}
	sort.Strings(p.OpenRotations)
	facts, err := r.payoutFacts(ctx, []records.Store{{Name: in.Store}})
	if err != nil {
		return nil, err
	}
	for _, f := range facts {
		p.HasPayout, p.PayoutOpen = true, f.VerifiedAt.Before(in.StartedAt)
	}
	return p, nil
}

// Open lists the open incidents with their progress.
func (f Incidents) Open(ctx context.Context) ([]*IncidentProgress, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, "incidents")
	if err != nil {
		return nil, err
	}
	var out []*IncidentProgress
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			continue
		}
		in, err := r.Incidents().Get(ctx, k)
		if err != nil {
			return nil, err
		}
		if in.Status != IncidentOpen {
			continue
		}
		p, err := r.Incidents().Progress(ctx, in)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Close ends a store's incident and gives the staff their access
// back; it refuses while rotations or the payout verification are open,
// unless forced with a reason (recorded).
func (f Incidents) Close(ctx context.Context, store, forceReason string, now time.Time) (*IncidentProgress, error) {
	r := f.r
	who, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	in, err := r.Incidents().Get(ctx, store)
	if err != nil {
		return nil, err
	}
	if in.Status != IncidentOpen {
		return nil, fmt.Errorf("%s: %w", store, errNoIncident)
	}
	p, err := r.Incidents().Progress(ctx, in)
	if err != nil {
		return nil, err
	}
	if !p.Done() && forceReason == "" {
		return p, fmt.Errorf("%s: %w", store, ErrIncidentUnfinished)
	}
	// Staff back first: a failure here leaves the incident open, to be
	// closed again.
	group, err := r.c.Identity().GroupByName(ctx, r.layout.StoreGroup(store))
	if err != nil {
		return nil, err
	}
	members := append([]string(nil), group.MemberEntityIDs...)
	for _, id := range in.Removed {
		if !records.Contains(members, id) {
			members = append(members, id)
		}
	}
	if err := r.c.Identity().SetGroupMembers(ctx, r.layout.StoreGroup(store), members); err != nil {
		return nil, err
	}
	in.Status, in.ClosedAt, in.ClosedBy, in.ForceReason = IncidentClosed, now.UTC().Truncate(time.Second), who, ""
	if !p.Done() {
		in.ForceReason = forceReason // recorded only when it was needed
	}
	if err := r.putIncident(ctx, in); err != nil {
		return nil, err
	}
	p.Incident = *in
	return p, nil
}

package incident

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
)

// Errors of incidents.
var (
	// ErrUnfinished: Close refused, something is still open.
	ErrUnfinished = errors.New("the incident is not finished")
	// errNoIncident: Close on a store with no open incident.
	errNoIncident = kindError{"no open incident for this store", failure.ErrNotFound}
)

// kindError is an error with its own words that also matches a kind of
// package failure (which sets the exit code).
type kindError struct {
	msg  string
	kind error
}

func (e kindError) Error() string        { return e.msg }
func (e kindError) Is(target error) bool { return target == e.kind }

// Progress is what is still open in an incident.
type Progress struct {
	records.Incident
	OpenRotations []string `json:"open_rotations"` // credentials not rotated since the start
	HasPayout     bool     `json:"has_payout"`
	PayoutOpen    bool     `json:"payout_verification_open"`
}

// Done tells whether everything the lockdown asked for is done.
func (p Progress) Done() bool { return len(p.OpenRotations) == 0 && !p.PayoutOpen }

// Start locks a store down. It is safe to run again after a failure: the
// incident record is written first, and each step after it is
// idempotent; on an open incident it applies the lockdown again
// (reopened is true) and keeps the first reason and start.
func Start(ctx context.Context, d Deps, store, reason string, now time.Time) (in *records.Incident, reopened bool, err error) {
	if err := d.Stores.Require(ctx, store); err != nil {
		return nil, false, err
	}
	who, err := d.People.Writer(ctx)
	if err != nil {
		return nil, false, err
	}
	in, err = d.Records.Get(ctx, store)
	switch {
	case err == nil && in.Status == records.IncidentOpen:
		reopened = true
	case err == nil:
		in = &records.Incident{Store: store, Version: in.Version}
	case errors.Is(err, failure.ErrNotFound):
		in = &records.Incident{Store: store}
	default:
		return nil, false, err
	}
	if !reopened {
		in.Status, in.Reason, in.StartedAt, in.StartedBy = records.IncidentOpen, reason, now.UTC().Truncate(time.Second), who
	}
	at := in.StartedAt
	members, err := d.Stores.GroupMembers(ctx, store)
	if err != nil {
		return nil, reopened, err
	}
	for _, id := range members { // anyone added since a first try, too
		if records.Contains(in.Removed, id) {
			continue
		}
		name, err := d.People.EntityName(ctx, id)
		if err != nil {
			name = id
		}
		in.Removed, in.RemovedWho = append(in.Removed, id), append(in.RemovedWho, name)
	}
	if err := d.Records.Put(ctx, in); err != nil {
		return nil, reopened, err
	}
	// Staff out at once: their policies come from the group, read at
	// every request, so their tokens lose the store now.
	if err := d.Stores.SetGroupMembers(ctx, store, []string{}); err != nil {
		return in, reopened, fmt.Errorf("incident recorded, but staff access was not removed (run it again): %w", err)
	}
	creds, err := d.Creds.Verified(ctx, store)
	if err != nil {
		return in, reopened, err
	}
	for _, c := range creds {
		if _, err := d.Rotation.MarkDue(ctx, records.Target{Kind: records.TargetCredential, Store: store, Name: c.Name}, at); err != nil {
			return in, reopened, fmt.Errorf("marking %s due: %w", c.Address(), err)
		}
	}
	if _, err := d.Payouts.Flag(ctx, store, at, "incident: "+in.Reason, false); err != nil {
		return in, reopened, err
	}
	return in, reopened, nil
}

// ProgressOf says what an open incident still waits for: the credentials
// not rotated since it started (or still marked due), and the payout
// record's verification.
func ProgressOf(ctx context.Context, d Deps, in *records.Incident) (*Progress, error) {
	p := &Progress{Incident: *in, OpenRotations: []string{}}
	creds, err := d.Creds.Verified(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	for _, c := range creds {
		if c.Rotation.LastRotated.Before(in.StartedAt) || !c.Rotation.DueSince.IsZero() {
			p.OpenRotations = append(p.OpenRotations, c.Address())
		}
	}
	sort.Strings(p.OpenRotations)
	facts, err := d.Payouts.Facts(ctx, []records.Store{{Name: in.Store}})
	if err != nil {
		return nil, err
	}
	for _, f := range facts {
		p.HasPayout, p.PayoutOpen = true, f.VerifiedAt.Before(in.StartedAt)
	}
	return p, nil
}

// Open lists the open incidents with their progress.
func Open(ctx context.Context, d Deps) ([]*Progress, error) {
	stores, err := d.Records.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Progress
	for _, s := range stores {
		in, err := d.Records.Get(ctx, s)
		if err != nil {
			return nil, err
		}
		if in.Status != records.IncidentOpen {
			continue
		}
		p, err := ProgressOf(ctx, d, in)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// Close ends a store's incident and gives the staff their access back;
// it refuses while rotations or the payout verification are open
// (ErrUnfinished, with the progress), unless forced with a reason
// (recorded).
func Close(ctx context.Context, d Deps, store, forceReason string, now time.Time) (*Progress, error) {
	who, err := d.People.Writer(ctx)
	if err != nil {
		return nil, err
	}
	in, err := d.Records.Get(ctx, store)
	if err != nil {
		return nil, err
	}
	if in.Status != records.IncidentOpen {
		return nil, fmt.Errorf("%s: %w", store, errNoIncident)
	}
	p, err := ProgressOf(ctx, d, in)
	if err != nil {
		return nil, err
	}
	if !p.Done() && forceReason == "" {
		return p, fmt.Errorf("%s: %w", store, ErrUnfinished)
	}
	// Staff back first: a failure here leaves the incident open, to be
	// closed again.
	current, err := d.Stores.GroupMembers(ctx, store)
	if err != nil {
		return nil, err
	}
	members := append([]string(nil), current...)
	for _, id := range in.Removed {
		if !records.Contains(members, id) {
			members = append(members, id)
		}
	}
	if err := d.Stores.SetGroupMembers(ctx, store, members); err != nil {
		return nil, err
	}
	in.Status, in.ClosedAt, in.ClosedBy, in.ForceReason = records.IncidentClosed, now.UTC().Truncate(time.Second), who, ""
	if !p.Done() {
		in.ForceReason = forceReason // recorded only when it was needed
	}
	if err := d.Records.Put(ctx, in); err != nil {
		return nil, err
	}
	p.Incident = *in
	return p, nil
}

// Unfinished lists what an open incident's lockdown has not done (a
// start that a failure cut short): staff still in the store's group, a
// credential neither marked due nor rotated since the start, the payout
// record not flagged. Starting the incident again finishes it.
func Unfinished(ctx context.Context, d Deps, in *records.Incident) ([]string, error) {
	var open []string
	members, err := d.Stores.GroupMembers(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	if len(members) > 0 {
		open = append(open, "staff access not removed")
	}
	creds, err := d.Creds.Verified(ctx, in.Store)
	if err != nil {
		return nil, err
	}
	unmarked := 0
	for _, c := range creds {
		if c.Rotation.DueSince.IsZero() && c.Rotation.LastRotated.Before(in.StartedAt) {
			unmarked++
		}
	}
	if unmarked > 0 {
		what := fmt.Sprintf("%d credentials", unmarked)
		if unmarked == 1 {
			what = "1 credential"
		}
		open = append(open, what+" not marked due")
	}
	flag, err := d.Payouts.Flag(ctx, in.Store, in.StartedAt, "", true)
	if err != nil {
		return nil, err
	}
	if flag {
		open = append(open, "payout record not flagged")
	}
	return open, nil
}

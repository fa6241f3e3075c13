package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// Report is what `sellervault doctor` found and, unless DryRun,
// repaired. Names only: never a value.
type Report struct {
	DryRun bool `json:"dry_run"`
	// Credentials is how many live credentials were checked.
	Credentials int `json:"credentials"`
	// Mirrors are the credentials whose custom metadata did not mirror
	// their data ("STORE/NAME: owner, assignees"): an interrupted write,
	// or an edit made with Vault's CLI or API.
	Mirrors []string `json:"mirrors"`
	// Listings are the stores whose credential listing did not name what
	// their credentials' metadata holds (rebuilt).
	Listings []string `json:"listings"`
	// Offboardings are the offboardings a run left unfinished
	// ("NAME to SUCCESSOR"), finished by this one.
	Offboardings []string `json:"offboardings"`
	// Indexes are the redaction audiences whose index lagged their
	// records' values (rebuilt).
	Indexes []string `json:"indexes"`
	// Incidents are the open incidents whose lockdown a run left
	// unfinished ("STORE: what"), applied again.
	Incidents []string `json:"incidents"`
}

// Found reports whether anything needed repair.
func (d *Report) Found() bool { return d.Things() > 0 }

// Things is how many things needed repair.
func (d *Report) Things() int {
	return len(d.Mirrors) + len(d.Listings) + len(d.Offboardings) + len(d.Indexes) + len(d.Incidents)
}

// Run checks the whole team (a manager's job) and repairs what it finds,
// unless dryRun: each credential's metadata against its data, each store's
// credential listing against that metadata, redaction indexes that lag
// their records' values, unfinished offboardings, and incidents whose
// lockdown was cut short. It reads every credential (two requests each):
// run it after a failure, a failover or an edit made around sellervault,
// not on every command. Run again, it finds nothing. On an error, the
// report says what was found before it.
func Run(ctx context.Context, d Deps, dryRun bool, now func() time.Time) (*Report, error) {
	if dryRun {
		defer d.Offboard.Mirrors.DryRun()()
	}
	rep := &Report{DryRun: dryRun, Mirrors: []string{}, Listings: []string{}, Offboardings: []string{},
		Indexes: []string{}, Incidents: []string{}}
	checked, mirrors, listings, err := d.Offboard.Mirrors.Check(ctx, dryRun)
	rep.Credentials, rep.Mirrors, rep.Listings = checked, append(rep.Mirrors, mirrors...), append(rep.Listings, listings...)
	if err != nil {
		return rep, err
	}
	// The indexes before the jobs run again below, which write records
	// (and their index entries) themselves.
	lagging, err := d.Index.RebuildLagging(ctx, dryRun)
	rep.Indexes = append(rep.Indexes, lagging...)
	if err != nil {
		return rep, err
	}
	if err := offboardings(ctx, d, rep, now); err != nil {
		return rep, err
	}
	if err := incidents(ctx, d, rep, now); err != nil {
		return rep, err
	}
	return rep, nil
}

// offboardings finishes every offboarding a run left unfinished: its
// progress record has items pending, or its staff record is not yet
// offboarded. It runs the offboarding again, to the successor it named.
func offboardings(ctx context.Context, d Deps, rep *Report, now func() time.Time) error {
	names, err := d.Offboardings.Offboardings(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		p, err := d.Offboard.Members.LoadOffboarding(ctx, name)
		if err != nil {
			return err
		}
		m, _, err := d.Offboard.Members.Get(ctx, name)
		if errors.Is(err, failure.ErrNotFound) {
			continue // no staff record to offboard any more
		}
		if err != nil {
			return err
		}
		if len(p.Pending) == 0 && m.Status == staff.StatusOffboarded {
			continue
		}
		rep.Offboardings = append(rep.Offboardings, name+" to "+p.HandedTo)
		if rep.DryRun {
			continue
		}
		if _, err := offboard.Run(ctx, d.Offboard, name, p.HandedTo, false, now); err != nil {
			return fmt.Errorf("finish the offboarding of %s: %w", name, err)
		}
	}
	return nil
}

// incidents applies again the lockdown of every open incident whose
// start a failure cut short (incident.Unfinished).
func incidents(ctx context.Context, d Deps, rep *Report, now func() time.Time) error {
	stores, err := d.Incident.Records.List(ctx)
	if errors.Is(err, failure.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, store := range stores {
		in, err := d.Incident.Records.Get(ctx, store)
		if err != nil {
			return err
		}
		if in.Status != records.IncidentOpen {
			continue
		}
		open, err := incident.Unfinished(ctx, d.Incident, in)
		if err != nil {
			return fmt.Errorf("the incident of %s: %w", store, err)
		}
		if len(open) == 0 {
			continue
		}
		rep.Incidents = append(rep.Incidents, store+": "+strings.Join(open, ", "))
		if rep.DryRun {
			continue
		}
		if _, _, err := incident.Start(ctx, d.Incident, store, in.Reason, now()); err != nil {
			return fmt.Errorf("finish the lockdown of %s: %w", store, err)
		}
	}
	return nil
}

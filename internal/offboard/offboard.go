package offboard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/staff"
)

// Step is one step of an offboarding and what it did (or, on a dry run,
// would do). Items lists what it touched in every run of the offboarding
// so far (and, on a dry run, what it would touch); ThisRun what this run
// did or would do.
type Step struct {
	Step    string   `json:"step"`
	Changed bool     `json:"changed"` // this run changed (or would change) something
	Items   []string `json:"items"`
	ThisRun []string `json:"this_run"`
}

// Report is the record of an offboarding.
type Report struct {
	Member    string `json:"member"`
	HandedTo  string `json:"handed_to"`
	By        string `json:"by"`
	At        string `json:"at"`
	DryRun    bool   `json:"dry_run"`
	Steps     []Step `json:"steps"`
	Completed bool   `json:"completed"`
	// Runs is how many runs the offboarding took, this one included (a
	// dry run is not counted); StartedAt when the first began.
	Runs      int    `json:"runs"`
	StartedAt string `json:"started_at"`
}

// Step titles, in the order they run.
const (
	StepDisable    = "disable the identity"
	StepGroups     = "remove group memberships"
	StepLogin      = "delete the login and revoke its tokens"
	StepWrapped    = "revoke wrapped responses of team records"
	StepSecretIDs  = "end the reminder job's secret IDs a manager could have copied (run `sellervault rotation remind-setup` again)"
	StepMirrors    = "bring credentials' metadata up to date with their data"
	StepContacts   = "hand over mailbox and phone"
	StepCredential = "hand over and mark credentials for rotation"
	StepPayouts    = "flag payout records for verification"
	StepRecord     = "record the offboarding"
)

// Run offboards name, handing over to the active member to: see the
// package documentation for its steps. On a dry run it changes nothing
// and reports what it would do. The report covers every run so far; it
// is returned, marked incomplete, with the error of a step that failed
// (run it again to finish).
func Run(ctx context.Context, d Deps, name, to string, dryRun bool, now func() time.Time) (*Report, error) {
	if dryRun {
		defer d.Mirrors.DryRun()()
	}
	m, version, err := d.Members.Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if to == name {
		return nil, fmt.Errorf("hand over to someone else than %s", name)
	}
	progress, err := d.Members.LoadOffboarding(ctx, name)
	if err != nil {
		return nil, err
	}
	if progress.HandedTo != "" && progress.HandedTo != to {
		return nil, fmt.Errorf("the offboarding of %s hands over to %s (started %s): run it again with --handover-to %s",
			name, progress.HandedTo, progress.StartedAt, progress.HandedTo)
	}
	if succ, _, err := d.Members.Get(ctx, to); err != nil {
		return nil, fmt.Errorf("successor: %w", err)
	} else if succ.Status != staff.StatusActive {
		return nil, fmt.Errorf("successor %s is not active", to)
	}
	who, err := d.Identities.Writer(ctx)
	if err != nil {
		return nil, err
	}
	at := now().UTC().Truncate(time.Second)
	if !dryRun {
		if progress.StartedAt == "" {
			progress.HandedTo, progress.StartedAt, progress.StartedBy = to, at.Format(time.RFC3339), who
		}
		progress.Runs++
		if err := d.Members.SaveOffboarding(ctx, progress); err != nil {
			return nil, err
		}
	}
	rep := &Report{Member: name, HandedTo: to, By: who, At: at.Format(time.RFC3339), DryRun: dryRun,
		Runs: progress.Runs, StartedAt: progress.StartedAt}
	if rep.StartedAt == "" {
		rep.StartedAt = rep.At
	}
	// step runs one step: run returns what it did (on a dry run, what it
	// would do), even when it fails part way, and tells op.plan its list
	// before it changes anything.
	step := func(title string, run func(op op) ([]string, error)) error {
		planned := false
		o := op{dryRun: dryRun, plan: func(items []string) error {
			planned = true
			if !plan(progress, title, items) {
				return nil
			}
			return d.Members.SaveOffboarding(ctx, progress)
		}}
		items, err := run(o)
		if !dryRun && finish(progress, title, items, planned && err == nil) {
			if serr := d.Members.SaveOffboarding(ctx, progress); serr != nil {
				err = errors.Join(err, serr)
			}
		}
		all := slices.Clone(progress.Done[title])
		for _, it := range items {
			if !slices.Contains(all, it) {
				all = append(all, it)
			}
		}
		rep.Steps = append(rep.Steps, Step{Step: title, Changed: len(items) > 0,
			Items: nonNil(all), ThisRun: nonNil(slices.Clone(items))})
		if err != nil {
			return fmt.Errorf("offboarding %s: %s: %w (run it again to finish)", name, title, err)
		}
		return nil
	}
	entityID, err := d.Identities.EntityID(ctx, name)
	if err != nil && !errors.Is(err, failure.ErrNotFound) {
		return nil, err
	}
	steps := []struct {
		title string
		run   func(op op) ([]string, error)
	}{
		{StepDisable, func(o op) ([]string, error) {
			disabled, err := d.Identities.Disabled(ctx, name)
			if errors.Is(err, failure.ErrNotFound) || disabled {
				return nil, o.planned(nil)
			}
			if err != nil {
				return nil, err
			}
			return o.do([]string{"entity " + name}, func() error { return d.Identities.Disable(ctx, name) })
		}},
		{StepGroups, func(o op) ([]string, error) {
			if entityID == "" {
				return nil, o.planned(nil)
			}
			groups, err := d.Identities.Groups(ctx, m, entityID)
			if err != nil {
				return nil, err
			}
			items := make([]string, len(groups))
			for i, g := range groups {
				items[i] = "group " + g
			}
			if o.dryRun {
				return items, nil
			}
			if err := o.planned(items); err != nil {
				return nil, err
			}
			for i, g := range groups {
				if err := d.Identities.LeaveGroup(ctx, g, entityID); err != nil {
					return items[:i], err
				}
			}
			return items, nil
		}},
		{StepLogin, func(o op) ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, o.planned(nil)
			}
			return o.do([]string{"userpass login " + name, "tokens issued to " + name}, func() error {
				return d.Identities.DeleteLogin(ctx, name)
			})
		}},
		{StepWrapped, func(o op) ([]string, error) { return revokeWrappedCopies(ctx, d.Tokens, o) }},
		{StepSecretIDs, func(o op) ([]string, error) {
			if m.Role != staff.RoleManager {
				return nil, o.planned(nil)
			}
			return destroyReminderSecretIDs(ctx, d.Tokens, o)
		}},
		{StepMirrors, func(o op) ([]string, error) {
			// What is handed over is chosen from metadata: an owner changed
			// around sellervault (Vault's CLI) must not be missed.
			_, mirrors, listings, err := d.Mirrors.Check(ctx, o.dryRun)
			if err != nil {
				return mirrors, err
			}
			for _, s := range listings {
				mirrors = append(mirrors, "listing of store "+s)
			}
			return mirrors, nil
		}},
		{StepContacts, func(o op) ([]string, error) { return handOverContacts(ctx, d.Contacts, name, to, who, at, o) }},
		{StepCredential, func(o op) ([]string, error) { return handOverCredentials(ctx, d.Creds, m, to, at, o) }},
		{StepPayouts, func(o op) ([]string, error) { return flagPayouts(ctx, d, m, at, o) }},
		{StepRecord, func(o op) ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, o.planned(nil)
			}
			return o.do([]string{"staff record " + name}, func() error {
				return d.Members.RecordOffboarding(ctx, m, version, rep.At, who, to)
			})
		}},
	}
	for _, s := range steps {
		if err := step(s.title, s.run); err != nil {
			return rep, err
		}
	}
	rep.Completed = !dryRun
	return rep, nil
}

// nonNil is list, or an empty list for nil (JSON [] rather than null).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

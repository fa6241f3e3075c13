package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// OffboardStep is one step of an offboarding and what it did (or, on a
// dry run, would do). Items lists what it touched in every run of the
// offboarding so far (and, on a dry run, what it would touch); ThisRun
// what this run did or would do.
type OffboardStep struct {
	Step    string   `json:"step"`
	Changed bool     `json:"changed"` // this run changed (or would change) something
	Items   []string `json:"items"`
	ThisRun []string `json:"this_run"`
}

// OffboardReport is the record of an offboarding.
type OffboardReport struct {
	Member    string         `json:"member"`
	HandedTo  string         `json:"handed_to"`
	By        string         `json:"by"`
	At        string         `json:"at"`
	DryRun    bool           `json:"dry_run"`
	Steps     []OffboardStep `json:"steps"`
	Completed bool           `json:"completed"`
	// Runs is how many runs the offboarding took, this one included (a
	// dry run is not counted); StartedAt when the first began.
	Runs      int    `json:"runs"`
	StartedAt string `json:"started_at"`
}

// Offboard ends a member's access and hands over what they held. Every
// step first checks whether it is done, so the offboarding can be run
// again after a failure at any step and finishes without duplicating
// anything; a run on a finished offboarding changes nothing.
//
// The steps: disable the identity (its tokens stop working at once);
// remove its group memberships; delete the userpass login; revoke every
// token issued through it; hand the mailbox, phone and owned or assigned
// credentials to the successor; mark every credential of the member's
// stores (all stores, for finance and managers) due for rotation now and
// flag those stores' payout records for verification; record the
// offboarding in the staff record.
//
// What each run does is kept, item by item, in a progress record
// (offboard_progress.go): the report of a run lists everything done by
// every run, and a re-run must hand over to the same successor.
func (f Members) Offboard(ctx context.Context, name, to string, dryRun bool, now func() time.Time) (*OffboardReport, error) {
	r := f.r
	if dryRun {
		defer r.dryRun()()
	}
	m, version, err := r.Members().Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if to == name {
		return nil, fmt.Errorf("hand over to someone else than %s", name)
	}
	progress, err := r.loadOffboardProgress(ctx, name)
	if err != nil {
		return nil, err
	}
	if progress.HandedTo != "" && progress.HandedTo != to {
		return nil, fmt.Errorf("the offboarding of %s hands over to %s (started %s): run it again with --handover-to %s",
			name, progress.HandedTo, progress.StartedAt, progress.HandedTo)
	}
	if succ, _, err := r.Members().Get(ctx, to); err != nil {
		return nil, fmt.Errorf("successor: %w", err)
	} else if succ.Status != staff.StatusActive {
		return nil, fmt.Errorf("successor %s is not active", to)
	}
	who, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	if !dryRun {
		if progress.StartedAt == "" {
			progress.HandedTo, progress.StartedAt, progress.StartedBy = to, at.Format(time.RFC3339), who
		}
		progress.Runs++
		if err := r.saveOffboardProgress(ctx, name, progress); err != nil {
			return nil, err
		}
	}
	rep := &OffboardReport{Member: name, HandedTo: to, By: who, At: at.Format(time.RFC3339), DryRun: dryRun,
		Runs: progress.Runs, StartedAt: progress.StartedAt}
	if rep.StartedAt == "" {
		rep.StartedAt = rep.At
	}
	// step runs one step: run returns what it did (on a dry run, what it
	// would do), even when it fails part way, and tells op.plan its list
	// before it changes anything.
	step := func(title string, run func(op offboardOp) ([]string, error)) error {
		planned := false
		op := offboardOp{dryRun: dryRun, plan: func(items []string) error {
			planned = true
			if !progress.plan(title, items) {
				return nil
			}
			return r.saveOffboardProgress(ctx, name, progress)
		}}
		items, err := run(op)
		if !dryRun && progress.finish(title, items, planned && err == nil) {
			if serr := r.saveOffboardProgress(ctx, name, progress); serr != nil {
				err = errors.Join(err, serr)
			}
		}
		all := slices.Clone(progress.Done[title])
		for _, it := range items {
			if !slices.Contains(all, it) {
				all = append(all, it)
			}
		}
		rep.Steps = append(rep.Steps, OffboardStep{Step: title, Changed: len(items) > 0,
			Items: nonNil(all), ThisRun: nonNil(slices.Clone(items))})
		if err != nil {
			return fmt.Errorf("offboarding %s: %s: %w (run it again to finish)", name, title, err)
		}
		return nil
	}
	entityID, err := r.c.Identity().EntityID(ctx, name)
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	steps := []struct {
		title string
		run   func(op offboardOp) ([]string, error)
	}{
		{"disable the identity", func(op offboardOp) ([]string, error) {
			disabled, err := r.c.Identity().EntityDisabled(ctx, name)
			if errors.Is(err, vault.ErrNotFound) || disabled {
				return nil, op.planned(nil)
			}
			if err != nil {
				return nil, err
			}
			return r.offboardDo(op, []string{"entity " + name}, func() error { return r.c.Identity().DisableEntity(ctx, name) })
		}},
		{"remove group memberships", func(op offboardOp) ([]string, error) {
			if entityID == "" {
				return nil, op.planned(nil)
			}
			groups := []string{r.layout.RoleGroup(staff.PersonRole(m.Role))}
			for _, s := range m.Stores {
				groups = append(groups, r.layout.StoreGroup(s))
			}
			var member []string
			for _, g := range groups {
				grp, err := r.c.Identity().GroupByName(ctx, g)
				if errors.Is(err, vault.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				if contains(grp.MemberEntityIDs, entityID) {
					member = append(member, g)
				}
			}
			items := make([]string, len(member))
			for i, g := range member {
				items[i] = "group " + g
			}
			if op.dryRun {
				return items, nil
			}
			if err := op.planned(items); err != nil {
				return nil, err
			}
			for i, g := range member {
				if _, err := r.c.Identity().RemoveGroupMember(ctx, g, entityID); err != nil {
					return items[:i], err
				}
			}
			return items, nil
		}},
		{"delete the login and revoke its tokens", func(op offboardOp) ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, op.planned(nil)
			}
			return r.offboardDo(op, []string{"userpass login " + name, "tokens issued to " + name}, func() error {
				if err := r.c.Userpass().RevokeLogins(ctx, vault.UserpassMount, name); err != nil {
					return err
				}
				return r.c.Userpass().DeleteUser(ctx, vault.UserpassMount, name)
			})
		}},
		{"revoke wrapped responses of team records", func(op offboardOp) ([]string, error) { return r.revokeWrappedCopies(ctx, op) }},
		{"end the reminder job's secret IDs a manager could have copied (run `sellervault rotation remind-setup` again)", func(op offboardOp) ([]string, error) {
			if m.Role != staff.RoleManager {
				return nil, op.planned(nil)
			}
			return r.destroyReminderSecretIDs(ctx, op)
		}},
		{"bring credentials' metadata up to date with their data", func(op offboardOp) ([]string, error) {
			// What is handed over is chosen from metadata: an owner changed
			// around sellervault (Vault's CLI) must not be missed.
			return r.repairMirrors(ctx, op.dryRun)
		}},
		{"hand over mailbox and phone", func(op offboardOp) ([]string, error) { return r.handOverContacts(ctx, name, to, at, op) }},
		{"hand over and mark credentials for rotation", func(op offboardOp) ([]string, error) {
			return r.handOverCredentials(ctx, m, to, at, op)
		}},
		{"flag payout records for verification", func(op offboardOp) ([]string, error) { return r.flagPayouts(ctx, m, at, op) }},
		{"record the offboarding", func(op offboardOp) ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, op.planned(nil)
			}
			return r.offboardDo(op, []string{"staff record " + name}, func() error {
				m.Status = staff.StatusOffboarded
				data, meta := m.Encode()
				for k, v := range map[string]string{"offboarded_at": rep.At, "offboarded_by": who, "handed_to": to} {
					data[k], meta[k] = v, v
				}
				if _, err := r.c.KV().Put(ctx, r.mount, staff.Path(name), data, version); err != nil {
					return err
				}
				return r.c.KV().SetCustomMetadata(ctx, r.mount, staff.Path(name), meta)
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

func contains(list []string, s string) bool { return records.Contains(list, s) }

// offboardDo is a step that does one thing, described by items: planned,
// then done (on a dry run, only listed).
func (r *Repo) offboardDo(op offboardOp, items []string, do func() error) ([]string, error) {
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	if err := do(); err != nil {
		return nil, err
	}
	return items, nil
}

package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// OffboardStep is one step of an offboarding and what it did (or, on a
// dry run, would do). Items lists what it touched.
type OffboardStep struct {
	Step    string   `json:"step"`
	Changed bool     `json:"changed"`
	Items   []string `json:"items"`
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
func (r *Repo) Offboard(ctx context.Context, name, to string, dryRun bool, now func() time.Time) (*OffboardReport, error) {
	m, version, err := r.GetMember(ctx, name)
	if err != nil {
		return nil, err
	}
	if to == name {
		return nil, fmt.Errorf("hand over to someone else than %s", name)
	}
	if succ, _, err := r.GetMember(ctx, to); err != nil {
		return nil, fmt.Errorf("successor: %w", err)
	} else if succ.Status != staff.StatusActive {
		return nil, fmt.Errorf("successor %s is not active", to)
	}
	who, err := r.writer(ctx)
	if err != nil {
		return nil, err
	}
	at := nowUTC(now)
	rep := &OffboardReport{Member: name, HandedTo: to, By: who, At: at.Format(time.RFC3339), DryRun: dryRun}
	step := func(title string, run func() ([]string, error)) error {
		items, err := run()
		if err != nil {
			return fmt.Errorf("offboarding %s: %s: %w (run it again to finish)", name, title, err)
		}
		if items == nil {
			items = []string{}
		}
		rep.Steps = append(rep.Steps, OffboardStep{Step: title, Changed: len(items) > 0, Items: items})
		return nil
	}
	entityID, err := r.c.EntityID(ctx, name)
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	steps := []struct {
		title string
		run   func() ([]string, error)
	}{
		{"disable the identity", func() ([]string, error) {
			disabled, err := r.c.EntityDisabled(ctx, name)
			if errors.Is(err, vault.ErrNotFound) || disabled {
				return nil, nil
			}
			if err != nil || dryRun {
				return []string{"entity " + name}, err
			}
			return []string{"entity " + name}, r.c.DisableEntity(ctx, name)
		}},
		{"remove group memberships", func() ([]string, error) {
			if entityID == "" {
				return nil, nil
			}
			groups := []string{r.layout.RoleGroup(staff.PersonRole(m.Role))}
			for _, s := range m.Stores {
				groups = append(groups, r.layout.StoreGroup(s))
			}
			var out []string
			for _, g := range groups {
				grp, err := r.c.GroupByName(ctx, g)
				if errors.Is(err, vault.ErrNotFound) {
					continue
				}
				if err != nil {
					return out, err
				}
				if !contains(grp.MemberEntityIDs, entityID) {
					continue
				}
				out = append(out, "group "+g)
				if !dryRun {
					if _, err := r.c.RemoveGroupMember(ctx, g, entityID); err != nil {
						return out, err
					}
				}
			}
			return out, nil
		}},
		{"delete the login and revoke its tokens", func() ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, nil
			}
			if dryRun {
				return []string{"userpass login " + name, "tokens issued to " + name}, nil
			}
			if err := r.c.RevokeLogins(ctx, vault.UserpassMount, name); err != nil {
				return nil, err
			}
			return []string{"userpass login " + name, "tokens issued to " + name}, r.c.DeleteUserpassUser(ctx, vault.UserpassMount, name)
		}},
		{"revoke wrapped responses of team records", func() ([]string, error) { return r.RevokeWrappedCopies(ctx, dryRun) }},
		{"end the reminder job's secret IDs a manager could have copied (run `sellervault rotation remind-setup` again)", func() ([]string, error) {
			if m.Role != staff.RoleManager {
				return nil, nil
			}
			return r.destroyReminderSecretIDs(ctx, dryRun)
		}},
		{"hand over mailbox and phone", func() ([]string, error) { return r.handOverContacts(ctx, name, to, at, dryRun) }},
		{"hand over and mark credentials for rotation", func() ([]string, error) {
			return r.handOverCredentials(ctx, m, to, at, dryRun)
		}},
		{"flag payout records for verification", func() ([]string, error) { return r.flagPayouts(ctx, m, at, dryRun) }},
		{"record the offboarding", func() ([]string, error) {
			if m.Status == staff.StatusOffboarded {
				return nil, nil
			}
			if dryRun {
				return []string{"staff record " + name}, nil
			}
			m.Status = staff.StatusOffboarded
			data, meta := m.Encode()
			for k, v := range map[string]string{"offboarded_at": rep.At, "offboarded_by": who, "handed_to": to} {
				data[k], meta[k] = v, v
			}
			if _, err := r.c.KVPut(ctx, r.mount, staff.Path(name), data, version); err != nil {
				return nil, err
			}
			return []string{"staff record " + name}, r.c.KVSetCustomMetadata(ctx, r.mount, staff.Path(name), meta)
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

// destroyReminderSecretIDs destroys every secret ID of the reminder job's
// AppRole: a manager issues them, so a leaving manager may hold one.
func (r *Repo) destroyReminderSecretIDs(ctx context.Context, dryRun bool) ([]string, error) {
	role := r.layout.ReminderRole()
	accessors, err := r.c.AppRoleSecretIDAccessors(ctx, vault.AppRoleMount, role)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range accessors {
		out = append(out, "secret ID of "+role+" (accessor "+a+")")
		if dryRun {
			continue
		}
		if err := r.c.DestroyAppRoleSecretID(ctx, vault.AppRoleMount, role, a); err != nil {
			return out, err
		}
	}
	return out, nil
}

// RevokeWrappedCopies revokes every response-wrapping token made from a read
// or write of the team's mounts, or from an unwrap or rewrap. Vault makes wrapping tokens as orphans,
// so revoking the leaver's tokens leaves them alive, and Vault records no
// author in them: sellervault itself never wraps a team path, so every
// such token is somebody's private copy of a record, which an offboarding
// ends. A manager's onboarding tokens (made with sys/wrapping/wrap) stay.
func (r *Repo) RevokeWrappedCopies(ctx context.Context, dryRun bool) ([]string, error) {
	l := r.layout
	var prefixes []string
	for _, m := range []string{l.KV(), l.TOTP(), l.Transit(), l.Proposals(), l.Verifications(), l.Reminders()} {
		prefixes = append(prefixes, m+"/")
	}
	// An unwrap or rewrap asked to wrap its answer again makes a new
	// wrapping token of what the first one held, with any TTL.
	prefixes = append(prefixes, "sys/wrapping/unwrap", "sys/wrapping/rewrap")
	// One lookup per token, a few at a time: Vault can list accessors
	// but not filter them, and holds a token per login and job run.
	accessors, err := r.c.TokenAccessors(ctx)
	if err != nil {
		return nil, err
	}
	found := make([]*vault.WrappingToken, len(accessors))
	if err := inParallel(len(accessors), reads, func(i int) (err error) {
		found[i], err = r.c.WrappingTokenOf(ctx, accessors[i], prefixes)
		return err
	}); err != nil {
		return nil, err
	}
	var out []string
	for _, t := range found {
		if t == nil {
			continue
		}
		out = append(out, "wrapped response of "+t.Path)
		if dryRun {
			continue
		}
		if err := r.c.RevokeAccessor(ctx, t.Accessor); err != nil && !errors.Is(err, vault.ErrBadRequest) {
			return out, err
		}
	}
	return out, nil
}

// handOverContacts gives the successor the leaver's mailboxes and phones,
// marked due for rotation: the leaver knew their passwords and PINs.
func (r *Repo) handOverContacts(ctx context.Context, from, to string, at time.Time, dryRun bool) ([]string, error) {
	var out []string
	boxes, err := r.ListMailboxes(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range boxes {
		if b.Assignee != from {
			continue
		}
		out = append(out, "mailbox "+b.Address)
		if dryRun {
			continue
		}
		full, v, err := r.mailboxByID(ctx, b.ID)
		if err != nil {
			return out, err
		}
		full.Assignee, full.UpdatedBy = to, r.who
		if full.Rotation.DueSince.IsZero() {
			full.Rotation.DueSince = at
		}
		if err := r.updateMailbox(ctx, full, v); err != nil {
			return out, err
		}
	}
	phones, err := r.ListPhones(ctx)
	if err != nil {
		return out, err
	}
	for _, p := range phones {
		if p.Assignee != from {
			continue
		}
		out = append(out, "phone "+p.Number)
		if dryRun {
			continue
		}
		full, v, err := r.phoneByID(ctx, p.ID)
		if err != nil {
			return out, err
		}
		full.Assignee, full.UpdatedBy = to, r.who
		if full.Rotation.DueSince.IsZero() {
			full.Rotation.DueSince = at
		}
		if err := r.updatePhone(ctx, full, v); err != nil {
			return out, err
		}
	}
	return out, nil
}

// handOverCredentials gives the successor what the leaver owned or was
// assigned, and marks due for rotation every credential the leaver could
// read (their stores' for ops; every store's for finance and managers).
func (r *Repo) handOverCredentials(ctx context.Context, m staff.Member, to string, at time.Time, dryRun bool) ([]string, error) {
	store := ""
	if m.Role == staff.RoleOps && len(m.Stores) == 1 {
		store = m.Stores[0]
	}
	creds, err := r.ListCredentials(ctx, store)
	if err != nil {
		return nil, err
	}
	var todo []records.Credential
	var out []string
	for _, c := range creds {
		readable := m.Role != staff.RoleOps || contains(m.Stores, c.Store)
		held := c.Owner == m.Name || contains(c.Assignees, m.Name)
		if held || (readable && c.Rotation.DueSince.IsZero()) {
			todo = append(todo, c)
			out = append(out, "credential "+c.Address())
		}
	}
	if dryRun {
		return out, nil
	}
	// A few at a time: a leaver may have seen a thousand credentials.
	return out, inParallel(len(todo), reads, func(i int) error {
		return r.handOverCredential(ctx, todo[i], m, to, at)
	})
}

func (r *Repo) handOverCredential(ctx context.Context, c records.Credential, m staff.Member, to string, at time.Time) error {
	full, v, err := r.GetCredential(ctx, c.Store, c.Name)
	if err != nil {
		return err
	}
	if full.Owner == m.Name {
		full.Owner = to
	}
	if contains(full.Assignees, m.Name) {
		full.Assignees = records.SplitList(replaceName(full.Assignees, m.Name, to))
	}
	readable := m.Role != staff.RoleOps || contains(m.Stores, c.Store)
	if readable && full.Rotation.DueSince.IsZero() {
		full.Rotation.DueSince = at
		if !contains(full.Assignees, to) {
			full.Assignees = append(full.Assignees, to)
		}
	}
	// Only who holds it and when it is due change: no value, so the
	// redaction index stays as it is.
	return r.updateCredential(ctx, full, v, r.updateValuesKept)
}

func replaceName(list []string, from, to string) string {
	out := ""
	for _, n := range list {
		if n == from {
			n = to
		}
		out += n + ","
	}
	return out
}

// flagPayouts marks the payout records the leaver could read for
// verification against the marketplace (finance and managers: all).
func (r *Repo) flagPayouts(ctx context.Context, m staff.Member, at time.Time, dryRun bool) ([]string, error) {
	if m.Role == staff.RoleOps {
		return nil, nil // staff never read payout records
	}
	stores, err := r.ListStores(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range stores {
		flagged, err := r.flagPayout(ctx, s.Name, at, "offboarding of "+m.Name, dryRun)
		if err != nil {
			return out, err
		}
		if flagged {
			out = append(out, "payout "+s.Name)
		}
	}
	return out, nil
}

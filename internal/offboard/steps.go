package offboard

import (
	"context"
	"time"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// op is how a step runs: dryRun only lists what it would do; otherwise
// plan is told the whole list before the first change (see progress.go),
// and the step returns what it did.
type op struct {
	dryRun bool
	plan   func(items []string) error // nil: nothing to tell
}

// planned tells plan what the step is about to do; nothing on a dry run.
func (o op) planned(items []string) error {
	if o.dryRun || o.plan == nil {
		return nil
	}
	return o.plan(items)
}

// do is a step that does one thing, described by items: planned, then
// done (on a dry run, only listed).
func (o op) do(items []string, do func() error) ([]string, error) {
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	if err := do(); err != nil {
		return nil, err
	}
	return items, nil
}

// RevokeWrappedCopies revokes every response-wrapping token made from a
// read or write of the team's mounts, or from an unwrap or rewrap (on a
// dry run, only lists them), as an offboarding does: Vault makes
// wrapping tokens as orphans, so revoking the leaver's tokens leaves them
// alive, and Vault records no author in them. It returns what it
// revoked.
func RevokeWrappedCopies(ctx context.Context, t Tokens, dryRun bool) ([]string, error) {
	return revokeWrappedCopies(ctx, t, op{dryRun: dryRun})
}

func revokeWrappedCopies(ctx context.Context, t Tokens, o op) ([]string, error) {
	copies, err := t.WrappedCopies(ctx)
	if err != nil {
		return nil, err
	}
	var items []string
	for _, c := range copies {
		items = append(items, "wrapped response of "+c.Path)
	}
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	for i, c := range copies {
		if err := t.RevokeWrappedCopy(ctx, c.Accessor); err != nil {
			return items[:i], err
		}
	}
	return items, nil
}

// destroyReminderSecretIDs destroys every secret ID of the reminder job's
// AppRole: a manager issues them, so a leaving manager may hold one.
func destroyReminderSecretIDs(ctx context.Context, t Tokens, o op) ([]string, error) {
	role, accessors, err := t.ReminderSecretIDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(accessors) == 0 {
		return nil, o.planned(nil)
	}
	items := make([]string, len(accessors))
	for i, a := range accessors {
		items[i] = "secret ID of " + role + " (accessor " + a + ")"
	}
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	for i, a := range accessors {
		if err := t.DestroyReminderSecretID(ctx, a); err != nil {
			return items[:i], err
		}
	}
	return items, nil
}

// handOverContacts gives the successor the leaver's mailboxes and phones,
// marked due for rotation: the leaver knew their passwords and PINs.
func handOverContacts(ctx context.Context, c Contacts, from, to, who string, at time.Time, o op) ([]string, error) {
	boxes, err := c.ListMailboxes(ctx)
	if err != nil {
		return nil, err
	}
	phones, err := c.ListPhones(ctx)
	if err != nil {
		return nil, err
	}
	var items []string
	var todo []func() error
	for _, b := range boxes {
		if b.Assignee != from {
			continue
		}
		items = append(items, "mailbox "+b.Address)
		todo = append(todo, func() error {
			full, v, err := c.MailboxByID(ctx, b.ID)
			if err != nil {
				return err
			}
			full.Assignee, full.UpdatedBy = to, who
			if full.Rotation.DueSince.IsZero() {
				full.Rotation.DueSince = at
			}
			return c.UpdateMailbox(ctx, full, v)
		})
	}
	for _, p := range phones {
		if p.Assignee != from {
			continue
		}
		items = append(items, "phone "+p.Number)
		todo = append(todo, func() error {
			full, v, err := c.PhoneByID(ctx, p.ID)
			if err != nil {
				return err
			}
			full.Assignee, full.UpdatedBy = to, who
			if full.Rotation.DueSince.IsZero() {
				full.Rotation.DueSince = at
			}
			return c.UpdatePhone(ctx, full, v)
		})
	}
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	for i, do := range todo {
		if err := do(); err != nil {
			return items[:i], err
		}
	}
	return items, nil
}

// handOverAtOnce is how many credentials an offboarding hands over at
// once: a leaver may have seen a thousand.
const handOverAtOnce = 8

// handOverCredentials gives the successor what the leaver owned or was
// assigned, and marks due for rotation every credential the leaver could
// read (their stores' for ops; every store's for finance and managers).
// Every store is searched: whatever their role, a leaver may own or be
// assigned credentials of stores they could not read.
func handOverCredentials(ctx context.Context, c Creds, m staff.Member, to string, at time.Time, o op) ([]string, error) {
	creds, err := c.List(ctx, "")
	if err != nil {
		return nil, err
	}
	var todo []records.Credential
	var items []string
	for _, cr := range creds {
		readable := m.CanRead(cr.Store)
		held := cr.HeldBy(m.Name) != records.NotHeld
		if held || (readable && cr.Rotation.DueSince.IsZero()) {
			todo = append(todo, cr)
			items = append(items, "credential "+cr.Address())
		}
	}
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	done := make([]bool, len(todo))
	err = parallel.Do(len(todo), handOverAtOnce, func(i int) error {
		err := handOverCredential(ctx, c, todo[i], m, to, at)
		done[i] = err == nil
		return err
	})
	var handed []string
	for i, ok := range done {
		if ok {
			handed = append(handed, items[i])
		}
	}
	return handed, err
}

func handOverCredential(ctx context.Context, c Creds, cr records.Credential, m staff.Member, to string, at time.Time) error {
	full, v, err := c.Get(ctx, cr.Store, cr.Name)
	if err != nil {
		return err
	}
	if full.Owner == m.Name {
		full.Owner = to
	}
	if records.Contains(full.Assignees, m.Name) {
		full.Assignees = records.SplitList(replaceName(full.Assignees, m.Name, to))
	}
	if m.CanRead(cr.Store) && full.Rotation.DueSince.IsZero() {
		full.Rotation.DueSince = at
		if !records.Contains(full.Assignees, to) {
			full.Assignees = append(full.Assignees, to)
		}
	}
	// Only who holds it and when it is due change: no value, so the
	// redaction index stays as it is.
	return c.UpdateKeepingValues(ctx, full, v)
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
func flagPayouts(ctx context.Context, d Deps, m staff.Member, at time.Time, o op) ([]string, error) {
	if m.Role == staff.RoleOps {
		return nil, o.planned(nil) // staff never read payout records
	}
	stores, err := d.Stores.List(ctx)
	if err != nil {
		return nil, err
	}
	why := "offboarding of " + m.Name
	var todo, items []string
	for _, s := range stores {
		due, err := d.Payouts.Flag(ctx, s.Name, at, why, true)
		if err != nil {
			return nil, err
		}
		if due {
			todo, items = append(todo, s.Name), append(items, "payout "+s.Name)
		}
	}
	if o.dryRun {
		return items, nil
	}
	if err := o.planned(items); err != nil {
		return nil, err
	}
	var out []string
	for i, store := range todo {
		if _, err := d.Payouts.Flag(ctx, store, at, why, false); err != nil {
			return out, err
		}
		out = append(out, items[i])
	}
	return out, nil
}

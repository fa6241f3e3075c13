package repo

import (
	"context"
	"errors"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// offboardOp is how an offboarding step runs: dryRun only lists what it
// would do; otherwise plan is told the whole list before the first change
// (see offboard_progress.go), and the step returns what it did.
type offboardOp struct {
	dryRun bool
	plan   func(items []string) error // nil: nothing to tell
}

// planned tells plan what the step is about to do; nothing on a dry run.
func (op offboardOp) planned(items []string) error {
	if op.dryRun || op.plan == nil {
		return nil
	}
	return op.plan(items)
}

// destroyReminderSecretIDs destroys every secret ID of the reminder job's
// AppRole: a manager issues them, so a leaving manager may hold one.
func (r *Repo) destroyReminderSecretIDs(ctx context.Context, op offboardOp) ([]string, error) {
	role := r.layout.ReminderRole()
	accessors, err := r.c.AppRoles().SecretIDAccessors(ctx, vault.AppRoleMount, role)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, op.planned(nil)
	}
	if err != nil {
		return nil, err
	}
	items := make([]string, len(accessors))
	for i, a := range accessors {
		items[i] = "secret ID of " + role + " (accessor " + a + ")"
	}
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	for i, a := range accessors {
		if err := r.c.AppRoles().DestroySecretID(ctx, vault.AppRoleMount, role, a); err != nil {
			return items[:i], err
		}
	}
	return items, nil
}

// RevokeWrappedCopies revokes every response-wrapping token made from a read
// or write of the team's mounts, or from an unwrap or rewrap. Vault makes wrapping tokens as orphans,
// so revoking the leaver's tokens leaves them alive, and Vault records no
// author in them: sellervault itself never wraps a team path, so every
// such token is somebody's private copy of a record, which an offboarding
// ends. A manager's onboarding tokens (made with sys/wrapping/wrap) stay.
func (f Members) RevokeWrappedCopies(ctx context.Context, dryRun bool) ([]string, error) {
	r := f.r
	return r.revokeWrappedCopies(ctx, offboardOp{dryRun: dryRun})
}

func (r *Repo) revokeWrappedCopies(ctx context.Context, op offboardOp) ([]string, error) {
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
	accessors, err := r.c.Tokens().Accessors(ctx)
	if err != nil {
		return nil, err
	}
	found := make([]*vault.WrappingToken, len(accessors))
	if err := inParallel(len(accessors), reads, func(i int) (err error) {
		found[i], err = r.c.Tokens().WrappingTokenOf(ctx, accessors[i], prefixes)
		return err
	}); err != nil {
		return nil, err
	}
	var tokens []*vault.WrappingToken
	var items []string
	for _, t := range found {
		if t != nil {
			tokens = append(tokens, t)
			items = append(items, "wrapped response of "+t.Path)
		}
	}
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	for i, t := range tokens {
		if err := r.c.Tokens().RevokeAccessor(ctx, t.Accessor); err != nil && !errors.Is(err, vault.ErrBadRequest) {
			return items[:i], err
		}
	}
	return items, nil
}

// handOverContacts gives the successor the leaver's mailboxes and phones,
// marked due for rotation: the leaver knew their passwords and PINs.
func (r *Repo) handOverContacts(ctx context.Context, from, to string, at time.Time, op offboardOp) ([]string, error) {
	boxes, err := r.Contacts().ListMailboxes(ctx)
	if err != nil {
		return nil, err
	}
	phones, err := r.Contacts().ListPhones(ctx)
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
			full, v, err := r.mailboxByID(ctx, b.ID)
			if err != nil {
				return err
			}
			full.Assignee, full.UpdatedBy = to, r.who
			if full.Rotation.DueSince.IsZero() {
				full.Rotation.DueSince = at
			}
			return r.updateMailbox(ctx, full, v)
		})
	}
	for _, p := range phones {
		if p.Assignee != from {
			continue
		}
		items = append(items, "phone "+p.Number)
		todo = append(todo, func() error {
			full, v, err := r.phoneByID(ctx, p.ID)
			if err != nil {
				return err
			}
			full.Assignee, full.UpdatedBy = to, r.who
			if full.Rotation.DueSince.IsZero() {
				full.Rotation.DueSince = at
			}
			return r.updatePhone(ctx, full, v)
		})
	}
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	for i, do := range todo {
		if err := do(); err != nil {
			return items[:i], err
		}
	}
	return items, nil
}

// handOverCredentials gives the successor what the leaver owned or was
// assigned, and marks due for rotation every credential the leaver could
// read (their stores' for ops; every store's for finance and managers).
// Every store is searched: whatever their role, a leaver may own or be
// assigned credentials of stores they could not read.
func (r *Repo) handOverCredentials(ctx context.Context, m staff.Member, to string, at time.Time, op offboardOp) ([]string, error) {
	creds, err := r.Creds().List(ctx, "")
	if err != nil {
		return nil, err
	}
	var todo []records.Credential
	var items []string
	for _, c := range creds {
		readable := m.CanRead(c.Store)
		held := c.HeldBy(m.Name) != records.NotHeld
		if held || (readable && c.Rotation.DueSince.IsZero()) {
			todo = append(todo, c)
			items = append(items, "credential "+c.Address())
		}
	}
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	// A few at a time: a leaver may have seen a thousand credentials.
	done := make([]bool, len(todo))
	err = inParallel(len(todo), reads, func(i int) error {
		err := r.handOverCredential(ctx, todo[i], m, to, at)
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

func (r *Repo) handOverCredential(ctx context.Context, c records.Credential, m staff.Member, to string, at time.Time) error {
	full, v, err := r.Creds().Get(ctx, c.Store, c.Name)
	if err != nil {
		return err
	}
	if full.Owner == m.Name {
		full.Owner = to
	}
	if contains(full.Assignees, m.Name) {
		full.Assignees = records.SplitList(replaceName(full.Assignees, m.Name, to))
	}
	readable := m.CanRead(c.Store)
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
func (r *Repo) flagPayouts(ctx context.Context, m staff.Member, at time.Time, op offboardOp) ([]string, error) {
	if m.Role == staff.RoleOps {
		return nil, op.planned(nil) // staff never read payout records
	}
	stores, err := r.Stores().List(ctx)
	if err != nil {
		return nil, err
	}
	why := "offboarding of " + m.Name
	var todo, items []string
	for _, s := range stores {
		due, err := r.flagPayout(ctx, s.Name, at, why, true)
		if err != nil {
			return nil, err
		}
		if due {
			todo, items = append(todo, s.Name), append(items, "payout "+s.Name)
		}
	}
	if op.dryRun {
		return items, nil
	}
	if err := op.planned(items); err != nil {
		return nil, err
	}
	var out []string
	for i, store := range todo {
		if _, err := r.flagPayout(ctx, store, at, why, false); err != nil {
			return out, err
		}
		out = append(out, items[i])
	}
	return out, nil
}

// nonNil is list, or an empty list for nil (JSON [] rather than null).
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

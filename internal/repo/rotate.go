package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// ErrPending: a rotation is under way and must be confirmed or aborted.
var ErrPending = kindError{"a rotation is already pending: confirm it (rotate --confirm) or abort it (rotate --abort) first", vault.ErrConflict}

// errNoPending: there is no rotation to confirm or abort.
var errNoPending = kindError{"no rotation is pending", vault.ErrNotFound}

// Start keeps a new password as pending beside the current one,
// which stays valid and retrievable until the change is confirmed.
func (f Rotation) Start(ctx context.Context, store, name, password string, now time.Time) error {
	r := f.r
	c, v, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending != "" {
		return fmt.Errorf("%s: %w", c.Address(), ErrPending)
	}
	c.Pending, c.PendingSince = password, now.UTC().Truncate(time.Second)
	return r.Creds().Update(ctx, c, v)
}

// Confirm promotes the pending password to current, over the
// version read, so that two confirmations cannot both land.
func (f Rotation) Confirm(ctx context.Context, store, name string, now time.Time) error {
	r := f.r
	c, v, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending == "" {
		return fmt.Errorf("%s: %w", c.Address(), errNoPending)
	}
	c.Password, c.Pending, c.PendingSince = c.Pending, "", time.Time{}
	c.Rotation.LastRotated, c.Rotation.DueSince = now.UTC().Truncate(time.Second), time.Time{}
	return r.Creds().Update(ctx, c, v)
}

// Abort drops the pending password.
func (f Rotation) Abort(ctx context.Context, store, name string) error {
	r := f.r
	c, v, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending == "" {
		return fmt.Errorf("%s: %w", c.Address(), errNoPending)
	}
	c.Pending, c.PendingSince = "", time.Time{}
	return r.Creds().Update(ctx, c, v)
}

// MarkRotated records a rotation done outside sellervault.
func (f Rotation) MarkRotated(ctx context.Context, store, name, password string, now time.Time) error {
	r := f.r
	c, v, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return err
	}
	c.Password, c.Pending, c.PendingSince = password, "", time.Time{}
	c.Rotation.LastRotated, c.Rotation.DueSince = now.UTC().Truncate(time.Second), time.Time{}
	return r.Creds().Update(ctx, c, v)
}

// editRotation reads a target's record, lets edit change its secret and
// rotation facts, and writes it over the version read (check-and-set).
// edit returns false to leave the record as it is.
func (r *Repo) editRotation(ctx context.Context, t records.Target, edit func(secret *string, rot *records.Rotation) bool) error {
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	switch t.Kind {
	case records.TargetMailbox:
		m, v, err := r.Contacts().GetMailbox(ctx, t.Address)
		if err != nil || !edit(&m.Password, &m.Rotation) {
			return err
		}
		m.UpdatedBy = who
		return r.updateMailbox(ctx, m, v)
	case records.TargetPhone:
		p, v, err := r.Contacts().GetPhone(ctx, t.Number)
		if err != nil || !edit(&p.PIN, &p.Rotation) {
			return err
		}
		p.UpdatedBy = who
		return r.updatePhone(ctx, p, v)
	default:
		c, v, err := r.Creds().Get(ctx, t.Store, t.Name)
		if err != nil || !edit(&c.Password, &c.Rotation) {
			return err
		}
		return r.Creds().Update(ctx, c, v)
	}
}

// MarkDue marks a record due for rotation now, by hand, as an offboarding
// does; a record marked already keeps its first mark (and marked is
// false).
func (f Rotation) MarkDue(ctx context.Context, t records.Target, now time.Time) (marked bool, err error) {
	r := f.r
	err = r.editRotation(ctx, t, func(_ *string, rot *records.Rotation) bool {
		if !rot.DueSince.IsZero() {
			return false
		}
		rot.DueSince, marked = now.UTC().Truncate(time.Second), true
		return true
	})
	return marked, err
}

// MarkDone records a rotation done outside sellervault: a mailbox
// password or SIM PIN changed at the provider, or a credential changed by
// hand (as MarkRotated). The new secret is kept, last rotated is now, and
// the record is no longer due.
func (f Rotation) MarkDone(ctx context.Context, t records.Target, secret string, now time.Time) error {
	r := f.r
	if t.Kind == records.TargetCredential {
		return r.Rotation().MarkRotated(ctx, t.Store, t.Name, secret, now)
	}
	return r.editRotation(ctx, t, func(s *string, rot *records.Rotation) bool {
		*s = secret
		rot.LastRotated, rot.DueSince = now.UTC().Truncate(time.Second), time.Time{}
		return true
	})
}

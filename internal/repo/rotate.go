package repo

import (
	"context"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/vault"
)

// ErrPending: a rotation is under way and must be confirmed or aborted.
var ErrPending = kindError{"a rotation is already pending: confirm it (rotate --confirm) or abort it (rotate --abort) first", vault.ErrConflict}

// errNoPending: there is no rotation to confirm or abort.
var errNoPending = kindError{"no rotation is pending", vault.ErrNotFound}

// StartRotation keeps a new password as pending beside the current one,
// which stays valid and retrievable until the change is confirmed.
func (r *Repo) StartRotation(ctx context.Context, store, name, password string, now time.Time) error {
	c, v, err := r.GetCredential(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending != "" {
		return fmt.Errorf("%s: %w", c.Address(), ErrPending)
	}
	c.Pending, c.PendingSince = password, now.UTC().Truncate(time.Second)
	return r.UpdateCredential(ctx, c, v)
}

// ConfirmRotation promotes the pending password to current, over the
// version read, so that two confirmations cannot both land.
func (r *Repo) ConfirmRotation(ctx context.Context, store, name string, now time.Time) error {
	c, v, err := r.GetCredential(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending == "" {
		return fmt.Errorf("%s: %w", c.Address(), errNoPending)
	}
	c.Password, c.Pending, c.PendingSince = c.Pending, "", time.Time{}
	c.Rotation.LastRotated, c.Rotation.DueSince = now.UTC().Truncate(time.Second), time.Time{}
	return r.UpdateCredential(ctx, c, v)
}

// AbortRotation drops the pending password.
func (r *Repo) AbortRotation(ctx context.Context, store, name string) error {
	c, v, err := r.GetCredential(ctx, store, name)
	if err != nil {
		return err
	}
	if c.Pending == "" {
		return fmt.Errorf("%s: %w", c.Address(), errNoPending)
	}
	c.Pending, c.PendingSince = "", time.Time{}
	return r.UpdateCredential(ctx, c, v)
}

// MarkRotated records a rotation done outside sellervault.
func (r *Repo) MarkRotated(ctx context.Context, store, name, password string, now time.Time) error {
	c, v, err := r.GetCredential(ctx, store, name)
	if err != nil {
		return err
	}
	c.Password, c.Pending, c.PendingSince = password, "", time.Time{}
	c.Rotation.LastRotated, c.Rotation.DueSince = now.UTC().Truncate(time.Second), time.Time{}
	return r.UpdateCredential(ctx, c, v)
}

package repo

import (
	"context"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/rotation"
)

// RotationItems gathers, from metadata only, every record with a
// rotation schedule: credentials (of one store, or all), mailboxes,
// phones, and the payout records' verification.
func (r *Repo) RotationItems(ctx context.Context, store string) ([]rotation.Item, error) {
	if store == "" {
		inv, err := r.Inventory(ctx)
		if err != nil {
			return nil, err
		}
		return rotation.Items(inv), nil
	}
	creds, err := r.ListCredentials(ctx, store)
	if err != nil {
		return nil, err
	}
	return rotation.Items(&records.Inventory{Credentials: creds}), nil
}

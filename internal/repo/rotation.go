package repo

import (
	"context"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/rotation"
)

// Items gathers, from metadata only, every record with a
// rotation schedule: credentials (of one store, or all), mailboxes,
// phones, and the payout records' verification.
func (f Rotation) Items(ctx context.Context, store string) ([]rotation.Item, error) {
	r := f.r
	if store == "" {
		inv, err := r.Rotation().Inventory(ctx)
		if err != nil {
			return nil, err
		}
		return rotation.Items(inv), nil
	}
	creds, err := r.Creds().List(ctx, store)
	if err != nil {
		return nil, err
	}
	return rotation.Items(&records.Inventory{Credentials: creds}), nil
}

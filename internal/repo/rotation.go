package repo

import (
	"context"
	"errors"
	"time"

	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/vault"
)

// RotationItems gathers, from metadata only, every record with a
// rotation schedule: credentials (of one store, or all), mailboxes,
// phones, and the payout records' verification.
func (r *Repo) RotationItems(ctx context.Context, store string) ([]rotation.Item, error) {
	creds, err := r.ListCredentials(ctx, store)
	if err != nil {
		return nil, err
	}
	var items []rotation.Item
	for _, c := range creds {
		items = append(items, rotation.Item{Kind: rotation.KindCredential, ID: c.Address(), Store: c.Store, Owner: c.Owner,
			Assignees: c.Assignees, Every: c.Rotation.Every, LastRotated: c.Rotation.LastRotated, DueSince: c.Rotation.DueSince})
	}
	if store != "" {
		return items, nil
	}
	boxes, err := r.ListMailboxes(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range boxes {
		items = append(items, rotation.Item{Kind: rotation.KindMailbox, ID: m.Address, Owner: m.Assignee,
			Every: m.Rotation.Every, LastRotated: m.Rotation.LastRotated, DueSince: m.Rotation.DueSince})
	}
	phones, err := r.ListPhones(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range phones {
		items = append(items, rotation.Item{Kind: rotation.KindPhone, ID: p.Number, Owner: p.Assignee,
			Every: p.Rotation.Every, LastRotated: p.Rotation.LastRotated, DueSince: p.Rotation.DueSince})
	}
	stores, err := r.ListStores(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range stores {
		meta, err := r.c.KVMetadata(ctx, r.mount, payoutPath(s.Name))
		if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrDenied) {
			continue
		}
		if err != nil {
			return nil, err
		}
		it := rotation.Item{Kind: rotation.KindPayout, ID: s.Name, Store: s.Name}
		it.LastRotated, _ = time.Parse(time.RFC3339, firstNonEmpty(meta.CustomMetadata["verified_at"], meta.CustomMetadata["approved_at"]))
		it.DueSince, _ = time.Parse(time.RFC3339, meta.CustomMetadata["verify_due"])
		items = append(items, it)
	}
	return items, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

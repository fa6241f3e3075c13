package rotation

import "github.com/sellervault/sellervault/internal/records"

// Items turns an inventory into rotation items: each credential, mailbox
// and phone, and each payout record's verification.
func Items(inv *records.Inventory) []Item {
	var items []Item
	for _, c := range inv.Credentials {
		items = append(items, Item{Kind: KindCredential, ID: c.Address(), Store: c.Store, Owner: c.Owner,
			Assignees: c.Assignees, Every: c.Rotation.Every, LastRotated: c.Rotation.LastRotated, DueSince: c.Rotation.DueSince,
			MirrorStale: c.MirrorStale})
	}
	for _, m := range inv.Mailboxes {
		items = append(items, Item{Kind: KindMailbox, ID: m.Address, Owner: m.Assignee,
			Every: m.Rotation.Every, LastRotated: m.Rotation.LastRotated, DueSince: m.Rotation.DueSince})
	}
	for _, p := range inv.Phones {
		items = append(items, Item{Kind: KindPhone, ID: p.Number, Owner: p.Assignee,
			Every: p.Rotation.Every, LastRotated: p.Rotation.LastRotated, DueSince: p.Rotation.DueSince})
	}
	for _, p := range inv.Payouts {
		items = append(items, Item{Kind: KindPayout, ID: p.Store, Store: p.Store, LastRotated: p.LastVerified(), DueSince: p.VerifyDue})
	}
	return items
}

package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// AddMailbox records a new mailbox.
func (r *Repo) AddMailbox(ctx context.Context, m records.Mailbox) error {
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	m.UpdatedBy = who
	return r.create(ctx, "mailbox "+m.Address, records.MailboxPath(m.Address), m.Encode())
}

// GetMailbox reads a mailbox record.
func (r *Repo) GetMailbox(ctx context.Context, address string) (records.Mailbox, int, error) {
	rec, err := r.c.KVGet(ctx, r.mount, records.MailboxPath(address))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Mailbox{}, 0, fmt.Errorf("mailbox %s: %w", address, errNoRecord)
	}
	if err != nil {
		return records.Mailbox{}, 0, err
	}
	m := records.MailboxFromData(rec.Data)
	m.Address = address
	return m, rec.Version, nil
}

// ListMailboxes lists mailboxes from metadata.
func (r *Repo) ListMailboxes(ctx context.Context) ([]records.Mailbox, error) {
	entries, err := r.listMeta(ctx, records.MailboxDir)
	if err != nil {
		return nil, err
	}
	out := make([]records.Mailbox, 0, len(entries))
	for _, e := range entries {
		m := records.MailboxFromMetadata(e.meta.CustomMetadata)
		m.Address = e.key
		out = append(out, m)
	}
	return out, nil
}

// AddPhone records a new phone.
func (r *Repo) AddPhone(ctx context.Context, p records.Phone) error {
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	p.UpdatedBy = who
	return r.create(ctx, "phone "+p.Number, records.PhonePath(p.Number), p.Encode())
}

// GetPhone reads a phone record.
func (r *Repo) GetPhone(ctx context.Context, number string) (records.Phone, int, error) {
	rec, err := r.c.KVGet(ctx, r.mount, records.PhonePath(number))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Phone{}, 0, fmt.Errorf("phone %s: %w", number, errNoRecord)
	}
	if err != nil {
		return records.Phone{}, 0, err
	}
	p := records.PhoneFromData(rec.Data)
	p.Number = number
	return p, rec.Version, nil
}

// ListPhones lists phones from metadata.
func (r *Repo) ListPhones(ctx context.Context) ([]records.Phone, error) {
	entries, err := r.listMeta(ctx, records.PhoneDir)
	if err != nil {
		return nil, err
	}
	out := make([]records.Phone, 0, len(entries))
	for _, e := range entries {
		p := records.PhoneFromMetadata(e.meta.CustomMetadata)
		p.Number = records.PhoneFromKey(e.key)
		out = append(out, p)
	}
	return out, nil
}

// PersonActive tells whether a person's identity exists and is enabled;
// known is false when the caller may not look (no warning then).
func (r *Repo) PersonActive(ctx context.Context, name string) (active, known bool) {
	disabled, err := r.c.EntityDisabled(ctx, name)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return false, true
	case err != nil:
		return false, false
	}
	return !disabled, true
}

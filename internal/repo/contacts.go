package repo

import (
	"context"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Mailboxes and phones are kept under their ID (setup.ContactIDs): a
// keyed HMAC of the address or number made with the contacts audience's
// Transit key, so that finding a record by its value is one HMAC request
// and one read, which only managers (the contacts audience) can make.

// contactsReady refuses mailbox and phone operations on a team whose
// layout still keeps them under their values (schema < 3): a record
// written at its new place before `sellervault init` has moved the old
// one would stand beside it, and the move would not know which is newer.
func (r *Repo) contactsReady(ctx context.Context) error {
	r.layoutOnce.Do(func() {
		marker, err := r.c.KV().Get(ctx, r.mount, vault.InitMarkerPath)
		switch {
		case errors.Is(err, vault.ErrNotFound):
			r.layoutErr = fmt.Errorf("mount %s: %w", r.mount, ErrNotInitialised)
		case err != nil:
			r.layoutErr = err
		case markerSchema(marker.Data) < contactsSchema:
			r.layoutErr = fmt.Errorf("mailboxes and phones are still kept under their values (layout schema %d): %w",
				markerSchema(marker.Data), ErrOldLayout)
		}
	})
	return r.layoutErr
}

// AnyLayout makes this repository read and write mailboxes and phones
// without checking the layout's schema from now on: a rebuild of the
// redaction indexes reads every record whatever its layout (the
// migration to schema 3 rebuilds them before it writes the new marker).
func (f Contacts) AnyLayout() { f.r.layoutOnce.Do(func() {}) }

// contactsSchema is the layout schema that keeps contacts under IDs.
const contactsSchema = 3

// contactIDs returns the IDs of the values of one kind of contact
// (records.KindMailbox or KindPhone), in one Transit request; "" for "".
func (r *Repo) contactIDs(ctx context.Context, kind string, values ...string) ([]string, error) {
	return setup.ContactIDs(ctx, r.c, r.layout, kind, values...)
}

func (r *Repo) contactID(ctx context.Context, kind, value string) (string, error) {
	ids, err := r.contactIDs(ctx, kind, value)
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

// withMailboxRefs sets the IDs of a mailbox and of its recovery phone.
func (r *Repo) withMailboxRefs(ctx context.Context, m *records.Mailbox) error {
	id, err := r.contactID(ctx, records.KindMailbox, m.Address)
	if err == nil {
		m.ID = id
		m.RecoveryPhoneRef, err = r.contactID(ctx, records.KindPhone, m.RecoveryPhone)
	}
	return err
}

// withCredentialRefs sets the IDs of a credential's recovery mailbox and
// phone (in one request), which listings use to find them.
func (r *Repo) withCredentialRefs(ctx context.Context, c *records.Credential) error {
	if c.RecoveryEmail == "" && c.RecoveryPhone == "" {
		c.RecoveryEmailRef, c.RecoveryPhoneRef = "", ""
		return nil
	}
	mailbox, err := r.contactIDs(ctx, records.KindMailbox, c.RecoveryEmail)
	if err != nil {
		return err
	}
	phone, err := r.contactIDs(ctx, records.KindPhone, c.RecoveryPhone)
	if err != nil {
		return err
	}
	c.RecoveryEmailRef, c.RecoveryPhoneRef = mailbox[0], phone[0]
	return nil
}

// AddMailbox records a new mailbox.
func (f Contacts) AddMailbox(ctx context.Context, m records.Mailbox) error {
	r := f.r
	if err := r.contactsReady(ctx); err != nil {
		return err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	if err := r.withMailboxRefs(ctx, &m); err != nil {
		return err
	}
	m.UpdatedBy = who
	if err := r.create(ctx, "mailbox "+m.Address, records.MailboxPath(m.ID), m.Encode()); err != nil {
		return err
	}
	if !m.Personal {
		if err := r.addTeamDomains(ctx, []string{domainOf(m.Address)}, false); err != nil {
			return fmt.Errorf("saved, but the team's mail domains were not updated (run `sellervault redact --reindex`): %w", err)
		}
	}
	return nil
}

// GetMailbox reads a mailbox record by its address.
func (f Contacts) GetMailbox(ctx context.Context, address string) (records.Mailbox, int, error) {
	r := f.r
	id, err := r.contactID(ctx, records.KindMailbox, address)
	if err != nil {
		return records.Mailbox{}, 0, err
	}
	m, v, err := r.mailboxByID(ctx, id)
	if errors.Is(err, errNoRecord) {
		return m, v, fmt.Errorf("mailbox %s: %w", address, errNoRecord)
	}
	return m, v, err
}

// MailboxByID reads a mailbox record by its ID (ContactID), and the
// version an update must name.
func (f Contacts) MailboxByID(ctx context.Context, id string) (records.Mailbox, int, error) {
	return f.r.mailboxByID(ctx, id)
}

// UpdateMailbox writes a mailbox over the version read (check-and-set),
// and its values to the redaction index.
func (f Contacts) UpdateMailbox(ctx context.Context, m records.Mailbox, version int) error {
	return f.r.updateMailbox(ctx, m, version)
}

// mailboxByID reads a mailbox record by its ID.
func (r *Repo) mailboxByID(ctx context.Context, id string) (records.Mailbox, int, error) {
	if err := r.contactsReady(ctx); err != nil {
		return records.Mailbox{}, 0, err
	}
	rec, err := r.c.KV().Get(ctx, r.mount, records.MailboxPath(id))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Mailbox{}, 0, errNoRecord
	}
	if err != nil {
		return records.Mailbox{}, 0, err
	}
	m := records.MailboxFromData(rec.Data)
	m.ID = id
	return m, rec.Version, nil
}

// updateMailbox writes a mailbox over the version read.
func (r *Repo) updateMailbox(ctx context.Context, m records.Mailbox, version int) error {
	if err := r.withMailboxRefs(ctx, &m); err != nil {
		return err
	}
	return r.update(ctx, records.MailboxPath(m.ID), m.Encode(), version)
}

// ListMailboxes lists mailboxes from metadata: addresses masked.
func (f Contacts) ListMailboxes(ctx context.Context) ([]records.Mailbox, error) {
	r := f.r
	entries, err := r.listMeta(ctx, records.MailboxDir)
	if err != nil {
		return nil, err
	}
	out := make([]records.Mailbox, 0, len(entries))
	for _, e := range entries {
		m := records.MailboxFromMetadata(e.meta.CustomMetadata)
		m.ID = e.key
		out = append(out, m)
	}
	return out, nil
}

// AddPhone records a new phone.
func (f Contacts) AddPhone(ctx context.Context, p records.Phone) error {
	r := f.r
	if err := r.contactsReady(ctx); err != nil {
		return err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	if p.ID, err = r.contactID(ctx, records.KindPhone, p.Number); err != nil {
		return err
	}
	p.UpdatedBy = who
	return r.create(ctx, "phone "+p.Number, records.PhonePath(p.ID), p.Encode())
}

// GetPhone reads a phone record by its number (E.164).
func (f Contacts) GetPhone(ctx context.Context, number string) (records.Phone, int, error) {
	r := f.r
	id, err := r.contactID(ctx, records.KindPhone, number)
	if err != nil {
		return records.Phone{}, 0, err
	}
	p, v, err := r.phoneByID(ctx, id)
	if errors.Is(err, errNoRecord) {
		return p, v, fmt.Errorf("phone %s: %w", number, errNoRecord)
	}
	return p, v, err
}

// PhoneByID reads a phone record by its ID (ContactID), and the version
// an update must name.
func (f Contacts) PhoneByID(ctx context.Context, id string) (records.Phone, int, error) {
	return f.r.phoneByID(ctx, id)
}

// UpdatePhone writes a phone over the version read (check-and-set), and
// its values to the redaction index.
func (f Contacts) UpdatePhone(ctx context.Context, p records.Phone, version int) error {
	return f.r.updatePhone(ctx, p, version)
}

// phoneByID reads a phone record by its ID.
func (r *Repo) phoneByID(ctx context.Context, id string) (records.Phone, int, error) {
	if err := r.contactsReady(ctx); err != nil {
		return records.Phone{}, 0, err
	}
	rec, err := r.c.KV().Get(ctx, r.mount, records.PhonePath(id))
	if errors.Is(err, vault.ErrNotFound) {
		return records.Phone{}, 0, errNoRecord
	}
	if err != nil {
		return records.Phone{}, 0, err
	}
	p := records.PhoneFromData(rec.Data)
	p.ID = id
	return p, rec.Version, nil
}

// updatePhone writes a phone over the version read.
func (r *Repo) updatePhone(ctx context.Context, p records.Phone, version int) error {
	return r.update(ctx, records.PhonePath(p.ID), p.Encode(), version)
}

// ListPhones lists phones from metadata: numbers masked.
func (f Contacts) ListPhones(ctx context.Context) ([]records.Phone, error) {
	r := f.r
	entries, err := r.listMeta(ctx, records.PhoneDir)
	if err != nil {
		return nil, err
	}
	out := make([]records.Phone, 0, len(entries))
	for _, e := range entries {
		p := records.PhoneFromMetadata(e.meta.CustomMetadata)
		p.ID = e.key
		out = append(out, p)
	}
	return out, nil
}

// Active tells whether a person's identity exists and is enabled;
// known is false when the caller may not look (no warning then).
func (f Members) Active(ctx context.Context, name string) (active, known bool) {
	r := f.r
	disabled, err := r.c.Identity().EntityDisabled(ctx, name)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return false, true
	case err != nil:
		return false, false
	}
	return !disabled, true
}

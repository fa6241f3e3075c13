package repo

import (
	"context"
	"strings"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/records"
)

// Rekey returns a mailbox, phone or credential record of a backup as
// this team keeps it: a mailbox or phone at its ID in this team (a keyed
// HMAC with the team's own contacts key, which another Vault does not
// share), a credential's or mailbox's recovery factors named by their
// IDs, and the listing (custom metadata) made of the record's data:
// masked, as this release keeps it, whatever the backup's layout was.
// rec's maps are not changed; any other record comes back as it is.
func (f Contacts) Rekey(ctx context.Context, rec backup.Record) (backup.Record, error) {
	r := f.r
	out := backup.Record{Path: rec.Path, Data: map[string]interface{}{}, CustomMetadata: map[string]string{}, VersionTime: rec.VersionTime}
	for k, v := range rec.Data {
		out.Data[k] = v
	}
	for k, v := range rec.CustomMetadata {
		out.CustomMetadata[k] = v
	}
	var enc records.Encoded
	switch backup.Kind(rec.Path) {
	case "mailbox":
		m := records.MailboxFromData(out.Data)
		if err := r.withMailboxRefs(ctx, &m); err != nil {
			return backup.Record{}, err
		}
		out.Path, enc = records.MailboxPath(m.ID), m.Encode()
	case "phone":
		p := records.PhoneFromData(out.Data)
		id, err := r.contactID(ctx, records.KindPhone, p.Number)
		if err != nil {
			return backup.Record{}, err
		}
		out.Path, enc = records.PhonePath(id), p.Encode()
	case "credential":
		c := records.CredentialFromData(out.Data)
		if err := r.withCredentialRefs(ctx, &c); err != nil {
			return backup.Record{}, err
		}
		enc = c.Encode()
	default:
		return out, nil
	}
	for _, k := range []string{"address", "number", "recovery_email", "recovery_phone", "recovery_email_ref", "recovery_phone_ref"} {
		delete(out.CustomMetadata, k)
		if v, ok := enc.Metadata[k]; ok {
			out.CustomMetadata[k] = v
		}
		if strings.HasSuffix(k, "_ref") {
			delete(out.Data, k)
			if v, ok := enc.Data[k]; ok {
				out.Data[k] = v
			}
		}
	}
	return out, nil
}

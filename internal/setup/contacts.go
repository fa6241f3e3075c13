package setup

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// Schema 3 takes values out of paths and metadata, and gives each
// audience a redaction index of its own:
//
//	PREFIX/contacts/email/ADDRESS  -> PREFIX/contacts/email/ID
//	PREFIX/contacts/phone/DIGITS   -> PREFIX/contacts/phone/ID
//
// where ID is records.ContactID, a keyed HMAC of the value with the
// contacts audience's Transit key (ContactIDs). Every version is copied,
// deleted ones too (undeleted to be read, deleted again at the new
// place); then the old record is destroyed with its metadata, so that
// its path, which spells the value, leaves the listings. Its custom
// metadata is the record's listing, masked, and never the old path.
//
// Credentials' custom metadata is rewritten with their recovery mailbox
// and phone masked and named by ID. Last, every audience's index is
// built (Options.Reindex) and the shared index of schema 2, whose lines
// gave each value's length and shape and whose HMAC key every member
// could call, is destroyed.

// RedactKeyVersion is the version of the audiences' keys that every
// redaction HMAC and contact ID is made with: they stay the same when a
// key is rotated.
const RedactKeyVersion = 1

// ContactIDs returns the IDs (records.ContactID) of values of one kind
// of contact (records.KindMailbox or KindPhone), in one Transit request;
// "" for "".
func ContactIDs(ctx context.Context, c *vault.Client, l vault.Layout, kind string, values ...string) ([]string, error) {
	var inputs []string
	for _, v := range values {
		if v != "" {
			inputs = append(inputs, records.ContactIDInput(kind, v))
		}
	}
	macs, err := c.Transit().HMACAt(ctx, l.Transit(), l.RedactKey(vault.AudienceContacts), RedactKeyVersion, inputs)
	if err != nil {
		return nil, fmt.Errorf("the ID of a %s record: %w", kind, err)
	}
	out := make([]string, len(values))
	for i, v := range values {
		if v != "" {
			out[i], macs = records.ContactIDFromHMAC(macs[0]), macs[1:]
		}
	}
	return out, nil
}

// contactMoves are the schema-3 moves of mailboxes and phones.
func (r *runner) contactMoves() []move {
	l := r.l
	id := func(kind string, value func(string) string) func(context.Context, string) (string, error) {
		return func(ctx context.Context, rel string) (string, error) {
			ids, err := ContactIDs(ctx, r.c, l, kind, value(rel))
			if err != nil {
				return "", err
			}
			if ids[0] == "" {
				return "", errors.New("no ID")
			}
			return dirOf(kind) + "/" + ids[0], nil
		}
	}
	legacy := func(rel string) bool { return !records.IsContactID(rel) }
	same := func(s string) string { return s }
	phone := func(s string) string { return "+" + s }
	return []move{
		{what: "mailboxes (address in the path)", src: l.KV(), dst: l.KV(), dir: records.MailboxDir, depth: 1,
			done: func(rel string) bool { return !legacy(rel) }, toCtx: id(records.KindMailbox, same),
			origin: "schema 2 " + records.MailboxDir, destroy: true, listing: r.mailboxListing, shown: records.MaskEmail},
		{what: "phones (number in the path)", src: l.KV(), dst: l.KV(), dir: records.PhoneDir, depth: 1,
			done: func(rel string) bool { return !legacy(rel) }, toCtx: id(records.KindPhone, phone),
			origin: "schema 2 " + records.PhoneDir, destroy: true, listing: r.phoneListing,
			shown: func(rel string) string { return strings.TrimPrefix(records.MaskPhone("+"+rel), "+") }},
	}
}

func dirOf(kind string) string {
	if kind == records.KindMailbox {
		return records.MailboxDir
	}
	return records.PhoneDir
}

// mailboxListing is a mailbox's custom metadata, from its data.
func (r *runner) mailboxListing(ctx context.Context, data map[string]interface{}) (map[string]string, error) {
	m := records.MailboxFromData(data)
	ids, err := ContactIDs(ctx, r.c, r.l, records.KindPhone, m.RecoveryPhone)
	if err != nil {
		return nil, err
	}
	m.RecoveryPhoneRef = ids[0]
	return m.Encode().Metadata, nil
}

// phoneListing is a phone's custom metadata, from its data.
func (r *runner) phoneListing(_ context.Context, data map[string]interface{}) (map[string]string, error) {
	return records.PhoneFromData(data).Encode().Metadata, nil
}

// credentialListings rewrites the custom metadata of every credential
// whose recovery mailbox or phone it shows unmasked or without ID.
func (r *runner) credentialListings() step {
	var stale []string // STORE/NAME
	return step{
		item: "credentials' listings: recovery mailbox and phone masked, named by ID",
		check: func(ctx context.Context) (Action, error) {
			stale = nil
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Unchanged, nil
			}
			stores, err := storeNames(ctx, r.c, r.l)
			if err != nil {
				return "", err
			}
			for _, store := range stores {
				names, err := leaves(ctx, r.c, r.l.KV(), records.CredDir(store), 1)
				if err != nil {
					return "", err
				}
				for _, name := range names {
					meta, err := r.c.KV().Metadata(ctx, r.l.KV(), records.CredPath(store, name))
					if err != nil {
						return "", err
					}
					if listingStale(meta.CustomMetadata) {
						stale = append(stale, store+"/"+name)
					}
				}
			}
			if len(stale) == 0 {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			for _, addr := range stale {
				store, name, _ := strings.Cut(addr, "/")
				if err := r.relist(ctx, store, name); err != nil {
					return fmt.Errorf("credential %s: %w", addr, err)
				}
			}
			return nil
		},
	}
}

// listingStale: a credential's metadata shows a recovery factor
// unmasked.
func listingStale(meta map[string]string) bool {
	for _, k := range []string{"recovery_email", "recovery_phone"} {
		if v := meta[k]; v != "" && !records.IsMasked(v) {
			return true
		}
	}
	return false
}

// relist rewrites one credential's custom metadata: its recovery mailbox
// and phone masked and named by ID, from the values its schema-2
// metadata mirrors (so that a deleted credential is done too).
func (r *runner) relist(ctx context.Context, store, name string) error {
	path := records.CredPath(store, name)
	meta, err := r.c.KV().Metadata(ctx, r.l.KV(), path)
	if err != nil {
		return err
	}
	want := maps.Clone(meta.CustomMetadata)
	for _, f := range []struct{ key, ref, kind string }{
		{"recovery_email", "recovery_email_ref", records.KindMailbox},
		{"recovery_phone", "recovery_phone_ref", records.KindPhone},
	} {
		v := want[f.key]
		if v == "" || records.IsMasked(v) {
			continue // nothing to do, or done (a ref-less mask: see listingStale)
		}
		ids, err := ContactIDs(ctx, r.c, r.l, f.kind, v)
		if err != nil {
			return err
		}
		want[f.ref] = ids[0]
		if f.kind == records.KindMailbox {
			want[f.key] = records.MaskEmail(v)
		} else {
			want[f.key] = records.MaskPhone(v)
		}
	}
	return r.c.KV().SetCustomMetadata(ctx, r.l.KV(), path, want)
}

// redactionIndexes builds every audience's index (Options.Reindex), then
// destroys the schema-2 shared index (_meta/redact/NN), whose presence
// says the rebuild has not been done, and deletes its key, which every
// member could call.
func (r *runner) redactionIndexes() step {
	var legacy []string
	var legacyKey bool
	return step{
		item: "redaction indexes, one per audience; the shared index and key of schema 2 destroyed",
		check: func(ctx context.Context) (Action, error) {
			legacy, legacyKey = nil, false
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Unchanged, nil
			}
			keys, err := leaves(ctx, r.c, r.l.KV(), RedactDir, 1)
			if err != nil {
				return "", err
			}
			legacy = keys
			if _, mounted := r.mounts[r.l.Transit()+"/"]; mounted {
				legacyKey, err = r.c.Transit().KeyExists(ctx, r.l.Transit(), r.l.LegacyRedactKey())
				switch {
				case errors.Is(err, vault.ErrDenied):
					legacyKey = false // a manager's re-run: the admin's upgrade deleted it
				case err != nil:
					return "", err
				}
			}
			if len(legacy) == 0 && !legacyKey {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			if len(legacy) > 0 {
				if r.opts.Reindex == nil {
					return errors.New("the redaction indexes must be rebuilt: run `sellervault init` (or `sellervault redact --reindex`)")
				}
				if err := r.opts.Reindex(ctx); err != nil {
					return fmt.Errorf("rebuilding the indexes: %w", err)
				}
			}
			for _, k := range legacy {
				if err := r.c.KV().DestroyAll(ctx, r.l.KV(), RedactDir+"/"+k); err != nil {
					return err
				}
			}
			if legacyKey {
				return r.c.Transit().DeleteKey(ctx, r.l.Transit(), r.l.LegacyRedactKey())
			}
			return nil
		},
	}
}

// RedactDir is the folder of the redaction indexes in the records mount.
const RedactDir = "_meta/redact"

// staffListings masks the company mailbox and phone in staff records'
// metadata (schema 2 mirrored them; the records keep them).
func (r *runner) staffListings() step {
	var stale []string
	return step{
		item: "staff records' listings: mailbox and phone masked",
		check: func(ctx context.Context) (Action, error) {
			stale = nil
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Unchanged, nil
			}
			names, err := leaves(ctx, r.c, r.l.KV(), strings.TrimSuffix(staff.Path(""), "/"), 1)
			if err != nil {
				return "", err
			}
			for _, name := range names {
				meta, err := r.c.KV().Metadata(ctx, r.l.KV(), staff.Path(name))
				if err != nil {
					return "", err
				}
				if !maps.Equal(meta.CustomMetadata, staff.MaskMetadata(maps.Clone(meta.CustomMetadata))) {
					stale = append(stale, name)
				}
			}
			if len(stale) == 0 {
				return Unchanged, nil
			}
			return Update, nil
		},
		apply: func(ctx context.Context) error {
			for _, name := range stale {
				meta, err := r.c.KV().Metadata(ctx, r.l.KV(), staff.Path(name))
				if err != nil {
					return err
				}
				if err := r.c.KV().SetCustomMetadata(ctx, r.l.KV(), staff.Path(name), staff.MaskMetadata(meta.CustomMetadata)); err != nil {
					return fmt.Errorf("staff record %s: %w", name, err)
				}
			}
			return nil
		},
	}
}

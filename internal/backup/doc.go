// Package backup is the model of a sellervault backup: the document that
// holds a team's records, its strict decoder, and its age encryption.
// It is pure Go; package backuprun fills a Document from the team's
// Vault and writes one back (through the record store, package repo),
// and the app's `backup` and `restore` commands move it through a file.
//
// # What a backup holds
//
// Every live record of the team's three KV v2 mounts:
//
//   - the records mount (PREFIX/): stores, credentials (with pending
//     passwords of rotations under way), mailboxes, phones, payout
//     records, the managers' decisions on payout changes, staff records,
//     and the team settings (_meta/settings);
//   - the proposals mount (PREFIX-proposals/): payout change requests,
//     with their requester's entity and signature, and when each was made;
//   - the verifications mount (PREFIX-verifications/): each store's last
//     payout verification, and when it was made.
//
// When a request or verification was made is the time Vault wrote its
// current version, or the original time `sellervault init` kept when it
// moved the record from the schema 1 layout (custom metadata
// migrated_version and migrated_version_time, while they name the
// current version).
//
// For each, the current version's data and the record's custom metadata
// (rotation facts, owners, assignees …). Values are included: a backup
// is as secret as the vault, and it exists only encrypted.
//
// The document has one path space; Place maps a document path to its
// mount, DocPath back:
//
//	document path                       mount and path
//	stores/…, contacts/…, staff/…       PREFIX/ (the same path)
//	_meta/settings                      PREFIX/_meta/settings
//	decisions/payout/STORE/ID           PREFIX/decisions/payout/STORE/ID
//	proposals/payout/STORE/ID           PREFIX-proposals/payout/STORE/ID
//	verifications/payout/STORE          PREFIX-verifications/payout/STORE
//
// Left out, and said so:
//
//   - _meta/init, which `sellervault init` writes on the vault restored into;
//   - the reminder job's notes (PREFIX-reminders/): it sends again at worst;
//   - _meta/redact/…, the redaction index: `sellervault redact --reindex`
//     rebuilds it after a restore;
//   - records whose current version is deleted (soft delete): counted in
//     deleted_skipped; older versions and history are not backed up;
//   - the copies `sellervault init` left, soft-deleted, at the schema 1
//     places of the records mount (proposals/…, verifications/…,
//     _meta/reminders/…) when it moved them;
//   - paths outside the record folders (written by hand with `vault kv
//     put`), in any of the three mounts: listed by the backup command,
//     never restored.
//
// What Vault cannot export:
//
//   - TOTP seeds. The TOTP engine never returns a seed it was given. The
//     backup lists, in totp_reenrol, each credential that links to a TOTP
//     key; after a restore, those keys must be enrolled again (`sellervault
//     totp add STORE/NAME` with a new seed from the marketplace's 2-step
//     settings).
//   - Logins. Identities, userpass passwords and group memberships are
//     Vault's, not records. The backup lists the team's people (staff
//     records, and members of the team's role groups) in staff, so that a
//     manager can onboard them again.
//
// # The file
//
// An age file (https://age-encryption.org/v1), binary, encrypted either
// to one or more age public keys (X25519 "age1…", or post-quantum
// "age1pq1…") or to one passphrase (age's scrypt recipient; it cannot be
// mixed with keys). Inside is one JSON document:
//
//	{
//	 "format": "sellervault-backup",
//	 "version": 2,
//	 "created_at": "2025-06-01T09:00:00Z",
//	 "team": "sellervault",
//	 "sellervault_version": "v1.4.0",
//	 "records": [
//	  {"path": "stores/acme-us", "data": {"kind": "store", …}, "custom_metadata": {"kind": "store", …}},
//	  {"path": "stores/acme-us/creds/seller-central", "data": {…, "password": "…", "totp": "acme-us.seller-central"}, "custom_metadata": {…}},
//	  {"path": "proposals/payout/acme-de/20250530-140211-0a1b2c", "data": {"kind": "payout-request", …, "signature": "vault:v1:…"}, "custom_metadata": {}, "version_time": "2025-05-30T14:02:11.5Z"},
//	  {"path": "verifications/payout/acme-de", "data": {"field": "iban", …}, "custom_metadata": {}, "version_time": "2025-05-31T08:15:00.25Z"}
//	 ],
//	 "totp_reenrol": [{"credential": "acme-us/seller-central", "issuer": "Amazon", "account": "ops@acme.example"}],
//	 "staff": [{"name": "olga", "role": "ops", "stores": ["acme-us"], "status": "active", "staff_record": true}],
//	 "deleted_skipped": 1
//	}
//
// Records are sorted by path. Numbers in data are kept as written
// (json.Number). version_time is on payout change requests and
// verifications only: always on verifications, and on every request
// sellervault writes.
//
// Version 1, written by the releases before the schema 2 layout, had no
// verifications and kept decisions under proposals/payout-decisions/;
// it is still read, and a restore puts its decisions under
// decisions/payout/ (Upgrade).
//
// # Reading one: strictly
//
// A backup file is outside input: it may be damaged, cut short, made by
// another release, or made by someone else. Open reads and authenticates
// the whole age file before it decodes anything (a truncated file is
// ErrDamaged, never a shorter backup), and Decode refuses, with an error
// matching ErrInvalid that names the record but never a value:
//
//   - anything but one JSON object of valid UTF-8 with nothing after it,
//     longer than MaxPlaintext, or nested deeper than MaxDepth;
//   - a name twice in one object, or a field name it does not know
//     (names are case-sensitive);
//   - another format, or a version other than 1 and 2;
//   - a record path outside stores/, contacts/email/, contacts/phone/,
//     staff/, _meta/settings, proposals/payout/STORE/ID,
//     decisions/payout/STORE/ID and verifications/payout/STORE (in
//     version 1: proposals/payout-decisions/STORE/ID for decisions, and
//     no verifications); with an empty, "." or ".." part, a backslash, a
//     space or control character; or one path twice;
//   - a payout verification without a version_time, a version_time that
//     is not RFC 3339, one on a record other than a request or a
//     verification, or any in version 1;
//   - custom metadata that is not a string, empty, or past Vault's limits
//     (64 keys, 128-byte keys, 512-byte values);
//   - a totp_reenrol list that does not name exactly the credentials in
//     the backup that link to a TOTP key, and people named twice, with an
//     unknown role, or said to have a staff record the backup lacks.
//
// A restore validates the whole document, and the vault it restores into
// (initialised with the schema 2 layout; its records, proposals and
// verifications mounts holding nothing but what `sellervault init`
// writes), before its first write. Package backuprun documents what a
// restore changes on purpose: TOTP links, staff status, the time of a
// request or verification kept in custom metadata (migrated_version,
// migrated_version_time), and the signatures of requests, which check
// only in the Vault that holds their requester's key: pending requests
// restored into another Vault must be proposed again.
//
// # Keys and passphrases
//
// Recipients are public keys; ParseRecipient refuses a secret key given
// by mistake (without echoing it) and SSH keys. Identity files are what
// age-keygen writes. A passphrase never comes from a flag or the
// environment: the app reads it with package secretin.
package backup

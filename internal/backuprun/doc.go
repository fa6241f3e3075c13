// Package backuprun is the backup and the restore (`sellervault backup`
// and `sellervault restore`, between the file and the team's Vault):
// what a backup reads and leaves out, and how a restore writes a backup
// into a team. The document and its file are package backup's; the
// command line opens and seals the file and prints the reports; this
// package does what lies between.
//
// # A backup
//
// Dump reads every live record of the team's KV mounts (records,
// proposals, verifications) into a backup.Document, with each record's
// custom metadata:
//
//  1. It refuses a team that `sellervault init` has not prepared, or
//     prepared with the layout of an earlier release.
//  2. It lists each mount and sorts the paths as package backup says
//     (backup.Classify, backup.DocPath). Left out, and counted or named
//     in the DumpReport: the redaction index and listings (rebuilt by
//     `sellervault redact --reindex`), the reminder job's notes, the
//     copies `sellervault init` left, deleted, at the schema 1 places
//     (a live record there is named as unknown), and paths outside the
//     record folders.
//  3. It reads each record (a few at a time): one whose current version
//     is deleted is left out and counted (deleted_skipped), one with
//     metadata only is named. Data is kept with JSON's types (numbers as
//     json.Number), as a restore reads it. A payout change request or
//     verification gets the time of its current version: Vault's, or the
//     original time `sellervault init` kept when it moved the record,
//     while that mirror names the current version; the mirror's keys are
//     left out, and a restore writes them again from the time.
//  4. It lists the credentials that link to a TOTP key (with the key's
//     issuer and account when the key is there; never a seed, which
//     Vault cannot return), and the team's people: each staff record,
//     and each member of the team's role groups who has none, with the
//     stores whose access groups they are in. A person whose name a
//     document would refuse is left out and named (Unlisted).
//  5. It validates the document: a backup that would not restore is an
//     error, not a file.
//
// TOTP seeds are in a backup only as their escrow copies: when the team
// escrows seeds (`init --recovery-recipient`), each credential's seed is
// kept sealed with age to the off-line recovery key under escrow/totp/,
// a record like any other, and the backup carries it sealed.
//
// # A restore
//
// Restore writes a document into an initialised team whose mounts are
// empty. Everything is checked before the first write:
//
//  1. the document (backup.Document.Validate; a version 1 backup is
//     upgraded first, see backup.Document.Upgrade);
//  2. the team: initialised with this release's layout, its records
//     mount holding no record (live, deleted or metadata only) but
//     _meta/init and _meta/settings, its proposals and verifications
//     mounts none at all; otherwise ErrNotEmpty (a conflict), naming
//     what each mount holds, and nothing is written. The reminders
//     mount is not looked at: the backup holds no notes, and notes there
//     only keep the reminder job from sending again;
//  3. the plan: each record's place and contents, below, with the TOTP
//     keys present, the escrow copies opened, and the requests'
//     signatures checked.
//
// With RestoreOptions.DryRun it stops there and reports the plan. Then
// it ensures each store's access policy and group (idempotent, and
// outside the KV mounts: a failure here leaves the mounts empty), and
// writes the records: the settings first (over init's, the one write
// over an existing version, so a conflict there stops the restore before
// anything else), then the stores, then the rest, each in path order.
// Each record is created with check-and-set 0 in its mount, then its
// custom metadata is set (with the mirror's stamp naming the version
// this Vault gave). A failure after the first write is a
// *PartialRestoreError that names exactly the records written in full,
// and the one whose data but not metadata was written.
//
// What a restore changes on purpose, because Vault cannot export TOTP
// seeds or logins:
//
//   - A credential whose TOTP key is not in the TOTP engine of the vault
//     restored into has its link cleared (data and metadata "totp" and
//     "totp_period"), and custom metadata "totp_reenrol" = "required" in
//     its place (TOTPReenrolKey), so that nothing points to a key that
//     is not there: `totp code` then says the credential has no key and
//     how to add one, and `totp add` enrols a new seed (and its write
//     drops the marker). A key that is there already (a restore into the
//     Vault the backup came from, after the records were lost) keeps its
//     link.
//   - Unless its seed was escrowed and RestoreOptions.Recovery holds the
//     off-line identity: then the escrow copy is opened before anything
//     is written (a copy that does not open stops the restore), and the
//     seed is imported again as the key the credential links to, just
//     before the credential is written, and checked against Vault's code.
//     Without a recovery identity, escrow copies are restored as records
//     and nothing is opened.
//   - A staff record whose status is active is restored with status
//     "not-onboarded" (StatusNotOnboarded): the person has no login in
//     this Vault, and `staff onboard` (which refuses an active member)
//     gives them one and makes the record active again. Offboarded
//     records are restored as they were.
//   - Mailboxes and phones are named, and credentials and mailboxes name
//     their recovery factors, by IDs keyed with each team's own contacts
//     key: a restore names them as this team does, and makes their
//     listing metadata of the data (masked).
//   - A payout change request or verification keeps when it was made: a
//     restored version is dated by the restore, so the time from the
//     backup goes into the record's custom metadata
//     (records.OriginalVersionKey = "1", the restored version, and
//     records.OriginalTimeKey), which is how the payout code reads the
//     time of a record `sellervault init` moved (the same mirror: stale,
//     and ignored, once finance writes a newer verification). So a flag
//     for verification raised after the last verification still stands,
//     and a request's cooling-off counts from when it was proposed. (A
//     version 1 backup has no such times: its requests are dated by the
//     restore, and their cooling-off starts again.)
//   - A payout change request is written as it was, signature included.
//     The signature checks only with its requester's Transit key, which
//     is in the Vault the backup came from and not in another: a pending
//     request whose signature does not check here, or that changes
//     another payout version than the restored one (each record is
//     restored as version 1), cannot be approved, and the report lists it
//     in ProposeAgain: reject it and propose it again.
//
// Everything else is written as it was in the backup, updated_by
// included: the version's writer in Vault's audit log is whoever ran the
// restore. The redaction index is not restored: `sellervault redact
// --reindex` rebuilds it.
//
// # Secrets
//
// A document holds values; nothing else this package returns does.
// Errors and reports name records by document path (and people, stores
// and credentials by name), never by a value: a mailbox or phone record
// that fails is named by its kind alone, as its path in a backup may be
// made of its value. An error of the store is wrapped as it came.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): Records and Signatures (r.Backups(): the team's mounts'
// records as they are, and the check of a request's signature), Contacts
// (r.Contacts(): Rekey), Keys (r.TOTP(): KeyInfo, ImportSeed) and Groups
// (r.Stores(): the role and store groups' members, EnsureAccess). Their
// errors match the kinds of package failure, which is all this package
// tells apart (not found, denied). So it is tested with an in-memory
// store as well as against the real Vault.
package backuprun

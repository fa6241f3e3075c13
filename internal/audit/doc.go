// Package audit reads the log of Vault's file audit device and reports who
// read which of the team's secrets, and when, and what looks wrong. It is
// pure Go: it reads lines and a directory of people, and knows nothing of
// Vault's API. `sellervault audit` is its command:
//
//	sellervault audit --log /var/log/vault/sellervault-audit.log --since 7d
//	sellervault audit --log audit.log.1.gz --log audit.log --staff olga --format json
//	sellervault audit --log audit.log --store acme-de --format csv > acme-de.csv
//
// # What the log holds
//
// The file device (`sellervault init --audit-file PATH`) writes one JSON
// object per line: a "request" entry when a request arrives and a
// "response" entry when it is answered, both with the request's ID, time,
// path and operation, and the caller's identity (auth.display_name,
// auth.entity_id). Vault replaces string values (passwords, data, tokens,
// accessors) by HMACs ("hmac-sha256:…") but not paths, operations, entity
// IDs, display names or its own error texts, so the log says who touched
// which record without holding a single secret. This package reads those
// fields and nothing else; it never prints an HMAC.
//
// # Each request once
//
// A request is counted from its response entry, which repeats the whole
// request and adds the outcome: Vault writes one for refused requests
// too (checked against the core of Vault 1.21, and in the test of this
// package against a real core's log). A request entry whose response
// entry never comes (the log cut short by a crash, or rotated between the
// two) is counted at the end as "unanswered".
//
// # Records
//
// MapPath turns a path into a record, from the team's mount prefix
// (--mount, default sellervault):
//
//	PREFIX/data/stores/STORE/creds/NAME                 credential STORE/NAME
//	PREFIX-totp/code/STORE.NAME                         totp-code STORE/NAME
//	PREFIX-totp/keys/STORE.NAME                         totp-key STORE/NAME
//	PREFIX/data/contacts/email/ADDRESS                  mailbox (masked: o***@a***.example)
//	PREFIX/data/contacts/phone/NUMBER                   phone (masked: +1********00)
//	PREFIX/data/stores/STORE/payout                     payout STORE
//	PREFIX/data/proposals/payout/STORE/ID               payout-proposal STORE/ID
//	PREFIX/data/proposals/payout-decisions/STORE/ID     payout-decision STORE/ID
//	auth/userpass/login/NAME                            login NAME
//
// with metadata/, delete/, undelete/ and destroy/ in place of data/ too.
//
// # Events
//
// An event is one request of these:
//
//   - a read of a credential, TOTP code, mailbox, phone, payout record,
//     proposal or decision (data reads: listings and metadata reads hold
//     no values and are left out);
//   - a change (create, update, patch, delete) of a payout record, a
//     proposal or a decision, through any of the KV APIs;
//   - any request to the team's mounts that Vault refused;
//   - a login attempt by someone who has left.
//
// Its result is ok, denied (the error says "permission denied": no right,
// or a revoked, expired or disabled identity's token), failed (another
// error: not found, a check-and-set conflict, a wrong password) or
// unanswered.
//
// # People
//
// The Directory maps entity IDs to people: their name, role, stores, and
// whether they are offboarded (and when) or their entity disabled. The
// command builds it, with the caller's token, from the staff records and
// the team's role and store groups at the time of the report (repo's
// AuditPeople): a staff record says what a person is meant to have;
// someone in the groups without a staff record gets what the groups give.
// A request is put to a person by its entity ID; else by a display name
// "userpass-NAME" (an entity deleted and made again keeps the name);
// else, for a refused token that carries no identity at all, by the same
// token's earlier requests in the log (compared by HMAC, kept in memory
// only); a login attempt by the name in its path. Anyone else is named by
// Vault's display name ("root"), or "unknown".
//
// # Flags
//
//   - outside-stores: a credential or TOTP code of a store that is not
//     among the person's stores (managers have all).
//   - outside-role: a payout record, proposal or decision read, or a
//     proposal made, by someone who is neither finance nor a manager; a
//     payout record or decision changed, or a mailbox or phone read, by
//     someone who is not a manager.
//   - offboarded: a request by someone whose staff record says offboarded,
//     at or after the offboarding time (kept to the second: a request that
//     succeeded within that second is taken to be from before, since
//     offboarding disables the identity first), or by anyone at all when
//     that time is unknown; for a disabled identity without an offboarding
//     record, every refused request.
//   - burst: more than BurstReads record reads (refused ones too) by one
//     person within BurstWindow (--burst-reads 20 and --burst-window 5m by
//     default). One flag per burst, from its first read to its last, with
//     the count and the stores read; its reads are marked on their events.
//     A burst goes on while the window holds more than BurstReads reads; a
//     new one needs that many reads of its own.
//   - payout-change: a payout record, proposal or decision written (one
//     flag per write: farid's proposal, then maria's decision and the
//     payout record itself): each should match a change the team knows of.
//   - denied: Vault refused the request.
//   - not-staff: a record read or a payout change by a token of nobody on
//     the team: the root token (revoke it after init), another team's
//     manager, a token made by hand. Not given without a directory.
//
// Options.Staff and Options.Store keep only one person's or one store's
// events and flags (a burst is kept for a store when it read that store);
// bursts are still counted over all of a person's reads. Options.Since
// drops older requests.
//
// # Reading
//
// Analyzer.ReadLog streams a log through a 1 MiB buffer; a line may be up to
// 64 MiB (a listing of many keys, each HMAC'd); longer ones are skipped.
// Lines about other mounts are passed over after a quick test of their
// bytes (does a "path" name the team's mounts or a userpass login?), the
// others decoded by a validating scanner that takes only the fields above
// and skips the rest without building anything; it accepts exactly what
// encoding/json accepts (FuzzParseLine compares the two). A line that is
// not a valid entry (not JSON, cut short, a time that is not RFC 3339) is
// counted as malformed and skipped; nothing in a log stops the reading
// but a read error. Anything before a line's first "{" (the file device's
// prefix option) is ignored. Decompress opens gzip-compressed rotated
// logs. On a busy 2-core machine the report reads 450-600 MB of log a second
// (BenchmarkAuditLog100MB).
//
// # Limits
//
// The directory is the team as it is now: a person's stores are those of
// their current staff record, so a read made before a change of stores is
// judged by the new ones. The log is one audit device's: with several
// devices, read one. Events and flags are kept in memory (a few hundred
// bytes each); for a log of years, use --since. The report trusts the log
// it is given: the file device's log is only as tamper-evident as where it
// is kept.
package audit

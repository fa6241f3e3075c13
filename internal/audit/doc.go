// Package audit reads the log of Vault's file audit device and reports who
// read or changed which of the team's secrets, and when, and what looks
// wrong. It is pure Go: it reads lines and a directory of people, and
// knows nothing of Vault's API. `sellervault audit` is its command:
//
//	sellervault audit --log /var/log/vault/sellervault-audit.log --since 7d
//	sellervault audit --log audit.log.1.gz --log audit.log --staff olga --format json
//	sellervault audit --log audit.log --store acme-de --format csv > acme-de.csv
//	sellervault audit --log audit.log --since 1d --format json > report.json || mail-the-report
//
// The command exits 0 when the report flags nothing and 16 (ExitFlagged)
// when it flags anything, so that a cron job can send the report only
// when there is something to look into.
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
// fields and a few more (below), and never prints an HMAC.
//
// What Vault 1.21 writes for the requests this package relies on was
// checked against a real core (the vaulttest package does it on every
// run):
//
//   - request.path is the path after Vault's HTTP layer decoded the URL
//     once: a traversal sent as %2e%2e, %2E%2E, .%2e or %2e. is logged
//     with literal ".." segments; %252e (encoded twice) is logged as
//     %2e. When the URI as sent differs from the path, Vault also logs
//     request.request_uri, "/v1/…" with the encoding and the query.
//   - A Transit HMAC request keeps the shape of its data: "input" is one
//     HMAC'd string, "batch_input" a list of {"input": "hmac-sha256:…"},
//     one per input, in the request entry and again in the response
//     entry (a batch of 6,000 makes lines of about 450 KB each).
//   - A wrapped response's entry has response.wrap_info: the wrapped
//     path (creation_path, not HMAC'd), and the HMACs of the wrapping
//     token and of its accessor. The unwrap's entries do not name the
//     path: an unwrap through sys/wrapping/unwrap with {"token": …}
//     has the token's HMAC in request.data.token; an unwrap sent with
//     the wrapping token itself as the client token has it in
//     auth.client_token (and its accessor in
//     request.client_token_accessor), with no display name and no
//     entity. The report pairs them by those HMACs.
//   - A wrapping token that is used up, expired or revoked is refused
//     before the request is handled: Vault writes the request entry,
//     with the error "wrapping token is not valid or does not exist",
//     and no response entry.
//
// # Each request once
//
// A request is counted from its response entry, which repeats the whole
// request and adds the outcome: Vault writes one for refused requests
// too. A request entry whose response entry never comes is counted at the
// end: with the error it carries, when Vault logged one with it (as for
// a used wrapping token); else as "unanswered" (the log cut short by a
// crash, or rotated between the two).
//
// # Paths
//
// Every path is cleaned before it is judged (CleanPath). Its mount is
// the one Vault routed it to, from the path as logged. The rest is
// percent-decoded, again and again while anything is left to decode
// (%2e, %2E, .%2e, %2e., %252e, and %2f for a slash), and cleaned with
// path.Clean semantics: in the team's KV v2 mounts the API segment
// (data/, metadata/ …) stays and the key after it is cleaned as the KV
// engine cleans it, so "PREFIX/metadata/_meta/reminders/../../stores/
// acme-us/creds/x" is the metadata of credential acme-us/x, which is what
// such a request reaches; a ".." that would climb above the mount stays
// at the start of the key, as the engine keeps it, and names no record.
// Elsewhere the path is cleaned as if rooted at its mount. Any "." or
// ".." segment, in the path as logged or once decoded, is flagged
// (dot-segment): Vault 1.21 matches its policies against the path before
// the engine cleans it, so such a request may have reached a record its
// sender was never granted.
//
// # Records
//
// MapPath turns a cleaned path into a record, from the team's mount
// prefix (--mount, default sellervault):
//
//	PREFIX/data/stores/STORE                            store STORE
//	PREFIX/data/stores/STORE/creds/NAME                 credential STORE/NAME
//	PREFIX/data/stores/STORE/payout                     payout STORE
//	PREFIX/data/contacts/email/ADDRESS                  mailbox (masked: o***@a***.example)
//	PREFIX/data/contacts/phone/NUMBER                   phone (masked: +1********00)
//	PREFIX/data/decisions/payout/STORE/ID               payout-decision STORE/ID
//	PREFIX/data/staff/NAME                              staff NAME
//	PREFIX/data/incidents/STORE                         incident STORE
//	PREFIX/data/_meta/KEY                               meta KEY (settings, the init marker, redaction shards)
//	PREFIX-proposals/data/payout/STORE/ID               payout-proposal STORE/ID
//	PREFIX-verifications/data/payout/STORE              payout-verification STORE
//	PREFIX-reminders/metadata/CHANNEL/PERSON            reminder CHANNEL/PERSON
//	PREFIX-totp/code/STORE.NAME                         totp-code STORE/NAME
//	PREFIX-totp/keys/STORE.NAME                         totp-key STORE/NAME
//	PREFIX-transit/hmac/KEY[/ALGORITHM]                 transit-hmac KEY
//	sys/wrapping/unwrap                                 unwrap (of what it opened, see below)
//	sys/wrapping/wrap, sys/wrapping/rewrap              wrap (data wrapped by hand)
//	auth/userpass/login/NAME                            login NAME
//
// with metadata/, delete/, undelete/ and destroy/ in place of data/ too.
// The layout before each writer had a mount of its own is read as well:
// PREFIX/data/proposals/payout/STORE/ID (a proposal),
// PREFIX/data/proposals/payout-decisions/STORE/ID (a decision),
// PREFIX/data/verifications/payout/STORE (a verification) and
// PREFIX/metadata/_meta/reminders/CHANNEL/PERSON (a reminder note).
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
//   - any other write its writer's role may not make (see outside-role);
//   - an unwrap of a response the log shows wrapped from the team's
//     paths or by sys/wrapping/wrap: action "unwrap", with the kind and
//     record of what was wrapped, and a note saying who wrapped it and
//     when. An unwrap sent with the wrapping token itself has no
//     identity: it is put to the wrapper, and the note says so. Unwraps
//     of responses wrapped before the log begins are not reported;
//   - a request whose path has dot-segments;
//   - any request to the team's mounts that Vault refused;
//   - a login attempt by someone who has left.
//
// Its result is ok, denied (the error says "permission denied": no right,
// or a revoked, expired or disabled identity's token), failed (another
// error: not found, a check-and-set conflict, a wrong password, a used
// wrapping token) or unanswered.
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
// only); a login attempt by the name in its path. A token whose display
// name starts with "approle" is the reminder job (role "reminder"), with
// or without a directory. Anyone else is named by Vault's display name
// ("root"), or "unknown".
//
// # Flags
//
//   - dot-segment: a "." or ".." segment in a request's path, as logged
//     or once percent-decoded (any result, any operation). The detail
//     names the path as logged and, when Vault logged it, as sent
//     (request_uri without its query); a mailbox's or phone's last
//     segment is masked. The event is judged as the record the cleaned
//     path names, so a traversal write to a payout record is also a
//     payout-change, and outside-role when its writer may not write it.
//     When the dots appear only after a second decoding (%252e), Vault
//     took them as part of a name and the write stayed where it was;
//     the detail says so, and the request is still judged as if it had
//     reached the cleaned path.
//   - offboarded: a request by someone whose staff record says offboarded,
//     at or after the offboarding time (kept to the second: a request that
//     succeeded within that second is taken to be from before, since
//     offboarding disables the identity first), or by anyone at all when
//     that time is unknown; for a disabled identity without an offboarding
//     record, every refused request.
//   - unwrap-after-offboarding: an unwrap, at or after its wrapper's
//     offboarding, of a response they wrapped: wrapping tokens are not
//     the wrapper's and survive the revocation of their tokens, so
//     whoever holds one still opens it (invariant 5). Only for
//     offboarding records; a wrapper whose identity was disabled by hand
//     without one is not flagged.
//   - outside-stores: a credential or TOTP code of a store that is not
//     among the person's stores (managers have all), read or unwrapped.
//   - outside-role: a payout record, proposal or decision read (or
//     unwrapped) by someone who is neither finance nor a manager, a
//     mailbox or phone by someone not a manager, any record data by the
//     reminder job; or a write (create, update, patch, delete, of data,
//     metadata or settings, through any KV API) by a role that may not
//     make it: everything in PREFIX/ (credentials and their rotation
//     facts, stores, contacts, payout records, decisions, staff
//     records, incidents, _meta) and TOTP keys are written by managers
//     alone; proposals and verifications by finance and managers;
//     reminder notes by the reminder job, in PREFIX-reminders/ only,
//     and managers. Writes by tokens of no team member (the root token
//     at init) are not judged.
//   - not-staff: a record read or a payout change by a token of nobody on
//     the team: the root token (revoke it after init), another team's
//     manager, a token made by hand. Not given without a directory.
//   - denied: Vault refused the request.
//   - payout-change: a payout record, proposal or decision written (one
//     flag per write: farid's proposal, then maria's decision and the
//     payout record itself): each should match a change the team knows of.
//   - burst: more than BurstReads record reads (refused ones too) by one
//     person within BurstWindow (--burst-reads 20 and --burst-window 5m by
//     default). One flag per burst, from its first read to its last, with
//     the count and the stores read; its reads are marked on their events.
//     A burst goes on while the window holds more than BurstReads reads; a
//     new one needs that many reads of its own.
//   - hmac-volume: more than HMACInputs Transit HMAC inputs (a batch
//     counts its length; refused requests none) by one person within
//     HMACWindow (--hmac-inputs 5000 and --hmac-window 1h by default;
//     DefaultHMACInputs says why): guesses against the redaction index,
//     whose HMACs any member can read (invariant 4). One flag per
//     episode, with the inputs and the keys used; it goes on and starts
//     again as a burst does. HMAC requests are not events.
//
// Options.Staff and Options.Store keep only one person's or one store's
// events and flags (a burst is kept for a store when it read that store;
// an HMAC flag, of no store, only in a report of every store); bursts
// and HMAC volumes are still counted over all of a person's requests.
// Options.Since drops older requests (wraps before it are still paired
// with later unwraps).
//
// # Reading
//
// Analyzer.ReadLog streams a log through a 1 MiB buffer; a line may be up to
// 64 MiB (a listing of many keys, each HMAC'd); longer ones are skipped.
// Lines about other mounts are passed over after a quick test of their
// bytes (does a "path" name the team's mounts, a userpass login or
// response wrapping?), the others decoded by a validating scanner that
// takes only the fields above and skips the rest without building
// anything; it accepts exactly what encoding/json accepts (FuzzParseLine
// compares the two). Request data is the client's: a field of it of an
// unexpected type is passed over rather than refusing the line, so a
// request cannot hide itself by its data. A line that is not a valid
// entry (not JSON, cut short, a time that is not RFC 3339) is counted as
// malformed and skipped; nothing in a log stops the reading but a read
// error. Anything before a line's first "{" (the file device's prefix
// option) is ignored. Decompress opens gzip-compressed rotated logs. On
// a busy 2-core machine the report reads a few hundred MB of log a second
// (BenchmarkAuditLog100MB).
//
// # Limits
//
// The directory is the team as it is now: a person's stores are those of
// their current staff record, so a read made before a change of stores is
// judged by the new ones. The log is one audit device's: with several
// devices, read one; give rotated logs oldest first, or an unwrap is not
// paired with its wrap. Events and flags are kept in memory (a few
// hundred bytes each), and so are wrapping tokens' HMACs; for a log of
// years, use --since. The report trusts the log it is given: the file
// device's log is only as tamper-evident as where it is kept.
package audit

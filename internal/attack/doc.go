// Package attack is sellervault's adversarial test suite: it attacks a real
// Vault, set up the way `sellervault init` sets it up, with the real tokens
// of every kind of team member, over raw HTTP, the way a member with curl
// would (DESIGN.md, invariant 1). It holds no code of its own beyond this
// page; everything is in its _test.go files and runs with
//
//	go test ./internal/attack/
//
// # What it builds
//
// One in-process Vault per test binary (devvault.Shared, over TLS), set up
// by setup.Run, with the stores acme-us and acme-de, and canary records at
// every record path of the layout, for both stores: store profiles,
// credentials (one of them soft-deleted), payout records, mailboxes and
// phones (under their keyed IDs, with masked metadata), staff records,
// incidents, payout decisions, the init marker, settings and mail
// domains, a shard of every redaction audience's index
// (_meta/redact/store-STORE/00, payout/00, contacts/00), payout
// proposals and verifications in their own mounts, the reminder job's
// notes, TOTP keys imported with generate=false, per-person Transit keys
// and every audience's redaction key (and the shared one schema 2 left
// behind). Every record carries a canary in its value and another in its
// custom metadata, so a leak is found by searching a response for them.
//
// Beside these, random canary values are written through the product's
// own repository (internal/repo), so that paths, metadata and index
// entries are the product's: passwords of both stores (one reused in
// both and by a mailbox), a company and a personal mailbox and phone
// (also as a credential's recovery factors), and two more stores,
// pay-eu and pay-us, whose payout records (an IBAN; a routing and
// account number) finance proposed and the manager approved.
//
// The attackers log in for real: a manager (who is trusted and not
// attacked), a finance person, an ops staff member of acme-us only, the
// reminder job's AppRole, a person who was offboarded after logging in,
// and a person in no group at all.
//
// # What it attacks
//
// TestGeneratedAttacks reads the policy files each attacker's token
// carries (rendered with policies.Render, parsed with Vault's own policy
// parser), and from every granted path builds requests that climb out of
// the grant with dot-segments (.., %2e%2e, %2E%2E, .%2e, %2e., %2E.,
// %2f-encoded and doubled slashes, no-op . and %2e segments, mixtures,
// double encoding) to every seeded record, key and identity object that
// the attacker must not reach, with every method the KV, TOTP, Transit,
// identity and auth routes take: within the grant's route, across routes
// of its mount, and out of the mount. Every spelling is tried from globs
// (a glob matches whatever follows its prefix) and in every "+" segment;
// after an exact path, which no added segment can match, one spelling is
// tried to the main operations. ATTACK_FULL=1 tries every spelling from
// every grant to every operation, also wrapped (minutes, not seconds).
// Which records each role may reach is written by hand in expect_test.go
// from the team's rules, never derived from the policies: the suite
// checks the policies, it does not restate them.
//
// A case passes when the request is refused (400, 403, 404, 405), or,
// for a read, when its answer (unwrapped, if it came wrapped) holds no
// canary of a record denied to the attacker. After each attacker's cases,
// everything seeded (every version of every record, custom metadata,
// metadata settings, TOTP keys, Transit keys, identities, groups,
// policies, logins) is compared with a snapshot taken before; the first
// changed item is named.
//
// The scenario tests (scenario_test.go) replay the attacks that were found
// against earlier layouts, one by one, and the wrapping and token tests
// check that nothing a member reads can outlive their offboarding.
//
// The no-oracle tests (oracle_*_test.go) replay the attacks of issue 14 on
// the redaction index with each role's token (DESIGN.md invariant 4):
// mapping references to values offline, reading lengths, guessing values
// of other audiences through every Transit key the role may call,
// spotting a value reused across audiences, reading contacts through
// metadata. Each first shows its instrument works (the manager, or the
// member in their own audience, does find the value), then that the
// attacker finds nothing.
//
// # When a test fails
//
// A failure names the role, method, raw path, status and what leaked or
// changed. It is a hole in a policy file (or in the layout) until shown
// otherwise: fix the policy, never the expectation.
package attack

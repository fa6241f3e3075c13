// Package incident locks a store down when its seller account looks
// taken over (`sellervault incident start`), says what the lockdown
// still waits for (`incident status`), and lifts it (`incident close`).
// The command line parses the store and the reason and prints the
// checklist; this package does what lies between.
//
// # Start
//
// Start locks a store down, in this order:
//
//  1. It records the incident (the store's incident record, open, with
//     the reason, who started it and when, and the staff in the store's
//     access group: their entity IDs and names) before anything else.
//  2. It empties the store's access group: every staff member's access
//     to the store ends at once, tokens included (their policies come
//     from the group, read at every request); managers keep theirs
//     through their role.
//  3. It marks every credential of the store due for rotation since the
//     start.
//  4. It flags the store's payout record, if it has one, for
//     verification against the marketplace.
//
// Every step after the record checks before it acts, so Start is safe
// to run again after a failure at any step: on an open incident it
// keeps the first reason and start, adds to the record anyone put in the
// group since, and applies the lockdown again (reopened). Unfinished
// says what a start cut short left undone (staff still in the group, a
// credential neither marked due nor rotated since the start, the payout
// record not flagged); package doctor finds such incidents and starts
// them again.
//
// # Progress and close
//
// ProgressOf says what an open incident still waits for: the credentials
// not rotated since it started (or still marked due) and the payout
// record's verification since then; Open lists the open incidents with
// theirs. Close puts the removed staff back in the group (keeping anyone
// a manager added meanwhile), then records the incident closed; it
// refuses with ErrUnfinished while work is open, unless forced with a
// reason, which is recorded. A failure before the record is written
// leaves the incident open, to be closed again.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): Records (r.Incidents(): Get, Put, List of the records
// at incidents/STORE, check-and-set on their version), Stores
// (r.Stores(): Require, GroupMembers, SetGroupMembers of the store's
// access group), People (r.Identities(): Writer, EntityName), Creds
// (r.Creds(): Verified, a store's credentials with every metadata mirror
// checked against its data), Rotation (r.Rotation(): MarkDue) and Payouts
// (r.Payouts(): Flag, Facts). The store's errors keep the kinds of
// package failure, which set the exit code; a store with no incident is
// a not-found. So it is tested with an in-memory store as well as
// against the real Vault. The store itself refuses to give anyone a
// store under an open incident (repo.ErrLocked).
package incident

// Package doctor checks the whole team after a failure, a failover or an
// edit made around sellervault (`sellervault doctor`, a manager's job),
// and repairs what it finds. It sits above packages offboard and
// incident: it finishes their runs that a failure cut short. The command
// line prints the report (Report: names only, never a value) and sets the
// exit code; this package does the checks.
//
// # The checks
//
// Run, in this order:
//
//  1. compares each credential's custom metadata with its data (a write
//     cut off between the two, or a `vault kv put`/`patch`), and each
//     store's credential listing with that metadata, and writes the
//     metadata again from the data and rebuilds the listings that differ;
//  2. compares each redaction audience's index with what its records'
//     current values call for, and rebuilds each that lags (before the
//     runs below, which write records and their index entries
//     themselves);
//  3. finishes every offboarding a run left unfinished (its progress
//     record holds items pending, or its staff record is not yet
//     offboarded) by running it again to the successor it named
//     (offboard.Run); a progress record whose staff record is gone is
//     left alone;
//  4. applies again the lockdown of every open incident whose start was
//     cut short (incident.Unfinished: staff still in the store's group, a
//     credential neither marked due nor rotated since the start, the
//     payout record not flagged) by starting it again (incident.Start,
//     which keeps the first reason and start).
//
// With dryRun it finds and reports, and repairs nothing: the store's
// listings and index checks rewrite nothing while it reads them. It
// reads every credential (two requests each), so it is for after a
// failure, not for every command. Each repair is the store's or the
// workflow's own idempotent write, so run again, doctor finds nothing. A
// check that fails stops it; the report says what it found before, and
// the error which check failed.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): the offboarding's and the lockdown's own (offboard.Deps
// and incident.Deps: it reads their records through them and runs them
// again), with their Mirrors (r.Mirrors(): Check, DryRun) for the first
// check; Index (RebuildLagging: the rebuild of the redaction indexes,
// package reindex, on its own store's facets: reindex.Lagging) for the
// second; and Offboardings (r.Members(): the members whose offboarding
// has a progress record). So it is tested with an in-memory store as well as
// against the real Vault.
package doctor

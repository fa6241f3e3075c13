// Package reindex rebuilds the redaction indexes from the records:
// `sellervault redact --reindex`, the migration of `sellervault init` to
// layout schema 3 (setup.Options.Reindex), and doctor's check of the
// indexes that lag their records (RebuildLagging).
//
// The store keeps each record's entries in its audience's index with
// every write of the record (package repo). A rebuild is for what those
// writes cannot mend: a record written whose index update failed
// (repo.ErrIndexStale says so), a record written around sellervault
// (with Vault's API), a record deleted whose audience has nothing left,
// an index of an older layout.
//
// # A rebuild
//
// Run is a manager's job: it reads every value of the team and writes
// every audience's index, which Vault's policies let only managers do.
//
//  1. It rebuilds every store's credential listing from its
//     credentials' metadata, first: the inventory below reads them.
//  2. It reads every record the inventory lists (stores, phones,
//     credentials, mailboxes, payout records) and takes its sensitive
//     values as the model gives them (records.Encoded.Sensitive,
//     records.PayoutSensitive), by the record's path. It records the
//     team's mail domains: those of the company mailboxes it read
//     (personal ones left out), exactly.
//  3. It groups the values by audience (the store's Index.AudienceOf:
//     a store's credentials and name, payout, contacts) and adds, with
//     no values, each audience whose index exists but has no record left.
//  4. For each audience, by name, it makes the entries of its values
//     (redact.IndexEntries: each value's normalised forms, HMACed with
//     the audience's key through Vault's Transit) and replaces the
//     audience's whole index with them (Index.Write: every shard, with
//     check-and-set); an audience with no record left is emptied.
//
// Its Report counts the audiences with records, the records with
// sensitive values and the entries written. An error stops it, naming
// the audience it was at; run again, it does the whole rebuild again.
//
// RebuildLagging is doctor's check: it computes the same indexes (steps
// 2 to 4, without the listings), compares each with what the store holds
// (Index.Matches), and rewrites only those that differ, returning their
// names, by name. On a dry run it writes nothing: neither an index, nor
// the team's mail domains, nor a listing it finds stale (Mirrors.DryRun).
// On an error it returns the audiences found before it. Lagging is the
// check as doctor's Deps take it.
//
// Neither says any value: errors name audiences and come from the store;
// the report is counts and audience names.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): Index (r.Index(): the listings' rebuild, the audience
// of a path, the audiences that have an index, each audience's Transit
// hasher, and an audience's whole index compared or written, in the
// store's shard format, which stays the store's), Records (r.Rotation():
// the inventory), Creds (r.Creds()), Contacts (r.Contacts(): mailboxes
// and phones by ID, whatever the layout, and the team's mail domains),
// Payouts (r.Payouts()) and Mirrors (r.Mirrors(): a dry run). Package
// connect wires them (connect.ReindexDeps). So it is tested with an
// in-memory store as well as against the real Vault.
package reindex

// Package offboard is a team member's offboarding (`sellervault staff
// offboard NAME --handover-to SUCCESSOR`): it ends the leaver's access at
// once, hands over what they held to an active successor, marks what
// they could read for rotation, and reports what it did across every run
// of the same offboarding. The command line parses the names, prints the
// report and writes it to files; this package does what lies between.
//
// # The steps
//
// Run first checks the leaver's staff record and the successor (active,
// not the leaver), and that an offboarding begun earlier hands over to
// the same successor. Then, each step in turn:
//
//  1. disable the identity: every token issued through it stops working
//     at once;
//  2. remove its group memberships (the role's group and each store's);
//  3. delete the userpass login and revoke every token issued through it;
//  4. revoke the wrapped responses of team records: Vault makes wrapping
//     tokens as orphans, so revoking the leaver's tokens leaves alive any
//     copy of a record they wrapped (RevokeWrappedCopies);
//  5. for a manager, destroy the reminder job's AppRole secret IDs, which
//     a manager issues and may have kept;
//  6. bring every credential's metadata and listing up to date with its
//     data, since what is handed over is chosen from metadata and an
//     owner changed around sellervault must not be missed;
//  7. hand the leaver's company mailboxes and phones to the successor,
//     due for rotation (the leaver knew their passwords and PINs);
//  8. hand over the credentials the leaver owned or was assigned, in
//     every store, and mark due for rotation every credential the leaver
//     could read (their stores' for ops, every store's for finance and
//     managers), a few at a time;
//  9. for finance and managers, flag every store's payout record for
//     verification against the marketplace;
//  10. record the offboarding in the staff record (when, by whom, to whom).
//
// A dry run checks the same and lists what each step would do, changing
// nothing; the store's listings repair nothing while it reads them.
//
// # Resuming
//
// Every step first checks what is done, so an offboarding can be run
// again after a failure at any step and finishes without duplicating
// anything; a run on a finished offboarding changes nothing. What each
// run does is kept, item by item, in the offboarding's progress record
// (staff.OffboardProgress): its successor, when and by whom it began,
// how many runs it took, and per step the items done and the items a run
// set out to do. A step records its list before its first change and
// what it did after; an item left pending by a run cut off in between,
// and no longer on the next run's list, was done by that run. So the
// report (Report: one Step per step, with the items of every run and
// those of this run) of the run that finishes lists everything done by
// every run, and a failed run returns its report, incomplete, with the
// error. Package doctor finds offboardings left unfinished (items
// pending, or a staff record not yet offboarded) and runs them again.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): Members (r.Members(): the staff records and the
// progress records at _meta/offboarding/NAME), Identities and Tokens
// (r.Identities(): the caller's name, the leaver's entity, groups, login
// and tokens, wrapped copies, the reminder job's secret IDs), Contacts
// (r.Contacts()), Creds (r.Creds(): listing, reading and writing
// credentials whose values do not change), Stores (r.Stores()), Payouts
// (r.Payouts(): Flag) and Mirrors (r.Mirrors(): Check, DryRun). Every write
// is the store's own check-and-set; its errors keep the kinds of package
// failure, which set the exit code. So it is tested with an in-memory
// store, failing each of its writes in turn, as well as against the real
// Vault (package offboardtest holds the fixture).
package offboard

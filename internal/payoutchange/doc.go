// Package payoutchange is payout change control: the two-person rule
// under which a store's payout details (the bank account its money goes
// to) change. One person proposes the new details; after the team's
// cooling-off period a second person, a manager, reads the change and
// approves it by typing the last four characters of the new account, or
// rejects it. Nobody approves their own change. It is what
// `sellervault payout propose`, `requests`, `history`, `approve` and
// `reject` do; the command line reads the proposal, prints requests and
// asks for the confirmation.
//
// # A change
//
//  1. Propose (finance or a manager) validates nothing itself: the record
//     must be normalised and valid (payout.Record.Normalize, Validate).
//     It reads the store's current payout record and its version, refuses
//     a proposal that changes nothing, and has the store write the
//     request once, signed with the proposer's own key, over that version.
//     With dryRun it writes nothing and returns what it would propose.
//  2. Requests and FindRequest (by ID, or STORE/ID when the ID is under
//     more than one store) read requests back as a Request: its status
//     (pending until a decision is recorded), who asked, when, and the
//     change as masked old → new lines (payout.Diff).
//  3. CanApprove says why the caller may not approve a request, if they
//     may not; ApproveRequest checks again, checks the confirmation
//     (payout.ConfirmsLast4), claims the decision, then writes the new
//     record over the version the request was made against. Approve
//     finds the request and approves it in one call.
//  4. Reject records a decision to close a pending request unapplied.
//
// # What a decision rests on
//
// Whoever can write a record can write anything into it, so no decision
// rests on what a less-trusted role wrote (finance writes requests;
// managers alone write decisions, payout records and the settings):
//
//   - Who is asking comes from Vault's lookup of the caller's own token
//     (Payouts.Caller), never from a record. A token of no person (root,
//     a service token) can neither propose (it has no key to sign with)
//     nor approve (ErrNoIdentity).
//   - Who asked is the entity whose signature the request carries. The
//     store checks it with that entity's Transit key, which only that
//     person may sign with; managers alone may check signatures, so only
//     they may approve (ErrNotApprover). The name shown is the entity's
//     name in Vault; a request whose signature does not check shows the
//     name it claims, marked "(unproven)", and cannot be approved
//     (ErrUnsigned). The approver's entity must differ from the
//     requester's (ErrSelfApproval).
//   - When it was asked is when Vault created the request record. The
//     cooling-off (the team's setting, 24 hours by default) runs from
//     then (ErrCoolingOff).
//   - What changes is computed from the request's record against the
//     payout version it names, never from a summary in the request. A
//     request written more than once is refused when read; one whose
//     payout version is gone (a restore writes current versions only)
//     is stale (ErrStale).
//
// # Races
//
// Every write is a check-and-set, so of two decisions made at once one
// wins and the other fails: the decision is a record that can be created
// once (the loser gets ErrNotPending), and the payout record is written
// over the version the request was made against (a change applied
// meanwhile makes the approval fail with ErrStale, and the decision is
// recorded as failed). An approval whose answer is lost on the way is
// taken as done when the payout record names its request.
//
// # Errors
//
// The refusals match failure.ErrDenied and the lost races
// failure.ErrConflict, so the exit code follows from the kind; each has
// its own words for the person who meets it.
//
// # The store
//
// The package depends on two small interfaces that the record store's
// facets satisfy (Deps): Payouts (r.Payouts(): the payout record and its
// versions, Apply, who is calling, the cooling-off) and Proposals
// (r.Proposals(): the requests, with their signatures checked, and the
// decisions). Where the records are kept and how they are encoded and
// signed is the store's. So it is tested with an in-memory store as well
// as against the real Vault. Recording a verification of the payout
// details (`payout verify`) is the store's alone (Payouts.RecordVerification
// in package repo): it decides nothing.
package payoutchange

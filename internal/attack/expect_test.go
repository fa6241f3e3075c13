package attack

import "github.com/sellervault/sellervault/internal/vault"

// The expectations table: what each role may do, written by hand from the
// team's rules (DESIGN.md "People and their jobs" and the rules below),
// NOT derived from the policy files. A request that would do anything not
// allowed here is an attack target for that role.
//
//	staff of acme-us: reads acme-us's profile, credentials and TOTP codes;
//	    never anything of acme-de, never a payout record, contact, another
//	    person's staff record, proposal, verification, decision,
//	    incident, TOTP seed escrow copy (even of acme-us), offboarding
//	    or import progress; writes nothing.
//	finance: reads every payout record, proposal, verification and
//	    decision, and their own staff record; writes only new proposals
//	    (never changes an existing one) and verifications; nothing in the
//	    records mount.
//	reminder job: reads metadata only (of the records mount and of
//	    verifications), never a value, never Transit or TOTP; writes only
//	    its notes' metadata in the reminders mount.
//	offboarded, no role: nothing at all (an offboarded token is revoked).
//	manager: anything (not attacked).
//
// The redaction indexes (DESIGN.md invariant 4, issue 14): one Transit
// HMAC key and one index (_meta/redact/AUDIENCE/NN) per audience, and
// only the audience may read the index and call the key, because only
// they may read every value in it anyway:
//
//	store-STORE  the members of the store's group (its credentials and,
//	             if sensitive, its name)
//	payout       finance (and managers): payout numbers
//	contacts     managers only: mailboxes and phones
//
// So staff of acme-us read only acme-us's shards and HMAC only with
// acme-us's key; finance read the payout shards and HMAC with the payout
// key (and their stores', if they had any); the reminder job, an
// offboarded member and a person without a role none of them. The key
// every member could call in schema 2 (PREFIX-redact) is called by
// nobody. Nobody but a manager reads, configures, rotates, deletes or
// exports any redaction key: a member computes HMACs, never learns the
// key.
//
// Two readings of the rules, stated so they can be argued with:
//   - the team settings, the init marker and the team's mail domains
//     are read by every person's client at start and when redacting, so
//     staff and finance may read their data (not their metadata); the
//     reminder job reads every metadata of the records mount, the
//     index shards' included (versions and times, no values).
//   - finance may read store profiles' metadata and list stores (to find
//     the payout records), and use their own Transit key (to sign what
//     they propose and verify), never anyone else's.

// Kinds of operation on a target.
const (
	opReadData = "read value"    // KV data, a TOTP code, an HMAC, key or entity details
	opReadMeta = "read metadata" // KV metadata (custom metadata, versions)
	opList     = "list"
	opWrite    = "write"  // create, update, patch, undelete, settings, config
	opDestroy  = "delete" // soft delete, destroy, metadata delete, key delete
)

// subject is what an operation touches, as the rules see it.
type subject struct {
	class  string
	mount  string // mount path without the trailing slash
	route  string // KV route (data, metadata, delete, …) or engine route
	store  string
	person string // the person it is about ("" for none)
	dir    string // for opList on KV: the folder listed
	// audience is the redaction audience of an index shard or key
	// (vault.StoreAudience, vault.AudiencePayout, …, legacyAudience).
	audience string
}

// allowed says whether role may do op on s, by the rules above.
func (tm *team) allowed(role, op string, s subject) bool {
	P, prop, verif, notes := tm.l.KV(), tm.l.Proposals(), tm.l.Verifications(), tm.l.Reminders()
	read := op == opReadData || op == opReadMeta
	switch role {
	case roleManager:
		return true
	case roleStaff: // ops, assigned to acme-us only
		me := tm.members[roleStaff].name
		switch {
		case read && (s.class == clsProfile || s.class == clsCred):
			return s.store == storeUS
		case op == opReadData && s.class == clsCode:
			return s.store == storeUS
		case read && s.class == clsStaff:
			return s.person == me
		case read && (s.class == clsInit || s.class == clsSettings):
			return true
		case op == opReadData && s.class == clsDomains:
			return true
		case op == opReadData && (s.class == clsRedact || s.class == clsRedactHMAC):
			return s.audience == vault.StoreAudience(storeUS)
		case op == opList && s.mount == P:
			return s.dir == "stores/"+storeUS+"/creds/"
		}
		return false
	case roleFinance:
		me := tm.members[roleFinance].name
		switch {
		case read && (s.class == clsPayout || s.class == clsProposal || s.class == clsVerification || s.class == clsDecision):
			return true
		case read && s.class == clsStaff:
			return s.person == me
		case read && (s.class == clsInit || s.class == clsSettings):
			return true
		case op == opReadData && s.class == clsDomains:
			return true
		case op == opReadMeta && s.class == clsProfile:
			return true
		case op == opReadData && (s.class == clsRedact || s.class == clsRedactHMAC):
			return s.audience == vault.AudiencePayout // and their stores', if they had any
		case op == opReadData && (s.class == clsPersonHMAC || s.class == clsPersonKey):
			return s.person == me
		case op == opList && s.mount == P:
			return s.dir == "stores/"
		case op == opList && (s.mount == prop || s.mount == verif):
			return true
		case op == opWrite && s.class == clsVerification:
			return s.route == "data"
		}
		return false
	case roleReminder:
		switch {
		case op == opReadMeta:
			return s.mount == P || s.mount == verif || s.mount == notes
		case op == opList:
			return s.mount == P || s.mount == verif || s.mount == notes
		case op == opWrite && s.class == clsNote:
			return s.route == "metadata"
		}
		return false
	}
	// offboarded and no role: nothing.
	return false
}

// mayChange says whether a change to a snapshot item after role's
// attacks is one the role may make (its own writes). Keys are those of
// snapshot(): "kv:MOUNT/KEY", "kvkeys:MOUNT", ….
func (tm *team) mayChange(role, item string, existedBefore bool) bool {
	switch role {
	case roleFinance:
		// Verifications: create and update; proposals: new ones only.
		if hasPrefix(item, "kv:"+tm.l.Verifications()+"/") || item == "kvkeys:"+tm.l.Verifications() {
			return true
		}
		if hasPrefix(item, "kv:"+tm.l.Proposals()+"/") && !existedBefore {
			return true
		}
		if item == "kvkeys:"+tm.l.Proposals() {
			return true // judged per key above
		}
	case roleReminder:
		if hasPrefix(item, "kv:"+tm.l.Reminders()+"/") || item == "kvkeys:"+tm.l.Reminders() {
			return true
		}
	}
	return false
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

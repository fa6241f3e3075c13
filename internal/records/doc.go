// Package records is the model of what a seller team keeps in sellervault:
// stores, the credentials under them, and the company mailboxes and phone
// numbers that can recover those credentials. It is pure Go: no Vault, no
// I/O, so it is tested alone.
//
// # Records and where they live
//
// Paths are relative to the KV v2 mount (default "sellervault/"):
//
//	stores/STORE                 a store: marketplace, region, notes
//	stores/STORE/creds/NAME      a credential: login, password, URL, notes,
//	                             recovery mailbox and phone, owner, assignees
//	contacts/email/ADDRESS       a mailbox: its password, recovery phone,
//	                             assignee, company-owned or personal
//	contacts/phone/DIGITS        a phone (E.164 without "+"): carrier, SIM
//	                             PIN, assignee, company-owned or personal
//
// A record's data (one KV version) holds every field and is the source of
// truth; writes use check-and-set. Its custom metadata mirrors the fields
// that are not secret and not sensitive (owner, assignees, rotation facts,
// references to recovery factors), so that listings and the reminder job
// read metadata only, never values.
//
// # Secrets
//
// Each kind has one secret field: a credential's password, a mailbox's
// password, a phone's SIM PIN. Fields reports which field is secret; every
// display masks it unless the user asks for it explicitly.
//
// # Parsers
//
// Every input from outside (names, addresses, e-mail addresses, phone
// numbers, URLs, intervals, marketplaces and regions) goes through a Parse
// function that normalises it or returns a one-line error saying what is
// wrong and what to use instead.
package records

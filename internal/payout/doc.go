// Package payout is the model of a store's payout details: the bank
// account that a marketplace or a payout provider pays the store's money
// into. It validates them, masks them for display, compares them and
// reads proposals for changing them. It is pure Go: no Vault, no I/O.
//
// Payout details are the most valuable target a seller team has: one
// changed IBAN, by an attacker with a stolen login or by a typing
// mistake, sends a month's sales to someone else. Everything here is
// built so that a wrong account number is caught before it is stored,
// and a changed one is seen by the person who approves it.
//
// # Schemes
//
// A Record holds exactly one of three kinds of account (Record.Scheme):
//
//	iban   an IBAN, optionally with the bank's BIC: the 89 countries of
//	       the SWIFT IBAN registry (Europe, the Middle East, parts of
//	       Africa and Latin America).
//	aba    a US account: the bank's 9-digit ABA routing number, the
//	       account number (4 to 17 digits) and its type, checking or
//	       savings. Optionally the bank's BIC, for wires from abroad.
//	swift  a BIC and a local account number (1 to 34 letters and
//	       digits), for countries without IBANs (China, Japan, Hong
//	       Kong, Canada …). Not for a country whose banks use IBANs:
//	       there the IBAN is the account number to give.
//
// Every record has a holder (the name the bank has, at most 140
// characters, no control or invisible formatting characters) and may
// have the bank's name, a country (ISO 3166 alpha-2, or XK for Kosovo),
// a currency (ISO 4217) and a payout provider (payoneer, pingpong,
// lianlian, worldfirst, airwallex, wise or other).
//
// # Normalising and validating
//
// What a person types or pastes goes through Record.Normalize first:
// spaces (including no-break and zero-width ones), hyphens and dots are
// dropped from the IBAN, and a leading "IBAN" as printed on statements;
// codes are upper-cased, words lower-cased; a missing country is taken
// from the IBAN. Only ASCII letters change case, so look-alike letters
// from other scripts are refused instead of being folded into valid
// ones. Record.Validate then reports every problem at once, one line
// each, starting with the field's name, each matching
// records.ErrInvalidInput:
//
//   - IBAN (ValidateIBAN): the country is in the registry; the length is
//     exactly the registry's for that country; the BBAN has the
//     registry's structure (digits, letters, letters or digits, position
//     by position); the check digits are 02 to 98; and the ISO 7064
//     MOD 97-10 check holds. Together they catch every mistyped digit,
//     every letter typed for another, every swap of two neighbouring
//     digits or letters, and every missing or extra character. What the
//     check cannot always catch is a digit typed for a letter (or the
//     reverse), or a digit and a letter swapped, where the registry
//     allows both: a letter counts as two digits in the check, so about
//     one such mistake in a hundred passes. Only countries whose BBANs
//     have letters-or-digits parts (like RO, QA, MT) are exposed. The
//     IBAN's country must be the record's country and the BIC's
//     country, or a territory whose accounts have that country's IBANs
//     (GP, MQ … for FR; JE, GG, IM for GB; AX for FI).
//   - BIC (ValidateBIC, ISO 9362): 8 or 11 letters and digits; a
//     4-letter bank code; a country that is an ISO 3166 code or XK; a
//     location code that does not start with 0 or 1, does not end with
//     the letter O, and is not a test one (ending with the digit 0:
//     refused with a message saying so); a branch code that starts with
//     "X" only as "XXX".
//   - Routing number (ValidateABA): 9 digits; a prefix in the Federal
//     Reserve's ranges (00-12, 21-32, 61-72, 80); the checksum
//     3×(d1+d4+d7) + 7×(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10). With a
//     routing number, the country and the BIC's country must be the US
//     or a US territory with US banking (PR, GU, VI, AS, MP).
//   - Currency: an active ISO 4217 code that accounts are held in (not a
//     funds code, a precious metal or a unit of account); withdrawn
//     codes name their successor (HRK: use EUR).
//
// None of this proves that an account exists or belongs to the holder:
// it proves that the numbers are well formed and were not mistyped. A
// changed account still needs the second person's approval and the
// comparison with what the marketplace shows (Matches).
//
// # Where the data comes from
//
// The IBAN formats are the SWIFT IBAN Registry, Release 100 (the TXT
// edition; its latest country update is dated October 2025): for each of
// its 89 countries the IBAN length and the BBAN structure in the
// registry's notation ("8!n10!n" for DE: 8 digits, then 10 digits), kept
// in registry.go. The registry's own example IBANs, all 89, are the
// package's tests. Country codes come from package iso3166 (ISO 3166-1,
// 249 codes); currency codes are ISO 4217 list one after the 2025
// amendments, kept in currency.go. When SWIFT publishes a new release,
// update registry.go and the examples in the tests together.
//
// # Masking
//
// The IBAN and the account number are sensitive (Field.Sensitive); the
// BIC and the routing number name a bank, not an account, and are not.
// Every display masks the sensitive values unless the user asks for them
// in clear on a terminal (Record.Masked):
//
//	MaskIBAN("DE89370400440532013000")  "DE89 **** **** **** **30 00"
//	MaskAccount("0532013000")           "****3000"
//
// A masked IBAN keeps its country code, its check digits and its last
// four characters, grouped like a printed IBAN; a masked account number
// keeps its last four behind a fixed "****" (fewer for short numbers, so
// that at least half stays hidden). That tells two accounts apart
// without being enough to pay into one. Diff shows changes with masked
// values only, and flags a change that the mask hides (same first and
// last characters): exactly what a tampered IBAN looks like. Error
// messages show IBANs and account numbers masked, never in clear.
//
// # Proposals and verification
//
// ParseJSON reads a change proposal (`payout propose --from-file` or
// stdin): one JSON object of string values with exactly the field names
// as keys, at most 16 KiB; unknown or repeated keys and anything after
// the object are refused. Matches compares a value that a person reads
// off the marketplace's page with the stored one, normalised like its
// field, in constant time.
package payout

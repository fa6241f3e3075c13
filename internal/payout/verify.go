package payout

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// Matches reports whether given, what a person read off a marketplace's
// payout page or a bank letter, is the stored value of a record's field
// (named as in Fields: "iban", "bic", "routing", "account", "holder" …).
// Both sides are normalised like that field (an IBAN by NormalizeIBAN, a
// BIC without spaces in upper case, a routing number without spaces and
// hyphens, an account number without spaces, hyphens and dots, codes in
// upper case, names trimmed), so "de89 3704 0044 0532 0130 00" matches
// "DE89370400440532013000". It is what `payout verify` uses.
//
// The comparison takes the same time wherever the values differ, and the
// same time whatever their lengths (it compares SHA-256 digests with
// crypto/subtle), so timing tells nothing about the stored value. An
// empty value matches nothing, and an unknown field name matches nothing.
func Matches(field, stored, given string) bool {
	norm := normalizerOf(field)
	if norm == nil {
		return false
	}
	a, b := norm(stored), norm(given)
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	same := subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
	return same && a != "" && b != ""
}

// normalizerOf returns how Normalize normalises a field, or nil for an
// unknown field name.
func normalizerOf(field string) func(string) string {
	switch field {
	case FieldIBAN:
		return NormalizeIBAN
	case FieldBIC:
		return normalizeBIC
	case FieldRouting:
		return normalizeRouting
	case FieldAccount:
		return normalizeAccount
	case FieldHolder, FieldBank:
		return strings.TrimSpace
	case FieldCountry, FieldCurrency:
		return normalizeCode
	case FieldAccountType, FieldProvider:
		return normalizeWord
	}
	return nil
}

package payout

import (
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/iso3166"
)

// ValidateBIC checks a normalised BIC (ISO 9362, the "SWIFT code"):
// 8 or 11 upper-case letters and digits, made of a 4-letter bank code,
// the 2-letter ISO 3166 code of the bank's country (or XK, Kosovo, which
// SWIFT uses), a 2-character location code and an optional 3-character
// branch code. SWIFT's rules for the parts are checked too: a location
// code never starts with 0 or 1 and never ends with the letter O; one
// that ends with the digit 0 marks a test BIC, which cannot receive
// payments, and is refused with a message saying so; a branch code
// starts with "X" only as "XXX" (the primary office). A BIC is not
// secret: errors quote it.
func ValidateBIC(s string) error {
	const fix = "give the bank's 8 or 11 character BIC (SWIFT code), like DEUTDEFF or DEUTDEFF500"
	if s == "" {
		return invalidf("bic is empty; %s", fix)
	}
	q := quoteInput(s)
	for i := 0; i < len(s); {
		c := s[i]
		if isAlnum(c) {
			i++
			continue
		}
		if 'a' <= c && c <= 'z' {
			return invalidf("bic %s has lower-case letters; BICs are upper case (normalise it first)", q)
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		return invalidf("bic %s has %s; a BIC has only letters and digits", q, describeRune(r, size))
	}
	if len(s) != 8 && len(s) != 11 {
		return invalidf("bic %s has %d characters; %s", q, len(s), fix)
	}
	for i := 0; i < 4; i++ {
		if !isUpper(s[i]) {
			return invalidf("bic %s has a digit in its bank code; the first 4 characters of a BIC are letters", q)
		}
	}
	if cc := s[4:6]; !isBICCountry(cc) {
		return invalidf("bic %s has %s as its country (characters 5 and 6), which is not a country code; check the BIC", q, quoteInput(cc))
	}
	if loc := s[6:8]; loc[0] == '0' || loc[0] == '1' {
		return invalidf("bic %s has location code %s (characters 7 and 8), which cannot start with 0 or 1; check the BIC", q, loc)
	}
	if s[7] == 'O' {
		return invalidf("bic %s has the letter O as its 8th character, which BICs never have; check the BIC (a 0 there would make it a test BIC)", q)
	}
	if s[7] == '0' {
		return invalidf("bic %s is a test BIC (the second character of its location code is 0) and cannot receive payments; ask the bank for its live BIC", q)
	}
	if len(s) == 11 && s[8] == 'X' && s[8:] != "XXX" {
		return invalidf("bic %s has branch code %s; a branch code that starts with X must be XXX", q, s[8:])
	}
	return nil
}

// isBICCountry reports whether cc may be a BIC's country: an assigned
// ISO 3166 code, or XK, which SWIFT uses for Kosovo.
func isBICCountry(cc string) bool {
	return cc == "XK" || iso3166.Assigned(cc)
}

// bicCountry returns the country code of a BIC that passed ValidateBIC.
func bicCountry(bic string) string {
	if len(bic) < 6 {
		return ""
	}
	return bic[4:6]
}

package payout

import (
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/iso3166"
)

// maxIBANLen is the longest IBAN that ISO 13616 allows.
const maxIBANLen = 34

// ValidateIBAN checks a normalised IBAN (see NormalizeIBAN): only
// upper-case letters and digits; a country code that is in the SWIFT
// IBAN registry; two check digits; exactly the registry's length for
// that country; a BBAN of the registry's structure (digits where it says
// n, upper-case letters where it says a); check digits from 02 to 98;
// and the ISO 7064 MOD 97-10 check (the whole IBAN, rearranged, leaves
// 1). Together they catch every changed digit, every letter changed for
// another, every swap of two neighbouring digits or letters and every
// missing or extra character; a digit changed for a letter (or the reverse), or such
// a pair swapped, where the structure allows both, can slip through now
// and then (a letter counts as two digits in the check). It does not
// prove that the account exists.
//
// The error names the problem; where it must refer to the IBAN it shows
// it masked (MaskIBAN), never whole.
func ValidateIBAN(s string) error {
	const fix = "give it as printed on the bank's document, like DE89 3704 0044 0532 0130 00"
	switch {
	case s == "":
		return invalidf("iban is empty; %s", fix)
	case len(s) > maxIBANLen:
		return invalidf("iban is %d characters long; an IBAN has at most %d", utf8.RuneCountInString(s), maxIBANLen)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if isUpper(c) || isDigit(c) {
			i++
			continue
		}
		if 'a' <= c && c <= 'z' {
			return invalidf("iban has a lower-case letter at position %d; IBANs are upper case (normalise it first)", i+1)
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		return invalidf("iban has %s at position %d; an IBAN has only letters and digits", describeRune(r, size), i+1)
	}
	if len(s) < 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return invalidf("iban does not start with a two-letter country code; %s", fix)
	}
	country := s[:2]
	f, ok := ibanFormatOf(country)
	if !ok {
		switch parent := ibanParentOf(country); {
		case parent != "":
			return invalidf("iban starts with %s, but accounts in %s have %s IBANs; check the first two letters", country, country, parent)
		case iso3166.Assigned(country):
			return invalidf("iban starts with %s, a country that does not use IBANs (it is not in the SWIFT IBAN registry); use the BIC and the local account number", country)
		default:
			return invalidf("iban starts with %s, which is not a country code; %s", country, fix)
		}
	}
	if len(s) < 4 || !isDigit(s[2]) || !isDigit(s[3]) {
		return invalidf("iban %s has no check digits after the country code; %s", MaskIBAN(s), fix)
	}
	if len(s) != f.length {
		return invalidf("iban %s has %d characters, but IBANs of %s have %d; a character is missing or extra", MaskIBAN(s), len(s), country, f.length)
	}
	pos := 4
	for _, seg := range f.segments {
		for j := 0; j < seg.count; j++ {
			if c := s[pos]; !seg.allows(c) {
				return invalidf("iban %s has %s at position %d where the %s format (%s) needs %s; check it for a typo",
					MaskIBAN(s), classOf(c), pos+1, country, f.structure, seg.needs())
			}
			pos++
		}
	}
	if cd := s[2:4]; cd == "00" || cd == "01" || cd == "99" {
		return invalidf("iban %s has check digits %s, which are never issued (only 02 to 98 are); check it for a typo", MaskIBAN(s), cd)
	}
	if ibanMod97(s) != 1 {
		return invalidf("iban %s fails the check-digit test (mod 97): a character is wrong or two are swapped; compare it with the bank's document", MaskIBAN(s))
	}
	return nil
}

// ibanMod97 is the ISO 7064 MOD 97-10 remainder of an IBAN of upper-case
// letters and digits: the first four characters moved to the end, each
// letter replaced by two digits (A = 10 … Z = 35), the number taken
// modulo 97. A valid IBAN leaves 1.
func ibanMod97(s string) int {
	r := 0
	add := func(c byte) {
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	for i := 4; i < len(s); i++ {
		add(s[i])
	}
	for i := 0; i < 4 && i < len(s); i++ {
		add(s[i])
	}
	return r
}

// allows reports whether c fits the segment's class.
func (seg ibanSegment) allows(c byte) bool {
	switch seg.class {
	case 'n':
		return isDigit(c)
	case 'a':
		return isUpper(c)
	default:
		return isDigit(c) || isUpper(c)
	}
}

// needs names the segment's class for an error message.
func (seg ibanSegment) needs() string {
	switch seg.class {
	case 'n':
		return "a digit"
	case 'a':
		return "a letter"
	default:
		return "a letter or digit"
	}
}

// classOf names what kind of character c is, without saying which.
func classOf(c byte) string {
	if isDigit(c) {
		return "a digit"
	}
	return "a letter"
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) }

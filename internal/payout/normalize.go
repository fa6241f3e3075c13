package payout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// isInvisible reports whether r is a character that a copy from a web
// page or a PDF leaves in a number without meaning anything: white space
// of any kind (including no-break and thin spaces) and the zero-width
// characters. Normalisers drop them.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u2060', '\ufeff', '\u00ad': // zero-width space, word joiner, BOM, soft hyphen
		return true
	}
	return unicode.IsSpace(r)
}

// dropRunes returns s without the characters for which drop is true.
// Bytes that are not UTF-8 are kept as they are (validation refuses
// them), so that dropping twice gives what dropping once gave.
func dropRunes(s string, drop func(rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == utf8.RuneError && size <= 1) && drop(r) {
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// asciiUpper upper-cases the ASCII letters of s and nothing else: Unicode
// case mapping would turn look-alikes into letters (the dotless "ı" into
// "I", the long "ſ" into "S") and let them pass as an account number.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// asciiLower lower-cases the ASCII letters of s and nothing else.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}

// NormalizeIBAN returns an IBAN in its electronic form: without spaces
// (of any kind), hyphens and dots, ASCII letters in upper case, and
// without a leading "IBAN" or "IBAN:" as printed on statements
// ("IBAN DE89 3704 0044 0532 0130 00" gives "DE89370400440532013000").
// It does not check anything; ValidateIBAN does. Normalising twice gives
// what normalising once gave.
func NormalizeIBAN(s string) string {
	s = asciiUpper(dropRunes(s, func(r rune) bool { return isInvisible(r) || r == '-' || r == '.' }))
	for strings.HasPrefix(s, "IBAN") { // no country code starts with "IB"
		s = strings.TrimPrefix(s[len("IBAN"):], ":")
	}
	return s
}

// normalizeBIC returns a BIC without spaces, in upper case.
func normalizeBIC(s string) string {
	return asciiUpper(dropRunes(s, isInvisible))
}

// normalizeRouting returns a routing number without spaces and hyphens.
func normalizeRouting(s string) string {
	return dropRunes(s, func(r rune) bool { return isInvisible(r) || r == '-' })
}

// normalizeAccount returns an account number without spaces, hyphens and
// dots (the grouping of printed account numbers), letters in upper case.
// Slashes stay: in some countries they separate the account number from
// a bank code, which does not belong in the account field.
func normalizeAccount(s string) string {
	return asciiUpper(dropRunes(s, func(r rune) bool { return isInvisible(r) || r == '-' || r == '.' }))
}

// normalizeCode returns a country or currency code trimmed and in upper
// case.
func normalizeCode(s string) string { return asciiUpper(strings.TrimSpace(s)) }

// normalizeWord returns a provider or account type trimmed and in lower
// case.
func normalizeWord(s string) string { return asciiLower(strings.TrimSpace(s)) }

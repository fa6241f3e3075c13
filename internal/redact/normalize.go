package redact

import (
	"strings"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
)

// Normalize returns the canonical form of a value of a kind: the form in
// which it is indexed and in which candidates cut from text are matched.
//
//	password        exactly as given (no trimming: a password is its bytes)
//	email           trimmed, lower case (as records.ParseEmail gives it)
//	phone           E.164, "+" and digits, as records.ParsePhone gives it;
//	                a number it refuses keeps its digits (and a leading +)
//	iban            upper case without spaces, hyphens and dots
//	                (payout.NormalizeIBAN)
//	account-number  digits only
//	routing-number  digits only
//	card-number     digits only
//	store           trimmed, lower case
//
// Any other kind is returned as given. Upper and lower case are folded
// the way Unicode does it (strings.ToLower), in both places. Normalising
// twice gives what normalising once gave.
func Normalize(kind, value string) string {
	switch kind {
	case KindPassword:
		return value
	case KindEmail, KindStore:
		return foldLower(strings.TrimSpace(value))
	case KindPhone:
		return normalizePhone(value)
	case KindIBAN:
		return payout.NormalizeIBAN(value)
	case KindAccount, KindRouting, KindCard:
		return digitsOnly(value)
	}
	return value
}

// IndexForms returns every normalised form under which a value of a kind
// goes into the redaction index: usually one, Normalize(kind, value). A
// phone number has two: its E.164 form ("+14155550100") and its national
// significant number, the digits after the country calling code
// ("4155550100"), so that the number is found written with or without
// the country code ("(415) 555-0100"; a trunk prefix, as in the British
// "07700 900123", is tried both with and without its 0). An empty value
// has no forms. The forms are distinct.
//
// Whoever builds the index HMACs each form and records its length in
// bytes (NewIndex).
func IndexForms(kind, value string) []string {
	v := Normalize(kind, value)
	if v == "" {
		return nil
	}
	forms := []string{v}
	if kind == KindPhone && strings.HasPrefix(v, "+") {
		if cc := callingCode(v[1:]); cc != "" && len(v)-1-len(cc) >= minNumberDigits {
			forms = append(forms, v[1+len(cc):])
		}
	}
	return forms
}

// normalizePhone is Normalize for phones.
func normalizePhone(v string) string {
	if e164, err := records.ParsePhone(v); err == nil {
		return e164
	}
	v = strings.TrimSpace(v)
	plus := strings.HasPrefix(v, "+")
	v = strings.ReplaceAll(v, "(0)", "")
	d := digitsOnly(v)
	switch {
	case plus:
		return "+" + d
	case strings.HasPrefix(d, "00") && len(d) > 2:
		return "+" + d[2:]
	}
	return d
}

// digitsOnly returns the ASCII digits of s.
func digitsOnly(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// foldLower lower-cases s as strings.ToLower does, without allocating
// when s is ASCII with no upper-case letter. appendLower is its twin for
// candidates; they must agree (FuzzCandidates checks it).
func foldLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || class[c]&cUpper != 0 {
			return strings.ToLower(s)
		}
	}
	return s
}

// appendLower appends foldLower(string(b)) to dst.
func appendLower(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 0x80 {
			return append(dst, strings.ToLower(string(b))...)
		}
	}
	for _, c := range b {
		if class[c]&cUpper != 0 {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// needsLower reports whether foldLower would change b.
func needsLower(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 || class[c]&cUpper != 0 {
			return true
		}
	}
	return false
}

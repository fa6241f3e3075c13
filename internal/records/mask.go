package records

import (
	"strings"
	"unicode/utf8"
)

// Masked is how a secret is shown unless the user asks for it: always the
// same width, so its length does not leak either.
const Masked = "********"

// Mask shows a secret masked; an empty secret shows as empty.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	return Masked
}

// Display returns a record's fields with secrets masked.
func Display(fields []Field) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		out[i] = f
		if f.Secret {
			out[i].Value = Mask(f.Value)
		}
	}
	return out
}

// FieldNamed finds a field by name.
func FieldNamed(fields []Field, name string) (Field, bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// MaskEmail shows an address by its shape only: the first letter of the
// mailbox and of the domain, and the top-level domain, like
// "o*****@a***.example". Enough to tell records apart in an inventory,
// not enough to paste into a phishing mail.
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return Masked
	}
	first := func(s string) string {
		r, size := utf8.DecodeRuneInString(s)
		return string(r) + strings.Repeat("*", max(utf8.RuneCountInString(s[size:]), 3))
	}
	tld := ""
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		tld, domain = domain[i:], domain[:i]
	}
	return first(local) + "@" + first(domain) + tld
}

// MaskPhone shows a number in E.164 by its country code and last two
// digits, like "+1********00".
func MaskPhone(e164 string) string {
	digits := strings.TrimPrefix(e164, "+")
	if len(digits) < 6 || len(digits) == len(e164) {
		return Masked
	}
	cc := max(len(callingCode(digits)), 1)
	return "+" + digits[:cc] + strings.Repeat("*", len(digits)-cc-2) + digits[len(digits)-2:]
}

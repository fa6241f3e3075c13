package records

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// The shapes of masked addresses and numbers, which masking leaves as
// they are; compiled on first use.
var (
	maskedEmail = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[^@*]{1,2}\*\*\*[^@*]?@[^@*]\*\*\*(\.[^@*.]+)?$`)
	})
	maskedPhone = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\+[0-9]{1,3}\*+[0-9]{2}$`)
	})
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

// IsMasked tells a masked address or number (MaskEmail, MaskPhone, Masked)
// from a value.
func IsMasked(s string) bool {
	return s == Masked || maskedEmail().MatchString(s) || maskedPhone().MatchString(s)
}

// MaskEmail shows an address by a few letters only: the first two and
// the last letter of the mailbox name (the first one of a name of three
// or fewer), the first letter of the domain and the top-level domain,
// with stars of a fixed width between, like "op***s@a***.example".
// Enough to tell "ops-us" from "ops-de" in an inventory, not enough to
// paste into a phishing mail, and not its length. A masked address
// stays as it is.
func MaskEmail(addr string) string {
	if maskedEmail().MatchString(addr) {
		return addr
	}
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return Masked
	}
	tld := ""
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		tld, domain = domain[i:], domain[:i]
	}
	name := []rune(local)
	masked := string(name[0]) + "***"
	if len(name) > 3 {
		masked = string(name[:2]) + "***" + string(name[len(name)-1])
	}
	first, _ := utf8.DecodeRuneInString(domain)
	return masked + "@" + string(first) + "***" + tld
}

// MaskPhone shows a number in E.164 by its country code and last two
// digits, like "+1********00" (its length shows: numbers of a country
// differ little in length). A masked number stays as it is.
func MaskPhone(e164 string) string {
	if maskedPhone().MatchString(e164) {
		return e164
	}
	digits := strings.TrimPrefix(e164, "+")
	if len(digits) < 6 || len(digits) == len(e164) {
		return Masked
	}
	cc := max(len(callingCode(digits)), 1)
	return "+" + digits[:cc] + strings.Repeat("*", len(digits)-cc-2) + digits[len(digits)-2:]
}

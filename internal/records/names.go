package records

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// ErrInvalidInput is matched, with errors.Is, by every error that a Parse
// function of this package returns: the input was refused and nothing was
// changed. The app maps it to the usage exit code.
var ErrInvalidInput = inputerr.ErrInvalid

// maxQuoted is how much of an input an error message quotes.
const maxQuoted = inputerr.MaxQuoted

// The refusal helpers every parser here uses.
var (
	invalidf     = inputerr.Errorf
	quoteInput   = inputerr.Quote
	describeRune = inputerr.DescribeRune
)

// maxNameLen is the longest store or credential name: one DNS label, which
// keeps names safe in Vault paths, policy globs and TOTP key names.
const maxNameLen = 63

// ParseStoreName checks a store name: 1 to 63 characters of lower-case
// ASCII letters, digits and inner hyphens, like "acme-us". Dots, slashes,
// underscores, spaces and upper case are refused (the error suggests a
// fixed name when there is an obvious one). The name is returned unchanged.
func ParseStoreName(s string) (string, error) {
	return parseName("store name", "acme-us", s)
}

// ParseCredName checks a credential name by the same rules as store names,
// like "seller-central". The name is returned unchanged.
func ParseCredName(s string) (string, error) {
	return parseName("credential name", "seller-central", s)
}

// ParseCredAddress splits a credential address "STORE/NAME" (exactly one
// slash, like "acme-us/seller-central") and checks both parts with
// ParseStoreName and ParseCredName.
func ParseCredAddress(s string) (store, name string, err error) {
	const example = "acme-us/seller-central"
	switch n := strings.Count(s, "/"); {
	case s == "":
		return "", "", invalidf("credential address is empty; use STORE/NAME, like %s", example)
	case n == 0:
		return "", "", invalidf("credential address %s has no slash; use STORE/NAME, like %s", quoteInput(s), example)
	case n > 1:
		return "", "", invalidf("credential address %s has %d slashes; use STORE/NAME with one slash, like %s", quoteInput(s), n, example)
	}
	i := strings.IndexByte(s, '/')
	if store, err = ParseStoreName(s[:i]); err != nil {
		return "", "", err
	}
	if name, err = ParseCredName(s[i+1:]); err != nil {
		return "", "", err
	}
	return store, name, nil
}

// validName reports whether s follows the name rules.
func validName(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-'
}

// parseName checks s against the name rules; what names the kind of name
// in errors and example is a good name of that kind.
func parseName(what, example, s string) (string, error) {
	if validName(s) {
		return s, nil
	}
	if s == "" {
		return "", invalidf("%s is empty; use lower-case letters, digits and hyphens, like %s", what, example)
	}
	// The fix: a suggested name when there is an obvious one, else the rule.
	fix := "use lower-case letters, digits and inner hyphens, like " + example
	if sug := suggestName(s); sug != "" {
		fix = "use " + strconv.Quote(sug)
	}
	q := quoteInput(s)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r < utf8.RuneSelf && isNameByte(byte(r)):
			continue
		case 'A' <= r && r <= 'Z':
			return "", invalidf("%s %s has upper-case letters; %s", what, q, fix)
		default:
			return "", invalidf("%s %s has %s; %s", what, q, describeRune(r, size), fix)
		}
	}
	// Only allowed characters from here on: one byte each.
	if len(s) > maxNameLen {
		return "", invalidf("%s %s is %d characters long; use at most %d", what, q, len(s), maxNameLen)
	}
	if s[0] == '-' {
		return "", invalidf("%s %s starts with a hyphen; %s", what, q, fix)
	}
	return "", invalidf("%s %s ends with a hyphen; %s", what, q, fix)
}

// suggestName returns the obvious valid name for s (lower case, with dots,
// underscores and spaces turned into hyphens and outer hyphens dropped),
// or "" when there is none.
func suggestName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '.' || c == '_' || c == ' ':
			c = '-'
		}
		b.WriteByte(c)
	}
	sug := strings.Trim(b.String(), "-")
	if sug == s || !validName(sug) {
		return ""
	}
	return sug
}

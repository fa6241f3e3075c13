package records

import (
	"net/mail"
	"strings"
	"unicode"
)

// Limits of an e-mail address (RFC 5321 section 4.5.3.1, with the
// 254-byte total that a path of 256 with angle brackets leaves).
const (
	maxEmailLen = 254
	maxLocalLen = 64
)

const emailExample = "ops@example.com"

// ParseEmail checks an e-mail address and returns it normalised. It takes
// a bare address only: no display name, angle brackets, comments or
// quoted local part. Surrounding spaces are trimmed and the whole address
// is lower-cased, so that one mailbox has one record. The
// domain must be a hostname with at least one dot, of ASCII labels (an
// international domain is written in punycode, "xn--..."). The local part
// is at most 64 bytes and the whole address at most 254; a slash in the
// local part is refused because the address names the mailbox's record.
//
// net/mail.ParseAddress is the base check; the rules above come on top.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	q := quoteInput(s)
	if s == "" {
		return "", invalidf("email address is empty; use an address like %s", emailExample)
	}
	if len(s) > maxEmailLen {
		return "", invalidf("email address %s is %d bytes long; use at most %d", q, len(s), maxEmailLen)
	}
	if strings.ContainsAny(s, "<>()") {
		return "", invalidf("email address %s has a display name, angle brackets or a comment; use the bare address, like %s", q, emailExample)
	}
	if strings.ContainsAny(s, ",;") {
		return "", invalidf("email address %s looks like a list; give one address, like %s", q, emailExample)
	}
	if strings.ContainsRune(s, '"') {
		return "", invalidf("email address %s has quotes; use a plain address without them, like %s", q, emailExample)
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return "", invalidf("email address %s has a space or control character; use an address like %s", q, emailExample)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", invalidf("email address %s has no @; use an address like %s", q, emailExample)
	}
	local, domain := s[:at], s[at+1:]
	if local == "" {
		return "", invalidf("email address %s has nothing before the @; use an address like %s", q, emailExample)
	}
	if domain == "" {
		return "", invalidf("email address %s has no domain after the @; use an address like %s", q, emailExample)
	}
	if strings.HasPrefix(domain, "[") {
		return "", invalidf("email address %s has an IP address for a domain; use a domain name, like %s", q, emailExample)
	}
	if len(local) > maxLocalLen {
		return "", invalidf("email address %s has %d bytes before the @; use at most %d", q, len(local), maxLocalLen)
	}
	if strings.ContainsRune(local, '/') {
		return "", invalidf("email address %s has a slash before the @; sellervault keeps mailboxes by address and cannot take a slash in one", q)
	}
	domain = strings.ToLower(domain)
	if problem := hostnameProblem(domain); problem != "" {
		return "", invalidf("email address %s: the domain %s; use an address like %s", q, problem, emailExample)
	}
	if !strings.Contains(domain, ".") {
		return "", invalidf("email address %s: the domain %s has no dot; use a full domain, like %s", q, quoteInput(domain), emailExample)
	}
	// The base check: the address must parse as itself, with no name.
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", invalidf("email address %s is not a valid address; use a bare address like %s", q, emailExample)
	}
	// Mail providers treat the local part without regard to case; one
	// spelling keeps one record per mailbox.
	return strings.ToLower(local) + "@" + domain, nil
}

// maxHostnameLen is the longest DNS name in text form, without a final dot.
const maxHostnameLen = 253

// hostnameProblem checks a lower-case DNS hostname: ASCII labels of 1 to
// 63 letters, digits and hyphens, not starting or ending with a hyphen,
// at most 253 bytes, and a top-level label that is not all digits. It
// returns "" for a good name, else what is wrong, as words that follow
// "the domain" or "the host" in a message.
func hostnameProblem(h string) string {
	if h == "" {
		return "is empty"
	}
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			return "is not ASCII: write an international domain in punycode (xn--...)"
		}
	}
	q := quoteInput(h)
	if len(h) > maxHostnameLen {
		return q + " is longer than 253 bytes"
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		switch {
		case l == "":
			return q + " has an empty part between dots"
		case len(l) > 63:
			return q + " has a part longer than 63 characters"
		case l[0] == '-' || l[len(l)-1] == '-':
			return q + " has a part that starts or ends with a hyphen"
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return q + " has " + describeRune(rune(c), 1) + ", which a host name cannot have"
			}
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return q + " ends in a number, like an IP address, not a domain name"
	}
	return ""
}

// ParseDomain checks a mail domain (of the team's own mailboxes): a
// hostname with at least one dot, lower-cased.
func ParseDomain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(d, ".") {
		return "", invalidf("domain %s has no dot; use a domain like acme.example", quoteInput(s))
	}
	if problem := hostnameProblem(d); problem != "" {
		return "", invalidf("domain %s; use a domain like acme.example", problem)
	}
	return d, nil
}

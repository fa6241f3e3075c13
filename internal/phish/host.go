package phish

import (
	"errors"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// host is a host name or address, normalised for checking.
type host struct {
	ascii    string // lower-case ASCII (punycode) form; for an IP, the address as written
	uni      string // lower-case Unicode form, for display and for look-alike checks
	ip       bool   // an IP address, or a number that browsers read as one
	mapped   bool   // IDNA mapping changed characters beyond case (full-width letters …)
	punycode bool   // the input had punycode (xn--) labels
}

var errBadHost = errors.New("not a valid host name")

// Limits of a DNS name (RFC 1035 section 2.3.4).
const (
	maxHostLen  = 253
	maxLabelLen = 63
)

// parseHost normalises a host as it appears in a URL or after the @ of an
// address: lower case, one trailing dot dropped, IDNA-mapped to ASCII and
// decoded back to Unicode. IP addresses (also IPv6 without brackets, and
// numbers that browsers take for IPv4 addresses, like 3627734062 or
// 0x7f.1) are kept as written.
func parseHost(s string) (host, error) {
	if !utf8.ValidString(s) {
		return host{}, errBadHost
	}
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return host{}, errBadHost
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		a := strings.ToLower(addr.String())
		return host{ascii: a, uni: a, ip: true}, nil
	}
	lower := strings.ToLower(norm.NFC.String(s))
	ascii, err := idna.Lookup.ToASCII(lower)
	if err != nil {
		// Not a valid international name (an underscore, a disallowed
		// character …): keep checking the name as written, encoded
		// without the lookup rules.
		ascii, err = idna.Punycode.ToASCII(lower)
		if err != nil {
			return host{}, errBadHost
		}
	}
	ascii = strings.ToLower(ascii)
	if !validASCIIHost(ascii) {
		return host{}, errBadHost
	}
	h := host{ascii: ascii, uni: ascii}
	if endsInNumber(ascii) {
		h.ip = true
		return h, nil
	}
	if uni, err := idna.Punycode.ToUnicode(ascii); err == nil {
		h.uni = uni
	}
	written := lower
	if u, err := idna.Punycode.ToUnicode(lower); err == nil {
		written = u
	}
	h.mapped = written != h.uni
	for _, l := range strings.Split(lower, ".") {
		if hasACEPrefix(l) {
			h.punycode = true
		}
	}
	return h, nil
}

// display is the host for Result.Domain.
func (h host) display() string {
	if h.uni != h.ascii {
		return h.uni + " (" + h.ascii + ")"
	}
	return h.ascii
}

func hasACEPrefix(label string) bool {
	return len(label) >= 4 && strings.EqualFold(label[:4], "xn--")
}

// validASCIIHost reports whether s is a lower-case DNS name: labels of
// letters, digits, hyphens and underscores, 1 to 63 bytes each, at most
// 253 bytes in all.
func validASCIIHost(s string) bool {
	if s == "" || len(s) > maxHostLen {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > maxLabelLen {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// endsInNumber reports whether a host's last label is a number (decimal,
// or hexadecimal with 0x): browsers then parse the whole host as an IPv4
// address (WHATWG URL standard, "ends in a number").
func endsInNumber(s string) bool {
	labels := strings.Split(s, ".")
	last := labels[len(labels)-1]
	if strings.HasPrefix(last, "0x") {
		last = last[2:]
		for i := 0; i < len(last); i++ {
			c := last[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return last != ""
}

package redact

import (
	"bytes"
	"fmt"
	"strings"
)

// Team e-mail addresses: the addresses of the team's own mail domains
// (Options.TeamDomains) are found by pattern, so that a member who may
// not read the team's contacts (and so has not their audience's index)
// still redacts "ops-us@acme.example". An address is ASCII letters,
// digits and ._%+- before an @ and a domain of letters, digits, dots and
// hyphens after it, cut out of the text around it: "<OPS@ACME.EXAMPLE>,",
// "mailto:ops@acme.example?subject=x" and "ops@acme.example." all give
// the address alone. Its domain, in any case, must be a team domain or a
// subdomain of one ("eu.acme.example" for "acme.example"; not
// "notacme.example", nor "acme.example.com").

// teamDomains checks and normalises Options.TeamDomains: lower case,
// without spaces, a leading "@" or "." or a trailing ".". Nil when there
// are none.
func teamDomains(ds []string) ([]string, error) {
	var out []string
	for _, d := range ds {
		n := strings.TrimSuffix(strings.TrimLeft(strings.ToLower(strings.TrimSpace(d)), "@."), ".")
		if n == "" || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" || strings.Contains(n, "..") {
			return nil, fmt.Errorf("redact: team domain %q is not a domain name like acme.example", d)
		}
		out = append(out, n)
	}
	return out, nil
}

// teamEmails adds a hit for every e-mail address in b whose domain is
// one of domains (lower case) or a subdomain of one.
func teamEmails(b []byte, domains []string, hits *[]hit) {
	for off := 0; ; {
		k := bytes.IndexByte(b[off:], '@')
		if k < 0 {
			return
		}
		a := off + k
		off = a + 1
		l := a
		for l > 0 && class[b[l-1]]&(cAlnum|cLocal) != 0 {
			l--
		}
		for l < a && b[l] == '.' {
			l++
		}
		if l == a {
			continue
		}
		r := a + 1
		for r < len(b) && (class[b[r]]&cAlnum != 0 || b[r] == '.' || b[r] == '-') {
			r++
		}
		for r > a+1 && (b[r-1] == '.' || b[r-1] == '-') {
			r--
		}
		if teamDomain(b[a+1:r], domains) {
			*hits = append(*hits, hit{start: l, end: r, kind: KindEmail})
			off = r
		}
	}
}

// teamDomain reports whether the domain d (ASCII, any case) is one of
// domains (lower case) or a subdomain of one.
func teamDomain(d []byte, domains []string) bool {
	for _, t := range domains {
		if len(d) < len(t) {
			continue
		}
		tail := d[len(d)-len(t):]
		if !equalFoldASCII(tail, t) {
			continue
		}
		if len(d) == len(t) || d[len(d)-len(t)-1] == '.' && len(d) > len(t)+1 {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether b, in any case, is s (lower case).
func equalFoldASCII(b []byte, s string) bool {
	for i, c := range b {
		if class[c]&cUpper != 0 {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

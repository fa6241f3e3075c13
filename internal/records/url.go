package records

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

const urlExample = "https://sellercentral.amazon.com"

// ParseURL checks a web address, like a store's login page, and returns it
// normalised. It takes an absolute https URL with a host, after trimming
// surrounding spaces; http is allowed only for localhost and 127.0.0.1. A
// user name or password in the URL ("user:password@") is refused:
// credentials never go in URLs. The host is a DNS name (an international
// one in punycode, "xn--...") or an IP address, and a port, if any, is
// 1 to 65535. The scheme and host are returned in lower case, the path as
// given; a query or fragment is refused: a pasted reset or signed link would
// carry a token into the record and its metadata.
//
// Error messages show the input without its user-name-and-password part
// and without its query and fragment, which may hold tokens.
func ParseURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	q := quoteInput(redactURL(s))
	if s == "" {
		return "", invalidf("url is empty; use an https address, like %s", urlExample)
	}
	if urlHasUserinfo(s) {
		return "", invalidf("url %s has a user name or password before @; credentials never go in URLs: remove that part and keep the login and password in the credential", q)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "", invalidf("url %s has a space or control character; write a space as %%20", q)
	}
	if !strings.Contains(s, "://") {
		fixed := "https://" + s
		if scheme, rest, ok := strings.Cut(s, ":"); ok && (strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "http")) {
			fixed = "https://" + strings.TrimLeft(rest, "/")
		}
		return "", invalidf("url %s does not start with https://; use %s", q, quoteInput(redactURL(fixed)))
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", invalidf("url %s is not a valid URL; use an https address, like %s", q, urlExample)
	}
	if u.User != nil { // urlHasUserinfo should have caught it
		return "", invalidf("url %s has a user name or password before @; credentials never go in URLs: remove that part and keep the login and password in the credential", q)
	}
	if u.Opaque != "" || u.Host == "" {
		return "", invalidf("url %s has no host; use an address like %s", q, urlExample)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", invalidf("url %s uses %s; use an https address, like %s", q, quoteInput(u.Scheme), urlExample)
	}
	host := strings.ToLower(u.Hostname())
	if problem := urlHostProblem(u.Host, host, u.Port()); problem != "" {
		return "", invalidf("url %s: the host %s", q, problem)
	}
	if u.Scheme == "http" && host != "localhost" && host != "127.0.0.1" {
		return "", invalidf("url %s uses http, which is not encrypted; use https (http is only for localhost)", q)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", invalidf("url %s has a query (?...) or fragment (#...); store the plain sign-in page: links can carry tokens", q)
	}
	u.Host = strings.ToLower(u.Host)
	return u.String(), nil
}

// urlHostProblem checks the host part of a URL (hostport as written; host
// the lower-case name or address without brackets or port; port as
// url.URL.Port returns it) and returns what is wrong, as words that follow
// "the host", or "".
func urlHostProblem(hostport, host, port string) string {
	if strings.HasSuffix(hostport, ":") {
		return "has a colon but no port after it; remove the colon"
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "has port " + quoteInput(port) + "; use a port from 1 to 65535"
		}
	}
	if strings.HasPrefix(hostport, "[") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return quoteInput(host) + " is not a valid IPv6 address; use a host name"
		}
		return ""
	}
	if strings.Trim(host, "0123456789.") == "" {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is4() {
			return quoteInput(host) + " is not a valid IPv4 address; use a host name"
		}
		return ""
	}
	return hostnameProblem(host)
}

// urlHasUserinfo reports whether s, a URL or something like one, has an
// "@" in its authority part: a user name, perhaps with a password.
func urlHasUserinfo(s string) bool {
	_, auth := urlSplitAuthority(s)
	return strings.Contains(auth, "@")
}

// urlSplitAuthority splits s into what comes before the authority (the
// scheme and "://", if any) and the authority itself (up to the first
// "/", "?" or "#").
func urlSplitAuthority(s string) (prefix, auth string) {
	if i := strings.Index(s, "://"); i >= 0 {
		prefix, s = s[:i+3], s[i+3:]
	}
	if end := strings.IndexAny(s, "/?#"); end >= 0 {
		s = s[:end]
	}
	return prefix, s
}

// redactURL returns s fit for an error message: any user name and
// password replaced by "***", and the query and fragment by "...".
func redactURL(s string) string {
	prefix, auth := urlSplitAuthority(s)
	rest := s[len(prefix)+len(auth):]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		auth = "***" + auth[at:]
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i+1] + "..."
	}
	return prefix + auth + rest
}

package phish

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/sellervault/sellervault/internal/inputerr"
)

const urlExample = "https://sellercentral.amazon.com/"

// schemeRE matches a URL scheme and its colon (RFC 3986 section 3.1);
// compiled on first use.
var schemeRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
})

// webURL is a parsed link.
type webURL struct {
	host      host
	user      string // the user name and password before @, if any, for finding brands
	shownUser string // the same with the password masked, for reasons
	hasUser   bool
	backslash bool   // a backslash ended the host, as browsers read it
	decoy     string // with backslash: the text after it, up to the @ and beyond
}

// CheckURL checks a web link: where it really goes, and whether that
// imitates an allowlisted domain. The link may lack its scheme
// ("sellercentral.amazon.com/orders"); only http and https links are
// taken. The error says why a link cannot be read (no host, a space, a
// port out of range …); it never quotes the query or fragment, which may
// hold tokens.
func (a *Allowlist) CheckURL(s string) (Result, error) {
	u, err := parseWebURL(s)
	if err != nil {
		return Result{}, err
	}
	r := a.examineHost(u.host)
	var fs findings
	if u.hasUser {
		brand := ""
		if ms := a.mentions(u.user); len(ms) > 0 {
			brand = ms[0].brand
		}
		fs.add(brand, fmt.Sprintf("the text before \"@\" (%s) is not where the link goes: it goes to %s", inputerr.Quote(u.shownUser), u.host.display()))
	}
	if u.backslash {
		brand, not := "", ""
		if ms := a.mentions(u.decoy); len(ms) > 0 {
			brand = ms[0].brand
			if ms[0].domain != "" {
				not = ", not to " + ms[0].domain
			}
		}
		fs.add(brand, fmt.Sprintf("a backslash ends the host early: browsers go to %s%s", u.host.display(), not))
	}
	return a.result(s, r, append(fs, r.fs...)), nil
}

// parseWebURL reads a link the way a browser would for what matters
// here: the host, the user name before @ and a backslash in the host.
func parseWebURL(s string) (webURL, error) {
	s = strings.TrimSpace(s)
	q := inputerr.Quote(withoutQuery(s))
	if s == "" {
		return webURL{}, inputerr.Errorf("url is empty; give a link like %s", urlExample)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return webURL{}, inputerr.Errorf("url %s has a space or control character; give the link as one word, like %s", q, urlExample)
	}
	if m := schemeRE().FindString(s); m != "" {
		scheme, rest := strings.ToLower(m[:len(m)-1]), s[len(m):]
		switch {
		case scheme == "http" || scheme == "https":
			s = scheme + "://" + strings.TrimLeft(rest, `/\`)
		case strings.HasPrefix(rest, "//"):
			return webURL{}, inputerr.Errorf("url %s is a %s: link; only http and https links can be checked", q, scheme)
		case rest != "" && rest[0] >= '0' && rest[0] <= '9':
			s = "https://" + s // host:port
		default:
			return webURL{}, inputerr.Errorf("url %s is a %s: link; only http and https links can be checked (check a mail address with check sender)", q, scheme)
		}
	} else {
		s = "https://" + strings.TrimLeft(s, `/\`)
	}
	var w webURL
	// Browsers read a backslash as a slash in http(s) links (WHATWG URL
	// standard), so "https://evil.net\@amazon.com/" goes to evil.net.
	authStart := strings.Index(s, "://") + 3
	end := len(s)
	if i := strings.IndexAny(s, "?#"); i >= authStart {
		end = i
	}
	auth := s[authStart:end] // the authority as RFC 3986 reads it
	if i := strings.IndexByte(auth, '/'); i >= 0 {
		auth = auth[:i]
	}
	if i := strings.IndexByte(auth, '\\'); i >= 0 && strings.Contains(auth[i:], "@") {
		w.backslash, w.decoy = true, auth[i+1:]
	}
	s = strings.ReplaceAll(s[:end], `\`, "/") + s[end:]
	u, err := url.Parse(s)
	if err != nil {
		return webURL{}, inputerr.Errorf("url %s is not a valid web address; give a link like %s", q, urlExample)
	}
	if u.Host == "" {
		return webURL{}, inputerr.Errorf("url %s has no host; give a link like %s", q, urlExample)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n > 65535 {
			return webURL{}, inputerr.Errorf("url %s has the port %s, which is not 0 to 65535", q, inputerr.Quote(p))
		}
	}
	name := u.Hostname()
	if strings.HasPrefix(u.Host, "[") {
		h, err := parseHost(name)
		if err != nil || !h.ip || !strings.Contains(name, ":") {
			return webURL{}, inputerr.Errorf("url %s: %s in brackets is not an IPv6 address", q, inputerr.Quote(name))
		}
		w.host = h
	} else {
		h, err := parseHost(name)
		if err != nil {
			return webURL{}, inputerr.Errorf("url %s: the host %s is not a valid host name", q, inputerr.Quote(name))
		}
		w.host = h
	}
	if u.User != nil {
		w.hasUser = true
		w.user = u.User.Username()
		w.shownUser = w.user
		if p, ok := u.User.Password(); ok {
			// A password may be real: it is searched for brands but
			// never shown.
			w.user += ":" + p
			w.shownUser += ":…"
		}
	}
	return w, nil
}

// withoutQuery cuts a link before its query or fragment, for messages.
func withoutQuery(s string) string {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		return s[:i]
	}
	return s
}

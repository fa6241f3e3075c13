package mailcheck

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"unicode"

	"golang.org/x/net/publicsuffix"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/phish"
)

// maxLinks bounds the distinct links checked in one message.
const maxLinks = 1000

// LinkResult is what the check says of the links to one domain.
type LinkResult struct {
	// Domain is the domain as phish shows it, or the scheme ("javascript:")
	// of a link that is not a web link, or "" for links that cannot be read.
	Domain  string        `json:"domain"`
	Verdict phish.Verdict `json:"verdict"`
	Brand   string        `json:"brand,omitempty"`
	Count   int           `json:"count"`
}

type urlResult struct {
	res phish.Result
	err error
}

// ignoredSchemes open no web page: mail, phone, the message's own parts.
var ignoredSchemes = map[string]bool{"mailto": true, "tel": true, "sms": true, "cid": true, "mid": true, "callto": true, "fax": true}

// links checks every web link and form with phish.CheckURL, and each
// HTML link's visible text against where it goes.
func (c *checker) links(links []link, forms []string) {
	byDomain := map[string]int{} // index in c.rep.Links
	count := func(domain string, v phish.Verdict, brand string) {
		i, ok := byDomain[domain]
		if !ok {
			i = len(c.rep.Links)
			byDomain[domain] = i
			c.rep.Links = append(c.rep.Links, LinkResult{Domain: domain, Verdict: v, Brand: brand})
		}
		c.rep.Links[i].Count++
	}
	for _, action := range forms {
		where := "a web address"
		if u, err := url.Parse(action); err == nil && u.Hostname() != "" {
			where = u.Hostname()
		}
		c.flag("the message has a form that sends what you type in it to %s; mail from a marketplace has no forms", where)
	}
	for _, l := range links {
		href := strings.TrimSpace(l.href)
		if href == "" || strings.HasPrefix(href, "#") {
			continue
		}
		if strings.HasPrefix(href, "//") {
			href = "https:" + href
		}
		switch lower := strings.ToLower(href); {
		case strings.HasPrefix(lower, "www."): // a web address without its scheme
		case hasScheme(lower):
			scheme := lower[:strings.IndexByte(lower, ':')]
			if ignoredSchemes[scheme] {
				continue
			}
			if scheme != "http" && scheme != "https" {
				count(scheme+":", phish.Suspicious, "")
				c.flag("a link uses the %s scheme, which opens something other than a web page", inputerr.Quote(scheme+":"))
				continue
			}
		default:
			continue // relative: nothing to open from a mail
		}
		key := origin(href)
		r, seen := c.urls[key]
		if !seen {
			if len(c.urls) == maxLinks {
				c.flag("the message has more than %d links to different places; only the first %d were checked", maxLinks, maxLinks)
				return
			}
			r.res, r.err = c.list.CheckURL(key)
			c.urls[key] = r
		}
		if r.err != nil {
			count("", phish.Suspicious, "")
			c.flag("a link cannot be read as a web address: %v", r.err)
			continue
		}
		count(r.res.Domain, r.res.Verdict, r.res.Brand)
		if r.res.Verdict == phish.Suspicious {
			for _, reason := range r.res.Reasons {
				c.flag("a link to %s: %s", r.res.Domain, reason)
			}
		}
		if l.html && l.text != "" {
			c.linkText(l.text, href, r.res)
		}
	}
}

// linkText flags a link whose visible text shows one domain and which
// goes to another, or whose text names a brand that the target does not
// belong to.
func (c *checker) linkText(text, href string, target phish.Result) {
	host := hostOf(href)
	if host == "" {
		return
	}
	if shown := domainIn(text); shown != "" {
		if c.aligned(shown, host) {
			return
		}
		r, seen := c.shown[shown]
		if !seen {
			r.res, r.err = c.list.CheckURL(shown)
			c.shown[shown] = r
		}
		if r.err == nil && r.res.Verdict == phish.OK && target.Verdict == phish.OK && r.res.Brand == target.Brand {
			return // amazon.com shown, amazon.co.uk opened
		}
		c.flag("a link shows %s but goes to %s", shown, target.Domain)
		return
	}
	if target.Verdict != phish.Unknown {
		return // ok, or already flagged
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return
	}
	// phish reads a brand's name in a sender's display name; a link's
	// text is read the same way, as the name of an address at the link's host.
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"<>\`, r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, text)
	if len(name) > 200 {
		return
	}
	named, err := c.checkSender(fmt.Sprintf("%q <link@%s>", name, host))
	if err != nil || named.Verdict != phish.Suspicious || named.Brand == "" {
		return
	}
	if bare, err := c.checkSender("link@" + host); err != nil || bare.Verdict == phish.Suspicious {
		return
	}
	c.flag("a link's text names %s, but it goes to %s, which is not an allowlisted %s domain", named.Brand, target.Domain, named.Brand)
}

// origin is what phish.CheckURL judges of a link: its scheme and
// authority, without path, query and fragment, which do not change the
// verdict; the whole link when it has a backslash or an "@", which
// browsers may read in more than one way.
func origin(href string) string {
	if strings.ContainsAny(href, "\\@") {
		return href
	}
	start := 0
	if i := strings.Index(href, "://"); i >= 0 {
		start = i + 3
	}
	if end := strings.IndexAny(href[start:], "/?#"); end >= 0 {
		return href[:start+end]
	}
	return href
}

// hostOf is a link's host, lower case, or "".
func hostOf(href string) string {
	if !strings.Contains(href, "://") {
		href = "http://" + href
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// domainIn finds the first word of a link's text that is a domain name
// or a web address under a top-level domain ("amazon.com",
// "https://sellercentral.amazon.com/home", "support@amazon.com"), and
// returns its host in lower case.
func domainIn(text string) string {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(`()[]<>"'，。、：；「」【】`, r)
	}) {
		w = strings.ToLower(w)
		if i := strings.Index(w, "://"); i >= 0 {
			w = w[i+3:]
		}
		if i := strings.LastIndex(w, "@"); i >= 0 {
			w = w[i+1:]
		}
		if i := strings.IndexAny(w, "/?#:\\"); i >= 0 {
			w = w[:i]
		}
		w = strings.Trim(w, ".,;!")
		if !strings.Contains(w, ".") || strings.Contains(w, "..") {
			continue
		}
		reg := pslSite(w)
		if reg == "" || !strings.Contains(reg, ".") {
			continue
		}
		tld := reg[strings.LastIndex(reg, ".")+1:]
		if tld == "" || !knownTLD(tld) {
			continue
		}
		return w
	}
	return ""
}

// knownTLD reports whether tld (ASCII) is a top-level domain that ICANN
// manages, so that "invoice.pdf" is not read as a domain.
func knownTLD(tld string) bool {
	_, icann := publicsuffix.PublicSuffix("x." + tld)
	return icann
}

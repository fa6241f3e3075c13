package mailcheck

import (
	"net/url"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// link is a link found in the message.
type link struct {
	href string // the target as written (an href, or a URL in the text)
	// text is an HTML link's visible text, collapsed to single spaces; ""
	// for a URL written in the text, which shows itself.
	text string
	html bool // an <a>, <area>, <form> or refresh in HTML
}

// content is what the message shows a reader: its links, its visible
// text (for the requests), and what its HTML holds that mail should not.
type content struct {
	links     []link
	text      strings.Builder
	forms     []string // form actions
	passwords int      // <input type=password> fields
}

// addText reads the links of a text/plain part and adds its text.
func (c *content) addText(s string) {
	c.text.WriteString(s)
	c.text.WriteString("\n\n")
	c.textURLs(s)
}

// textURLs finds the web addresses written in text: those that start
// with http://, https:// or www.
func (c *content) textURLs(s string) {
	f := urlFinder{s: s, next: [3]int{-2, -2, -2}}
	for at := 0; at < len(s); {
		i := f.find(at)
		if i < 0 {
			return
		}
		end := i
		for end < len(s) {
			r, size := rune(s[end]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[end:])
			}
			if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`", r) || isCJKPunct(r) {
				break
			}
			end += size
		}
		u := trimURL(s[i:end])
		at = max(end, i+1)
		if rest := strings.TrimPrefix(strings.TrimPrefix(asciiLower(u), "http"), "s"); len(u) > len("www.") && rest != "://" {
			c.links = append(c.links, link{href: u})
		}
	}
}

// urlNeedles mark where a web address may be: after an http or https
// scheme, or at www.
var urlNeedles = [3]string{"://", "www.", "WWW."}

// urlFinder finds, in order, the starts of web addresses in s. It
// remembers where each needle is next, so that a long text is searched
// once.
type urlFinder struct {
	s    string
	next [3]int // index of each needle at or after the last search; -1 none left; -2 not searched
}

// find returns the start of the first web address at or after at, or -1.
func (f *urlFinder) find(at int) int {
	for at < len(f.s) {
		best, which := -1, -1
		for k, needle := range urlNeedles {
			if n := f.next[k]; n == -2 || (n >= 0 && n < at) {
				f.next[k] = strings.Index(f.s[at:], needle)
				if f.next[k] >= 0 {
					f.next[k] += at
				}
			}
			if n := f.next[k]; n >= 0 && (best < 0 || n < best) {
				best, which = n, k
			}
		}
		if best < 0 {
			return -1
		}
		at = best + 1
		start := best
		if which == 0 { // "://": the scheme before it must be http or https
			switch {
			case best >= 5 && strings.EqualFold(f.s[best-5:best], "https"):
				start = best - 5
			case best >= 4 && strings.EqualFold(f.s[best-4:best], "http"):
				start = best - 4
			default:
				continue
			}
		} else if best >= 3 && f.s[best-3:best] == "://" {
			continue // the host of a link found already
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(f.s[:start]); (unicode.IsLetter(r) && !isCJK(r)) || unicode.IsDigit(r) || r == '.' || r == '/' {
				continue
			}
		}
		return start
	}
	return -1
}

// asciiLower lower-cases ASCII letters only, so that byte offsets stay.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// trimURL drops the punctuation that ends a sentence rather than the
// link, and a closing bracket the link did not open.
func trimURL(u string) string {
	for u != "" {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			last == ']' && strings.Count(u, "[") < strings.Count(u, "]"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

func isCJKPunct(r rune) bool {
	return (r >= 0x3000 && r <= 0x303f) || (r >= 0xff01 && r <= 0xff0f) || (r >= 0xff1a && r <= 0xff20)
}

// blockTags end a sentence of the visible text, as the eye reads them;
// the set is built on first use.
var blockTags = sync.OnceValue(func() map[atom.Atom]bool {
	return map[atom.Atom]bool{
		atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Tr: true, atom.Td: true, atom.Th: true,
		atom.Table: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
		atom.Blockquote: true, atom.Hr: true, atom.Section: true, atom.Header: true, atom.Footer: true,
	}
})

// addHTML reads an HTML part: its links (<a>, <area>, <form action>,
// <meta http-equiv=refresh>, resolved against <base href>), the visible
// text of each link, password fields, and the visible text, without
// <script>, <style> and <title>.
func (c *content) addHTML(s string) {
	z := html.NewTokenizer(strings.NewReader(s))
	var base *url.URL
	var open *link // the <a> whose text is being read
	var anchor strings.Builder
	skip := 0 // inside <script>, <style>, <title>
	resolve := func(href string) string {
		href = strings.TrimSpace(href)
		if base != nil && href != "" && !hasScheme(href) && !strings.HasPrefix(href, "#") {
			if ref, err := url.Parse(href); err == nil {
				return base.ResolveReference(ref).String()
			}
		}
		return href
	}
	finish := func() {
		if open != nil {
			open.text = strings.Join(strings.Fields(anchor.String()), " ")
			c.links = append(c.links, *open)
			open = nil
			anchor.Reset()
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			finish()
			c.text.WriteString("\n\n")
			return
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			c.text.WriteString(t)
			if open != nil {
				anchor.WriteString(t)
			} else {
				c.textURLs(t)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if tt == html.EndTagToken {
				switch a {
				case atom.Script, atom.Style, atom.Title:
					skip = max(skip-1, 0)
				case atom.A:
					finish()
				}
				if blockTags()[a] {
					c.text.WriteString("\n\n")
				}
				continue
			}
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if _, seen := attrs[string(k)]; !seen {
					attrs[string(k)] = string(v)
				}
			}
			switch a {
			case atom.Script, atom.Style, atom.Title:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Base:
				if u, err := url.Parse(strings.TrimSpace(attrs["href"])); err == nil && u.IsAbs() && base == nil {
					base = u
				}
			case atom.A:
				finish()
				if href, ok := attrs["href"]; ok {
					open = &link{href: resolve(href), html: true}
					if tt == html.SelfClosingTagToken {
						finish()
					}
				}
			case atom.Area:
				if href, ok := attrs["href"]; ok {
					c.links = append(c.links, link{href: resolve(href), text: attrs["alt"], html: true})
				}
			case atom.Form:
				action := resolve(attrs["action"])
				c.forms = append(c.forms, action)
				if action != "" {
					c.links = append(c.links, link{href: action, html: true})
				}
			case atom.Input:
				if strings.EqualFold(strings.TrimSpace(attrs["type"]), "password") {
					c.passwords++
				}
			case atom.Meta:
				if strings.EqualFold(strings.TrimSpace(attrs["http-equiv"]), "refresh") {
					if _, target, ok := strings.Cut(attrs["content"], "="); ok {
						c.links = append(c.links, link{href: resolve(strings.Trim(strings.TrimSpace(target), `'"`)), html: true})
					}
				}
			case atom.Img:
				if open != nil && attrs["alt"] != "" {
					anchor.WriteString(" " + attrs["alt"] + " ")
				}
			}
			if blockTags()[a] {
				c.text.WriteString("\n\n")
				if open != nil {
					anchor.WriteString(" ")
				}
			}
		}
	}
}

// hasScheme reports whether a link starts with a URL scheme and colon.
func hasScheme(s string) bool {
	for i, r := range s {
		switch {
		case r == ':':
			return i > 0
		case r < 0x80 && (unicode.IsLetter(r) || (i > 0 && (unicode.IsDigit(r) || r == '+' || r == '-' || r == '.'))):
		default:
			return false
		}
	}
	return false
}

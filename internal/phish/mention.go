package phish

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxMentionWords bounds the words of a text that mention looks at.
const maxMentionWords = 64

// mention is a brand named in free text: a display name, the mailbox
// name of an address, the user name of a URL.
type mention struct {
	brand  string
	domain string // an allowlisted domain written in the text, if any
}

// mentions finds the brands that a text names, one mention per brand:
// first allowlisted domains written in it ("amazon.com"), then words, or
// two or three neighbouring words run together ("Pay Pal"), that are a
// brand's name or label, also with look-alike letters ("Arnazon",
// Cyrillic "Аmazon"), or that have a name of 5 or more letters inside
// ("AmazonSeller"). Accents are ignored ("Amazón"); capitals count as the
// letters they look like ("PaypaI"). Edits (a swapped or missing letter)
// do not count here: people's and companies' names are too often one
// letter from a brand.
func (a *Allowlist) mentions(text string) []mention {
	var out []mention
	seen := map[string]bool{}
	add := func(m mention) {
		if !seen[m.brand] {
			seen[m.brand] = true
			out = append(out, m)
		}
	}
	cased := stripMarks(norm.NFKC.String(text))
	lower := strings.ToLower(cased)
	for _, e := range a.byLen {
		if containsAligned(lower, e.domain, isTextSep) {
			add(mention{brand: e.brand, domain: e.domain})
		}
	}
	words := strings.FieldsFunc(cased, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > maxMentionWords {
		words = words[:maxMentionWords]
	}
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= len(words); i++ {
			if t, ok := a.namesToken(strings.Join(words[i:i+n], "")); ok {
				add(mention{brand: t.brand})
			}
		}
	}
	return out
}

// namesToken reports whether a word is a brand's name or label, with or
// without look-alike letters, or has one of 5 or more letters inside. The
// word's case counts for look-alikes: a capital I passes for an l
// ("PaypaI").
func (a *Allowlist) namesToken(cased string) (token, bool) {
	w := strings.ToLower(cased)
	if sk := skeleton(cased); sk != skeleton(w) {
		for _, t := range a.tokens {
			if sk == t.skel {
				return t, true
			}
		}
	}
	sk, fo := skeleton(w), foldLabel(w).key
	lo := looseKey(fo)
	for _, t := range a.tokens {
		if w == t.text || sk == t.skel || fo == t.key || lo == looseKey(t.key) {
			return t, true
		}
	}
	if t, _, ok := a.containsToken(w); ok {
		return t, true
	}
	return token{}, false
}

// isTextSep reports whether a byte around a domain written in text ends
// it: anything but a letter, digit or hyphen (a non-ASCII byte counts as
// a letter), so that "sellercentral.amazon.com" and "seller@amazon.com"
// show amazon.com.
func isTextSep(b byte) bool {
	return !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b >= 0x80)
}

// stripMarks drops combining marks (accents) from s.
func stripMarks(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
}

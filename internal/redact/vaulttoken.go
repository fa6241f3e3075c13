package redact

import "bytes"

// Vault tokens: "hvs." (service), "hvb." (batch) and "hvr." (recovery)
// followed by at least 20 characters of [A-Za-z0-9_-]; the legacy "s."
// followed by 24 letters and digits (and a namespace suffix like
// ".2XWIE"), and "b." followed by at least 24 characters of
// [A-Za-z0-9_-]. A legacy token must mix digits and letters or upper and
// lower case, so that "s." before a long word is not one. The prefix must
// start a word (not "logs.x…", "a.s.x…").
const (
	minVaultTokenBody  = 20
	legacyTokenBodyLen = 24
)

func vaultTokens(b []byte, hits *[]hit) {
	n := len(b)
	for off := 0; off < n; {
		k := bytes.IndexByte(b[off:], '.')
		if k < 0 {
			return
		}
		p := off + k
		off = p + 1
		var s int
		switch {
		case p >= 3 && b[p-3] == 'h' && b[p-2] == 'v' && (b[p-1] == 's' || b[p-1] == 'b' || b[p-1] == 'r'):
			s = p - 3
		case p >= 1 && (b[p-1] == 's' || b[p-1] == 'b'):
			s = p - 1
		default:
			continue
		}
		if s > 0 && !tokenBoundary(b[s-1]) {
			continue
		}
		e := p + 1
		for e < n && (isAlnum(b[e]) || b[e] == '_' || b[e] == '-') {
			e++
		}
		body := b[p+1 : e]
		switch {
		case p-s == 3:
			if len(body) < minVaultTokenBody {
				continue
			}
		case b[s] == 's':
			if len(body) != legacyTokenBodyLen || bytes.ContainsAny(body, "_-") || !mixed(body) {
				continue
			}
			if e+1 < n && b[e] == '.' && isAlnum(b[e+1]) { // namespace ID
				e++
				for e < n && isAlnum(b[e]) {
					e++
				}
			}
		default:
			if len(body) < legacyTokenBodyLen || !mixed(body) {
				continue
			}
		}
		if e < n && (b[e] == '.' && e+1 < n && isAlnum(b[e+1])) {
			continue // part of a longer dotted name
		}
		*hits = append(*hits, hit{start: s, end: e, kind: KindVaultToken})
		off = e
	}
}

// tokenBoundary reports whether c may come before a Vault token.
func tokenBoundary(c byte) bool {
	return !isAlnum(c) && c != '.' && c != '_' && c != '-' && c != '/' && c != '@'
}

// mixed reports whether w has both digits and letters, or both upper-
// and lower-case letters.
func mixed(w []byte) bool {
	var seen uint8
	for _, c := range w {
		seen |= class[c] & cAlnum
	}
	return seen&cDigit != 0 && seen&cLetter != 0 || seen&cLetter == cLetter
}

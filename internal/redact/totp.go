package redact

import (
	"bytes"
	"math/bits"
)

// otpauths finds otpauth:// and otpauth-migration:// URIs (scheme in any
// case): from the scheme to the first space, quote or angle bracket,
// without trailing sentence punctuation.
func otpauths(b []byte, hits *[]hit) {
	for off := 0; ; {
		k := bytes.Index(b[off:], []byte("://"))
		if k < 0 {
			return
		}
		p := off + k
		off = p + 3
		s := p
		for s > 0 && (isAlnum(b[s-1]) || b[s-1] == '-' || b[s-1] == '+' || b[s-1] == '.') {
			s--
		}
		scheme := b[s:p]
		if !bytes.EqualFold(scheme, []byte("otpauth")) && !bytes.EqualFold(scheme, []byte("otpauth-migration")) {
			continue
		}
		e := off
		for e < len(b) {
			c := b[e]
			if c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == 0x7f || c >= 0x80 && (wideSpace(b, e) > 0 || quoteAt(b, e) > 0) {
				break
			}
			e++
		}
		for e > off && bytes.IndexByte([]byte(".,;:!?)]}"), b[e-1]) >= 0 {
			e--
		}
		*hits = append(*hits, hit{start: s, end: e, kind: KindOTPAuth})
		off = e
	}
}

// TOTP seeds: base32 (RFC 4648: A-Z and 2-7, in one case, optionally
// padded with "="), written whole ("JBSWY3DPEHPK3PXP") or in groups of
// four joined by single spaces, as set-up pages show them ("jbsw y3dp
// ehpk 3pxp"), 16 to 128 characters. Long words are base32 too, so a
// string must also look random (seedLike).
//
// Groups of four are joined while the next word is one (the last may be
// shorter), so words of four letters around a seed join it: "seed jbsw
// y3dp ehpk 3pxp end". Unless the whole is of a seed's usual length (16,
// 26, 32 or 52: 10, 16, 20 or 32 bytes), a group of letters only at
// either end that reads like English (its letter pairs score 1 bit or
// more on average) is dropped, as long as what is left is still a seed,
// until it is of a usual length.
// A seed's own group is dropped that way rarely (about 1 in 100 groups
// of letters reads like English), and only from a seed of unusual length.
const (
	minSeedLen = 16
	maxSeedLen = 128
)

// seedGroup is one group of four (or fewer, at the end) of a seed.
type seedGroup struct{ s, e int }

// seedWork is room for seedAt's work.
type seedWork struct {
	groups [maxSeedLen / 4]seedGroup
	joined [maxSeedLen]byte
}

// seedAt reads a TOTP seed that may start with the word b[s:e] (of 4 or
// 16 to 128 letters and digits): to hits. It returns where the seed
// ends, if there is one. w is room for the work.
func seedAt(b []byte, s, e int, hits *[]hit, w *seedWork) (int, bool) {
	n := len(b)
	cs, ok := base32Case(b[s:e])
	if !ok {
		return 0, false
	}
	gs := append(w.groups[:0], seedGroup{s, e})
	if e-s == 4 {
		// Groups of four: join while the next word is a group of the
		// same case (or of digits only), up to a last one of one to four.
		for k := e; len(gs) < cap(gs) && k+1 < n && b[k] == ' ' && class[b[k+1]]&cAlnum != 0; {
			l := k + 1
			for l < n && class[b[l]]&cAlnum != 0 {
				l++
			}
			c, ok := base32Case(b[k+1 : l])
			if !ok || l-k-1 > 4 || c != caseNone && cs != caseNone && c != cs {
				break
			}
			if cs == caseNone {
				cs = c
			}
			gs = append(gs, seedGroup{k + 1, l})
			if k = l; l-gs[len(gs)-1].s < 4 {
				break
			}
		}
	}
	gs = trimSeedGroups(b, gs, w.joined[:0])
	if gs == nil {
		return 0, false
	}
	end := gs[len(gs)-1].e
	for p := 0; p < 6 && end < n && b[end] == '='; p++ {
		end++
	}
	if end < n && (class[b[end]]&cAlnum != 0 || b[end] == '=') {
		return 0, false
	}
	*hits = append(*hits, hit{start: gs[0].s, end: end, kind: KindTOTPSeed})
	return end, true
}

// trimSeedGroups returns the groups of gs that are a seed, after
// dropping English-looking words at the ends, or nil.
func trimSeedGroups(b []byte, gs []seedGroup, buf []byte) []seedGroup {
	join := func(gs []seedGroup) []byte {
		v := buf[:0]
		for _, g := range gs {
			v = append(v, b[g.s:g.e]...)
		}
		return v
	}
	v := join(gs)
	if len(v) < minSeedLen || len(v) > maxSeedLen || !seedLike(v) {
		return nil
	}
	usual := func(n int) bool { return n == 16 || n == 26 || n == 32 || n == 52 }
	for len(gs) > 1 && !usual(len(v)) {
		if englishWord(b[gs[0].s:gs[0].e]) {
			if w := join(gs[1:]); len(w) >= minSeedLen && seedLike(w) {
				gs, v = gs[1:], w
				continue
			}
		}
		if last := gs[len(gs)-1]; englishWord(b[last.s:last.e]) {
			if w := join(gs[:len(gs)-1]); len(w) >= minSeedLen && seedLike(w) {
				gs, v = gs[:len(gs)-1], w
				continue
			}
		}
		break
	}
	return gs
}

// englishWord reports whether w, two to four letters, reads like
// English: its letter pairs score at least 1 bit on average.
func englishWord(w []byte) bool {
	if len(w) < 2 {
		return false
	}
	score := 0
	for i := 1; i < len(w); i++ {
		a, c := w[i-1]|0x20, w[i]|0x20
		if a < 'a' || c < 'a' {
			return false // a digit: not a word
		}
		score += int(pairScore[a-'a'][c-'a'])
	}
	return score >= 8*(len(w)-1)
}

// The case of a base32 word.
const (
	caseNone  = iota // digits only
	caseUpper        // upper-case letters (and digits)
	caseLower        // lower-case letters (and digits)
)

// base32Case reports whether w is base32 in one case, and which.
func base32Case(w []byte) (int, bool) {
	var seen uint8
	for _, c := range w {
		k := class[c]
		if k&cDigit != 0 {
			if c < '2' || c > '7' {
				return 0, false
			}
			continue
		}
		seen |= k & cLetter
		if k&cLetter == 0 || seen == cLetter {
			return 0, false
		}
	}
	switch seen {
	case cUpper:
		return caseUpper, true
	case cLower:
		return caseLower, true
	}
	return caseNone, true
}

// seedLike reports whether a base32 string of one case looks like a
// random seed rather than words, an identifier or a hex number:
//
//   - at least half of it letters, at least 8 distinct characters, not
//     only the letters a-f with digits (hex), and not a run of the
//     alphabet (at most half its letter pairs are neighbours, like "ab");
//   - its letter pairs unlike English: the mean over its pairs of
//     neighbouring letters of log2(26·P(second follows first)) in
//     English (pairScore) is at most -6/8 bit. A random string scores
//     about -3.6 bits, English about +1;
//   - with no digit (2-7), 20 characters at least and at most -10/8 bit.
//
// Measured (TestSeedRecall, and the score alone over the words of two
// books, other than the one the pairs come from, joined into
// identifiers): it finds about 95% of random 16-character seeds (most of
// the rest have no digit), 99.8% of 20-character ones and 99.9% of 26-
// and 32-character ones; of runs of English words joined together, 16
// to 128 letters, at most about 1 in 5,000 passes.
func seedLike(v []byte) bool {
	var seen uint32
	digits, letters, pairs, seq, score, hexOnly := 0, 0, 0, 0, 0, true
	prev := -1 // the previous letter, 0 to 25, or -1
	for _, c := range v {
		c |= 0x20 // lower case; digits 2-7 are unchanged
		if c <= '7' {
			digits++
			seen |= 1 << (c - '2' + 26)
			prev = -1
			continue
		}
		l := int(c - 'a')
		letters++
		seen |= 1 << l
		if c > 'f' {
			hexOnly = false
		}
		if prev >= 0 {
			pairs++
			score += int(pairScore[prev][l])
			if l == prev+1 {
				seq++
			}
		}
		prev = l
	}
	if letters*2 < len(v) || bits.OnesCount32(seen) < 8 || hexOnly || seq*2 > pairs {
		return false
	}
	if digits == 0 {
		return len(v) >= 20 && score*8 <= -10*pairs
	}
	return score*8 <= -6*pairs
}

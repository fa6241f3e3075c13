package phish

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/runenames"
)

// Folding turns a label into the plain letters it looks like, so that
// every visual trick compares equal to the name it imitates:
//
//  1. Characters. Each non-ASCII character becomes the ASCII letters it
//     shows: its compatibility decomposition (NFKD: full-width "ａ",
//     ligatures "ﬁ") without accents and other combining marks ("ṁ", "é");
//     for a Latin letter with a hook, stroke, descender or tail, or a small
//     capital, the letter its Unicode name says it is ("ꞑ" LATIN SMALL
//     LETTER N WITH DESCENDER, "ᴍ" LATIN LETTER SMALL CAPITAL M); else its
//     UTS #39 confusable prototype (Cyrillic "а", Greek "ο", Armenian "օ",
//     Cherokee …), repeated until nothing changes. Invisible format
//     characters are dropped. Letters of other scripts that look like no
//     Latin letter (Chinese, Arabic …) stay as they are.
//  2. Digits for letters: 0 o, 1 l, 2 z, 3 e, 4 a, 5 s, 6 b, 7 t, 8 b,
//     9 g.
//  3. Letter shapes: rn m, nn m, vv w, cl d, lc k.
//
// The key is lower case. Hyphens stay; see noHyphens.

// piece is a part of a label and what it folds to.
type piece struct{ src, out string }

// foldedLabel is a folded label: its key, and the replacements made
// (pieces whose src and out differ), in order, for reasons.
type foldedLabel struct {
	key   string
	swaps []piece
}

// charPiece is one character of a folded label and the part of the
// label it comes from; a character that continues the folding of the
// same part (the "e" of "æ" folded to "ae") has cont set and no src.
type charPiece struct {
	src, out string
	cont     bool
}

// digitLetters are the letters that digits stand in for.
var digitLetters = [10]byte{'o', 'l', 'z', 'e', 'a', 's', 'b', 't', 'b', 'g'}

// letterShapes are the pairs of letters that look like one letter.
var letterShapes = []struct{ from, to string }{
	{"rn", "m"}, {"nn", "m"}, {"vv", "w"}, {"cl", "d"}, {"lc", "k"},
}

// foldLabel folds a label (any case, any script).
func foldLabel(s string) foldedLabel {
	if plainKey(s) {
		return foldedLabel{key: s}
	}
	ps := make([]charPiece, 0, len(s))
	for _, r := range s {
		src := string(r)
		switch {
		case r >= 'A' && r <= 'Z':
			ps = append(ps, charPiece{src: src, out: string(r + 'a' - 'A')})
		case r >= '0' && r <= '9':
			ps = append(ps, charPiece{src: src, out: string(digitLetters[r-'0'])})
		case r < utf8.RuneSelf:
			ps = append(ps, charPiece{src: src, out: src})
		default:
			out := digitsToLetters(foldRune(r))
			if out == "" {
				// A mark or an invisible character: part of the
				// character before it, so that it parts no shape.
				if n := len(ps); n > 0 {
					ps[n-1].src += src
				} else {
					ps = append(ps, charPiece{src: src})
				}
			}
			for i, c := range out {
				if i == 0 {
					ps = append(ps, charPiece{src: src, out: string(c)})
				} else {
					ps = append(ps, charPiece{out: string(c), cont: true})
				}
			}
		}
	}
	ps = mergeShapes(ps)
	var b strings.Builder
	b.Grow(len(s))
	var swaps []piece
	for i := 0; i < len(ps); {
		p := piece{ps[i].src, ps[i].out}
		for i++; i < len(ps) && ps[i].cont; i++ {
			p.src += ps[i].src
			p.out += ps[i].out
		}
		b.WriteString(p.out)
		if p.src != p.out && !(len(p.src) == 1 && p.src[0] >= 'A' && p.src[0] <= 'Z') {
			swaps = append(swaps, p)
		}
	}
	return foldedLabel{key: b.String(), swaps: swaps}
}

// plainKey reports whether s folds to itself: lower-case ASCII letters
// and hyphens, without letter shapes.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
		if i > 0 {
			switch string(s[i-1 : i+1]) {
			case "rn", "nn", "vv", "cl", "lc":
				return false
			}
		}
	}
	return true
}

// digitsToLetters replaces the digits of a folded character ("¾" is
// "3/4") by the letters they stand in for.
func digitsToLetters(s string) string {
	if strings.IndexAny(s, "0123456789") < 0 {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = digitLetters[c-'0']
		}
	}
	return string(b)
}

// mergeShapes replaces neighbouring characters that make a shape (r
// and n) by the letter they look like (m), left to right. The letters
// that shapes make (m, w, d, k) begin and end no shape, so the result
// has none left.
func mergeShapes(ps []charPiece) []charPiece {
	out := ps[:0]
	for i := 0; i < len(ps); i++ {
		if i+1 < len(ps) && len(ps[i].out) == 1 && len(ps[i+1].out) == 1 {
			pair := ps[i].out + ps[i+1].out
			merged := false
			for _, sh := range letterShapes {
				if pair == sh.from {
					out = append(out, charPiece{ps[i].src + ps[i+1].src, sh.to, ps[i].cont})
					merged = true
					break
				}
			}
			if merged {
				i++
				continue
			}
		}
		out = append(out, ps[i])
	}
	return out
}

// noHyphens is a key without its hyphens: "ama-zon" reads as "amazon".
func noHyphens(key string) string {
	if strings.IndexByte(key, '-') < 0 {
		return key
	}
	return strings.ReplaceAll(key, "-", "")
}

// looseKey also folds the letters that pass for each other in many
// fonts, "i" and "l" (and "1", already an "l"), so that "w1se" meets
// "wise".
func looseKey(key string) string {
	if strings.IndexByte(key, 'i') < 0 {
		return key
	}
	return strings.ReplaceAll(key, "i", "l")
}

// runeFolds caches foldRune: rune -> string.
var runeFolds sync.Map

// foldRune is what one non-ASCII character looks like, in lower-case
// ASCII when it looks like Latin letters; "" for an invisible or
// combining character.
func foldRune(r rune) string {
	if v, ok := runeFolds.Load(r); ok {
		return v.(string)
	}
	f := computeFoldRune(r)
	runeFolds.Store(r, f)
	return f
}

// extraFolds are letters that look like Latin letters but neither
// decompose nor have a Latin confusable prototype: ß for ss, Cyrillic
// soft sign and Latin tone six for b, Cyrillic em (whose prototype is
// the turned w) for m, Cyrillic ka (prototype kra) for k, Cyrillic pe for
// n, turned m for w.
var extraFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'þ': "p", 'ь': "b", 'ъ': "b", 'ƅ': "b",
	'ʍ': "m", 'ĸ': "k", 'п': "n", 'ɯ': "w",
}

func computeFoldRune(r rune) string {
	s := string(r)
	seen := []string{s}
	for range 16 {
		next := foldStep(s)
		if isASCII(next) {
			return strings.ToLower(next)
		}
		if next == s {
			return next
		}
		if i := slices.Index(seen, next); i >= 0 {
			// A cycle in the confusables table (Greek φ and Latin ɸ
			// lead to each other): the smallest of it stands for all.
			return slices.Min(seen[i:])
		}
		seen = append(seen, next)
		s = next
	}
	return s
}

// foldStep folds each character of s once: lower case, compatibility
// decomposition without marks, then extraFolds, latinLetter or the
// confusable prototype.
func foldStep(s string) string {
	s = dropMarks(norm.NFKD.String(strings.ToLower(s)))
	var b strings.Builder
	for _, x := range s {
		switch {
		case x < utf8.RuneSelf:
			b.WriteRune(unicode.ToLower(x))
		case extraFolds[x] != "":
			b.WriteString(extraFolds[x])
		case latinLetter(x) != 0:
			b.WriteByte(latinLetter(x))
		default:
			if rep := confusable.GetReplacement(x); rep != "" {
				b.WriteString(rep)
			} else {
				b.WriteRune(x)
			}
		}
	}
	return b.String()
}

// dropMarks removes combining marks and invisible format characters.
func dropMarks(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			return -1
		}
		return r
	}, s)
}

// latinNameWords are the words of a Latin letter's Unicode name that
// may stand between LETTER and the letter itself without changing its
// shape much.
var latinNameWords = map[string]bool{"SMALL": true, "CAPITAL": true, "DOTLESS": true, "SCRIPT": true, "INSULAR": true, "BARRED": true}

// latinLetter is the lower-case ASCII letter that a Latin letter's
// Unicode name says it is ("LATIN SMALL LETTER N WITH DESCENDER" n), or
// 0 for another character or a letter of another shape (TURNED M,
// REVERSED E, ALPHA).
func latinLetter(r rune) byte {
	if r < 0x80 || !unicode.Is(unicode.Latin, r) {
		return 0
	}
	name := runenames.Name(r)
	_, rest, ok := strings.Cut(name, "LETTER ")
	if !ok || !strings.HasPrefix(name, "LATIN ") {
		return 0
	}
	rest, _, _ = strings.Cut(rest, " WITH ")
	words := strings.Fields(rest)
	if len(words) == 0 {
		return 0
	}
	for _, w := range words[:len(words)-1] {
		if !latinNameWords[w] {
			return 0
		}
	}
	last := words[len(words)-1]
	if len(last) != 1 || last[0] < 'A' || last[0] > 'Z' {
		return 0
	}
	return last[0] + 'a' - 'A'
}

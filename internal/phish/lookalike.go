package phish

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
)

// skeleton is the UTS #39 skeleton of a lower-case label, lower-cased
// again (the confusables table maps some characters to capitals: "0" to
// "O"), so that two labels that look the same get the same key.
func skeleton(s string) string {
	return strings.ToLower(confusable.Skeleton(s))
}

// asciiLookalikes are the letter and digit tricks of ASCII-only names
// that UTS #39 does not fold: multi-letter shapes (rn for m) and digits
// for letters. Longer patterns come first.
var asciiLookalikes = []struct{ from, to string }{
	{"rn", "m"},
	{"vv", "w"},
	{"cl", "d"},
	{"0", "o"},
	{"1", "l"},
	{"3", "e"},
	{"5", "s"},
}

// folded is an ASCII label with its look-alike shapes replaced, and the
// replacements made, as `"0" in place of "o"`.
type folded struct {
	folded string
	swaps  []string
}

// foldASCII replaces look-alike shapes in an ASCII label, left to right.
func foldASCII(s string) folded {
	var b strings.Builder
	var swaps []string
next:
	for i := 0; i < len(s); {
		for _, l := range asciiLookalikes {
			if strings.HasPrefix(s[i:], l.from) {
				b.WriteString(l.to)
				swaps = append(swaps, fmt.Sprintf("%q in place of %q", l.from, l.to))
				i += len(l.from)
				continue next
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return folded{b.String(), swaps}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// osa is the optimal-string-alignment (restricted Damerau–Levenshtein)
// distance between a and b, in characters: insertions, deletions,
// substitutions and swaps of two neighbours each count one.
func osa(a, b []rune) int {
	n, m := len(a), len(b)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, d[i-2][j-2]+1)
			}
			d[i][j] = v
		}
	}
	return d[n][m]
}

// Kinds of a one-character difference.
const (
	editSwap    = "one letter swapped"
	editChange  = "one letter changed"
	editAdd     = "one letter added"
	editDouble  = "one letter doubled"
	editMissing = "one letter missing"
	editTwo     = "two letters different"
)

// editKind says how p differs from the allowlisted label l when their
// distance is d (1 or 2).
func editKind(p, l []rune, d int) string {
	if d != 1 {
		return editTwo
	}
	switch len(p) - len(l) {
	case 1:
		for i := range l {
			if p[i] != l[i] {
				if i > 0 && p[i] == p[i-1] || p[i] == p[i+1] {
					return editDouble
				}
				return editAdd
			}
		}
		if p[len(p)-1] == p[len(p)-2] {
			return editDouble
		}
		return editAdd
	case -1:
		return editMissing
	}
	for i := range l {
		if p[i] != l[i] {
			if i+1 < len(l) && p[i] == l[i+1] && p[i+1] == l[i] {
				return editSwap
			}
			return editChange
		}
	}
	return editChange
}

// editAllowed is how far a label may be from an allowlisted label l and
// still count as imitating it. Short names are close to many ordinary
// words, so the tolerance grows with the length: up to 4 characters only
// a swap of two neighbours or a doubled letter counts, up to 7 one edit,
// from 8 on two edits; 1- and 2-character names only by look-alike
// characters.
func editAllowed(l []rune, d int, kind string) bool {
	switch n := len(l); {
	case n <= 2:
		return false
	case n <= 4:
		return d == 1 && (kind == editSwap || kind == editDouble)
	case n <= 7:
		return d == 1
	default:
		return d <= 2
	}
}

// lookalike is how a label imitates an allowlisted label.
type lookalike struct {
	li  *labelInfo
	how string // e.g. `one letter swapped`, `"0" in place of "o"`
}

// imitates finds the allowlisted label that p (a lower-case label or part
// of one, not itself allowlisted) imitates, if any: the same after
// folding ASCII tricks or by UTS #39 skeleton, or within editAllowed.
// When several match, the closest wins, then the first in the allowlist.
func (a *Allowlist) imitates(p string) (lookalike, bool) {
	if p == "" || utf8.RuneCountInString(p) > maxLabelLen {
		return lookalike{}, false
	}
	ascii := isASCII(p)
	var pf folded
	if ascii {
		pf = foldASCII(p)
	}
	ps := skeleton(p)
	pr := []rune(p)
	best, bestRank := lookalike{}, 99
	for _, li := range a.labels {
		if p == li.label {
			continue
		}
		lr := []rune(li.label)
		switch {
		case ascii && pf.folded == li.fold:
			return lookalike{li, strings.Join(pf.swaps, ", ")}, true
		case ps == li.skel:
			return lookalike{li, describeConfusable(p, li.label)}, true
		}
		if bestRank <= 1 || abs(len(pr)-len(lr)) > 2 {
			continue
		}
		if d := osa(pr, lr); d <= 2 {
			kind := editKind(pr, lr, d)
			if editAllowed(lr, d, kind) && d < bestRank {
				best, bestRank = lookalike{li, kind}, d
				continue
			}
		}
		key, lkey := ps, li.skel
		if ascii {
			key, lkey = pf.folded, li.fold
		}
		kr, lkr := []rune(key), []rune(lkey)
		if abs(len(kr)-len(lkr)) > 2 {
			continue
		}
		if d := osa(kr, lkr); d <= 2 && editAllowed(lr, d, editKind(kr, lkr, d)) && d+1 < bestRank {
			best, bestRank = lookalike{li, "look-alike letters and " + editKind(kr, lkr, d)}, d+1
		}
	}
	return best, bestRank < 99
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// describeConfusable says which characters of p stand in for those of
// the allowlisted label l, when p has the same skeleton.
func describeConfusable(p, l string) string {
	pr, lr := []rune(p), []rune(l)
	var parts []string
	if len(pr) == len(lr) {
		for i := range pr {
			if pr[i] != lr[i] {
				parts = append(parts, fmt.Sprintf("%s in place of %s", describeChar(pr[i]), describeChar(lr[i])))
			}
		}
	}
	if len(parts) == 0 || len(parts) > 3 {
		var foreign []string
		for _, r := range pr {
			if r >= utf8.RuneSelf {
				foreign = append(foreign, describeChar(r))
			}
		}
		if len(foreign) > 3 {
			foreign = append(foreign[:3], "…")
		}
		if len(foreign) == 0 {
			return "letters that look the same"
		}
		return "look-alike letters " + strings.Join(foreign, ", ")
	}
	return strings.Join(parts, ", ")
}

// describeChar names a character for a reason: `Cyrillic "а" (U+0430)`;
// plain ASCII as just `"a"`.
func describeChar(r rune) string {
	if r < utf8.RuneSelf {
		return fmt.Sprintf("%q", string(r))
	}
	if s := scriptOf(r); s != "" && s != "Common" && s != "Inherited" {
		return fmt.Sprintf("%s %q (U+%04X)", s, string(r), r)
	}
	return fmt.Sprintf("%q (U+%04X)", string(r), r)
}

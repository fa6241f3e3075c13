package phish

import "sync"

// Edit distance between a label and an allowlisted one, and what kind of
// typo a one-letter difference is.

// osa is the optimal-string-alignment (restricted Damerau–Levenshtein)
// distance between a and b, in characters: insertions, deletions,
// substitutions and swaps of two neighbours each count one.
func osa(a, b []rune) int {
	return osaWithin(a, b, len(a)+len(b))
}

// osaWithin is osa(a, b) when that is at most limit, else limit+1. It
// does not allocate for labels of up to maxLabelLen characters.
func osaWithin(a, b []rune, limit int) int {
	n, m := len(a), len(b)
	if abs(n-m) > limit {
		return limit + 1
	}
	var buf [3 * (maxLabelLen + 1)]int
	var rows []int
	if m <= maxLabelLen {
		rows = buf[:3*(m+1)]
	} else {
		rows = make([]int, 3*(m+1))
	}
	prev2, prev, cur := rows[:m+1], rows[m+1:2*(m+1)], rows[2*(m+1):]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		best := i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			best = min(best, v)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[m], limit+1)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
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

// changedLetter returns the letter of p that replaces one of l, when p
// and l have the same length and differ in one place.
func changedLetter(p, l []rune) (got, want rune) {
	for i := range min(len(p), len(l)) {
		if p[i] != l[i] {
			return p[i], l[i]
		}
	}
	return 0, 0
}

// keyboardRows is the QWERTY layout, for telling a slip of the finger
// from another letter.
var keyboardRows = [4]string{"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyPos is the row and column of each key; each row sits half a key to
// the right of the one above it. Built on first use.
var keyPos = sync.OnceValue(func() map[rune][2]int {
	m := map[rune][2]int{}
	for r, row := range keyboardRows {
		for c, k := range row {
			m[k] = [2]int{r, 2*c + r}
		}
	}
	return m
})

// typoChange reports whether typing got where want was meant is a typo
// that squatters register: a neighbouring key, another vowel, a one-bit
// memory error, or a letter of a similar shape.
func typoChange(got, want rune) bool {
	if got < 0x80 && want < 0x80 && bitsSet(uint8(got^want)) == 1 {
		return true
	}
	const vowels = "aeiouy"
	if containsRune(vowels, got) && containsRune(vowels, want) {
		return true
	}
	for _, pair := range []string{"bd", "qg", "mn", "nr", "uv", "il", "lj", "ij", "ce", "co", "vy", "hb", "tf"} {
		if containsRune(pair, got) && containsRune(pair, want) {
			return true
		}
	}
	pos := keyPos()
	pg, okg := pos[got]
	pw, okw := pos[want]
	if !okg || !okw {
		return false
	}
	dr, dc := abs(pg[0]-pw[0]), abs(pg[1]-pw[1])
	return dr == 0 && dc == 2 || dr == 1 && dc == 1
}

func bitsSet(b uint8) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

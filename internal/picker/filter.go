package picker

import (
	"sort"
	"strings"
)

// Filter returns the indices of the entries that match query, best first.
// Every word of query (case-insensitive) must match the entry: as a
// substring of STORE/NAME or the URL, or, in STORE/NAME, as its letters in
// order. Substrings rank above letters in order, and a match at the start
// of STORE/NAME or after a "/" or "-" above one elsewhere; equal ranks
// keep the entries' order. An empty query matches everything.
func Filter(entries []Entry, query string) []int {
	words := strings.Fields(strings.ToLower(query))
	type hit struct{ index, score int }
	var hits []hit
	for i, e := range entries {
		addr, url := strings.ToLower(e.Address), strings.ToLower(e.URL)
		total := 0
		for _, w := range words {
			s := score(addr, url, w)
			if s == 0 {
				total = -1
				break
			}
			total += s
		}
		if total >= 0 {
			hits = append(hits, hit{i, total})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].score > hits[b].score })
	out := make([]int, len(hits))
	for i, h := range hits {
		out[i] = h.index
	}
	return out
}

// score rates how well one word matches: 0 not at all, 1 letters in
// order, 2 a substring of the URL, 3 a substring of STORE/NAME, 4 one at
// the start of a word of it.
func score(addr, url, w string) int {
	if strings.Contains(addr, w) {
		if strings.HasPrefix(addr, w) || strings.Contains(addr, "/"+w) || strings.Contains(addr, "-"+w) {
			return 4
		}
		return 3
	}
	if strings.Contains(url, w) {
		return 2
	}
	if inOrder(addr, w) {
		return 1
	}
	return 0
}

// inOrder reports whether the letters of w appear in s in order.
func inOrder(s, w string) bool {
	for _, r := range w {
		i := strings.IndexRune(s, r)
		if i < 0 {
			return false
		}
		s = s[i+len(string(r)):]
	}
	return true
}

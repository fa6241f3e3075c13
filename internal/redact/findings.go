package redact

import (
	"cmp"
	"slices"
)

// Finding is a secret found in the input: where (byte offsets into the
// whole input, and the 1-based line and column, the column counted in
// runes), and of which kind. Never the value.
type Finding struct {
	Start, End   int
	Line, Column int
	Kind         string
}

// hit is a finding in a chunk, before overlaps are resolved.
type hit struct {
	start, end int
	kind       string
	index      bool // matched in the index: beats a pattern on an equal span
	cont       bool // continues a private-key block of the previous chunk
}

// resolve sorts hits by start and merges those that overlap into one
// that covers them all, so that no part of a secret is left in the
// output. The merged hit has the kind of its longest member; of members
// of equal length, the earliest; of equal spans, one from the index
// before a pattern. Hits that only touch stay apart.
func resolve(hits []hit) []hit {
	if len(hits) < 2 {
		return hits
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		if c := cmp.Compare(b.end, a.end); c != 0 {
			return c
		}
		switch {
		case a.index && !b.index:
			return -1
		case b.index && !a.index:
			return 1
		}
		return 0
	})
	out := hits[:1]
	best := hits[0].end - hits[0].start
	for _, h := range hits[1:] {
		cur := &out[len(out)-1]
		if h.start >= cur.end {
			out = append(out, h)
			best = h.end - h.start
			continue
		}
		if n := h.end - h.start; n > best {
			best, cur.kind, cur.index = n, h.kind, h.index
		}
		cur.end = max(cur.end, h.end)
		cur.cont = cur.cont || h.cont
	}
	return out
}

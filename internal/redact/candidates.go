package redact

import "bytes"

// Token candidates: the limits of a token tried as a password or a store
// name.
const (
	minTokenLen = 4
	maxTokenLen = maxFormLen
	maxTrimStep = 2 // punctuation bytes peeled one at a time at each end
)

// cand is a candidate: a span of the chunk and its normalised form,
// arena[fo:fo+fl] of the extractor.
type cand struct {
	start, end int32
	fo, fl     int32
}

// extractor cuts candidates from a chunk. It is reused from chunk to
// chunk; the arena holds the forms.
type extractor struct {
	classes uint8
	lens    *[numClasses][maxFormLen + 1]bool
	shapes  *[maxFormLen + 1]uint16 // nil: no shape filter
	arena   []byte
	cands   []cand
	scratch []byte
}

func (x *extractor) reset() {
	x.arena = x.arena[:0]
	x.cands = x.cands[:0]
}

// wants reports whether a form of n bytes of a class can match at all.
func (x *extractor) wants(cls uint8, n int) bool {
	return x.classes&cls != 0 && 0 < n && n <= maxFormLen && x.lens[classBit(cls)][n]
}

// add records a candidate whose form is form (copied).
func (x *extractor) add(start, end int, form []byte) {
	x.cands = append(x.cands, cand{int32(start), int32(end), int32(len(x.arena)), int32(len(form))})
	x.arena = append(x.arena, form...)
}

// addLower records a candidate whose form is form lower-cased.
func (x *extractor) addLower(start, end int, form []byte) {
	fo := len(x.arena)
	x.arena = appendLower(x.arena, form)
	if n := len(x.arena) - fo; n > maxFormLen || !x.lens[classBit(clsLower)][n] {
		x.arena = x.arena[:fo] // Unicode folding changed the length
		return
	}
	x.cands = append(x.cands, cand{int32(start), int32(end), int32(fo), int32(len(x.arena) - fo)})
}

// form returns a candidate's normalised form.
func (x *extractor) form(c cand) []byte { return x.arena[c.fo : c.fo+c.fl] }

// tokens adds the candidates of each white-space-separated token of b:
// the token as a password and as a store name or e-mail address, in
// several trimmings, and the e-mail addresses inside it.
func (x *extractor) tokens(b []byte) {
	want := x.classes & (clsExact | clsLower)
	if want == 0 {
		return
	}
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		if class[c]&cSpace != 0 {
			i++
			continue
		}
		if c >= 0x80 {
			if w := wideSpace(b, i); w > 0 {
				i += w
				continue
			}
		}
		ts, at := i, false
		for i < n {
			c := b[i]
			if class[c]&cSpace != 0 || c >= 0x80 && wideSpace(b, i) > 0 {
				break
			}
			at = at || c == '@'
			i++
		}
		if i-ts >= minTokenLen {
			x.token(b, ts, i, at)
		}
	}
}

// token adds the candidates of the token b[ts:te], sorted by start; at
// says that it has an @.
func (x *extractor) token(b []byte, ts, te int, at bool) {
	first := len(x.cands)
	x.tokenSpans(b, ts, te, at)
	if len(x.cands)-first > 1 {
		x.sortFrom(first)
	}
}

// tokenSpans adds the candidates of the token b[ts:te].
func (x *extractor) tokenSpans(b []byte, ts, te int, at bool) {
	if at && x.classes&clsLower != 0 {
		x.emails(b, ts, te)
	}
	if te-ts > maxTokenLen+2*maxTrimStep+4 {
		return
	}
	s, e := trimToken(b, ts, te)
	if s == ts && e == te {
		x.span(b, ts, te)
		return
	}
	// Ends to try: untrimmed, fully trimmed, and peeled one byte at a
	// time (so "Hunter2!" is found in "Hunter2!." and in "(Hunter2!)"),
	// and after a "key:" or "key=" prefix. Starts in increasing order.
	var ls, rs [2*maxTrimStep + 3]int
	nl, nr := 0, 0
	addEnd := func(list *[2*maxTrimStep + 3]int, n *int, v int) {
		for _, w := range list[:*n] {
			if w == v {
				return
			}
		}
		if *n < len(list) {
			list[*n] = v
			*n++
		}
	}
	addEnd(&ls, &nl, ts)
	for k, p := 1, ts+1; k <= maxTrimStep && p < s; k, p = k+1, p+1 {
		if b[p] < 0x80 {
			addEnd(&ls, &nl, p)
		}
	}
	addEnd(&ls, &nl, s)
	if s < e {
		if k := bytes.IndexAny(b[s:e], ":="); k >= 0 && e-(s+k+1) >= minTokenLen {
			addEnd(&ls, &nl, s+k+1)
		}
	}
	addEnd(&rs, &nr, te)
	addEnd(&rs, &nr, e)
	for k, p := 1, e+1; k <= maxTrimStep && p < te; k, p = k+1, p+1 {
		if b[p] < 0x80 {
			addEnd(&rs, &nr, p)
		}
	}
	for _, l := range ls[:nl] {
		for _, r := range rs[:nr] {
			if r-l >= minTokenLen {
				x.span(b, l, r)
			}
		}
	}
}

// sortFrom sorts the candidates from i on by start (a few, of one
// token: insertion sort).
func (x *extractor) sortFrom(i int) {
	c := x.cands
	for j := i + 1; j < len(c); j++ {
		for k := j; k > i && c[k].start < c[k-1].start; k-- {
			c[k], c[k-1] = c[k-1], c[k]
		}
	}
}

// span adds b[l:r] as a password and as a store name or address.
func (x *extractor) span(b []byte, l, r int) {
	n := r - l
	if n < minTokenLen || n > maxTokenLen {
		return
	}
	t := b[l:r]
	exact := x.wants(clsExact, n) && (x.shapes == nil || x.shapes[n]&(1<<shapeOf(t)) != 0)
	if exact {
		x.add(l, r, t)
	}
	// A token already in lower case is its own lower-case form: the
	// exact candidate stands for both, when there is one.
	if x.classes&clsLower != 0 && (needsLower(t) || !exact) {
		x.addLower(l, r, t)
	}
}

// trimToken returns the token b[ts:te] without the punctuation around it:
// quotes (ASCII and typographic), brackets and markdown emphasis in
// front; those and sentence punctuation (.,;:!?) behind.
func trimToken(b []byte, ts, te int) (s, e int) {
	s, e = ts, te
	for s < e {
		c := b[s]
		if class[c]&cTrimL != 0 {
			s++
			continue
		}
		if c >= 0x80 {
			if q := quoteAt(b[:e], s); q > 0 {
				s += q
				continue
			}
		}
		break
	}
	for e > s {
		c := b[e-1]
		if class[c]&cTrimR != 0 {
			e--
			continue
		}
		if c >= 0x80 {
			if q := quoteBefore(b[s:e], e-s); q > 0 {
				e -= q
				continue
			}
		}
		break
	}
	return s, e
}

// emails adds, lower-cased, every e-mail address in the token b[ts:te]:
// ASCII letters, digits and ._%+- before an @, a domain with a dot
// after it ("<OPS@ACME.EXAMPLE>," and "mailto:ops@acme.example" give
// "ops@acme.example").
func (x *extractor) emails(b []byte, ts, te int) {
	for a := ts; a < te; a++ {
		if b[a] != '@' {
			continue
		}
		l := a
		for l > ts && class[b[l-1]]&(cAlnum|cLocal) != 0 {
			l--
		}
		for l < a && b[l] == '.' {
			l++
		}
		r, dot := a+1, false
		for r < te && (class[b[r]]&cAlnum != 0 || b[r] == '.' || b[r] == '-') {
			r++
		}
		for r > a+1 && (b[r-1] == '.' || b[r-1] == '-') {
			r--
		}
		for k := a + 2; k < r-1; k++ {
			if b[k] == '.' {
				dot = true
				break
			}
		}
		if l == a || !dot || !x.wants(clsLower, r-l) {
			continue
		}
		x.addLower(l, r, b[l:r])
	}
}

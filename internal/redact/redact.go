package redact

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"unicode/utf8"
)

// DefaultChunkSize is the size of the chunks Redact and Scan read: one
// Hasher call (one Transit request) per chunk at most.
const DefaultChunkSize = 64 << 10

// minChunkSize is the smallest chunk size used; smaller ones are raised
// to it.
const minChunkSize = 16

// lookahead is how far beyond two chunks the buffer reaches, so that
// even small chunks find a place to end after a long IBAN or number.
const lookahead = 256

// Options say how to find secrets.
type Options struct {
	// Audiences are the indexes a member redacts with, one per audience
	// the member belongs to, each with the hasher of its own key (see
	// Audience). A value is matched by the first audience, in this
	// order, whose index holds it. When Audiences is set, Index and
	// Hasher must be nil.
	Audiences []Audience
	// Hasher computes the HMACs of candidates (Vault Transit). Needed
	// when Index has entries, unless PatternsOnly. Index and Hasher are
	// one audience: the same as Audiences: []Audience{{Index: Index,
	// Hasher: Hasher}}.
	Hasher Hasher
	// Index holds the HMACs of the team's known values. Nil or empty
	// (and no Audiences): patterns only.
	Index *Index
	// PatternsOnly turns the indexes off: no Hasher calls, no Vault.
	PatternsOnly bool
	// TeamDomains are the team's own mail domains, lower case
	// ("acme.example"): an e-mail address of one of them, or of a
	// subdomain of one, is a finding of KindEmail by pattern, with or
	// without an index. Addresses of other domains are left alone.
	TeamDomains []string
	// ChunkSize is how many bytes are read and matched at a time
	// (DefaultChunkSize when 0; at least 16). With several audiences
	// whose indexes have entries, chunks are that many times larger, so
	// that there is still at most one Hasher call per ChunkSize bytes.
	ChunkSize int
}

// Stats say what Redact did.
type Stats struct {
	Bytes       int64 // read
	Chunks      int   // matched
	Findings    int   // replaced
	HasherCalls int   // Hasher.HMAC calls, of all audiences: at most one per audience and chunk
	Candidates  int   // candidate spans cut from the text and looked up
	Hashed      int   // distinct forms sent to the Hashers (not in the cache), counted once
}

// Redact copies r to w with every finding replaced by
// "[REDACTED:kind]" (Marker). It reads and writes chunk by chunk, never
// holding more than two chunks, and calls each audience's Hasher at
// most once per chunk (not at all for a chunk whose candidates are all
// known), the audiences' calls at the same time. Bytes
// outside findings are copied as they are: invalid UTF-8, CR LF, NUL.
// On an error, what was written is incomplete and should be thrown away.
func Redact(ctx context.Context, r io.Reader, w io.Writer, o Options) (Stats, error) {
	e, err := newEngine(o)
	if err != nil {
		return Stats{}, err
	}
	var out, held []byte
	heldFindings := 0
	err = e.run(ctx, r, func(b []byte, hits []hit, cont bool) error {
		out = out[:0]
		if !cont { // the last chunk's tail was not in a key after all
			out = append(out, held...)
			e.stats.Findings += heldFindings
		}
		from := 0
		if cont { // one block, one marker: the last chunk wrote it
			from, hits = hits[0].end, hits[1:]
		}
		k := 0
		for k < len(hits) && hits[k].start < e.tail {
			k++
		}
		out = render(out, b, from, max(from, e.tail), hits[:k])
		e.stats.Findings += k
		held = render(held[:0], b, max(from, e.tail), len(b), hits[k:])
		heldFindings = len(hits) - k
		if _, err := w.Write(out); err != nil {
			return fmt.Errorf("redact: writing: %w", err)
		}
		return nil
	})
	return e.stats, err
}

// render appends b[from:to] to dst with the hits, which lie within it,
// replaced by their markers.
func render(dst, b []byte, from, to int, hits []hit) []byte {
	pos := from
	for _, h := range hits {
		dst = append(dst, b[pos:h.start]...)
		dst = append(append(append(dst, "[REDACTED:"...), h.kind...), ']')
		pos = h.end
	}
	return append(dst, b[pos:to]...)
}

// Scan reads all of r and returns its findings, sorted by Start and not
// overlapping. It finds what Redact replaces, chunk by chunk the same
// way.
func Scan(ctx context.Context, r io.Reader, o Options) ([]Finding, error) {
	e, err := newEngine(o)
	if err != nil {
		return nil, err
	}
	var (
		fs     []Finding
		loc    = locator{line: 1}
		base   int
		pemIdx = -1 // the finding of the key block the last chunk ended in
	)
	err = e.run(ctx, r, func(b []byte, hits []hit, cont bool) error {
		if cont && pemIdx >= 0 { // the block, its tail and this part are one
			fs = fs[:pemIdx+1]
			fs[pemIdx].End = base + hits[0].end
			if !e.pemOpen || hits[0].end != e.tail {
				pemIdx = -1
			}
			hits = hits[1:]
		} else {
			pemIdx = -1
		}
		pos := 0
		for _, h := range hits {
			loc.advance(b[pos:h.start])
			pos = h.start
			fs = append(fs, Finding{Start: base + h.start, End: base + h.end, Line: loc.line, Column: loc.col + 1, Kind: h.kind})
			if e.pemOpen && h.end == e.tail {
				pemIdx = len(fs) - 1
			}
		}
		loc.advance(b[pos:])
		base += len(b)
		return nil
	})
	return fs, err
}

// locator follows the line and column (in runes, from 0) of a position
// as the text before it goes by.
type locator struct{ line, col int }

func (l *locator) advance(b []byte) {
	if k := bytes.LastIndexByte(b, '\n'); k >= 0 {
		l.line += bytes.Count(b, []byte{'\n'})
		l.col = utf8.RuneCount(b[k+1:])
		return
	}
	l.col += utf8.RuneCount(b)
}

// run reads r in chunks, finds their secrets and hands each chunk with
// its hits to emit; cont says that the first hit continues the key block
// the last chunk ended in. The last chunk is empty when the input ends
// right after a chunk.
func (e *engine) run(ctx context.Context, r io.Reader, emit func(b []byte, hits []hit, cont bool) error) error {
	cs := e.o.ChunkSize
	buf := make([]byte, 0, 2*cs+lookahead)
	eof := false
	for {
		for !eof && len(buf) < cap(buf) {
			n, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return fmt.Errorf("redact: reading: %w", err)
			}
		}
		// At the end of the input, the buffer holds all that is left
		// (at most two chunks and the lookahead): it is the last chunk,
		// so that no chunk but a lone one is shorter than cs.
		cut := len(buf)
		if cut > cs && !eof {
			cut = cutPoint(buf, cs, eof)
		}
		final := eof && cut == len(buf)
		open := e.pemOpen
		hits, err := e.chunk(ctx, buf[:cut], final)
		if err != nil {
			return err
		}
		if err := emit(buf[:cut], hits, open && len(hits) > 0 && hits[0].cont); err != nil {
			return err
		}
		if final {
			return nil
		}
		buf = buf[:copy(buf, buf[cut:])]
	}
}

// cutPoint returns where to end a chunk of b (cs < len(b) <=
// 2·cs+lookahead), so that the chunk has at least cs bytes (one Hasher
// call per cs bytes at most) and no candidate is cut in two: after the
// first line feed from cs on; in a long line, after the first space or
// tab from cs on that no number, IBAN, grouped seed or PEM header can
// span (safeCut); at the end of the input, after all of b. Failing those
// (a line of two chunks and more without such a space), the chunk is
// shorter: after the last such space before cs, else after the last
// space or tab, else at the end of b, but not inside a UTF-8 sequence.
// Only in the last two cases can a candidate be cut in two.
func cutPoint(b []byte, cs int, eof bool) int {
	if i := bytes.IndexByte(b[cs-1:], '\n'); i >= 0 {
		return cs + i
	}
	for p := cs; p < len(b)-1; p++ {
		if c := b[p]; (c == ' ' || c == '\t') && safeCut(b, p) {
			return p + 1
		}
	}
	if eof {
		return len(b)
	}
	anySpace := -1
	for p := cs - 1; p > 0; p-- {
		if c := b[p]; c == ' ' || c == '\t' {
			if safeCut(b, p) {
				return p + 1
			}
			if anySpace < 0 {
				anySpace = p
			}
		}
	}
	if p := bytes.LastIndexAny(b[cs:len(b)-1], " \t"); p >= 0 {
		return cs + p + 1
	}
	if anySpace >= 0 {
		return anySpace + 1
	}
	return wholeRunes(b)
}

// safeCut reports whether a chunk may end after the space or tab at
// b[p]: it is not between two digits (give or take separators like
// "(" and "-"), which a phone or card number can span, nor between two
// short words of letters and digits ("DE89 3704", "jbsw y3dp"), which an
// IBAN or a seed in groups can, nor inside "-----BEGIN … -----" or
// "-----END … -----".
func safeCut(b []byte, p int) bool {
	if p == 0 || p+1 >= len(b) {
		return true
	}
	lo := max(0, p-len(pemBegin)-maxPEMLabel)
	for _, marker := range [...]string{pemBegin, pemEnd} {
		k := bytes.LastIndex(b[lo:p+1], []byte(marker))
		if k >= 0 && !bytes.Contains(b[min(p, lo+k+len(marker)):p], []byte(pemDashes)) {
			return false
		}
	}
	l, r := p-1, p+1
	for k := 0; k < 2 && l > 0 && isNumSep(b[l]); k++ {
		l--
	}
	for k := 0; k < 2 && r < len(b)-1 && isNumSep(b[r]); k++ {
		r++
	}
	if isDigit(b[l]) && isDigit(b[r]) {
		return false
	}
	wl, wr := 0, 0
	for l := p - 1; l >= 0 && isAlnum(b[l]) && wl <= 4; l-- {
		wl++
	}
	for r := p + 1; r < len(b) && isAlnum(b[r]) && wr <= 4; r++ {
		wr++
	}
	return !(wl >= 1 && wl <= 4 && wr >= 1 && wr <= 4)
}

// isNumSep reports whether c may separate the groups of a number.
func isNumSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '+'
}

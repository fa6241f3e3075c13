package redact

import (
	"context"
	"errors"
)

// maxCache is how many candidate forms the engine remembers the verdict
// of (matched kind, or none) before it forgets them all. Chat text
// repeats its words, so after the first chunks most candidates are
// known and Transit is asked about few.
const maxCache = 1 << 15

// engine finds the secrets of one input, chunk by chunk.
type engine struct {
	o       Options
	x       *extractor // nil: patterns only
	pemOpen bool       // the last chunk ended inside a private-key block
	// tail is where the undecided end of the last chunk starts: after
	// the hit of the private-key block it ended inside; the chunk's
	// length when it ended outside one.
	tail  int
	hits  []hit
	stats Stats

	auds    []audience // the audiences with entries; none: patterns only
	names   []string   // the kinds of all audiences; 0 is none
	domains []string   // Options.TeamDomains, checked

	// The cache: each form seen gets an id; verdicts[id] is its kind in
	// the indexes (an index in names, 0 for none), or pending while
	// it waits in this chunk's batch for its HMAC.
	cache    map[string]int32
	verdicts []uint8
	batch    []string // forms to hash, this chunk
	batchIDs []int32
	waiting  []waiter
}

// pending is the verdict of a form whose HMAC is on its way.
const pending = 255

// waiter is a candidate waiting for its form's HMAC.
type waiter struct {
	start, end int
	id         int32
}

// errNoHasher is returned when the index needs a hasher and there is none.
var errNoHasher = errors.New("redact: matching the index needs a hasher (Vault Transit); without one, use patterns only")

func newEngine(o Options) (*engine, error) {
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	o.ChunkSize = max(o.ChunkSize, minChunkSize)
	e := &engine{o: o}
	domains, err := teamDomains(o.TeamDomains)
	if err != nil {
		return nil, err
	}
	e.domains = domains
	as, err := audiences(o)
	if err != nil {
		return nil, err
	}
	if len(as) > 0 {
		if err := e.useAudiences(as); err != nil {
			return nil, err
		}
		e.cache = make(map[string]int32, 4096)
		// One Hasher call per audience and chunk: chunks as many times
		// larger keep it at one call per ChunkSize bytes.
		e.o.ChunkSize = min(o.ChunkSize*len(as), maxChunkSize)
	}
	return e, nil
}

// maxChunkSize bounds the chunk size that several audiences multiply.
const maxChunkSize = 1 << 28

// chunk finds the secrets of one chunk; final says it is the last. The
// hits it returns, sorted and without overlaps, are valid until the next
// call.
func (e *engine) chunk(ctx context.Context, b []byte, final bool) ([]hit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(b) > 0 {
		e.stats.Bytes += int64(len(b))
		e.stats.Chunks++
	}
	e.hits = e.hits[:0]
	var openStart int
	e.pemOpen, openStart = privateKeys(b, e.pemOpen, final, &e.hits)
	otpauths(b, &e.hits)
	vaultTokens(b, &e.hits)
	if e.domains != nil {
		teamEmails(b, e.domains, &e.hits)
	}
	if x := e.x; x != nil {
		x.reset()
		words(b, &e.hits, x)
		x.tokens(b)
		if err := e.match(ctx); err != nil {
			return nil, err
		}
	} else {
		words(b, &e.hits, nil)
	}
	e.hits = resolve(e.hits)
	e.tail = len(b)
	if e.pemOpen {
		for _, h := range e.hits {
			if h.start <= openStart && openStart < h.end {
				e.tail = h.end
				break
			}
		}
	}
	return e.hits, nil
}

// match looks the chunk's candidates up: in the cache, and the rest in
// one Hasher call per audience and the audiences' indexes.
func (e *engine) match(ctx context.Context) error {
	x := e.x
	e.stats.Candidates += len(x.cands)
	if len(e.cache)+len(x.cands) > maxCache {
		clear(e.cache)
		e.verdicts = e.verdicts[:0]
	}
	e.batch, e.batchIDs, e.waiting = e.batch[:0], e.batchIDs[:0], e.waiting[:0]
	names := e.names
	for _, c := range x.cands {
		f := x.form(c)
		id, ok := e.cache[string(f)]
		if !ok {
			s := string(f)
			id = int32(len(e.verdicts))
			e.cache[s] = id
			e.verdicts = append(e.verdicts, pending)
			e.batch = append(e.batch, s)
			e.batchIDs = append(e.batchIDs, id)
		}
		switch v := e.verdicts[id]; v {
		case pending:
			e.waiting = append(e.waiting, waiter{int(c.start), int(c.end), id})
		case 0:
		default:
			e.hits = append(e.hits, hit{start: int(c.start), end: int(c.end), kind: names[v], index: true})
		}
	}
	if len(e.batch) == 0 {
		return nil
	}
	e.stats.Hashed += len(e.batch)
	if err := e.hashAll(ctx); err != nil {
		return err
	}
	for i, id := range e.batchIDs {
		e.verdicts[id] = e.verdict(i)
	}
	for _, w := range e.waiting {
		if v := e.verdicts[w.id]; v != 0 {
			e.hits = append(e.hits, hit{start: w.start, end: w.end, kind: names[v], index: true})
		}
	}
	return nil
}

package redact

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Audience is one index with the hasher whose key made its HMACs.
//
// The team keeps one Transit HMAC key and one index per audience: each
// store's group (the store's passwords, logins and name), finance and
// the managers (payout data), the managers (contacts). A member may call
// only the keys of the audiences they belong to, and reads only their
// indexes, so no member can HMAC a guess of a value they may not read
// and match it against an index (security invariant 4). A member redacts
// with the audiences they belong to; what they cannot match by index is
// caught by pattern where a pattern exists (see the package
// documentation, "What a member's redaction covers").
//
// Name says which audience it is, in errors ("finance"); it may be
// empty. An audience whose Index is nil or empty is skipped: it needs no
// Hasher and costs no request.
type Audience struct {
	Name   string
	Index  *Index
	Hasher Hasher
}

// maxKinds is how many kinds the indexes of all audiences together may
// have (a verdict is a byte; pending is one value of it).
const maxKinds = pending - 1

var (
	// errIndexAndAudiences is returned when Options has both.
	errIndexAndAudiences = errors.New("redact: give either Audiences or Index and Hasher, not both")
	// errTooManyKinds is returned when the audiences have more kinds
	// than a verdict can hold.
	errTooManyKinds = fmt.Errorf("redact: the audiences' indexes have more than %d kinds", maxKinds)
)

// audience is an Audience as the engine uses it: one with entries.
type audience struct {
	Audience
	// kinds maps the index's kinds (indexes in Index.names) to the
	// engine's (indexes in engine.names).
	kinds []uint8
	macs  []string // the HMACs of this chunk's batch
}

// audiences returns the audiences of o that have entries, in order, or
// an error when o asks for both ways of giving them, or an audience
// with entries has no hasher. Patterns only: none.
func audiences(o Options) ([]Audience, error) {
	if len(o.Audiences) > 0 && (o.Index != nil || o.Hasher != nil) {
		return nil, errIndexAndAudiences
	}
	if o.PatternsOnly {
		return nil, nil
	}
	all := o.Audiences
	if len(all) == 0 {
		all = []Audience{{Index: o.Index, Hasher: o.Hasher}}
	}
	var out []Audience
	for _, a := range all {
		if a.Index.Len() == 0 {
			continue
		}
		if a.Hasher == nil {
			if a.Name == "" {
				return nil, errNoHasher
			}
			return nil, fmt.Errorf("%w (audience %q)", errNoHasher, a.Name)
		}
		out = append(out, a)
	}
	return out, nil
}

// useAudiences sets the engine up to match the audiences (with entries):
// one table of kinds, and a candidate filter that is the union of theirs
// (classes, lengths by class, and the shapes of exact tokens when every
// index that holds passwords or logins has them).
func (e *engine) useAudiences(as []Audience) error {
	e.names = []string{""}
	ids := map[string]uint8{}
	x := &extractor{lens: new([numClasses][maxFormLen + 1]bool)}
	shaped := true
	var shapes [maxFormLen + 1]uint16
	for _, a := range as {
		idx := a.Index
		ea := audience{Audience: a, kinds: make([]uint8, len(idx.names))}
		for i, k := range idx.names[1:] {
			id, ok := ids[k]
			if !ok {
				if len(e.names) > maxKinds {
					return errTooManyKinds
				}
				id = uint8(len(e.names))
				ids[k] = id
				e.names = append(e.names, k)
			}
			ea.kinds[i+1] = id
		}
		e.auds = append(e.auds, ea)
		x.classes |= idx.classes
		for c := range x.lens {
			for n, ok := range idx.lens[c] {
				x.lens[c][n] = x.lens[c][n] || ok
			}
		}
		if idx.classes&clsExact != 0 {
			if !idx.shaped {
				shaped = false
			}
			for n, s := range idx.shapes {
				shapes[n] |= s
			}
		}
	}
	if shaped {
		x.shapes = &shapes
	}
	e.x = x
	return nil
}

// hashAll has every audience HMAC the batch, each with its own hasher,
// all at once; it fills the audiences' macs. The first error, with the
// audience's name, is returned; the other requests are then cancelled.
func (e *engine) hashAll(ctx context.Context) error {
	e.stats.HasherCalls += len(e.auds)
	if len(e.auds) == 1 {
		return e.auds[0].hash(ctx, e.batch)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i := range e.auds {
		a := &e.auds[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.hash(ctx, e.batch); err != nil {
				mu.Lock()
				if first == nil {
					first = err
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// hash has the audience's hasher HMAC the values into a.macs.
func (a *audience) hash(ctx context.Context, values []string) error {
	macs, err := a.Hasher.HMAC(ctx, values)
	a.macs = macs
	switch {
	case err != nil:
		return fmt.Errorf("redact: hashing candidates%s: %w", a.label(), err)
	case len(macs) != len(values):
		return fmt.Errorf("redact: the hasher%s returned %d HMACs for %d values", a.label(), len(macs), len(values))
	}
	return nil
}

// label names the audience in an error, when it has a name.
func (a *audience) label() string {
	if a.Name == "" {
		return ""
	}
	return fmt.Sprintf(" for audience %q", a.Name)
}

// verdict returns the kind (in engine.names) of the i-th value of the
// batch: that of the first audience whose index holds the audience's
// HMAC of it, each looked up in its own index; 0 for none.
func (e *engine) verdict(i int) uint8 {
	for k := range e.auds {
		a := &e.auds[k]
		if v := a.Index.kindOf(a.macs[i]); v != 0 {
			return a.kinds[v]
		}
	}
	return 0
}

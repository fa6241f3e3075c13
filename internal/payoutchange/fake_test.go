package payoutchange_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
)

// world is an in-memory record store: payout records with their
// versions, change requests, decisions, the team's cooling-off and its
// people. Its clock stands for Vault's: it dates the requests created.
type world struct {
	mu        sync.Mutex
	clock     time.Time
	cooling   time.Duration
	stores    map[string]bool
	payouts   map[string][]applied // by store; [i] is version i+1
	requests  map[string]*request  // by STORE/ID
	order     []string             // STORE/ID, as created
	decisions map[string]decided   // by STORE/ID
	names     map[string]string    // entity: name in Vault

	// Apply's failures: applyErr before writing, lost after writing
	// (the answer lost on the way), mirrorErr after writing the record.
	applyErr, lost, mirrorErr error
	applies                   int // records written
}

type applied struct {
	rec payout.Record
	a   payout.Approval
}

type request struct {
	p      payout.Proposal // as the record holds it; Signed: its signature checks
	writes int             // versions written
}

type decided struct {
	d       payout.Decision
	version int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return &world{clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), cooling: 24 * time.Hour,
		stores: map[string]bool{"acme-us": true, "acme-de": true}, payouts: map[string][]applied{},
		requests: map[string]*request{}, decisions: map[string]decided{}, names: map[string]string{}}
}

// person is someone with a login: entity "" stands for a root or service
// token. Only managers may check signatures.
type person struct {
	w       *world
	entity  string
	name    string
	manager bool
}

func (w *world) person(entity, name string, manager bool) *person {
	w.names[entity] = name
	return &person{w: w, entity: entity, name: name, manager: manager}
}

// changes is change control with p's token.
func (p *person) changes() payoutchange.Control {
	return payoutchange.New(payoutchange.Deps{Payouts: fakePayouts{p}, Proposals: fakeProposals{p}})
}

type fakePayouts struct{ *person }
type fakeProposals struct{ *person }

var (
	_ payoutchange.Payouts   = fakePayouts{}
	_ payoutchange.Proposals = fakeProposals{}
)

func notFound(what string) error { return fmt.Errorf("%s: %w", what, failure.ErrNotFound) }
func conflict(what string) error { return fmt.Errorf("%s: %w", what, failure.ErrConflict) }

func (f fakePayouts) Get(_ context.Context, store string) (*payout.Current, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	vs := f.w.payouts[store]
	if len(vs) == 0 {
		return nil, notFound("payout record of " + store)
	}
	v := vs[len(vs)-1]
	return &payout.Current{Store: store, Record: v.rec, Version: len(vs), ApprovedBy: v.a.ApprovedBy,
		ApprovedAt: v.a.ApprovedAt, RequestID: v.a.RequestID, UpdatedAt: v.a.ApprovedAt}, nil
}

func (f fakePayouts) GetVersion(_ context.Context, store string, version int) (payout.Record, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	if version == 0 {
		return payout.Record{}, nil
	}
	vs := f.w.payouts[store]
	if version > len(vs) || vs[version-1].rec == (payout.Record{}) {
		return payout.Record{}, notFound(fmt.Sprintf("version %d of the payout record of %s", version, store))
	}
	return vs[version-1].rec, nil
}

func (f fakePayouts) Apply(_ context.Context, store string, rec payout.Record, a payout.Approval, version int) (bool, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	if f.w.applyErr != nil {
		return false, f.w.applyErr
	}
	if len(f.w.payouts[store]) != version {
		return false, conflict("payout record of " + store)
	}
	f.w.payouts[store] = append(f.w.payouts[store], applied{rec, a})
	f.w.applies++
	if f.w.lost != nil {
		return false, f.w.lost
	}
	if f.w.mirrorErr != nil {
		return true, f.w.mirrorErr
	}
	return true, nil
}

func (f fakePayouts) Caller(context.Context) (string, string, error) { return f.entity, f.name, nil }

func (f fakePayouts) CoolingOff(context.Context) (time.Duration, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	return f.w.cooling, nil
}

func (f fakeProposals) CheckStore(_ context.Context, store string) error {
	if !f.w.stores[store] {
		return notFound("store " + store)
	}
	return nil
}

func (f fakeProposals) Create(_ context.Context, store, id string, base int, rec payout.Record) (string, error) {
	if f.entity == "" {
		return "", fmt.Errorf("no entity to sign with: %w", failure.ErrDenied)
	}
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	return f.entity, f.w.put(payout.Proposal{Store: store, ID: id, Record: rec, BaseVersion: base,
		Entity: f.entity, ClaimedBy: f.name, Signed: true})
}

// put creates a request record, dated by the world's clock.
func (w *world) put(p payout.Proposal) error {
	a := p.Store + "/" + p.ID
	if _, ok := w.requests[a]; ok {
		return conflict("request " + a)
	}
	p.CreatedAt = w.clock
	w.requests[a] = &request{p: p, writes: 1}
	w.order = append(w.order, a)
	return nil
}

func (f fakeProposals) Get(_ context.Context, store, id string) (*payout.Proposal, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	q, ok := f.w.requests[store+"/"+id]
	if !ok {
		return nil, notFound("request " + store + "/" + id)
	}
	if q.writes != 1 {
		return nil, fmt.Errorf("payout change %s was modified after it was proposed", id)
	}
	p := q.p
	p.Signed, p.Checked = false, f.manager
	if f.manager {
		p.Signed = q.p.Signed
		if p.Signed {
			p.SignerName = f.w.names[p.Entity]
		}
	}
	return &p, nil
}

func (f fakeProposals) List(_ context.Context, store string) ([]string, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	var out []string
	for _, a := range f.w.order {
		if store == "" || strings.HasPrefix(a, store+"/") {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f fakeProposals) StoresWith(_ context.Context, id string) ([]string, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	var out []string
	for _, a := range f.w.order {
		if s, rest, _ := strings.Cut(a, "/"); rest == id {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f fakeProposals) Decision(_ context.Context, store, id string) (*payout.Decision, error) {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	d, ok := f.w.decisions[store+"/"+id]
	if !ok {
		return nil, nil
	}
	return &d.d, nil
}

func (f fakeProposals) Decide(_ context.Context, store, id string, d payout.Decision, version int) error {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	a := store + "/" + id
	if f.w.decisions[a].version != version {
		return conflict("decision on " + a)
	}
	f.w.decisions[a] = decided{d, version + 1}
	return nil
}

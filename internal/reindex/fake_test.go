package reindex_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/reindex"
)

var errNoRecord = errors.New("no such record")

// fakeStore is an in-memory record store: the records, the audiences'
// indexes (as entries: the shard format is the store's), the team's mail
// domains and the listings' rebuilds.
type fakeStore struct {
	stores    []records.Store
	creds     []records.Credential
	mailboxes []records.Mailbox
	phones    []records.Phone
	payouts   map[string]payout.Record // by store

	index    map[string][]redact.Entry // by audience; an emptied one holds none
	writes   []string                  // the audiences written, in order
	failOn   map[string]error          // a write of this audience fails
	matchErr map[string]error          // reading this audience's index fails
	hmacs    int                       // forms HMACed

	domains      []string
	domainWrites int
	listings     int  // listing rebuilds
	anyLayout    bool // AnyLayout called
	readBefore   bool // a contact read before AnyLayout
	dryRuns      int  // DryRun calls
	dryRunEnded  int  // their end calls
	inventoryErr error
}

func newFakeStore() *fakeStore {
	return &fakeStore{payouts: map[string]payout.Record{}, index: map[string][]redact.Entry{},
		failOn: map[string]error{}, matchErr: map[string]error{}}
}

func (f *fakeStore) deps() reindex.Deps {
	return reindex.Deps{Index: f, Records: f, Creds: f, Contacts: f, Payouts: payoutsOf{f}, Mirrors: f}
}

// The Index facet.

func (f *fakeStore) RebuildListings(context.Context) error { f.listings++; return nil }

func (f *fakeStore) AudienceOf(path string) string {
	rest, ok := strings.CutPrefix(path, records.StoreDir()+"/")
	if !ok {
		return "contacts"
	}
	store, sub, _ := strings.Cut(rest, "/")
	if sub == "payout" {
		return "payout"
	}
	return "store-" + store
}

func (f *fakeStore) Indexed(context.Context) ([]string, error) {
	var out []string
	for a := range f.index {
		out = append(out, a)
	}
	slices.Sort(out)
	return out, nil
}

func (f *fakeStore) Hasher(audience string) redact.Hasher { return fakeHasher{f, audience} }

func (f *fakeStore) Matches(_ context.Context, audience string, entries []redact.Entry) (bool, error) {
	if err := f.matchErr[audience]; err != nil {
		return false, err
	}
	got, ok := f.index[audience]
	if !ok {
		return len(entries) == 0, nil
	}
	return slices.Equal(got, entries), nil
}

func (f *fakeStore) Write(_ context.Context, audience string, entries []redact.Entry) error {
	if err := f.failOn[audience]; err != nil {
		return err
	}
	f.writes = append(f.writes, audience)
	f.index[audience] = slices.Clone(entries)
	return nil
}

// fakeHasher is an audience's keyed hash: the audience is the key.
type fakeHasher struct {
	f        *fakeStore
	audience string
}

func (h fakeHasher) HMAC(_ context.Context, values []string) ([]string, error) {
	out := make([]string, len(values))
	for i, v := range values {
		sum := sha256.Sum256([]byte(h.audience + "\x00" + v))
		out[i] = "h:" + hex.EncodeToString(sum[:8])
	}
	h.f.hmacs += len(values)
	return out, nil
}

// The Rotation facet's inventory, from metadata: no values.

func (f *fakeStore) Inventory(context.Context) (*records.Inventory, error) {
	if f.inventoryErr != nil {
		return nil, f.inventoryErr
	}
	inv := &records.Inventory{Stores: f.stores}
	for _, c := range f.creds {
		inv.Credentials = append(inv.Credentials, records.Credential{Store: c.Store, Name: c.Name})
	}
	for _, m := range f.mailboxes {
		inv.Mailboxes = append(inv.Mailboxes, records.Mailbox{ID: m.ID, Address: "masked"})
	}
	for _, p := range f.phones {
		inv.Phones = append(inv.Phones, records.Phone{ID: p.ID, Number: "masked"})
	}
	for store := range f.payouts {
		inv.Payouts = append(inv.Payouts, records.PayoutFacts{Store: store})
	}
	return inv, nil
}

// The Creds, Contacts and Payouts facets' reads.

func (f *fakeStore) Get(_ context.Context, store, name string) (records.Credential, int, error) {
	for _, c := range f.creds {
		if c.Store == store && c.Name == name {
			return c, 1, nil
		}
	}
	return records.Credential{}, 0, errNoRecord
}

func (f *fakeStore) MailboxByID(_ context.Context, id string) (records.Mailbox, int, error) {
	f.readBefore = f.readBefore || !f.anyLayout
	for _, m := range f.mailboxes {
		if m.ID == id {
			return m, 1, nil
		}
	}
	return records.Mailbox{}, 0, errNoRecord
}

func (f *fakeStore) PhoneByID(_ context.Context, id string) (records.Phone, int, error) {
	f.readBefore = f.readBefore || !f.anyLayout
	for _, p := range f.phones {
		if p.ID == id {
			return p, 1, nil
		}
	}
	return records.Phone{}, 0, errNoRecord
}

func (f *fakeStore) AnyLayout() { f.anyLayout = true }

func (f *fakeStore) SetTeamDomains(_ context.Context, domains []string) error {
	f.domains = slices.Clone(domains)
	f.domainWrites++
	return nil
}

// payoutsOf is the Payouts facet (its Get differs from Creds').
type payoutsOf struct{ f *fakeStore }

func (p payoutsOf) Get(_ context.Context, store string) (*payout.Current, error) {
	rec, ok := p.f.payouts[store]
	if !ok {
		return nil, errNoRecord
	}
	return &payout.Current{Store: store, Record: rec, Version: 1}, nil
}

// The Mirrors facet's dry run.

func (f *fakeStore) DryRun() func() {
	f.dryRuns++
	return func() { f.dryRunEnded++ }
}

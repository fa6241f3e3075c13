package incident_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/records"
)

var errConflict = fmt.Errorf("check-and-set conflict: %w", failure.ErrConflict)

// fakeStore is an in-memory record store: the incident records, the
// stores' access groups, the credentials' rotation marks and the payout
// records' flags.
type fakeStore struct {
	who       string
	stores    map[string]bool
	incidents map[string]records.Incident // as stored
	groups    map[string][]string         // store: entity IDs
	names     map[string]string           // entity ID: name
	creds     map[string][]records.Credential
	payout    map[string]*fakePayout // store: its payout record

	// failSetGroup fails the next n SetGroupMembers; failMark fails the
	// marking of a credential (STORE/NAME) due.
	failSetGroup int
	failMark     map[string]error
	puts         int // incident records written
}

type fakePayout struct {
	flagged    string // why, "" for none
	flaggedAt  time.Time
	verifiedAt time.Time
}

func newFakeStore() *fakeStore {
	return &fakeStore{who: "root", stores: map[string]bool{}, incidents: map[string]records.Incident{},
		groups: map[string][]string{}, names: map[string]string{}, creds: map[string][]records.Credential{},
		payout: map[string]*fakePayout{}, failMark: map[string]error{}}
}

func (f *fakeStore) deps() incident.Deps {
	return incident.Deps{Records: f, Stores: f, People: f, Creds: f, Rotation: f, Payouts: f}
}

// addStore adds a store with its staff (entity ID and name) and
// credentials, each last rotated at rotated.
func (f *fakeStore) addStore(store string, rotated time.Time, staff map[string]string, creds ...string) {
	f.stores[store] = true
	for id, name := range staff {
		f.groups[store] = append(f.groups[store], id)
		f.names[id] = name
	}
	slices.Sort(f.groups[store])
	for _, c := range creds {
		f.creds[store] = append(f.creds[store], records.Credential{Store: store, Name: c,
			Rotation: records.Rotation{LastRotated: rotated}})
	}
}

func (f *fakeStore) Get(_ context.Context, store string) (*records.Incident, error) {
	in, ok := f.incidents[store]
	if !ok {
		return nil, fmt.Errorf("%s: no incident: %w", store, failure.ErrNotFound)
	}
	in.Removed, in.RemovedWho = slices.Clone(in.Removed), slices.Clone(in.RemovedWho)
	return &in, nil
}

func (f *fakeStore) Put(_ context.Context, in *records.Incident) error {
	if f.incidents[in.Store].Version != in.Version {
		return errConflict
	}
	in.Version++
	stored := *in
	stored.Removed, stored.RemovedWho = slices.Clone(in.Removed), slices.Clone(in.RemovedWho)
	f.incidents[in.Store] = stored
	f.puts++
	return nil
}

func (f *fakeStore) List(context.Context) ([]string, error) {
	var out []string
	for s := range f.incidents {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

func (f *fakeStore) Require(_ context.Context, store string) error {
	if !f.stores[store] {
		return fmt.Errorf("store %s: %w", store, failure.ErrNotFound)
	}
	return nil
}

func (f *fakeStore) GroupMembers(_ context.Context, store string) ([]string, error) {
	return slices.Clone(f.groups[store]), nil
}

func (f *fakeStore) SetGroupMembers(_ context.Context, store string, ids []string) error {
	if f.failSetGroup > 0 {
		f.failSetGroup--
		return fmt.Errorf("set group members: %w", failure.ErrUnreachable)
	}
	f.groups[store] = slices.Clone(ids)
	return nil
}

func (f *fakeStore) Writer(context.Context) (string, error) { return f.who, nil }

func (f *fakeStore) EntityName(_ context.Context, id string) (string, error) {
	n, ok := f.names[id]
	if !ok {
		return "", failure.ErrNotFound
	}
	return n, nil
}

func (f *fakeStore) Verified(_ context.Context, store string) ([]records.Credential, error) {
	return slices.Clone(f.creds[store]), nil
}

func (f *fakeStore) MarkDue(_ context.Context, t records.Target, now time.Time) (bool, error) {
	if err := f.failMark[t.Store+"/"+t.Name]; err != nil {
		return false, err
	}
	for i, c := range f.creds[t.Store] {
		if c.Name == t.Name {
			if !c.Rotation.DueSince.IsZero() {
				return false, nil
			}
			f.creds[t.Store][i].Rotation.DueSince = now
			return true, nil
		}
	}
	return false, failure.ErrNotFound
}

// rotate records a credential rotated at.
func (f *fakeStore) rotate(store, name string, at time.Time) {
	for i, c := range f.creds[store] {
		if c.Name == name {
			f.creds[store][i].Rotation = records.Rotation{LastRotated: at}
		}
	}
}

func (f *fakeStore) Flag(_ context.Context, store string, at time.Time, why string, dryRun bool) (bool, error) {
	p := f.payout[store]
	if p == nil || p.flagged != "" {
		return false, nil
	}
	if !dryRun {
		p.flagged, p.flaggedAt = why, at
	}
	return true, nil
}

func (f *fakeStore) Facts(_ context.Context, stores []records.Store) ([]records.PayoutFacts, error) {
	var out []records.PayoutFacts
	for _, s := range stores {
		if p := f.payout[s.Name]; p != nil {
			out = append(out, records.PayoutFacts{Store: s.Name, VerifiedAt: p.verifiedAt, VerifyDue: p.flaggedAt})
		}
	}
	return out, nil
}

// due lists the store's credentials marked due.
func (f *fakeStore) due(store string) []string {
	var out []string
	for _, c := range f.creds[store] {
		if !c.Rotation.DueSince.IsZero() {
			out = append(out, c.Name)
		}
	}
	return out
}

package offboard_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// fakeStore is an in-memory record store: staff records and offboarding
// progress, identities and their groups and logins, tokens, contacts,
// credentials, stores and payout flags. Its writes are counted, and the
// failAt-th fails as a Vault lost mid-run does: refused, or (lose)
// applied with its answer lost.
type fakeStore struct {
	mu  sync.Mutex
	who string

	members   map[string]staff.Member
	versions  map[string]int                    // staff records', credentials', contacts' versions, by key
	progress  map[string]staff.OffboardProgress // as saved
	entities  map[string]string                 // name: entity ID
	disabled  map[string]bool                   // by name
	groups    map[string][]string               // group: entity IDs
	logins    map[string]bool
	wrapped   []staff.WrappedCopy
	secretIDs []string
	mailboxes map[string]records.Mailbox // by ID
	phones    map[string]records.Phone   // by ID
	creds     map[string]records.Credential
	stores    []records.Store
	payouts   map[string]string // store: why it is flagged ("" not flagged)

	behind   []string // credentials whose metadata is behind: Check repairs them
	readOnly bool     // DryRun is in force
	listedRO []bool   // readOnly at each Creds.List

	writes, failAt int
	lose, failed   bool
	recorded       map[string]string // the staff record's offboarding fields
}

var errLost = fmt.Errorf("write failed: %w", failure.ErrUnreachable)

func newFakeStore() *fakeStore {
	return &fakeStore{who: "root", members: map[string]staff.Member{}, versions: map[string]int{},
		progress: map[string]staff.OffboardProgress{}, entities: map[string]string{}, disabled: map[string]bool{},
		groups: map[string][]string{}, logins: map[string]bool{}, mailboxes: map[string]records.Mailbox{},
		phones: map[string]records.Phone{}, creds: map[string]records.Credential{}, payouts: map[string]string{},
		recorded: map[string]string{}}
}

func (f *fakeStore) deps() offboard.Deps {
	return offboard.Deps{Members: f, Identities: f, Tokens: f, Contacts: f, Creds: credsView{f}, Stores: storesView{f}, Payouts: f, Mirrors: f}
}

// write applies a write, or fails it if it is the failAt-th.
func (f *fakeStore) write(apply func() error) error {
	f.writes++
	if f.writes == f.failAt {
		f.failed = true
		if f.lose {
			_ = apply()
		}
		return errLost
	}
	return apply()
}

func roleGroup(role string) string   { return "group-" + staff.PersonRole(role) }
func storeGroup(store string) string { return "group-store-" + store }

// onboard adds an active member with an identity in their groups and a
// login.
func (f *fakeStore) onboard(m staff.Member) {
	m.Status = staff.StatusActive
	f.members[m.Name] = m
	f.versions["staff/"+m.Name] = 1
	id := "id-" + m.Name
	f.entities[m.Name] = id
	f.logins[m.Name] = true
	for _, g := range append([]string{roleGroup(m.Role)}, mapStrings(m.Stores, storeGroup)...) {
		f.groups[g] = append(f.groups[g], id)
	}
}

func mapStrings(list []string, fn func(string) string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fn(s)
	}
	return out
}

func (f *fakeStore) addCred(c records.Credential) {
	f.creds[c.Address()] = c
	f.versions[c.Address()] = 1
}

// Members

func (f *fakeStore) Get(_ context.Context, name string) (staff.Member, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.members[name]
	if !ok {
		return staff.Member{}, 0, fmt.Errorf("team member %s: %w", name, failure.ErrNotFound)
	}
	return m, f.versions["staff/"+name], nil
}

func (f *fakeStore) LoadOffboarding(_ context.Context, name string) (*staff.OffboardProgress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.progress[name]
	if !ok {
		return staff.NewOffboardProgress(name), nil
	}
	return copyProgress(p), nil
}

func copyProgress(p staff.OffboardProgress) *staff.OffboardProgress {
	out := p
	out.Done, out.Pending = map[string][]string{}, map[string][]string{}
	for k, v := range p.Done {
		out.Done[k] = slices.Clone(v)
	}
	for k, v := range p.Pending {
		out.Pending[k] = slices.Clone(v)
	}
	return &out
}

func (f *fakeStore) SaveOffboarding(_ context.Context, p *staff.OffboardProgress) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.progress[p.Member].Version != p.Version {
		return fmt.Errorf("record the offboarding's progress: %w", failure.ErrConflict)
	}
	saved := copyProgress(*p)
	saved.Version++
	if err := f.write(func() error { f.progress[p.Member] = *saved; return nil }); err != nil {
		return err // (lost: the caller's Version stays behind)
	}
	p.Version = saved.Version
	return nil
}

func (f *fakeStore) RecordOffboarding(_ context.Context, m staff.Member, version int, at, by, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions["staff/"+m.Name] != version {
		return failure.ErrConflict
	}
	return f.write(func() error {
		m.Status = staff.StatusOffboarded
		f.members[m.Name] = m
		f.versions["staff/"+m.Name]++
		f.recorded = map[string]string{"at": at, "by": by, "to": to}
		return nil
	})
}

// Identities

func (f *fakeStore) Writer(context.Context) (string, error) { return f.who, nil }

func (f *fakeStore) EntityID(_ context.Context, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.entities[name]
	if !ok {
		return "", failure.ErrNotFound
	}
	return id, nil
}

func (f *fakeStore) Disabled(_ context.Context, name string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.entities[name]; !ok {
		return false, failure.ErrNotFound
	}
	return f.disabled[name], nil
}

func (f *fakeStore) Disable(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(func() error { f.disabled[name] = true; return nil })
}

func (f *fakeStore) Groups(_ context.Context, m staff.Member, id string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, g := range append([]string{roleGroup(m.Role)}, mapStrings(m.Stores, storeGroup)...) {
		if slices.Contains(f.groups[g], id) {
			out = append(out, g)
		}
	}
	return out, nil
}

func (f *fakeStore) LeaveGroup(_ context.Context, group, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(func() error {
		f.groups[group] = slices.DeleteFunc(f.groups[group], func(m string) bool { return m == id })
		return nil
	})
}

func (f *fakeStore) DeleteLogin(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(func() error { delete(f.logins, name); return nil })
}

// Tokens

func (f *fakeStore) WrappedCopies(context.Context) ([]staff.WrappedCopy, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.wrapped), nil
}

func (f *fakeStore) RevokeWrappedCopy(_ context.Context, accessor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(func() error {
		f.wrapped = slices.DeleteFunc(f.wrapped, func(w staff.WrappedCopy) bool { return w.Accessor == accessor })
		return nil
	})
}

func (f *fakeStore) ReminderSecretIDs(context.Context) (string, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return "reminder", slices.Clone(f.secretIDs), nil
}

func (f *fakeStore) DestroyReminderSecretID(_ context.Context, accessor string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.write(func() error {
		f.secretIDs = slices.DeleteFunc(f.secretIDs, func(a string) bool { return a == accessor })
		return nil
	})
}

// Contacts

func (f *fakeStore) ListMailboxes(context.Context) ([]records.Mailbox, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.SortedFunc(maps.Values(f.mailboxes), func(a, b records.Mailbox) int { return cmpStr(a.ID, b.ID) }), nil
}

func (f *fakeStore) ListPhones(context.Context) ([]records.Phone, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.SortedFunc(maps.Values(f.phones), func(a, b records.Phone) int { return cmpStr(a.ID, b.ID) }), nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (f *fakeStore) MailboxByID(_ context.Context, id string) (records.Mailbox, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mailboxes[id], f.versions["mailbox/"+id], nil
}

func (f *fakeStore) UpdateMailbox(_ context.Context, m records.Mailbox, version int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions["mailbox/"+m.ID] != version {
		return failure.ErrConflict
	}
	return f.write(func() error { f.mailboxes[m.ID] = m; f.versions["mailbox/"+m.ID]++; return nil })
}

func (f *fakeStore) PhoneByID(_ context.Context, id string) (records.Phone, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.phones[id], f.versions["phone/"+id], nil
}

func (f *fakeStore) UpdatePhone(_ context.Context, p records.Phone, version int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions["phone/"+p.ID] != version {
		return failure.ErrConflict
	}
	return f.write(func() error { f.phones[p.ID] = p; f.versions["phone/"+p.ID]++; return nil })
}

// Creds, a view of the fake store (Get and List are also Members' and
// Stores' methods).
type credsView struct{ f *fakeStore }

func (v credsView) List(_ context.Context, store string) ([]records.Credential, error) {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listedRO = append(f.listedRO, f.readOnly)
	var out []records.Credential
	for _, a := range slices.Sorted(maps.Keys(f.creds)) {
		if c := f.creds[a]; store == "" || c.Store == store {
			out = append(out, c)
		}
	}
	return out, nil
}

func (v credsView) Get(_ context.Context, store, name string) (records.Credential, int, error) {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.creds[store+"/"+name]
	if !ok {
		return c, 0, failure.ErrNotFound
	}
	return c, f.versions[c.Address()], nil
}

func (v credsView) UpdateKeepingValues(_ context.Context, c records.Credential, version int) error {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions[c.Address()] != version {
		return failure.ErrConflict
	}
	c.UpdatedBy = f.who
	return f.write(func() error { f.creds[c.Address()] = c; f.versions[c.Address()]++; return nil })
}

// Stores and payouts

type storesView struct{ f *fakeStore }

func (v storesView) List(context.Context) ([]records.Store, error) {
	v.f.mu.Lock()
	defer v.f.mu.Unlock()
	return slices.Clone(v.f.stores), nil
}

func (f *fakeStore) Flag(_ context.Context, store string, at time.Time, why string, dryRun bool) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	flag, ok := f.payouts[store]
	if !ok || flag != "" {
		return false, nil
	}
	if dryRun {
		return true, nil
	}
	return true, f.write(func() error { f.payouts[store] = why + " at " + at.Format(time.RFC3339); return nil })
}

// Mirrors

func (f *fakeStore) Check(_ context.Context, dryRun bool) (int, []string, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	mirrors := slices.Clone(f.behind)
	var listings []string
	if len(mirrors) > 0 {
		listings = []string{"acme-us"}
	}
	if !dryRun {
		f.behind = nil
	}
	return len(f.creds), mirrors, listings, nil
}

func (f *fakeStore) DryRun() func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	was := f.readOnly
	f.readOnly = true
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.readOnly = was
	}
}

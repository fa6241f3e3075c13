package doctor_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// fakeTeam is an in-memory record store with what doctor checks: the
// credentials' mirrors and the redaction indexes (behind or lagging, as
// set), offboardings' progress and staff records, people's identities
// and the stores' groups, credentials, payout records and incidents. It
// is seen through one view per facet, as the store is (their Get and
// List would clash on one type).
type fakeTeam struct {
	mu sync.Mutex

	behind   []string // credentials' metadata behind their data ("STORE/NAME: what")
	lagging  []string // audiences whose index lags
	checkErr error    // Check fails (after what it found)

	members  map[string]staff.Member
	versions map[string]int
	progress map[string]staff.OffboardProgress
	entities map[string]string   // name: entity ID (none: no identity)
	disabled map[string]bool     // by name
	groups   map[string][]string // group ("store/STORE", "role/ROLE"): entity IDs
	logins   map[string]bool
	creds    map[string]records.Credential // by STORE/NAME
	stores   []string
	payouts  map[string]string // store: flag ("" none)
	verified map[string]time.Time
	incs     map[string]records.Incident

	readOnly   bool
	verifiedRO []bool   // readOnly at each Verified
	writes     []string // every write, in order
}

func newFakeTeam() *fakeTeam {
	return &fakeTeam{members: map[string]staff.Member{}, versions: map[string]int{}, progress: map[string]staff.OffboardProgress{},
		entities: map[string]string{}, disabled: map[string]bool{}, groups: map[string][]string{}, logins: map[string]bool{},
		creds: map[string]records.Credential{}, payouts: map[string]string{}, verified: map[string]time.Time{},
		incs: map[string]records.Incident{}}
}

func (f *fakeTeam) wrote(format string, args ...any) {
	f.writes = append(f.writes, fmt.Sprintf(format, args...))
}

func (f *fakeTeam) deps() doctor.Deps {
	return doctor.Deps{
		Offboard: offboard.Deps{Members: members{f}, Identities: people{f}, Tokens: people{f}, Contacts: contacts{f},
			Creds: creds{f}, Stores: stores{f}, Payouts: payouts{f}, Mirrors: mirrors{f}},
		Incident: incident.Deps{Records: incidents{f}, Stores: stores{f}, People: people{f}, Creds: creds{f},
			Rotation: rotation{f}, Payouts: payouts{f}},
		Index:        index{f},
		Offboardings: members{f},
	}
}

// onboard adds an active member with an identity in their role's and
// stores' groups, and a login.
func (f *fakeTeam) onboard(m staff.Member) {
	m.Status = staff.StatusActive
	f.members[m.Name] = m
	f.versions["staff/"+m.Name] = 1
	id := "id-" + m.Name
	f.entities[m.Name] = id
	f.logins[m.Name] = true
	for _, g := range groupsOf(m) {
		f.groups[g] = append(f.groups[g], id)
	}
}

func groupsOf(m staff.Member) []string {
	out := []string{"role/" + staff.PersonRole(m.Role)}
	for _, s := range m.Stores {
		out = append(out, "store/"+s)
	}
	return out
}

func (f *fakeTeam) addCred(store, name string, rotated time.Time) {
	c := records.Credential{Store: store, Name: name, Rotation: records.Rotation{LastRotated: rotated}}
	f.creds[c.Address()] = c
	f.versions[c.Address()] = 1
	if !slices.Contains(f.stores, store) {
		f.stores = append(f.stores, store)
		slices.Sort(f.stores)
	}
}

type mirrors struct{ f *fakeTeam }

func (v mirrors) Check(_ context.Context, dryRun bool) (int, []string, []string, error) {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	found := slices.Clone(f.behind)
	var listings []string
	if len(found) > 0 {
		listings = []string{"acme-us"}
	}
	if f.checkErr != nil {
		return len(f.creds), found, nil, f.checkErr
	}
	if !dryRun && len(found) > 0 {
		f.behind = nil
		f.wrote("repair mirrors")
	}
	return len(f.creds), found, listings, nil
}

func (v mirrors) DryRun() func() {
	f := v.f
	f.mu.Lock()
	defer f.mu.Unlock()
	was := f.readOnly
	f.readOnly = true
	return func() { f.mu.Lock(); defer f.mu.Unlock(); f.readOnly = was }
}

type index struct{ f *fakeTeam }

func (v index) RebuildLagging(_ context.Context, dryRun bool) ([]string, error) {
	f := v.f
	found := slices.Clone(f.lagging)
	if !dryRun && len(found) > 0 {
		f.lagging = nil
		f.wrote("rebuild indexes")
	}
	return found, nil
}

type members struct{ f *fakeTeam }

func (v members) Get(_ context.Context, name string) (staff.Member, int, error) {
	m, ok := v.f.members[name]
	if !ok {
		return m, 0, fmt.Errorf("team member %s: %w", name, failure.ErrNotFound)
	}
	return m, v.f.versions["staff/"+name], nil
}

func (v members) LoadOffboarding(_ context.Context, name string) (*staff.OffboardProgress, error) {
	p, ok := v.f.progress[name]
	if !ok {
		return staff.NewOffboardProgress(name), nil
	}
	out := p
	out.Done, out.Pending = maps.Clone(p.Done), maps.Clone(p.Pending)
	if out.Done == nil {
		out.Done = map[string][]string{}
	}
	if out.Pending == nil {
		out.Pending = map[string][]string{}
	}
	return &out, nil
}

func (v members) SaveOffboarding(_ context.Context, p *staff.OffboardProgress) error {
	if v.f.progress[p.Member].Version != p.Version {
		return failure.ErrConflict
	}
	p.Version++
	saved := *p
	saved.Done, saved.Pending = maps.Clone(p.Done), maps.Clone(p.Pending)
	v.f.progress[p.Member] = saved
	v.f.wrote("progress of %s", p.Member)
	return nil
}

func (v members) RecordOffboarding(_ context.Context, m staff.Member, version int, at, by, to string) error {
	if v.f.versions["staff/"+m.Name] != version {
		return failure.ErrConflict
	}
	m.Status = staff.StatusOffboarded
	v.f.members[m.Name] = m
	v.f.versions["staff/"+m.Name]++
	v.f.wrote("offboarded %s to %s", m.Name, to)
	return nil
}

func (v members) Offboardings(context.Context) ([]string, error) {
	return slices.Sorted(maps.Keys(v.f.progress)), nil
}

type people struct{ f *fakeTeam }

func (v people) Writer(context.Context) (string, error) { return "root", nil }

func (v people) EntityName(_ context.Context, id string) (string, error) {
	for n, i := range v.f.entities {
		if i == id {
			return n, nil
		}
	}
	return "", failure.ErrNotFound
}

func (v people) EntityID(_ context.Context, name string) (string, error) {
	if id, ok := v.f.entities[name]; ok {
		return id, nil
	}
	return "", failure.ErrNotFound
}

func (v people) Disabled(_ context.Context, name string) (bool, error) {
	if _, ok := v.f.entities[name]; !ok {
		return false, failure.ErrNotFound
	}
	return v.f.disabled[name], nil
}

func (v people) Disable(_ context.Context, name string) error {
	v.f.disabled[name] = true
	v.f.wrote("disable %s", name)
	return nil
}

func (v people) Groups(_ context.Context, m staff.Member, id string) ([]string, error) {
	var out []string
	for _, g := range groupsOf(m) {
		if slices.Contains(v.f.groups[g], id) {
			out = append(out, g)
		}
	}
	return out, nil
}

func (v people) LeaveGroup(_ context.Context, group, id string) error {
	v.f.groups[group] = slices.DeleteFunc(v.f.groups[group], func(m string) bool { return m == id })
	v.f.wrote("%s leaves %s", id, group)
	return nil
}

func (v people) DeleteLogin(_ context.Context, name string) error {
	delete(v.f.logins, name)
	v.f.wrote("delete login %s", name)
	return nil
}

func (v people) WrappedCopies(context.Context) ([]staff.WrappedCopy, error) { return nil, nil }
func (v people) RevokeWrappedCopy(context.Context, string) error            { return nil }
func (v people) ReminderSecretIDs(context.Context) (string, []string, error) {
	return "reminder", nil, nil
}
func (v people) DestroyReminderSecretID(context.Context, string) error { return nil }

type contacts struct{ f *fakeTeam }

func (contacts) ListMailboxes(context.Context) ([]records.Mailbox, error) { return nil, nil }
func (contacts) ListPhones(context.Context) ([]records.Phone, error)      { return nil, nil }
func (contacts) MailboxByID(context.Context, string) (records.Mailbox, int, error) {
	return records.Mailbox{}, 0, failure.ErrNotFound
}
func (contacts) UpdateMailbox(context.Context, records.Mailbox, int) error {
	return failure.ErrNotFound
}
func (contacts) PhoneByID(context.Context, string) (records.Phone, int, error) {
	return records.Phone{}, 0, failure.ErrNotFound
}
func (contacts) UpdatePhone(context.Context, records.Phone, int) error { return failure.ErrNotFound }

type creds struct{ f *fakeTeam }

func (v creds) List(_ context.Context, store string) ([]records.Credential, error) {
	var out []records.Credential
	for _, a := range slices.Sorted(maps.Keys(v.f.creds)) {
		if c := v.f.creds[a]; store == "" || c.Store == store {
			out = append(out, c)
		}
	}
	return out, nil
}

func (v creds) Verified(ctx context.Context, store string) ([]records.Credential, error) {
	v.f.verifiedRO = append(v.f.verifiedRO, v.f.readOnly)
	return v.List(ctx, store)
}

func (v creds) Get(_ context.Context, store, name string) (records.Credential, int, error) {
	v.f.mu.Lock() // (an offboarding hands credentials over a few at a time)
	defer v.f.mu.Unlock()
	c, ok := v.f.creds[store+"/"+name]
	if !ok {
		return c, 0, failure.ErrNotFound
	}
	return c, v.f.versions[c.Address()], nil
}

func (v creds) UpdateKeepingValues(_ context.Context, c records.Credential, version int) error {
	v.f.mu.Lock()
	defer v.f.mu.Unlock()
	if v.f.versions[c.Address()] != version {
		return failure.ErrConflict
	}
	v.f.creds[c.Address()] = c
	v.f.versions[c.Address()]++
	v.f.wrote("credential %s", c.Address())
	return nil
}

type rotation struct{ f *fakeTeam }

func (v rotation) MarkDue(_ context.Context, t records.Target, now time.Time) (bool, error) {
	a := t.Store + "/" + t.Name
	c, ok := v.f.creds[a]
	if !ok {
		return false, failure.ErrNotFound
	}
	if !c.Rotation.DueSince.IsZero() {
		return false, nil
	}
	c.Rotation.DueSince = now
	v.f.creds[a] = c
	v.f.versions[a]++
	v.f.wrote("due %s", a)
	return true, nil
}

type stores struct{ f *fakeTeam }

func (v stores) List(context.Context) ([]records.Store, error) {
	var out []records.Store
	for _, s := range v.f.stores {
		out = append(out, records.Store{Name: s})
	}
	return out, nil
}

func (v stores) Require(_ context.Context, store string) error {
	if !slices.Contains(v.f.stores, store) {
		return failure.ErrNotFound
	}
	return nil
}

func (v stores) GroupMembers(_ context.Context, store string) ([]string, error) {
	return slices.Clone(v.f.groups["store/"+store]), nil
}

func (v stores) SetGroupMembers(_ context.Context, store string, ids []string) error {
	v.f.groups["store/"+store] = slices.Clone(ids)
	v.f.wrote("group of %s: %v", store, ids)
	return nil
}

type payouts struct{ f *fakeTeam }

func (v payouts) Flag(_ context.Context, store string, at time.Time, why string, dryRun bool) (bool, error) {
	flag, ok := v.f.payouts[store]
	if !ok || flag != "" {
		return false, nil
	}
	if !dryRun {
		v.f.payouts[store] = why
		v.f.wrote("flag payout of %s", store)
	}
	return true, nil
}

func (v payouts) Facts(_ context.Context, list []records.Store) ([]records.PayoutFacts, error) {
	var out []records.PayoutFacts
	for _, s := range list {
		if _, ok := v.f.payouts[s.Name]; ok {
			out = append(out, records.PayoutFacts{Store: s.Name, VerifiedAt: v.f.verified[s.Name]})
		}
	}
	return out, nil
}

type incidents struct{ f *fakeTeam }

func (v incidents) Get(_ context.Context, store string) (*records.Incident, error) {
	in, ok := v.f.incs[store]
	if !ok {
		return nil, failure.ErrNotFound
	}
	in.Removed, in.RemovedWho = slices.Clone(in.Removed), slices.Clone(in.RemovedWho)
	return &in, nil
}

func (v incidents) Put(_ context.Context, in *records.Incident) error {
	if v.f.incs[in.Store].Version != in.Version {
		return failure.ErrConflict
	}
	in.Version++
	v.f.incs[in.Store] = *in
	v.f.wrote("incident of %s", in.Store)
	return nil
}

func (v incidents) List(context.Context) ([]string, error) {
	return slices.Sorted(maps.Keys(v.f.incs)), nil
}

package backuprun_test

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/totp"
)

// fakeRecord is a record of a fake mount.
type fakeRecord struct {
	version int // 0: metadata only
	deleted bool
	data    map[string]interface{}
	meta    map[string]string
	created string // Vault's time of the current version
}

// fakeStore is an in-memory team: its three mounts, TOTP keys, groups
// and what was asked of it. Every write (a seed import, a record's data,
// its metadata) is counted; failAt makes the failAt-th fail.
type fakeStore struct {
	team   string
	mounts map[backup.Mount]map[string]*fakeRecord

	initErr  error
	notes    int
	notesErr error
	readErr  map[string]error // by path in its mount

	keys      map[string]totp.Key // the TOTP engine's keys, by ref (the seed is never read back)
	roles     []backup.GroupMember
	groups    map[string][]string // store: entity IDs of its access group
	ensured   []string
	ensureErr error
	signed    map[string]bool // STORE/ID: its signature checks here
	signErr   error
	rekeyErr  error
	keyErr    error // KeyInfo's, for any key

	failAt int
	writes int
	log    []string // "import REF", "data MOUNT/PATH", "meta MOUNT/PATH", in order
	asked  int      // requests that change nothing (reads, lists, checks)
}

func newFakeStore(team string) *fakeStore {
	f := &fakeStore{team: team, mounts: map[backup.Mount]map[string]*fakeRecord{}, readErr: map[string]error{},
		keys: map[string]totp.Key{}, groups: map[string][]string{}, signed: map[string]bool{}}
	for _, m := range backup.Mounts {
		f.mounts[m] = map[string]*fakeRecord{}
	}
	return f
}

// initialised is a fresh team as `sellervault init` leaves it.
func initialised(team string) *fakeStore {
	f := newFakeStore(team)
	f.put(backup.RecordsMount, backup.InitPath, map[string]interface{}{"schema": "4"}, nil)
	f.put(backup.RecordsMount, backup.SettingsPath, map[string]interface{}{"kind": "settings"}, nil)
	return f
}

func (f *fakeStore) deps() backuprun.Deps {
	return backuprun.Deps{Records: f, Signatures: f, Contacts: f, Keys: f, Groups: f}
}

// put stores a live record at version 1.
func (f *fakeStore) put(m backup.Mount, path string, data map[string]interface{}, meta map[string]string) *fakeRecord {
	r := &fakeRecord{version: 1, data: data, meta: meta, created: "2025-05-01T10:00:00.5Z"}
	f.mounts[m][path] = r
	return r
}

// name is MOUNT/PATH.
func (f *fakeStore) name(m backup.Mount, path string) string { return f.Mount(m) + "/" + path }

// write counts a write and fails the failAt-th.
func (f *fakeStore) write(what string) error {
	f.writes++
	if f.writes == f.failAt {
		return &failure.Error{Kind: failure.ErrUnreachable, Op: "write", Path: what, Detail: "injected fault"}
	}
	f.log = append(f.log, what)
	return nil
}

// recordPaths are the records of the fake's mounts with data (MOUNT/PATH),
// but for what init writes.
func (f *fakeStore) recordPaths() []string {
	var out []string
	for _, m := range backup.Mounts {
		for p, r := range f.mounts[m] {
			if m == backup.RecordsMount && (p == backup.InitPath || p == backup.SettingsPath) {
				continue
			}
			if r.version > 0 && !r.deleted {
				out = append(out, f.name(m, p))
			}
		}
	}
	sort.Strings(out)
	return out
}

func (f *fakeStore) Team() string                { return f.team }
func (f *fakeStore) Mount(m backup.Mount) string { return f.team + m.String() }

func (f *fakeStore) RequireInit(context.Context) error {
	f.asked++
	return f.initErr
}

func (f *fakeStore) List(_ context.Context, m backup.Mount) ([]string, error) {
	f.asked++
	var out []string
	for p := range f.mounts[m] {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func (f *fakeStore) Read(_ context.Context, m backup.Mount, path string) (backup.Stored, error) {
	f.asked++
	if err := f.readErr[path]; err != nil {
		return backup.Stored{}, err
	}
	r, ok := f.mounts[m][path]
	if !ok {
		return backup.Stored{Deleted: true}, nil
	}
	s := backup.Stored{Version: r.version, Deleted: r.deleted, CustomMetadata: maps.Clone(r.meta)}
	if r.version > 0 && !r.deleted {
		s.Data, s.VersionTime = maps.Clone(r.data), r.created
	}
	return s, nil
}

func (f *fakeStore) Version(_ context.Context, m backup.Mount, path string) (int, error) {
	f.asked++
	r, ok := f.mounts[m][path]
	if !ok {
		return 0, &failure.Error{Kind: failure.ErrNotFound, Op: "read kv metadata", Path: f.name(m, path)}
	}
	return r.version, nil
}

func (f *fakeStore) Write(_ context.Context, m backup.Mount, path string, data map[string]interface{}, cas int) (int, error) {
	r, ok := f.mounts[m][path]
	switch {
	case ok && r.version != cas, !ok && cas != 0:
		return 0, &failure.Error{Kind: failure.ErrConflict, Op: "write kv", Path: f.name(m, path)}
	}
	if err := f.write("data " + f.name(m, path)); err != nil {
		return 0, err
	}
	if !ok {
		r = &fakeRecord{}
		f.mounts[m][path] = r
	}
	r.version++
	r.data, r.created = maps.Clone(data), "2025-07-01T00:00:00Z"
	return r.version, nil
}

func (f *fakeStore) SetMetadata(_ context.Context, m backup.Mount, path string, meta map[string]string) error {
	if err := f.write("meta " + f.name(m, path)); err != nil {
		return err
	}
	f.mounts[m][path].meta = maps.Clone(meta)
	return nil
}

func (f *fakeStore) ReminderNotes(context.Context) (int, error) {
	f.asked++
	return f.notes, f.notesErr
}

func (f *fakeStore) RequestSigned(_ context.Context, store, id string, _ int, _ map[string]interface{}) (bool, error) {
	f.asked++
	return f.signed[store+"/"+id], f.signErr
}

// Rekey names a mailbox or phone by a "k" before its old ID, as a team
// with another contacts key would, and marks each record it rekeyed.
func (f *fakeStore) Rekey(_ context.Context, rec backup.Record) (backup.Record, error) {
	f.asked++
	if f.rekeyErr != nil {
		return backup.Record{}, f.rekeyErr
	}
	out := backup.Record{Path: rec.Path, Data: maps.Clone(rec.Data), CustomMetadata: maps.Clone(rec.CustomMetadata), VersionTime: rec.VersionTime}
	switch backup.Kind(rec.Path) {
	case "mailbox", "phone":
		dir, id := rec.Path[:strings.LastIndex(rec.Path, "/")+1], rec.Path[strings.LastIndex(rec.Path, "/")+1:]
		out.Path = dir + "k" + id
	}
	out.CustomMetadata["rekeyed"] = "yes"
	return out, nil
}

func (f *fakeStore) KeyInfo(_ context.Context, ref string) (string, string, error) {
	f.asked++
	if f.keyErr != nil {
		return "", "", f.keyErr
	}
	k, ok := f.keys[ref]
	if !ok {
		return "", "", &failure.Error{Kind: failure.ErrNotFound, Op: "read totp key", Path: "totp/keys/" + ref}
	}
	return k.Issuer, k.Account, nil
}

func (f *fakeStore) ImportSeed(_ context.Context, ref string, key totp.Key) error {
	if err := f.write("import " + ref); err != nil {
		return err
	}
	f.keys[ref] = key
	return nil
}

func (f *fakeStore) RoleGroupMembers(context.Context) ([]backup.GroupMember, error) {
	f.asked++
	return f.roles, nil
}

func (f *fakeStore) GroupMembers(_ context.Context, store string) ([]string, error) {
	f.asked++
	return f.groups[store], nil
}

func (f *fakeStore) EnsureAccess(_ context.Context, store string) error {
	if f.ensureErr != nil {
		return f.ensureErr
	}
	f.ensured = append(f.ensured, store)
	return nil
}

// String keeps a failing test's output free of the fake's values.
func (f *fakeStore) String() string { return fmt.Sprintf("fake team %s", f.team) }

package importrun_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/records"
)

// The fake store's errors. errStale stands for repo.ErrIndexStale.
var (
	errExists   = errors.New("already exists")
	errNotFound = errors.New("no such record")
	errConflict = errors.New("check-and-set conflict")
	errStale    = errors.New("the redaction index was not updated")
)

// fakeStore is an in-memory record store: the credentials, the metadata
// repairs and the import's progress.
type fakeStore struct {
	mu       sync.Mutex
	creds    map[string]records.Credential // by STORE/NAME
	versions map[string]int
	deleted  map[string]bool
	// fail makes the write of a credential fail; cut makes it write the
	// data and then fail (a run cut off after it); stale makes it succeed
	// with errStale.
	fail, cut map[string]error
	stale     map[string]bool
	writes    []string // the credentials written, in order

	behind   map[string]bool // metadata behind the data: RepairMirrors repairs it
	repaired [][]string      // each RepairMirrors call's addresses

	progress  *importer.Progress // as saved
	loadErr   error
	saveErr   error
	saveCalls int
}

func newFakeStore() *fakeStore {
	return &fakeStore{creds: map[string]records.Credential{}, versions: map[string]int{}, deleted: map[string]bool{},
		fail: map[string]error{}, cut: map[string]error{}, stale: map[string]bool{}, behind: map[string]bool{}}
}

func (f *fakeStore) deps() importrun.Deps { return importrun.Deps{Store: f, Mirrors: f, Progress: f} }

// put stores a credential as it was before the import.
func (f *fakeStore) put(c records.Credential) {
	f.creds[c.Address()] = c
	f.versions[c.Address()] = 1
}

func (f *fakeStore) write(c records.Credential) error {
	a := c.Address()
	if err := f.fail[a]; err != nil {
		return err
	}
	f.creds[a] = c
	f.versions[a]++
	f.writes = append(f.writes, a)
	if err := f.cut[a]; err != nil {
		return err
	}
	if f.stale[a] {
		return fmt.Errorf("%w (shard 7)", errStale)
	}
	return nil
}

func (f *fakeStore) Add(_ context.Context, c records.Credential) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.creds[c.Address()]; ok {
		return errExists
	}
	return f.write(c)
}

func (f *fakeStore) Get(_ context.Context, store, name string) (records.Credential, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := store + "/" + name
	c, ok := f.creds[a]
	if !ok || f.deleted[a] {
		return records.Credential{}, 0, errNotFound
	}
	return c, f.versions[a], nil
}

func (f *fakeStore) Update(_ context.Context, c records.Credential, version int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.versions[c.Address()] != version {
		return errConflict
	}
	return f.write(c)
}

func (f *fakeStore) Existing(_ context.Context, store string, names []string) (map[string]bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]bool{}
	for _, n := range names {
		if _, ok := f.creds[store+"/"+n]; ok {
			out[n] = f.deleted[store+"/"+n]
		}
	}
	return out, nil
}

func (f *fakeStore) RepairMirrors(_ context.Context, addrs []string) ([][]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.repaired = append(f.repaired, addrs)
	out := make([][]string, len(addrs))
	for i, a := range addrs {
		if f.behind[a] {
			out[i] = []string{"owner"}
			delete(f.behind, a)
		}
	}
	return out, nil
}

func (f *fakeStore) LoadProgress(_ context.Context, addrs []string) (*importer.Progress, error) {
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	p := importer.NewProgress(addrs)
	if f.progress != nil && f.progress.ID == p.ID {
		p.Version, p.Run = f.progress.Version, f.progress.Run+1
		for a, d := range f.progress.Done {
			p.Done[a] = d
		}
	}
	return p, nil
}

func (f *fakeStore) SaveProgress(_ context.Context, p *importer.Progress) error {
	f.saveCalls++
	if f.saveErr != nil {
		return f.saveErr
	}
	if f.progress != nil && f.progress.ID == p.ID && f.progress.Version != p.Version {
		return errConflict
	}
	p.Version++
	saved := *p
	saved.Done = map[string]importer.Done{}
	for a, d := range p.Done {
		saved.Done[a] = d
	}
	f.progress = &saved
	return nil
}

// plan parses a sellervault CSV and plans it against the fake store (one
// store, acme-us), as `sellervault import` does.
func plan(t *testing.T, f *fakeStore, csv string, dup importer.OnDuplicate) *importer.Plan {
	t.Helper()
	res, err := importer.Parse(importer.CSV, []byte(csv), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := importrun.Inventory(context.Background(), f, []string{"acme-us"}, res)
	if err != nil {
		t.Fatal(err)
	}
	p := importer.NewPlan(res, inv, dup)
	if !p.Valid() {
		t.Fatalf("invalid plan: %+v", p.Items)
	}
	return p
}

// table is the report's items as "ADDRESS ACTION REASON" lines.
func table(rep importrun.Report) string {
	var lines []string
	for _, it := range rep.Items {
		lines = append(lines, strings.TrimSpace(fmt.Sprintf("%s %s %s", it.Address, it.Action, it.Reason)))
	}
	return strings.Join(lines, "\n")
}

func wantTable(t *testing.T, rep importrun.Report, want ...string) {
	t.Helper()
	if got := table(rep); got != strings.Join(want, "\n") {
		t.Errorf("report:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func wantCounts(t *testing.T, rep importrun.Report, add, update, skip, failed int) {
	t.Helper()
	c := rep.Counts
	if c[importer.ActionAdd] != add || c[importer.ActionUpdate] != update || c[importer.ActionSkip] != skip || c[importer.ActionError] != failed {
		t.Errorf("counts %v, want add %d, update %d, skip %d, error %d", c, add, update, skip, failed)
	}
	if slices.ContainsFunc(rep.Items, func(it importer.Item) bool { return it.Row != nil }) {
		t.Error("an item of the report still holds its row (and its password)")
	}
}

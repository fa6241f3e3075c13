package importrun_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/records"
)

func manyWrites(n int) []importrun.Write {
	w := make([]importrun.Write, n)
	for i := range w {
		w[i] = importrun.Write{Cred: records.Credential{Store: "acme-us", Name: fmt.Sprintf("d%02d", i), Login: "d", Password: "p"}}
	}
	return w
}

// Writes go a few at a time; the progress counts each once, in order.
func TestImportWorkers(t *testing.T) {
	f := newFakeStore()
	var mu sync.Mutex
	var seen []int
	results := importrun.Import(context.Background(), f, manyWrites(30), importrun.Options{OnWrite: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != 30 {
			t.Errorf("total %d", total)
		}
		seen = append(seen, done)
	}})
	for i, res := range results {
		if res.Outcome != importer.OutcomeAdded || res.Err != nil {
			t.Errorf("%d: %+v", i, res)
		}
	}
	for i, d := range seen {
		if d != i+1 {
			t.Fatalf("progress %v", seen)
		}
	}
	if len(seen) != 30 || len(f.creds) != 30 {
		t.Errorf("progress %d, written %d", len(seen), len(f.creds))
	}
}

// An error every later write would meet stops the writes (with one
// worker, the write handed over as it failed may still go); an update's
// own refusal fails only it; a cancelled context starts nothing.
func TestImportStops(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	sealed := &failure.Error{Kind: failure.ErrSealed, Op: "write kv"}
	f.fail["acme-us/d03"] = sealed
	results := importrun.Import(ctx, f, manyWrites(30), importrun.Options{Workers: 1})
	for i, res := range results {
		want := importer.OutcomeNotTried
		switch {
		case i < 3 || i == 4 && res.Outcome == importer.OutcomeAdded:
			want = importer.OutcomeAdded
		case i == 3:
			want = importer.OutcomeFailed
		}
		if res.Outcome != want || (i == 3) != (res.Err != nil) || i == 3 && !errors.Is(res.Err, failure.ErrSealed) {
			t.Errorf("write %d: %+v, want %s", i, res, want)
		}
	}

	pending := errors.New("pending")
	f.put(records.Credential{Store: "acme-us", Name: "x", Login: "x", Password: "p"})
	results = importrun.Import(ctx, f, []importrun.Write{
		{Cred: records.Credential{Store: "acme-us", Name: "x"},
			Update: func(cur records.Credential) (records.Credential, bool, error) { return cur, false, pending }},
		{Cred: records.Credential{Store: "acme-us", Name: "nothing"},
			Update: func(cur records.Credential) (records.Credential, bool, error) { return cur, true, nil }},
		{Cred: records.Credential{Store: "acme-us", Name: "y", Login: "y", Password: "p"}},
	}, importrun.Options{Workers: 1})
	if results[0].Outcome != importer.OutcomeFailed || !errors.Is(results[0].Err, pending) ||
		results[1].Outcome != importer.OutcomeFailed || !errors.Is(results[1].Err, errNotFound) ||
		results[2].Outcome != importer.OutcomeAdded {
		t.Errorf("%+v", results)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	f = newFakeStore()
	for _, res := range importrun.Import(cancelled, f, manyWrites(10), importrun.Options{}) {
		if res.Outcome != importer.OutcomeNotTried {
			t.Errorf("%+v", res)
		}
	}
	if len(f.writes) != 0 {
		t.Errorf("written after the context ended: %v", f.writes)
	}
}

// The inventory asks about the stores that exist only, and tells live
// credentials from deleted ones.
func TestInventory(t *testing.T) {
	f := newFakeStore()
	f.put(records.Credential{Store: "acme-us", Name: "live"})
	f.put(records.Credential{Store: "acme-us", Name: "gone"})
	f.deleted["acme-us/gone"] = true
	f.put(records.Credential{Store: "acme-de", Name: "elsewhere"})
	res, err := importer.Parse(importer.CSV, []byte(header+"acme-us,live,l,p,\nacme-us,gone,g,p,\nacme-us,new,n,p,\nacme-de,elsewhere,e,p,\n"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := importrun.Inventory(context.Background(), f, []string{"acme-us", "acme-fr"}, res)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]importer.CredState{"acme-us/live": importer.Live, "acme-us/gone": importer.Deleted}
	if fmt.Sprint(inv.Creds) != fmt.Sprint(want) || !inv.Stores["acme-fr"] || inv.Stores["acme-de"] {
		t.Errorf("inventory %+v", inv)
	}
}

package repo_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// importPlan parses a sellervault CSV and plans it against the repo, as
// `sellervault import` does.
func importPlan(t testing.TB, r *repo.Repo, csv string, dup importer.OnDuplicate) (*importer.Plan, []importrun.Write) {
	t.Helper()
	ctx := context.Background()
	res, err := importer.Parse(importer.CSV, []byte(csv), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inv := importer.Inventory{Stores: map[string]bool{}, Creds: map[string]importer.CredState{}}
	stores, err := r.Stores().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		inv.Stores[s.Name] = true
	}
	for _, s := range res.Stores() {
		if !inv.Stores[s] {
			continue
		}
		existing, err := r.Creds().Existing(ctx, s, res.Names(s))
		if err != nil {
			t.Fatal(err)
		}
		for name, deleted := range existing {
			state := importer.Live
			if deleted {
				state = importer.Deleted
			}
			inv.Creds[s+"/"+name] = state
		}
	}
	plan := importer.NewPlan(res, inv, dup)
	return plan, importWrites(plan)
}

func importWrites(plan *importer.Plan) []importrun.Write {
	now := time.Now()
	var writes []importrun.Write
	for _, it := range plan.Items {
		row := it.Row
		switch it.Action {
		case importer.ActionAdd:
			writes = append(writes, importrun.Write{Cred: row.Credential(now)})
		case importer.ActionUpdate:
			writes = append(writes, importrun.Write{Cred: records.Credential{Store: row.Store, Name: row.Name},
				Update: func(cur records.Credential) (records.Credential, bool, error) { return row.Merge(cur, now) }})
		}
	}
	return writes
}

func outcomes(results []importrun.Result) string {
	var out []string
	for _, r := range results {
		out = append(out, string(r.Outcome))
	}
	return strings.Join(out, ",")
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "old", Login: "old@acme.example", Password: "old-pw", Owner: "maria", TOTPKey: "acme-us.old"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "same", Login: "same@acme.example", Password: "same-pw"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "gone", Login: "g", Password: "g"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Delete(ctx, "acme-us", "gone"); err != nil {
		t.Fatal(err)
	}
	csv := "store,name,login,password,url,rotate_every\n" +
		"acme-us,Seller Central,ops@acme.example,import-pw-1,https://sellercentral.amazon.com,90d\n" +
		"acme-us,ads,ads@acme.example,import-pw-2,,\n" +
		"acme-us,old,new@acme.example,import-pw-3,,30d\n" +
		"acme-us,same,same@acme.example,same-pw,,\n" +
		"acme-us,gone,g,g2,,\n"
	existing, err := r.Creds().Existing(ctx, "acme-us", []string{"old", "gone", "nothing", "old"})
	if err != nil || len(existing) != 2 || existing["old"] || !existing["gone"] {
		t.Fatalf("existing %v, %v", existing, err)
	}

	// skip: only the new ones are written
	plan, writes := importPlan(t, r, csv, importer.Skip)
	if !plan.Valid() || plan.Counts[importer.ActionAdd] != 2 || plan.Counts[importer.ActionSkip] != 3 {
		t.Fatalf("plan %v", plan.Counts)
	}
	var mu sync.Mutex
	var seen []int
	results := importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, OnWrite: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total != len(writes) {
			t.Errorf("total %d", total)
		}
		seen = append(seen, done)
	}})
	if got := outcomes(results); got != "added,added" {
		t.Fatalf("outcomes %s (%v)", got, results)
	}
	if len(seen) != 2 || seen[0] != 1 || seen[1] != 2 {
		t.Errorf("progress %v", seen)
	}
	c, _, err := r.Creds().Get(ctx, "acme-us", "seller-central")
	if err != nil || c.Password != "import-pw-1" || c.Login != "ops@acme.example" || c.URL != "https://sellercentral.amazon.com" ||
		c.Rotation.Every != 90*24*time.Hour || c.Rotation.LastRotated.IsZero() || c.UpdatedBy == "" {
		t.Errorf("%+v %v", c, err)
	}
	// the redaction index knows the imported password
	o, err := r.Index().RedactOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := redact.Scan(ctx, strings.NewReader("the password is import-pw-1 ok"), o)
	if err != nil || len(findings) != 1 || findings[0].Kind != "password" {
		t.Errorf("the index does not find the imported password: %+v %v", findings, err)
	}

	// update: the existing one changes (keeping what the file does not
	// give), the unchanged one is not written, the deleted one is refused
	plan, _ = importPlan(t, r, csv, importer.Update)
	if plan.Valid() || plan.Counts[importer.ActionError] != 1 {
		t.Fatalf("plan %v", plan.Counts)
	}
	csv = strings.Replace(csv, "acme-us,gone,g,g2,,\n", "", 1)
	plan, writes = importPlan(t, r, csv, importer.Update)
	if !plan.Valid() || plan.Counts[importer.ActionUpdate] != 4 {
		t.Fatalf("plan %v", plan.Counts)
	}
	results = importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: 2})
	if got := outcomes(results); got != "unchanged,unchanged,updated,unchanged" {
		t.Fatalf("outcomes %s (%v)", got, results)
	}
	c, _, err = r.Creds().Get(ctx, "acme-us", "old")
	if err != nil || c.Password != "import-pw-3" || c.Login != "new@acme.example" || c.Owner != "maria" || c.TOTPKey != "acme-us.old" ||
		c.Rotation.Every != 30*24*time.Hour {
		t.Errorf("%+v %v", c, err)
	}
	if h, _ := r.Creds().History(ctx, "acme-us", "same"); len(h) != 1 {
		t.Errorf("unchanged credential written: %d versions", len(h))
	}
}

// A write that fails is reported and the others go on; an error every
// write would meet stops the import.
func TestImportFailures(t *testing.T) {
	ctx := context.Background()
	r, _, l := newRepo(t)
	writes := []importrun.Write{
		{Cred: records.Credential{Store: "acme-us", Name: "a", Login: "a", Password: "p"}},
		{Cred: records.Credential{Store: "acme-us", Name: "a", Login: "a", Password: "p"}}, // exists by then
		{Cred: records.Credential{Store: "acme-xx", Name: "b", Login: "b", Password: "p"}}, // no such store
		{Cred: records.Credential{Store: "acme-us", Name: "c", Login: "c", Password: "p"}},
	}
	results := importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: 1})
	if got := outcomes(results); got != "added,failed,failed,added" {
		t.Fatalf("outcomes %s", got)
	}
	if !errors.Is(results[1].Err, repo.ErrExists) || !errors.Is(results[2].Err, repo.ErrNoStore) {
		t.Errorf("%v / %v", results[1].Err, results[2].Err)
	}
	// an update refused by its merge (a rotation under way)
	pending := errors.New("pending")
	results = importrun.Import(ctx, r.Creds(), []importrun.Write{{Cred: records.Credential{Store: "acme-us", Name: "a"},
		Update: func(cur records.Credential) (records.Credential, bool, error) { return cur, false, pending }}}, importrun.Options{Stale: repo.ErrIndexStale})
	if results[0].Outcome != importer.OutcomeFailed || !errors.Is(results[0].Err, pending) {
		t.Errorf("%+v", results[0])
	}

	// a token without access: the first denial stops it
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	c, err := vault.New(vault.Options{Address: srv.URL, Token: "not-a-token"})
	if err != nil {
		t.Fatal(err)
	}
	many := make([]importrun.Write, 50)
	for i := range many {
		many[i] = importrun.Write{Cred: records.Credential{Store: "acme-us", Name: fmt.Sprintf("d%d", i), Login: "d", Password: "p"}}
	}
	results = importrun.Import(ctx, repo.New(c, l).Creds(), many, importrun.Options{Stale: repo.ErrIndexStale, Workers: 2})
	notTried := 0
	for _, res := range results {
		switch {
		case res.Outcome == importer.OutcomeNotTried:
			notTried++
		case res.Outcome != importer.OutcomeFailed || !errors.Is(res.Err, vault.ErrDenied):
			t.Errorf("%+v", res)
		}
	}
	if notTried < 40 {
		t.Errorf("only %d of 50 not tried after a denial", notTried)
	}
	// a cancelled context starts nothing
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	results = importrun.Import(cancelled, r.Creds(), many, importrun.Options{Stale: repo.ErrIndexStale})
	for _, res := range results {
		if res.Outcome != importer.OutcomeNotTried && !errors.Is(res.Err, context.Canceled) {
			t.Errorf("%+v", res)
		}
	}
	if creds, _ := r.Creds().List(ctx, "acme-us"); len(creds) != 2 {
		t.Errorf("%d credentials", len(creds))
	}
}

// TestImportResumesAfterFaultAtEveryWrite fails the import at each of its
// writes in turn (data, metadata, listing, index), then runs it again as
// `sellervault import` does (a credential that exists is skipped and its
// metadata repaired when it is behind its data): every time, each
// credential is there once, its metadata mirrors its data, and the
// listing names them all.
func TestImportResumesAfterFaultAtEveryWrite(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	srv, _ := devvault.Shared()
	creds := func() []importrun.Write {
		var w []importrun.Write
		for i := 0; i < 3; i++ {
			w = append(w, importrun.Write{Cred: records.Credential{Store: "acme-us", Name: fmt.Sprintf("login-%d", i),
				Login: fmt.Sprintf("ops-%d@acme.example", i), Password: fmt.Sprintf("CANARY-resume-%d", i), Owner: "maria",
				RecoveryEmail: "boss@acme.example"}})
		}
		return w
	}
	for k := int64(1); ; k++ {
		r, _, l := newRepo(t)
		faults := vaulttest.FaultyVault(t, k)
		fc, err := vault.New(vault.Options{Address: faults.URL, Token: srv.RootToken})
		if err != nil {
			t.Fatal(err)
		}
		writes := creds()
		results := importrun.Import(ctx, repo.New(fc, l).Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: 1})
		if !faults.Failed() {
			if k < 4 {
				t.Fatalf("the import made only %d writes", k-1)
			}
			t.Logf("importing 3 credentials makes %d writes; each was failed once and the import run again", k-1)
			return
		}
		for i, res := range results {
			if res.Outcome == importer.OutcomeAdded && res.Err == nil {
				continue
			}
			err := r.Creds().Add(ctx, writes[i].Cred)
			if errors.Is(err, repo.ErrExists) {
				_, err = r.Mirrors().RepairMirror(ctx, "acme-us", writes[i].Cred.Name)
			}
			if err != nil && !errors.Is(err, repo.ErrIndexStale) {
				t.Fatalf("fault at write %d: the re-run of %s: %v", k, writes[i].Cred.Name, err)
			}
		}
		// What a stale listing or index shard needs is a rebuild, which
		// the import says (redact --reindex); doctor's check of the mirrors
		// repairs the listing.
		checked, mirrors, _, err := r.Mirrors().Check(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if checked != 3 || len(mirrors) != 0 {
			t.Fatalf("fault at write %d: after the re-run, %d credentials, metadata behind its data: %v", k, checked, mirrors)
		}
		listed, err := r.Creds().List(ctx, "acme-us")
		if err != nil || len(listed) != 3 {
			t.Fatalf("fault at write %d: %d listed, %v", k, len(listed), err)
		}
		for _, c := range listed {
			if c.Owner != "maria" || c.RecoveryEmailRef == "" {
				t.Fatalf("fault at write %d: %s listed as %+v", k, c.Name, c)
			}
		}
	}
}

// An import stopped by a failure records what its run wrote; the re-run
// (which skips what exists) learns which run wrote each credential, so its
// report covers both runs, and a third run is numbered 3.
func TestImportProgressAcrossRuns(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	srv, _ := devvault.Shared()
	_, c, l := newRepo(t)
	var writes []importrun.Write
	var addrs []string
	for i := 0; i < 6; i++ {
		c := records.Credential{Store: "acme-us", Name: fmt.Sprintf("login-%d", i), Login: "l", Password: fmt.Sprintf("CANARY-runs-%d", i)}
		writes, addrs = append(writes, importrun.Write{Cred: c}), append(addrs, c.Address())
	}
	run := func(vc *vault.Client, want int) (*importer.Progress, []importrun.Result) {
		t.Helper()
		rr := repo.New(vc, l)
		p, err := rr.Imports().LoadProgress(ctx, addrs)
		if err != nil {
			t.Fatal(err)
		}
		if p.Run != want {
			t.Fatalf("this run is numbered %d, want %d", p.Run, want)
		}
		p.Start(addrs, time.Now())
		if err := rr.Imports().SaveProgress(ctx, p); err != nil {
			t.Fatal(err)
		}
		results := importrun.Import(ctx, rr.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, Workers: 1})
		for i, res := range results {
			if res.Outcome == importer.OutcomeAdded {
				p.Record(addrs[i], res.Outcome, time.Now())
			}
		}
		if err := rr.Imports().SaveProgress(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p, results
	}
	faults := vaulttest.FaultyVault(t, 12) // a few credentials in, the rest not tried
	fc, err := vault.New(vault.Options{Address: faults.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	_, first := run(fc, 1)
	added := 0
	for _, res := range first {
		if res.Outcome == importer.OutcomeAdded {
			added++
		}
	}
	if !faults.Failed() || added == 0 || added == len(writes) {
		t.Fatalf("the first run added %d of %d (fault reached: %v): the test proves nothing", added, len(writes), faults.Failed())
	}
	p, second := run(c, 2)
	for i, res := range second {
		earlier, ok := p.Earlier(addrs[i])
		switch {
		case first[i].Outcome == importer.OutcomeAdded:
			if !ok || earlier.Run != 1 || earlier.Outcome != importer.OutcomeAdded || res.Outcome != importer.OutcomeFailed {
				t.Errorf("%s: added by the first run; the second reports %v, earlier %+v (%v)", addrs[i], res.Outcome, earlier, ok)
			}
		case res.Outcome != importer.OutcomeAdded || ok:
			t.Errorf("%s: not added by the first run; the second: %v, earlier %+v (%v)", addrs[i], res.Outcome, earlier, ok)
		}
	}
	third, _ := run(c, 3)
	for _, a := range addrs {
		if d, ok := third.Earlier(a); !ok || d.Run > 2 {
			t.Errorf("%s: after two runs, earlier %+v (%v)", a, d, ok)
		}
	}
}

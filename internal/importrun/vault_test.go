package importrun_test

import (
	"context"
	"os"
	"testing"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what a run works through.
var (
	_ importrun.Store    = repo.Creds{}
	_ importrun.Mirrors  = repo.Mirrors{}
	_ importrun.Progress = repo.Imports{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// Two runs of one import against the real Vault, through the store: the
// second finds what the first wrote, and credits it to run 1.
func TestRunAgainstVault(t *testing.T) {
	ctx := context.Background()
	r, _, _ := vaulttest.TeamWithStore(t, "importrun")
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "old", Login: "old@acme.example", Password: "old-pw"}); err != nil {
		t.Fatal(err)
	}
	res, err := importer.Parse(importer.CSV, []byte(header+"acme-us,a,a@acme.example,CANARY-a,\nacme-us,old,new@acme.example,CANARY-old,\n"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := connect.ImportDeps(r)
	run := func() importrun.Report {
		t.Helper()
		inv, err := importrun.Inventory(ctx, r.Creds(), []string{"acme-us"}, res)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := importrun.Run(ctx, d, importer.NewPlan(res, inv, importer.Update), importrun.Options{Stale: repo.ErrIndexStale})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run()
	wantTable(t, rep, "acme-us/a add", "acme-us/old update exists: the file's fields replace its own")
	if rep.Run != 1 || rep.Stale {
		t.Errorf("run %d, stale %v", rep.Run, rep.Stale)
	}
	got, _, err := r.Creds().Get(ctx, "acme-us", "old")
	if err != nil || got.Password != "CANARY-old" || got.Login != "new@acme.example" {
		t.Errorf("%s %s: %v", got.Login, got.Password, err)
	}

	rep = run()
	wantTable(t, rep, "acme-us/a add added by run 1 of this import", "acme-us/old update updated by run 1 of this import")
	if rep.Run != 2 {
		t.Errorf("run %d, want 2", rep.Run)
	}
}

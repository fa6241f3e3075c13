package importrun_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/records"
)

const header = "store,name,login,password,rotate_every\n"

// A run adds the new credentials and updates the existing ones as
// planned, keeping what the file does not give.
func TestRunAddsAndUpdates(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	f.put(records.Credential{Store: "acme-us", Name: "old", Login: "old@acme.example", Password: "old-pw", Owner: "maria"})
	csv := header +
		"acme-us,Seller Central,ops@acme.example,pw-1,90d\n" +
		"acme-us,ads,ads@acme.example,pw-2,\n" +
		"acme-us,old,new@acme.example,pw-3,30d\n"
	p := plan(t, f, csv, importer.Update)
	var ticks []int
	var afterWrites int
	rep, err := importrun.Run(ctx, f.deps(), p, importrun.Options{Workers: 1, Stale: errStale,
		OnWrite: func(done, total int) {
			if total != 3 {
				t.Errorf("total %d", total)
			}
			ticks = append(ticks, done)
		},
		AfterWrites: func() { afterWrites++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	wantTable(t, rep,
		"acme-us/seller-central add",
		"acme-us/ads add",
		"acme-us/old update exists: the file's fields replace its own")
	wantCounts(t, rep, 2, 1, 0, 0)
	if rep.Run != 1 || rep.Failed != 0 || rep.Stale {
		t.Errorf("run %d, failed %d, stale %v", rep.Run, rep.Failed, rep.Stale)
	}
	if fmt.Sprint(ticks) != "[1 2 3]" || afterWrites != 1 {
		t.Errorf("progress %v, after the writes %d", ticks, afterWrites)
	}
	c := f.creds["acme-us/seller-central"]
	if c.Password != "pw-1" || c.Rotation.Every != 90*24*time.Hour || c.Rotation.LastRotated.IsZero() {
		t.Errorf("added %+v", c)
	}
	c = f.creds["acme-us/old"]
	if c.Password != "pw-3" || c.Login != "new@acme.example" || c.Owner != "maria" || f.versions["acme-us/old"] != 2 {
		t.Errorf("updated %+v (version %d)", c, f.versions["acme-us/old"])
	}
	// The progress says what this run wrote.
	if f.progress == nil || f.progress.Run != 1 || f.progress.Done["acme-us/old"].Outcome != importer.OutcomeUpdated ||
		f.progress.Done["acme-us/ads"].Outcome != importer.OutcomeAdded {
		t.Errorf("progress %+v", f.progress)
	}
}

// An update that changes nothing writes nothing and is reported
// unchanged; an existing credential is skipped without --on-duplicate
// update.
func TestRunUnchangedUpdate(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	f.put(records.Credential{Store: "acme-us", Name: "same", Login: "same@acme.example", Password: "same-pw"})
	csv := header + "acme-us,same,same@acme.example,same-pw,\n"
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Update), importrun.Options{Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	wantTable(t, rep, "acme-us/same skip unchanged: it holds what the file gives")
	wantCounts(t, rep, 0, 0, 1, 0)
	if len(f.writes) != 0 {
		t.Errorf("written: %v", f.writes)
	}

	f = newFakeStore()
	f.put(records.Credential{Store: "acme-us", Name: "same", Login: "other@acme.example", Password: "other-pw"})
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	wantTable(t, rep, "acme-us/same skip exists (--on-duplicate update would update it)")
	if len(f.writes) != 0 || len(f.repaired) != 1 || strings.Join(f.repaired[0], ",") != "acme-us/same" {
		t.Errorf("written %v, repairs %v", f.writes, f.repaired)
	}
}

// A write that fails with an error every later write would meet stops
// the run: the writes after it are not tried (with one worker, the one
// handed over as it failed may still go), nothing is repaired, and the
// error wraps the first write's, whose kind sets the exit code.
func TestRunStopsAtFailingWrite(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	denied := &failure.Error{Kind: failure.ErrDenied, Op: "write kv", Path: "stores/acme-us/creds/b", Status: 403}
	f.fail["acme-us/b"] = denied
	csv := header + "acme-us,a,a,pa,\nacme-us,b,b,pb,\nacme-us,c,c,pc,\nacme-us,d,d,pd,\nacme-us,e,e,pe,\n"
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Workers: 1, Stale: errStale})
	stopped := "error not imported: the import stopped before it"
	c := "acme-us/c " + stopped
	if rep.Failed == 3 {
		c = "acme-us/c add"
	}
	wantTable(t, rep,
		"acme-us/a add",
		"acme-us/b error not imported: "+denied.Error(),
		c,
		"acme-us/d "+stopped,
		"acme-us/e "+stopped)
	if !errors.Is(err, failure.ErrDenied) || err.Error() !=
		fmt.Sprintf("%d of 5 credentials were not imported (listed above): write kv stores/acme-us/creds/b: permission denied", rep.Failed) {
		t.Fatalf("error %v", err)
	}
	wantCounts(t, rep, 5-rep.Failed, 0, 0, rep.Failed)
	if len(f.writes) != 5-rep.Failed {
		t.Errorf("failed %d, written %v", rep.Failed, f.writes)
	}
	for _, addrs := range f.repaired {
		if len(addrs) > 0 {
			t.Errorf("a stopped run repaired %v", addrs)
		}
	}
}

// A write that fails on its own (here: it exists by then) is reported
// and the others go on.
func TestRunGoesOnAfterAFailure(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	f.fail["acme-us/b"] = errExists
	csv := header + "acme-us,a,a,pa,\nacme-us,b,b,pb,\nacme-us,c,c,pc,\n"
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Workers: 1, Stale: errStale})
	if !errors.Is(err, errExists) || !strings.HasPrefix(err.Error(), "1 of 3 credentials were not imported") {
		t.Fatalf("error %v", err)
	}
	wantTable(t, rep, "acme-us/a add", "acme-us/b error not imported: already exists", "acme-us/c add")
}

// A re-run reports what an earlier run of the same import wrote as that
// run's, counts the runs, and repairs the metadata an interrupted write
// left behind.
func TestRunReportsEarlierRuns(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	// b's write fails on its own; c's reaches Vault but its answer does
	// not come back
	f.fail["acme-us/b"] = errConflict
	unreachable := &failure.Error{Kind: failure.ErrUnreachable, Op: "write kv metadata", Path: "stores/acme-us/creds/c"}
	f.cut["acme-us/c"] = unreachable
	csv := header + "acme-us,a,a,pa,\nacme-us,b,b,pb,\nacme-us,c,c,pc,\n"
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Workers: 1, Stale: errStale})
	if !errors.Is(err, errConflict) || rep.Run != 1 {
		t.Fatalf("run %d: %v", rep.Run, err)
	}
	wantTable(t, rep,
		"acme-us/a add",
		"acme-us/b error not imported: check-and-set conflict",
		"acme-us/c error not imported: "+unreachable.Error())

	// the re-run: a and c exist (c's metadata behind its data)
	delete(f.fail, "acme-us/b")
	delete(f.cut, "acme-us/c")
	f.behind["acme-us/c"] = true
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Workers: 1, Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	wantTable(t, rep,
		"acme-us/a add added by run 1 of this import",
		"acme-us/b add",
		"acme-us/c add added by run 1 of this import, which stopped part way; its metadata was behind its data (an interrupted import): repaired")
	wantCounts(t, rep, 3, 0, 0, 0)
	if rep.Run != 2 {
		t.Errorf("run %d, want 2", rep.Run)
	}

	// a third run: everything is an earlier run's
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	wantTable(t, rep,
		"acme-us/a add added by run 1 of this import",
		"acme-us/b add added by run 2 of this import",
		"acme-us/c add added by run 1 of this import, which stopped part way")
	if rep.Run != 3 {
		t.Errorf("run %d, want 3", rep.Run)
	}

	// another file of the same credentials, changing one: its update is
	// this run's, and the next run credits it to this one
	csv2 := strings.Replace(csv, "acme-us,b,b,pb,", "acme-us,b,b,pb-new,", 1)
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv2, importer.Update), importrun.Options{Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Run != 4 || rep.Items[1].Action != importer.ActionUpdate {
		t.Errorf("run %d:\n%s", rep.Run, table(rep))
	}
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv2, importer.Skip), importrun.Options{Stale: errStale})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Items[1].Reason != "updated by run 4 of this import" || rep.Items[1].Action != importer.ActionUpdate || rep.Run != 5 {
		t.Errorf("run %d:\n%s", rep.Run, table(rep))
	}
}

// A write saved without its index counts as done; the report says so.
// Without Options.Stale that error fails the write.
func TestRunStaleIndex(t *testing.T) {
	ctx := context.Background()
	csv := header + "acme-us,a,a,pa,\n"
	f := newFakeStore()
	f.stale["acme-us/a"] = true
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale})
	if err != nil || !rep.Stale {
		t.Fatalf("stale %v: %v", rep.Stale, err)
	}
	wantTable(t, rep, "acme-us/a add saved, but the redaction index or the credential listing was not updated")

	f = newFakeStore()
	f.stale["acme-us/a"] = true
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{})
	if !errors.Is(err, errStale) || rep.Stale || rep.Failed != 1 {
		t.Errorf("stale %v, failed %d: %v", rep.Stale, rep.Failed, err)
	}
}

// A progress that cannot be read or recorded narrows the report to this
// run, and says so; the writes go on.
func TestRunWithoutProgress(t *testing.T) {
	ctx := context.Background()
	csv := header + "acme-us,a,a,pa,\n"
	f := newFakeStore()
	f.loadErr = errors.New("read the import's progress: permission denied")
	var warned []string
	warn := func(err error) { warned = append(warned, err.Error()) }
	rep, err := importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale, Warn: warn})
	if err != nil || rep.Run != 0 || len(f.writes) != 1 {
		t.Fatalf("run %d, written %v: %v", rep.Run, f.writes, err)
	}
	if strings.Join(warned, "|") != "the report covers this run only: read the import's progress: permission denied" {
		t.Errorf("warned %q", warned)
	}

	f = newFakeStore()
	warned = nil
	rep, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale, Warn: warn})
	if err != nil || rep.Run != 1 || len(warned) != 0 {
		t.Fatalf("run %d, warned %q: %v", rep.Run, warned, err)
	}
	f.saveErr = errors.New("record the import's progress: sealed")
	csv += "acme-us,b,b,pb,\n"
	_, err = importrun.Run(ctx, f.deps(), plan(t, f, csv, importer.Skip), importrun.Options{Stale: errStale, Warn: warn})
	if err != nil || strings.Join(warned, "|") != "the report covers this run only: record the import's progress: sealed" {
		t.Errorf("warned %q: %v", warned, err)
	}
}

// The progress could be read and started, but this run's outcome could
// not be recorded: the next run's report will not cover it.
func TestRunProgressNotRecorded(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	var warned []string
	p := &failingSave{fakeStore: f, after: 1}
	d := importrun.Deps{Store: f, Mirrors: f, Progress: p}
	rep, err := importrun.Run(ctx, d, plan(t, f, header+"acme-us,a,a,pa,\n", importer.Skip),
		importrun.Options{Stale: errStale, Warn: func(err error) { warned = append(warned, err.Error()) }})
	if err != nil || rep.Run != 1 {
		t.Fatalf("run %d: %v", rep.Run, err)
	}
	if strings.Join(warned, "|") != "the next run's report will not cover this one: record the import's progress: sealed" {
		t.Errorf("warned %q", warned)
	}
}

// failingSave saves the progress after times, then fails.
type failingSave struct {
	*fakeStore
	after int
}

func (s *failingSave) SaveProgress(ctx context.Context, p *importer.Progress) error {
	if s.after == 0 {
		return errors.New("record the import's progress: sealed")
	}
	s.after--
	return s.fakeStore.SaveProgress(ctx, p)
}

package importer_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/importer"
)

// The progress of one import is named by its addresses, in any order.
func TestProgressID(t *testing.T) {
	a := importer.ProgressID([]string{"acme-us/a", "acme-us/b"})
	if b := importer.ProgressID([]string{"acme-us/b", "acme-us/a"}); a != b || len(a) != 24 {
		t.Errorf("%q, %q", a, b)
	}
	if c := importer.ProgressID([]string{"acme-us/a"}); c == a {
		t.Errorf("another import has the same ID %q", c)
	}
	if p := importer.NewProgress([]string{"acme-us/b", "acme-us/a"}); p.ID != a || p.Run != 1 || p.Version != 0 || len(p.Done) != 0 {
		t.Errorf("%+v", p)
	}
}

// A run starts what no earlier run finished, records what it did, and
// tells what earlier runs did.
func TestProgressRuns(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	p := importer.NewProgress([]string{"s/a", "s/b", "s/c"})
	p.Start([]string{"s/a", "s/b", "s/c"}, at)
	p.Record("s/a", importer.OutcomeAdded, at)
	if _, ok := p.Earlier("s/a"); ok {
		t.Error("this run's write is an earlier run's")
	}
	if d := p.Done["s/b"]; d.Outcome != importer.OutcomeStarted || d.Run != 1 || d.At.Location() != time.UTC {
		t.Errorf("%+v", d)
	}

	// run 2: a is run 1's; b, started by run 1, is started again
	p.Run = 2
	p.Start([]string{"s/a", "s/b"}, at)
	if d, ok := p.Earlier("s/a"); !ok || d.Outcome != importer.OutcomeAdded || d.Run != 1 {
		t.Errorf("a: %+v %v", d, ok)
	}
	if d, ok := p.Earlier("s/b"); ok || d.Run != 2 {
		t.Errorf("b: %+v %v", d, ok)
	}
	if d, ok := p.Earlier("s/c"); !ok || d.Outcome != importer.OutcomeStarted || d.Run != 1 {
		t.Errorf("c: %+v %v", d, ok)
	}

	// what the store keeps of it
	raw, err := json.Marshal(p.Done["s/a"])
	if err != nil || string(raw) != `{"outcome":"added","run":1,"at":"2024-05-01T10:00:00Z"}` {
		t.Errorf("%s %v", raw, err)
	}
}

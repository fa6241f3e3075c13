package importer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

func inventory(stores []string, creds map[string]CredState) Inventory {
	inv := Inventory{Stores: map[string]bool{}, Creds: creds}
	for _, s := range stores {
		inv.Stores[s] = true
	}
	return inv
}

func TestImportPlan(t *testing.T) {
	data := "store,name,login,password,totp\n" +
		"acme-us,new,u,p1,\n" + // 2: add
		"acme-us,old,u,p2,\n" + // 3: exists
		"acme-us,gone,u,p3,\n" + // 4: deleted
		"acme-xx,lost,u,p4,\n" + // 5: no such store
		"acme-us,New,u,p5,\n" + // 6: repeats row 2 once mapped
		"acme-us,seeded,u,p6,SEED\n" + // 7: add, seed left out
		"acme-us,Bad Name!,u,p7,\n" // 8: invalid
	res, err := Parse(CSV, []byte(data), opts(""))
	if err != nil {
		t.Fatal(err)
	}
	inv := inventory([]string{"acme-us"}, map[string]CredState{"acme-us/old": Live, "acme-us/gone": Deleted})
	type line struct {
		where   string
		action  Action
		address string
		reason  string
	}
	check := func(p *Plan, want []line) {
		t.Helper()
		if len(p.Items) != len(want) {
			t.Fatalf("%d items, want %d: %+v", len(p.Items), len(want), p.Items)
		}
		for i, w := range want {
			it := p.Items[i]
			if it.Where() != w.where || it.Action != w.action || it.Address != w.address || !strings.Contains(it.Reason, w.reason) {
				t.Errorf("item %d = %s %s %s %q, want %s %s %s …%s…", i, it.Where(), it.Action, it.Address, it.Reason, w.where, w.action, w.address, w.reason)
			}
			if (it.Action == ActionAdd || it.Action == ActionUpdate) != (it.Row != nil) {
				t.Errorf("item %d: row %v", i, it.Row)
			}
		}
	}
	p := NewPlan(res, inv, Skip)
	check(p, []line{
		{"row 2", ActionAdd, "acme-us/new", ""},
		{"row 3", ActionSkip, "acme-us/old", "exists (--on-duplicate update would update it)"},
		{"row 4", ActionSkip, "acme-us/gone", "a deleted credential has this name (`sellervault cred undelete acme-us/gone` brings it back)"},
		{"row 5", ActionError, "acme-xx/lost", "no store acme-xx: add it first with `sellervault store add acme-xx --marketplace M --region R`"},
		{"row 6", ActionError, "acme-us/new", "the same credential as row 2: keep one of them"},
		{"row 7", ActionAdd, "acme-us/seeded", "its TOTP seed was not imported: enrol it with `sellervault totp add acme-us/seeded`"},
		{"row 8", ActionError, "", "column name: has '!'"},
	})
	if p.Valid() || p.Counts[ActionAdd] != 2 || p.Counts[ActionSkip] != 2 || p.Counts[ActionError] != 3 || len(p.TOTP) != 1 {
		t.Errorf("counts %v totp %v", p.Counts, p.TOTP)
	}
	if err := p.Err("row"); err == nil || err.Error() != "3 of 7 rows have errors (listed above); nothing was imported: fix them and run the same command again" || !errors.Is(err, inputerr.ErrInvalid) {
		t.Errorf("%v", err)
	}
	p = NewPlan(res, inv, Update)
	if it := p.Items[1]; it.Action != ActionUpdate || it.Reason != "exists: the file's fields replace its own" {
		t.Errorf("%+v", it)
	}
	if it := p.Items[2]; it.Action != ActionError || !strings.Contains(it.Reason, "bring it back with `sellervault cred undelete acme-us/gone` first, or rename the row") {
		t.Errorf("%+v", it)
	}
	// a valid plan
	res, _ = Parse(CSV, []byte("store,name,login,password\nacme-us,a,u,p\n"), opts(""))
	if p := NewPlan(res, inv, Skip); !p.Valid() || p.Err("row") != nil {
		t.Errorf("%+v", p)
	}
	if got := res.Stores(); len(got) != 1 || got[0] != "acme-us" {
		t.Errorf("%v", got)
	}
	if got := res.Names("acme-us"); len(got) != 1 || got[0] != "a" {
		t.Errorf("%v", got)
	}
}

func TestImportCredentialAndMerge(t *testing.T) {
	row := Row{Store: "acme-us", Name: "x", Login: "new@acme.example", Password: "new-pw", URL: "https://x.example",
		Assignees: []string{"olga"}, RotateEvery: 30 * 24 * time.Hour}
	c := row.Credential(testNow)
	if c.Address() != "acme-us/x" || c.Password != "new-pw" || !c.Rotation.LastRotated.Equal(testNow) || c.Rotation.Every != row.RotateEvery {
		t.Errorf("%+v", c)
	}
	long := testNow.Add(-400 * 24 * time.Hour)
	cur := records.Credential{Store: "acme-us", Name: "x", Login: "old@acme.example", Password: "old-pw", Owner: "maria",
		Notes: "kept", TOTPKey: "acme-us.x", Rotation: records.Rotation{LastRotated: long, DueSince: long.Add(time.Hour)}}
	next, changed, err := row.Merge(cur, testNow)
	if err != nil || !changed || next.Login != "new@acme.example" || next.Password != "new-pw" || next.Owner != "maria" ||
		next.Notes != "kept" || next.TOTPKey != "acme-us.x" || strings.Join(next.Assignees, ",") != "olga" ||
		!next.Rotation.LastRotated.Equal(testNow) || !next.Rotation.DueSince.IsZero() {
		t.Errorf("%v %v %+v", err, changed, next)
	}
	// the same again: nothing changes
	if _, changed, err := row.Merge(next, testNow); err != nil || changed {
		t.Errorf("second merge: %v %v", changed, err)
	}
	// a password older than a "due" marking leaves the marking
	old := row
	old.LastRotated = long
	next, _, _ = old.Merge(cur, testNow)
	if next.Rotation.DueSince.IsZero() || !next.Rotation.LastRotated.Equal(long) {
		t.Errorf("%+v", next.Rotation)
	}
	// a rotation under way keeps its password
	cur.Pending = "pending-pw"
	if _, _, err := row.Merge(cur, testNow); !errors.Is(err, ErrPending) {
		t.Errorf("%v", err)
	}
	same := row
	same.Password = cur.Password
	if _, _, err := same.Merge(cur, testNow); err != nil {
		t.Errorf("%v", err)
	}
}

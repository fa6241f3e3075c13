package backuprun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
)

// restoreFake restores doc into the fresh team dst.
func restoreFake(dst *fakeStore, doc *backup.Document, opts backuprun.RestoreOptions) (*backuprun.RestoreReport, error) {
	return backuprun.Restore(context.Background(), dst.deps(), doc, opts)
}

// signedTarget is an initialised team "acme2" in which the signed
// request's signature checks.
func signedTarget() *fakeStore {
	f := initialised("acme2")
	f.signed[changeSigned] = true
	return f
}

// The restore's writes: the settings over init's, the stores, then the
// rest in path order, each record's data then its metadata; what it
// changes on purpose, and its report.
func TestRestoreWrites(t *testing.T) {
	doc, _, _ := fakeDump(t)
	dst := signedTarget()
	rep, err := restoreFake(dst, doc, backuprun.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Written) != len(doc.Records) || rep.Planned != len(doc.Records) || rep.Team != "acme" || rep.Mount != "acme2" {
		t.Fatalf("report %+v", rep)
	}
	wantOrder := []string{backup.SettingsPath, "stores/acme-us"}
	if !reflect.DeepEqual(rep.Written[:2], wantOrder) {
		t.Errorf("written first: %v, want %v", rep.Written[:2], wantOrder)
	}
	for i := 3; i < len(rep.Written); i++ {
		if rep.Written[i-1] >= rep.Written[i] {
			t.Errorf("written out of path order: %s before %s", rep.Written[i-1], rep.Written[i])
		}
	}
	// Data, then metadata where there is any; the settings are written
	// over init's version.
	if dst.log[0] != "data acme2/_meta/settings" || dst.mounts[backup.RecordsMount][backup.SettingsPath].version != 2 {
		t.Errorf("first write %q", dst.log[0])
	}
	if i := indexOf(dst.log, "data acme2/stores/acme-us"); i < 0 || dst.log[i+1] != "meta acme2/stores/acme-us" {
		t.Errorf("the store's writes: %v", dst.log)
	}
	if !reflect.DeepEqual(dst.ensured, []string{"acme-us"}) || !reflect.DeepEqual(rep.StoreAccess, []string{"acme-us"}) {
		t.Errorf("store access ensured for %v, reported %v", dst.ensured, rep.StoreAccess)
	}

	rec := func(m backup.Mount, path string) *fakeRecord {
		t.Helper()
		r := dst.mounts[m][path]
		if r == nil {
			t.Fatalf("%s was not restored", path)
		}
		return r
	}
	// The TOTP key is not in this team: the link is cleared, and marked.
	sc := rec(backup.RecordsMount, "stores/acme-us/creds/seller-central")
	if _, ok := sc.data[backup.TOTPField]; ok || sc.meta[backuprun.TOTPReenrolKey] != "required" || sc.meta[backup.TOTPField] != "" || sc.data["password"] != "CANARY-pw-sc" {
		t.Errorf("credential with a missing key: data keys %v, metadata %v", backupKeys(sc.data), sc.meta)
	}
	if !reflect.DeepEqual(rep.TOTPReenrol, []string{sellerCentral}) || len(rep.TOTPKept)+len(rep.TOTPRecovered) != 0 {
		t.Errorf("re-enrol %v, kept %v, recovered %v", rep.TOTPReenrol, rep.TOTPKept, rep.TOTPRecovered)
	}
	// The mirror's stamp names the version this Vault gave.
	if sc.meta[records.MirrorsKey] != "1" || sc.meta["rekeyed"] != "yes" {
		t.Errorf("credential metadata %v", sc.meta)
	}
	// Mailboxes and phones go under their IDs in this team.
	if _, ok := dst.mounts[backup.RecordsMount]["contacts/email/km1"]; !ok || indexOf(rep.Written, "contacts/email/km1") < 0 || indexOf(rep.Written, "contacts/email/m1") >= 0 {
		t.Errorf("mailbox: written %v", rep.Written)
	}
	if _, ok := dst.mounts[backup.RecordsMount]["contacts/phone/kp1"]; !ok {
		t.Error("the phone is not under its new ID")
	}
	// Active staff must be onboarded again; an offboarded record stays.
	olga, tom := rec(backup.RecordsMount, "staff/olga"), rec(backup.RecordsMount, "staff/tom")
	if olga.data["status"] != backuprun.StatusNotOnboarded || olga.meta["status"] != backuprun.StatusNotOnboarded || tom.data["status"] != "offboarded" {
		t.Errorf("staff: olga %v/%v, tom %v", olga.data["status"], olga.meta["status"], tom.data["status"])
	}
	var onboard []string
	for _, p := range rep.Onboard {
		onboard = append(onboard, p.Name)
	}
	if !reflect.DeepEqual(onboard, []string{"farid", "maria", "nina", "olga"}) {
		t.Errorf("onboard %v", onboard)
	}
	// Requests and verifications keep their times beside the restored
	// version 1; the decision keeps its metadata as it was.
	for path, at := range map[string]string{"payout/" + changeSigned: "2025-06-02T09:00:00Z", "payout/" + changeDecided: "2025-06-01T09:00:00.25Z"} {
		if m := rec(backup.ProposalsMount, path).meta; m[records.OriginalVersionKey] != "1" || m[records.OriginalTimeKey] != at {
			t.Errorf("%s: metadata %v", path, m)
		}
	}
	if m := rec(backup.VerificationsMount, "payout/acme-us").meta; m[records.OriginalTimeKey] != "2024-03-01T10:00:00Z" || m["other"] != "kept" {
		t.Errorf("verification metadata %v", m)
	}
	if m := rec(backup.RecordsMount, backup.DecisionsDir+changeDecided).meta; m[records.OriginalTimeKey] != "2024-02-01T00:00:00Z" {
		t.Errorf("decision metadata %v", m)
	}
	// Pending changes: the decided one is not; the unsigned one cannot be
	// approved here.
	if !reflect.DeepEqual(rep.PendingPayout, []string{changeSigned, changeUnsigned}) || !reflect.DeepEqual(rep.ProposeAgain, []string{changeUnsigned}) {
		t.Errorf("pending %v, propose again %v", rep.PendingPayout, rep.ProposeAgain)
	}
	if !reflect.DeepEqual(rep.Verified, []string{"acme-de", "acme-us"}) {
		t.Errorf("verified %v", rep.Verified)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	noCanary(t, string(b))
}

// A restore that fails at its Nth write reports exactly the records it
// wrote before, in order, and the record whose data but not metadata it
// wrote; the mounts hold exactly those. The writes include a seed
// imported from its escrow copy.
func TestRestoreReportsPartialWrites(t *testing.T) {
	doc, _, id := fakeDump(t)
	opts := backuprun.RestoreOptions{Recovery: []age.Identity{id}}
	full := signedTarget()
	all, err := restoreFake(full, doc, opts)
	if err != nil {
		t.Fatal(err)
	}
	if indexOf(full.log, "import acme-us.seller-central") < 0 || full.writes < len(doc.Records)+5 {
		t.Fatalf("the restore made %d writes: %v", full.writes, full.log)
	}
	dataOnly, importFailed := 0, false
	for n := 1; n <= full.writes; n++ {
		dst := signedTarget()
		dst.failAt = n
		rep, err := restoreFake(dst, doc, opts)
		var partial *backuprun.PartialRestoreError
		if !errors.As(err, &partial) {
			t.Fatalf("fault at write %d: %v is not a PartialRestoreError", n, err)
		}
		k := len(partial.Written)
		if !reflect.DeepEqual(partial.Written, all.Written[:k]) || partial.Failed != all.Written[k] || !reflect.DeepEqual(rep.Written, partial.Written) {
			t.Fatalf("fault at write %d: written %v, failed at %s; a full restore writes %v", n, partial.Written, partial.Failed, all.Written)
		}
		// The mounts hold what was reported (init's settings written over
		// are not a record of their own).
		var reported []string
		for _, p := range append(append([]string{}, partial.Written...), partial.DataOnly) {
			if p != "" && p != backup.SettingsPath {
				m, path := backup.Place(p)
				reported = append(reported, dst.name(m, path))
			}
		}
		sort.Strings(reported)
		if got := dst.recordPaths(); strings.Join(got, " ") != strings.Join(reported, " ") {
			t.Fatalf("fault at write %d: reported %v (data only %q), mounts hold %v", n, partial.Written, partial.DataOnly, got)
		}
		if partial.DataOnly != "" {
			dataOnly++
			if partial.DataOnly != partial.Failed {
				t.Fatalf("fault at write %d: data only %s, failed at %s", n, partial.DataOnly, partial.Failed)
			}
			m, path := backup.Place(partial.DataOnly)
			if len(dst.mounts[m][path].meta) != 0 {
				t.Fatalf("fault at write %d: %s has metadata, yet is reported data-only", n, partial.DataOnly)
			}
		}
		if partial.Failed == "stores/acme-us/creds/seller-central" && partial.DataOnly == "" {
			if _, ok := dst.keys["acme-us.seller-central"]; !ok {
				importFailed = true
			}
		}
		msg := err.Error()
		if !strings.Contains(msg, "injected fault") || !strings.Contains(msg, fmt.Sprintf("restore stopped at %s after writing %d records", partial.Failed, k)) {
			t.Fatalf("fault at write %d: %v", n, err)
		}
		noCanary(t, msg)
	}
	if dataOnly == 0 || !importFailed {
		t.Errorf("no fault fell on a metadata write (%d) or on the seed's import (%v)", dataOnly, importFailed)
	}
}

// A team whose mounts hold any record, live, deleted or metadata only,
// is refused before anything is written, naming what each mount holds.
func TestRestoreRefusesANonEmptyTeam(t *testing.T) {
	doc, _, id := fakeDump(t)
	for _, tt := range []struct {
		name string
		fill func(f *fakeStore)
		want string
	}{
		{"a deleted request", func(f *fakeStore) { f.put(backup.ProposalsMount, "payout/acme-us/1", nil, nil).deleted = true },
			"acme2-proposals holds 1 record (payout/acme-us/1)"},
		{"a verification with metadata only", func(f *fakeStore) { f.put(backup.VerificationsMount, "payout/acme-us", nil, nil).version = 0 },
			"acme2-verifications holds 1 record (payout/acme-us)"},
		{"seven records", func(f *fakeStore) {
			for i := 1; i <= 7; i++ {
				f.put(backup.RecordsMount, fmt.Sprintf("stores/s%d", i), map[string]interface{}{}, nil)
			}
		}, "acme2 holds 7 records (stores/s1, stores/s2, stores/s3, stores/s4, stores/s5 and 2 more)"},
	} {
		for _, dry := range []bool{false, true} {
			dst := signedTarget()
			tt.fill(dst)
			before := dst.recordPaths()
			_, err := restoreFake(dst, doc, backuprun.RestoreOptions{DryRun: dry, Recovery: []age.Identity{id}})
			if !errors.Is(err, backuprun.ErrNotEmpty) || !errors.Is(err, failure.ErrConflict) || !strings.Contains(err.Error(), tt.want) || !strings.HasSuffix(err.Error(), "; nothing was written") {
				t.Errorf("%s (dry run %v): %v", tt.name, dry, err)
			}
			if dst.writes != 0 || len(dst.ensured) != 0 || !reflect.DeepEqual(dst.recordPaths(), before) {
				t.Errorf("%s: a refused restore wrote %v, ensured %v", tt.name, dst.log, dst.ensured)
			}
		}
	}
	// init's own records are no obstacle.
	if _, err := restoreFake(signedTarget(), doc, backuprun.RestoreOptions{DryRun: true}); err != nil {
		t.Errorf("an initialised team: %v", err)
	}
}

// A dry run checks and plans everything, and writes nothing.
func TestRestoreDryRun(t *testing.T) {
	doc, _, _ := fakeDump(t)
	dst := signedTarget()
	rep, err := restoreFake(dst, doc, backuprun.RestoreOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.DryRun || rep.Planned != len(doc.Records) || len(rep.Written) != 0 || dst.writes != 0 || len(dst.ensured) != 0 {
		t.Errorf("dry run: planned %d, written %v, writes %d, ensured %v", rep.Planned, rep.Written, dst.writes, dst.ensured)
	}
	if !reflect.DeepEqual(rep.TOTPReenrol, []string{sellerCentral}) || !reflect.DeepEqual(rep.ProposeAgain, []string{changeUnsigned}) {
		t.Errorf("dry run report: re-enrol %v, propose again %v", rep.TOTPReenrol, rep.ProposeAgain)
	}
}

// Seeds: a key in this team keeps its link; an escrowed seed comes back
// with the recovery identity, imported just before its credential; the
// wrong identity stops the restore before any write, and names no seed.
func TestRestoreTOTPEscrow(t *testing.T) {
	doc, _, id := fakeDump(t)

	dst := signedTarget()
	rep, err := restoreFake(dst, doc, backuprun.RestoreOptions{Recovery: []age.Identity{id}})
	if err != nil {
		t.Fatal(err)
	}
	i := indexOf(dst.log, "import acme-us.seller-central")
	if i < 0 || dst.log[i+1] != "data acme2/stores/acme-us/creds/seller-central" {
		t.Errorf("the seed is not imported just before its credential: %v", dst.log)
	}
	if got := dst.keys["acme-us.seller-central"]; got != fakeSeed {
		t.Error("the imported seed is not the escrowed one")
	}
	sc := dst.mounts[backup.RecordsMount]["stores/acme-us/creds/seller-central"]
	if sc.data[backup.TOTPField] != "acme-us.seller-central" || sc.meta[backuprun.TOTPReenrolKey] != "" {
		t.Errorf("a recovered key's credential: data keys %v, metadata %v", backupKeys(sc.data), sc.meta)
	}
	if !reflect.DeepEqual(rep.TOTPRecovered, []string{sellerCentral}) || len(rep.TOTPReenrol) != 0 {
		t.Errorf("recovered %v, re-enrol %v", rep.TOTPRecovered, rep.TOTPReenrol)
	}

	// The key is here already: kept, nothing imported.
	dst = signedTarget()
	dst.keys["acme-us.seller-central"] = fakeSeed
	rep, err = restoreFake(dst, doc, backuprun.RestoreOptions{Recovery: []age.Identity{id}})
	if err != nil || !reflect.DeepEqual(rep.TOTPKept, []string{sellerCentral}) || indexOf(dst.log, "import acme-us.seller-central") >= 0 {
		t.Errorf("kept %v, log %v: %v", rep.TOTPKept, dst.log, err)
	}

	// The wrong off-line key.
	dst = signedTarget()
	_, err = restoreFake(dst, doc, backuprun.RestoreOptions{Recovery: []age.Identity{backupIdentity(t)}})
	if err == nil || !strings.Contains(err.Error(), "escrow copy of the seed of acme-us/seller-central (nothing was written)") || dst.writes != 0 || len(dst.ensured) != 0 {
		t.Errorf("wrong recovery identity: %v, writes %v", err, dst.log)
	}
	if err != nil {
		noCanary(t, err.Error())
	}
}

// Checks that fail before the first write leave the team as it was: a
// failed signature check, a failed rekey (naming the kind, not the
// record: its path in a backup may hold the value), store access.
func TestRestoreChecksBeforeWriting(t *testing.T) {
	doc, _, _ := fakeDump(t)
	fault := &failure.Error{Kind: failure.ErrUnreachable, Op: "check", Path: "x"}
	denied := &failure.Error{Kind: failure.ErrDenied, Op: "verify", Path: "transit/verify/k"}

	dst := signedTarget()
	dst.signErr = denied
	rep, err := restoreFake(dst, doc, backuprun.RestoreOptions{})
	if err != nil || !reflect.DeepEqual(rep.ProposeAgain, []string{changeSigned, changeUnsigned}) {
		t.Errorf("a check this caller may not make: propose again %v, %v", rep.ProposeAgain, err)
	}
	for _, tt := range []struct {
		name string
		set  func(f *fakeStore)
		want string
	}{
		{"signature", func(f *fakeStore) { f.signErr = fault }, "check the signature of payout change " + changeSigned + " (nothing was written)"},
		{"rekey", func(f *fakeStore) { f.rekeyErr = fault }, "a mailbox record (nothing was written)"},
		{"store access", func(f *fakeStore) { f.ensureErr = fault }, "store access for acme-us (no record written yet)"},
		{"totp key", func(f *fakeStore) { f.keyErr = fault }, "check the totp key of acme-us/seller-central (nothing was written)"},
	} {
		dst := signedTarget()
		tt.set(dst)
		_, err := restoreFake(dst, doc, backuprun.RestoreOptions{})
		var partial *backuprun.PartialRestoreError
		if err == nil || !errors.Is(err, failure.ErrUnreachable) || errors.As(err, &partial) || !strings.Contains(err.Error(), tt.want) || dst.writes != 0 {
			t.Errorf("%s: %v, writes %v", tt.name, err, dst.log)
			continue
		}
		if strings.Contains(err.Error(), "contacts/") {
			t.Errorf("%s: the error names a contact's path: %v", tt.name, err)
		}
	}
}

// A document that does not validate, or a team not initialised, is
// refused before the team is looked at any further.
func TestRestoreRefusesBeforeLooking(t *testing.T) {
	doc, _, _ := fakeDump(t)
	bad := *doc
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "stores/../sys", Data: map[string]interface{}{}})
	dst := signedTarget()
	if _, err := restoreFake(dst, &bad, backuprun.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) || dst.asked != 0 {
		t.Errorf("invalid document: %v, after %d requests", err, dst.asked)
	}
	dst.initErr = errors.New("not initialised")
	if _, err := restoreFake(dst, doc, backuprun.RestoreOptions{}); err != dst.initErr || dst.asked != 1 || dst.writes != 0 {
		t.Errorf("not initialised: %v, after %d requests", err, dst.asked)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

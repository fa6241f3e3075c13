package backuprun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
)

// A dump holds every live record of the three mounts, and leaves out,
// and says so, what a restore must not write.
func TestDumpLeavesOut(t *testing.T) {
	f, _ := fakeTeam(t)
	doc, rep, err := backuprun.Dump(context.Background(), f.deps(), backuprun.DumpOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range doc.Records {
		paths = append(paths, r.Path)
	}
	want := []string{
		backup.SettingsPath,
		"contacts/email/m1",
		"contacts/phone/p1",
		backup.DecisionsDir + changeDecided,
		"escrow/totp/" + sellerCentral,
		backup.RequestsDir + changeDecided,
		backup.RequestsDir + changeSigned,
		backup.RequestsDir + changeUnsigned,
		"staff/olga",
		"staff/tom",
		"stores/acme-us",
		"stores/acme-us/creds/ads",
		"stores/acme-us/creds/seller-central",
		"stores/acme-us/payout",
		backup.VerificationsDir + "acme-de",
		backup.VerificationsDir + "acme-us",
	}
	if !reflect.DeepEqual(paths, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	if !reflect.DeepEqual(rep.Deleted, []string{"stores/acme-us/creds/gone"}) || doc.DeletedSkipped != 1 {
		t.Errorf("deleted %v (%d)", rep.Deleted, doc.DeletedSkipped)
	}
	if !reflect.DeepEqual(rep.MetadataOnly, []string{"stores/acme-us/creds/bare"}) {
		t.Errorf("metadata only %v", rep.MetadataOnly)
	}
	// Unknown: outside the folders (records mount, then the proposals
	// mount, named with it), then a live record at a schema 1 place.
	if want := []string{"exports/by-hand", "acme-proposals/other/by-hand", "verifications/payout/acme-us"}; !reflect.DeepEqual(rep.Unknown, want) {
		t.Errorf("unknown %v, want %v", rep.Unknown, want)
	}
	if rep.Moved != 2 || rep.IndexEntries != 2 || rep.Notes != 3 {
		t.Errorf("moved %d, index entries %d, notes %d", rep.Moved, rep.IndexEntries, rep.Notes)
	}
	if err := doc.Validate(); err != nil || doc.Team != "acme" || doc.SellervaultVersion != "test" {
		t.Errorf("document of team %s, version %s: %v", doc.Team, doc.SellervaultVersion, err)
	}
}

// A request or verification carries the time of its current version: the
// original time while init's mirror names that version, else Vault's; the
// mirror's keys are left out of it, and kept on any other record.
func TestDumpVersionTimes(t *testing.T) {
	doc, _, _ := fakeDump(t)
	byPath := map[string]backup.Record{}
	for _, r := range doc.Records {
		byPath[r.Path] = r
	}
	for path, want := range map[string]string{
		backup.VerificationsDir + "acme-us":   "2024-03-01T10:00:00Z",
		backup.VerificationsDir + "acme-de":   "2025-05-05T05:05:05Z",
		backup.RequestsDir + changeDecided:    "2025-06-01T09:00:00.25Z",
		backup.RequestsDir + changeUnsigned:   "2025-06-03T09:00:00Z",
		backup.DecisionsDir + changeDecided:   "",
		"stores/acme-us/creds/seller-central": "",
	} {
		r := byPath[path]
		if r.VersionTime != want {
			t.Errorf("%s: version time %q, want %q", path, r.VersionTime, want)
		}
		_, mirrored := r.CustomMetadata[records.OriginalVersionKey]
		_, timed := r.CustomMetadata[records.OriginalTimeKey]
		if keep := backup.Kind(path) == "payout-decision"; mirrored != keep || timed != keep {
			t.Errorf("%s: custom metadata %v", path, r.CustomMetadata)
		}
	}
	if got := byPath[backup.VerificationsDir+"acme-us"].CustomMetadata["other"]; got != "kept" {
		t.Errorf("another key of a verification's metadata: %q", got)
	}
	// Numbers are kept as a restore reads them.
	if n, ok := byPath["stores/acme-us/creds/seller-central"].Data[backup.TOTPPeriodField].(json.Number); !ok || n != "30" {
		t.Errorf("totp_period is %T", byPath["stores/acme-us/creds/seller-central"].Data[backup.TOTPPeriodField])
	}
}

// A request or verification without a time is an error, naming the
// record but nothing of its value.
func TestDumpRefusesARequestWithoutATime(t *testing.T) {
	f, _ := fakeTeam(t)
	f.mounts[backup.ProposalsMount]["payout/"+changeSigned].created = ""
	_, _, err := backuprun.Dump(context.Background(), f.deps(), backuprun.DumpOptions{})
	if err == nil || !strings.Contains(err.Error(), backup.RequestsDir+changeSigned+": Vault gave no time") {
		t.Fatalf("got %v", err)
	}
	noCanary(t, err.Error())
}

// The TOTP keys the credentials link to, with their issuer and account,
// and the team's people: staff records first, then the role groups'
// members without one, with their store groups.
func TestDumpKeysAndPeople(t *testing.T) {
	f, _ := fakeTeam(t)
	doc, rep, err := backuprun.Dump(context.Background(), f.deps(), backuprun.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []backup.TOTPKey{{Credential: sellerCentral, Issuer: "Amazon", Account: "ops"}}; !reflect.DeepEqual(doc.TOTPReenrol, want) {
		t.Errorf("totp keys %+v", doc.TOTPReenrol)
	}
	var people []string
	for _, p := range doc.Staff {
		people = append(people, fmt.Sprintf("%s:%s:%s:%s:%v", p.Name, p.Role, strings.Join(p.Stores, ","), p.Status, p.StaffRecord))
	}
	want := []string{"farid:finance::active:false", "maria:manager::active:false", "nina:ops:acme-us:active:false",
		"olga:ops:acme-us:active:true", "tom:ops::offboarded:true"}
	if !reflect.DeepEqual(people, want) {
		t.Errorf("people %v\nwant %v", people, want)
	}
	if !reflect.DeepEqual(rep.Unlisted, []string{"Not A Name"}) {
		t.Errorf("unlisted %v", rep.Unlisted)
	}

	// A key gone from the engine is still listed, without its details.
	delete(f.keys, "acme-us.seller-central")
	doc, _, err = backuprun.Dump(context.Background(), f.deps(), backuprun.DumpOptions{})
	if err != nil || !reflect.DeepEqual(doc.TOTPReenrol, []backup.TOTPKey{{Credential: sellerCentral}}) {
		t.Errorf("totp keys without the key: %+v, %v", doc.TOTPReenrol, err)
	}
}

// A caller who may not list the reminder notes still backs up; any other
// failure stops the backup, as does a team that is not initialised.
func TestDumpFailures(t *testing.T) {
	ctx := context.Background()
	f, _ := fakeTeam(t)
	f.notesErr = &failure.Error{Kind: failure.ErrDenied, Op: "list", Path: "acme-reminders"}
	if _, rep, err := backuprun.Dump(ctx, f.deps(), backuprun.DumpOptions{}); err != nil || rep.Notes != 0 {
		t.Errorf("notes denied: %v, %d counted", err, rep.Notes)
	}
	f.notesErr = &failure.Error{Kind: failure.ErrUnreachable, Op: "list", Path: "acme-reminders"}
	if _, _, err := backuprun.Dump(ctx, f.deps(), backuprun.DumpOptions{}); !errors.Is(err, failure.ErrUnreachable) {
		t.Errorf("notes unreachable: %v", err)
	}
	f.notesErr = nil
	f.readErr["stores/acme-us/creds/ads"] = &failure.Error{Kind: failure.ErrDenied, Op: "read", Path: "acme/stores/acme-us/creds/ads"}
	if _, _, err := backuprun.Dump(ctx, f.deps(), backuprun.DumpOptions{}); !errors.Is(err, failure.ErrDenied) {
		t.Errorf("a record that cannot be read: %v", err)
	}
	g := initialised("acme")
	g.initErr = errors.New("not initialised")
	if _, _, err := backuprun.Dump(ctx, g.deps(), backuprun.DumpOptions{}); err != g.initErr || g.asked != 1 {
		t.Errorf("not initialised: %v, after %d requests", err, g.asked)
	}
}

// noCanary fails when s holds a value of the fake team.
func noCanary(t *testing.T, s string) {
	t.Helper()
	for _, c := range fakeCanaries {
		if strings.Contains(s, c) {
			t.Errorf("a value of the team leaked: %q", s)
		}
	}
}

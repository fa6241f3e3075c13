package backuprun_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// TestBackupRestoreVersion1: a backup made before the schema 2 layout
// (version 1: decisions under proposals/payout-decisions/, no
// verifications) restores its decisions to decisions/payout/, where the
// payout commands read them, and its requests to the proposals mount.
func TestBackupRestoreVersion1(t *testing.T) {
	ctx := context.Background()
	r, c, l := backupDemoTeam(t)
	src := backupReadState(t, c, l)
	doc, _, err := backuprun.Dump(ctx, deps(r), backuprun.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The document as the previous release wrote it.
	old := *doc
	old.Version = backup.Version1
	old.Records = nil
	var decision string
	for _, rec := range doc.Records {
		switch backup.Kind(rec.Path) {
		case "payout-verification":
			continue
		case "payout-decision":
			decision = rec.Path
			rec.Path = backup.Version1DecisionsDir + backup.PayoutChange(rec.Path)
		}
		rec.VersionTime = ""
		old.Records = append(old.Records, rec)
	}
	if decision == "" {
		t.Fatal("the demo team has no decision")
	}
	b, err := backup.Marshal(&old)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"version": 1,`)) || !bytes.Contains(b, []byte(`"proposals/payout-decisions/acme-de/`)) {
		t.Fatal("not a version 1 document")
	}
	opened, err := backup.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}

	r2, _, l2 := vaulttest.Team(t, "bk")
	rep, err := backuprun.Restore(ctx, deps(r2), opened, backuprun.RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.PendingPayout) != 1 || !reflect.DeepEqual(rep.ProposeAgain, rep.PendingPayout) || len(rep.Verified) != 0 {
		t.Errorf("pending %v, propose again %v, verified %v", rep.PendingPayout, rep.ProposeAgain, rep.Verified)
	}
	if !slices.Contains(rep.Written, decision) || len(rep.Written) != len(old.Records) {
		t.Errorf("written %v", rep.Written)
	}
	dst := backupReadState(t, c, l2)
	if !reflect.DeepEqual(dst.data[decision], src.data[decision]) || !reflect.DeepEqual(dst.meta[decision], src.meta[decision]) {
		t.Errorf("%s: got %v, want %v", decision, backupKeys(dst.data[decision]), backupKeys(src.data[decision]))
	}
	for p := range dst.data {
		if strings.Contains(p, "payout-decisions") {
			t.Errorf("%s was restored at the schema 1 place", p)
		}
	}
	requests := 0
	for p, want := range src.data {
		if backup.Kind(p) != "payout-request" {
			continue
		}
		requests++
		if !reflect.DeepEqual(dst.data[p], want) {
			t.Errorf("%s: got %v, want %v", p, backupKeys(dst.data[p]), backupKeys(want))
		}
		// A version 1 backup has no request times: the restore dates them.
		if len(dst.meta[p]) != 0 {
			t.Errorf("%s: custom metadata %v", p, dst.meta[p])
		}
	}
	if requests != 2 {
		t.Errorf("%d requests in the source", requests)
	}
	qs, err := connect.PayoutChanges(r2).Requests(ctx, "acme-de")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]int{}
	for _, q := range qs {
		statuses[q.Status]++
	}
	if statuses[payoutchange.StatusApproved] != 1 || statuses[payoutchange.StatusPending] != 1 {
		t.Errorf("restored requests: %v", statuses)
	}
}

// TestBackupRestoreRefusals: an invalid document, a mount that is not
// empty (any of the three), a layout of an earlier release and a dry run
// write nothing.
func TestBackupRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	r, c, _ := newRepo(t)
	doc, _, err := backuprun.Dump(ctx, deps(r), backuprun.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r2, _, l2 := vaulttest.Team(t, "bk")
	empty := backupReadState(t, c, l2)

	bad := *doc
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "stores/../sys", Data: map[string]interface{}{}})
	if _, err := backuprun.Restore(ctx, deps(r2), &bad, backuprun.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) {
		t.Fatalf("invalid document: %v", err)
	}
	bad.Records = append(append([]backup.Record{}, doc.Records...), backup.Record{Path: "proposals/payout-decisions/acme-us/1", Data: map[string]interface{}{}})
	if _, err := backuprun.Restore(ctx, deps(r2), &bad, backuprun.RestoreOptions{}); !errors.Is(err, backup.ErrInvalid) || !strings.Contains(err.Error(), "version 1") {
		t.Fatalf("version 1 path in a version 2 document: %v", err)
	}
	rep, err := backuprun.Restore(ctx, deps(r2), doc, backuprun.RestoreOptions{DryRun: true})
	if err != nil || rep.Planned != len(doc.Records) || len(rep.Written) != 0 {
		t.Fatalf("dry run: %+v, %v", rep, err)
	}
	if !reflect.DeepEqual(backupReadState(t, c, l2), empty) {
		t.Fatal("a refused or dry-run restore changed the mount")
	}

	// One deleted record in the proposals, verifications or records mount
	// is enough to refuse (each case adds one to those before).
	for _, tt := range []struct{ mount, path, want string }{
		{l2.Proposals(), "payout/acme-us/1", l2.Proposals() + " holds 1 record (payout/acme-us/1)"},
		{l2.Verifications(), "payout/acme-us", l2.Verifications() + " holds 1 record (payout/acme-us)"},
		{l2.KV(), "stores/x", l2.KV() + " holds 1 record (stores/x)"},
	} {
		if _, err := c.KV().Put(ctx, tt.mount, tt.path, map[string]interface{}{"a": "b"}, 0); err != nil {
			t.Fatal(err)
		}
		if err := c.KV().Delete(ctx, tt.mount, tt.path); err != nil {
			t.Fatal(err)
		}
		if _, err := backuprun.Restore(ctx, deps(r2), doc, backuprun.RestoreOptions{DryRun: true}); !errors.Is(err, backuprun.ErrNotEmpty) || !strings.Contains(err.Error(), tt.want) {
			t.Fatalf("deleted record in %s: %v", tt.mount, err)
		}
	}

	// A team of the schema 1 layout: back it up and restore into it only
	// after `sellervault init` has moved its records.
	_, _, l3 := vaulttest.Team(t, "bk")
	marker, err := c.KV().Get(ctx, l3.KV(), vault.InitMarkerPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Put(ctx, l3.KV(), vault.InitMarkerPath, map[string]interface{}{"initialized_at": "2025-01-01T00:00:00Z"}, marker.Version); err != nil {
		t.Fatal(err)
	}
	r3 := repo.New(c, l3)
	if _, _, err := backuprun.Dump(ctx, deps(r3), backuprun.DumpOptions{}); !errors.Is(err, repo.ErrOldLayout) || !strings.Contains(err.Error(), "schema 1") {
		t.Fatalf("backup of a schema 1 team: %v", err)
	}
	if _, err := backuprun.Restore(ctx, deps(r3), doc, backuprun.RestoreOptions{}); !errors.Is(err, repo.ErrOldLayout) || !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("restore into a schema 1 team: %v", err)
	}
}

// TestBackupRestoreReportsPartialWrites fails the restore at each of its
// writes in turn, until one succeeds: the error names exactly the
// records that are in the mounts afterwards.
func TestBackupRestoreReportsPartialWrites(t *testing.T) {
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	r, _, _ := newRepo(t) // one store
	if err := r.Contacts().AddMailbox(ctx, records.Mailbox{Address: "ops@acme.example", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	doc, _, err := backuprun.Dump(ctx, deps(r), backuprun.DumpOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A decided request and a verification: records of the other mounts.
	doc.Records = append(doc.Records,
		backup.Record{Path: "proposals/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-request"}, VersionTime: "2025-06-01T09:00:00Z"},
		backup.Record{Path: "decisions/payout/acme-us/20250601-090000-abcdef", Data: map[string]interface{}{"kind": "payout-decision", "status": "rejected"}},
		backup.Record{Path: "verifications/payout/acme-us", Data: map[string]interface{}{"field": "iban"}, VersionTime: "2025-06-01T09:00:00Z"})
	doc.Normalize()
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, _ := devvault.Shared()
	// Writes: the mailbox's ID in this team (a Transit HMAC, 1), the
	// store's policy, redaction key and group (3), the settings (1), then
	// data and metadata of the store, the mailbox, the decision, the
	// request and the verification.
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	for k := int64(1); ; k++ {
		if k > 20 {
			t.Fatal("the restore fails at every write")
		}
		c := root
		_, _, l2 := vaulttest.Team(t, "bk")
		faults := vaulttest.FaultyVault(t, k)
		fc, err := vault.New(vault.Options{Address: faults.URL, Token: srv.RootToken})
		if err != nil {
			t.Fatal(err)
		}
		_, err = backuprun.Restore(ctx, deps(repo.New(fc, l2)), doc, backuprun.RestoreOptions{})
		state := backupReadState(t, c, l2)
		var inMounts []string
		for p := range state.data {
			if p != vault.InitMarkerPath && p != setup.SettingsPath {
				inMounts = append(inMounts, p)
			}
		}
		sort.Strings(inMounts)
		if err == nil {
			if faults.Failed() {
				t.Fatalf("fault at write %d: no error", k)
			}
			if len(inMounts) != len(doc.Records)-1 || k < 10 {
				t.Fatalf("restore without a fault after %d writes: mounts hold %v", k-1, inMounts)
			}
			break
		}
		var partial *backuprun.PartialRestoreError
		if !errors.As(err, &partial) {
			if k > 4 {
				t.Fatalf("fault at write %d (a record write): %v is not a PartialRestoreError", k, err)
			}
			if len(inMounts) != 0 {
				t.Fatalf("fault at write %d before any record: mounts hold %v", k, inMounts)
			}
			continue
		}
		var reported []string
		for _, p := range append(append([]string{}, partial.Written...), partial.DataOnly) {
			if p != "" && p != setup.SettingsPath {
				reported = append(reported, p)
			}
		}
		sort.Strings(reported)
		if !reflect.DeepEqual(reported, inMounts) {
			t.Fatalf("fault at write %d: reported %v (data only %q), mounts hold %v", k, partial.Written, partial.DataOnly, inMounts)
		}
		if partial.DataOnly != "" && len(state.meta[partial.DataOnly]) != 0 {
			t.Fatalf("fault at write %d: %s has metadata, yet is reported data-only", k, partial.DataOnly)
		}
		if !strings.Contains(err.Error(), "injected fault") || !strings.Contains(err.Error(), fmt.Sprintf("after writing %d records", len(partial.Written))) {
			t.Fatalf("fault at write %d: %v", k, err)
		}
	}
}

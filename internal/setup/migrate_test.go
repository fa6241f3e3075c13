package setup_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/faultproxy"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// legacyRecord is a record the schema-1 layout kept in the records mount,
// and where schema 2 keeps it.
type legacyRecord struct {
	from     string                    // path in the records mount
	mount    func(vault.Layout) string // new mount
	to       string                    // new path
	versions []map[string]interface{}  // written in order
	deleteV  int                       // a version soft-deleted before the upgrade (0: none)
	custom   map[string]string
	gone     bool // deleted before the upgrade: stays where it is
}

func legacyRecords() []legacyRecord {
	kv := func(l vault.Layout) string { return l.KV() }
	req := func(iban string) map[string]interface{} {
		return map[string]interface{}{"kind": "payout-request", "iban": iban, "requested_by": "userpass-fin", "diff": "iban: … → …"}
	}
	return []legacyRecord{
		{from: "proposals/payout/acme-us/20260101-000000-aaaaaa", mount: func(l vault.Layout) string { return l.Proposals() },
			to: "payout/acme-us/20260101-000000-aaaaaa", versions: []map[string]interface{}{req("DE89370400440532013000")}},
		{from: "proposals/payout/acme-de/20260102-000000-bbbbbb", mount: func(l vault.Layout) string { return l.Proposals() },
			to: "payout/acme-de/20260102-000000-bbbbbb", versions: []map[string]interface{}{req("DE02120300000000202051")}},
		{from: "proposals/payout/acme-de/20260103-000000-cccccc", mount: func(l vault.Layout) string { return l.Proposals() },
			to: "payout/acme-de/20260103-000000-cccccc", versions: []map[string]interface{}{req("DE02120300000000202051")}, gone: true},
		{from: "proposals/payout-decisions/acme-us/20260101-000000-aaaaaa", mount: kv,
			to: "decisions/payout/acme-us/20260101-000000-aaaaaa", versions: []map[string]interface{}{{"status": "approved", "decided_by": "userpass-mgr"}}},
		{from: "verifications/payout/acme-us", mount: func(l vault.Layout) string { return l.Verifications() }, to: "payout/acme-us",
			versions: []map[string]interface{}{{"field": "iban", "n": "1"}, {"field": "iban", "n": "2"}, {"field": "account", "n": "3"}},
			custom:   map[string]string{"verified_at": "2099-01-01T00:00:00Z"}},
		{from: "verifications/payout/acme-de", mount: func(l vault.Layout) string { return l.Verifications() }, to: "payout/acme-de",
			versions: []map[string]interface{}{{"field": "iban", "n": "1"}, {"field": "iban", "n": "2"}}, deleteV: 1},
	}
}

// legacyNotes are the reminder job's schema-1 notes (metadata only).
var legacyNotes = map[string]map[string]string{
	"slack/olga":          {"sent_at": "2026-11-01T00:00:00Z", "digest": "d1"},
	"email/_unassigned":   {"sent_at": "2026-11-02T00:00:00Z", "digest": "d2"},
	"webhook/maria.lopez": {"sent_at": "2026-11-03T00:00:00Z", "digest": "d3"},
}

// seedLegacy makes l a team as the schema-1 release left it: its records
// at the old paths, old policies, a login with Vault's default policy and
// a schema-1 marker. It returns the live versions' times of each record.
func seedLegacy(t *testing.T, c *vault.Client, srv *devvault.Server, l vault.Layout) map[string]string {
	t.Helper()
	ctx := context.Background()
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	raw := func(method, path string, body interface{}) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, srv.URL+"/v1/"+path, bytes.NewReader(b))
		req.Header.Set("X-Vault-Token", srv.RootToken)
		resp, err := httpClient(t, srv).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %s", method, path, resp.Status)
		}
	}
	// What schema 1 had: store policies with globs, roles' old rules, a
	// login whose tokens carry Vault's default policy, the old marker.
	for _, store := range []string{"acme-us", "acme-de"} {
		if _, err := c.KV().Put(ctx, l.KV(), "stores/"+store, map[string]interface{}{"name": store}, 0); err != nil {
			t.Fatal(err)
		}
		raw("PUT", "sys/policies/acl/"+l.StorePolicy(store), map[string]string{"policy": fmt.Sprintf(`path "%s/data/stores/%s/creds/*" { capabilities = ["read"] }`, l.KV(), store)})
	}
	raw("PUT", "sys/policies/acl/"+l.RolePolicy("staff"), map[string]string{"policy": fmt.Sprintf(`path "%s/data/_meta/*" { capabilities = ["read"] }`, l.KV())})
	if _, err := access.EnsurePerson(ctx, c, l, access.Person{Name: "legacy-" + l.Prefix, Role: "staff"}, "a-long-legacy-password", time.Now()); err != nil {
		t.Fatal(err)
	}
	raw("POST", "auth/userpass/users/legacy-"+l.Prefix, map[string]interface{}{"token_policies": "", "token_no_default_policy": false})
	marker, err := c.KV().Get(ctx, l.KV(), vault.InitMarkerPath)
	if err != nil {
		t.Fatal(err)
	}
	marker.Data["schema"] = 1
	if _, err := c.KV().Put(ctx, l.KV(), vault.InitMarkerPath, marker.Data, marker.Version); err != nil {
		t.Fatal(err)
	}
	times := map[string]string{}
	for _, rec := range legacyRecords() {
		for i, data := range rec.versions {
			if _, err := c.KV().Put(ctx, l.KV(), rec.from, data, i); err != nil {
				t.Fatal(err)
			}
		}
		if rec.custom != nil {
			if err := c.KV().SetCustomMetadata(ctx, l.KV(), rec.from, rec.custom); err != nil {
				t.Fatal(err)
			}
		}
		if rec.deleteV > 0 {
			raw("POST", l.KV()+"/delete/"+rec.from, map[string]interface{}{"versions": []int{rec.deleteV}})
		}
		if rec.gone {
			if err := c.KV().Delete(ctx, l.KV(), rec.from); err != nil {
				t.Fatal(err)
			}
		}
		meta, err := c.KV().Metadata(ctx, l.KV(), rec.from)
		if err != nil {
			t.Fatal(err)
		}
		times[rec.from] = meta.Versions[len(meta.Versions)-1].CreatedTime
	}
	for path, custom := range legacyNotes {
		if err := c.KV().SetCustomMetadata(ctx, l.KV(), "_meta/reminders/"+path, custom); err != nil {
			t.Fatal(err)
		}
	}
	return times
}

func httpClient(t *testing.T, srv *devvault.Server) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(srv.CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// checkMigrated asserts that nothing was lost: every live version of every
// record at its new place, in order, with the original time of the last
// one; the old records soft-deleted; the notes copied; the policies, the
// login and the marker up to date.
func checkMigrated(t *testing.T, c *vault.Client, l vault.Layout, times map[string]string) {
	t.Helper()
	ctx := context.Background()
	for _, rec := range legacyRecords() {
		old, err := c.KV().Metadata(ctx, l.KV(), rec.from)
		if err != nil {
			t.Fatalf("%s: %v", rec.from, err)
		}
		if !old.Deleted() {
			t.Errorf("%s: the old record is still live", rec.from)
		}
		meta, err := c.KV().Metadata(ctx, rec.mount(l), rec.to)
		if rec.gone {
			if !errors.Is(err, vault.ErrNotFound) {
				t.Errorf("%s was deleted before the upgrade but was moved (%v)", rec.from, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s/%s: %v", rec.mount(l), rec.to, err)
		}
		var want []map[string]interface{}
		for i, v := range rec.versions {
			if i+1 != rec.deleteV {
				want = append(want, v)
			}
		}
		if meta.CurrentVersion != len(want) {
			t.Fatalf("%s: %d versions at the new place, want %d", rec.to, meta.CurrentVersion, len(want))
		}
		for i, w := range want {
			got, err := c.KV().GetVersion(ctx, rec.mount(l), rec.to, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Data, w) {
				t.Errorf("%s version %d: %v, want %v", rec.to, i+1, got.Data, w)
			}
		}
		wantCustom := map[string]string{setup.MigratedFrom: l.KV() + "/" + rec.from,
			setup.MigratedVersion: fmt.Sprint(len(want)), setup.MigratedTime: times[rec.from]}
		if !reflect.DeepEqual(meta.CustomMetadata, wantCustom) {
			t.Errorf("%s custom metadata %v, want %v", rec.to, meta.CustomMetadata, wantCustom)
		}
	}
	for path, custom := range legacyNotes {
		meta, err := c.KV().Metadata(ctx, l.Reminders(), path)
		if err != nil {
			t.Fatalf("note %s: %v", path, err)
		}
		if !reflect.DeepEqual(meta.CustomMetadata, custom) {
			t.Errorf("note %s: %v, want %v", path, meta.CustomMetadata, custom)
		}
	}
	for _, store := range []string{"acme-us", "acme-de"} {
		got, err := c.Sys().Policy(ctx, l.StorePolicy(store))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := policies.Render("store", policies.Vars{Prefix: l.Prefix, Store: store})
		if strings.TrimSpace(got) != strings.TrimSpace(want) {
			t.Errorf("store policy of %s not rewritten:\n%s", store, got)
		}
	}
	u, err := c.Userpass().LoginSettings(ctx, vault.UserpassMount, "legacy-"+l.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	if !u.NoDefaultPolicy || !reflect.DeepEqual(u.TokenPolicies, []string{l.SelfPolicy()}) {
		t.Errorf("login %s: policies %v, no default %v", u.Name, u.TokenPolicies, u.NoDefaultPolicy)
	}
	marker, err := c.KV().Get(ctx, l.KV(), vault.InitMarkerPath)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(marker.Data["schema"]) != fmt.Sprint(setup.SchemaVersion) {
		t.Errorf("marker schema %v", marker.Data["schema"])
	}
	again, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed() {
		t.Errorf("a run after the migration still changes: %+v", again.Changes)
	}
}

func TestMigrateSchema1(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	srv, _ := devvault.Shared()
	l := layout(t, "mig")
	times := seedLegacy(t, c, srv, l)
	dry, err := setup.Run(ctx, c, setup.Options{Layout: l, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var planned []string
	for _, ch := range dry.Changes {
		if ch.Action != setup.Unchanged {
			planned = append(planned, ch.Item)
		}
	}
	for _, want := range []string{"move payout change requests", "move payout decisions", "move payout verifications", "move reminder notes", "store access policies", "people's logins", "init marker"} {
		if !strings.Contains(strings.Join(planned, "\n"), want) {
			t.Errorf("the dry run does not plan %q: %q", want, planned)
		}
	}
	if old, _ := c.KV().Metadata(ctx, l.KV(), legacyRecords()[0].from); old.Deleted() {
		t.Fatal("the dry run moved a record")
	}
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	checkMigrated(t, c, l, times)
}

// TestMigrateResumes fails each write of the upgrade in turn, both before
// it reaches Vault and after (its answer lost), then runs init again: the
// result is always the complete migration. The upgrade makes the same
// writes in the same order on every fresh legacy team, so the first clean
// run counts them; each fault then runs on a team of its own, a few at a
// time.
func TestMigrateResumes(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	srv, _ := devvault.Shared()
	upgrade := func(n int, mode faultproxy.Mode) (failed bool, writes int) {
		l := layout(t, "res")
		times := seedLegacy(t, c, srv, l)
		proxy, err := faultproxy.Start(srv.URL, srv.CACertFile, n, mode)
		if err != nil {
			t.Error(err)
			return false, 0
		}
		faulty, err := vault.New(vault.Options{Address: proxy.URL, Token: srv.RootToken})
		if err != nil {
			t.Error(err)
			return false, 0
		}
		_, runErr := setup.Run(ctx, faulty, setup.Options{Layout: l, Version: "test"})
		proxy.Close()
		if !proxy.Failed() && runErr != nil {
			t.Errorf("%s: a run with no fault failed: %v", mode, runErr)
		}
		if proxy.Failed() {
			if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Version: "test"}); err != nil {
				t.Errorf("%s at write %d, then again: %v (first: %v)", mode, n, err, runErr)
				return true, proxy.Writes()
			}
		}
		checkMigrated(t, c, l, times)
		if t.Failed() {
			t.Errorf("%s at write %d (first run: %v)", mode, n, runErr)
		}
		return proxy.Failed(), proxy.Writes()
	}
	total, failures := failEachWrite(t, 20, upgrade)
	t.Logf("the upgrade makes %d writes; %d injected failures, each followed by a complete migration", total, failures)
}

// failEachWrite runs upgrade once without a fault to count its writes
// (at least min), then once for each write and each way of failing it,
// four at a time; upgrade(n, mode) fails the nth write, finishes the job
// and checks it, and says whether the fault was reached.
// shortRunTries is how many runs failEachWrite makes to reach a write
// that a run with fewer writes than the count did not reach.
const shortRunTries = 12

func failEachWrite(t *testing.T, min int, upgrade func(n int, mode faultproxy.Mode) (failed bool, writes int)) (total int, failures int64) {
	t.Helper()
	_, total = upgrade(0, faultproxy.Refuse)
	if total < min {
		t.Fatalf("the upgrade made only %d writes", total)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	var failed atomic.Int64
	for _, mode := range []faultproxy.Mode{faultproxy.Refuse, faultproxy.Lose} {
		for n := 1; n <= total; n++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				// The number of writes can differ from run to run by a
				// few: each run's layout has new Transit keys, so its
				// contacts' IDs, and the index shards they fall in, differ.
				// A run that ended before its nth write is run again.
				for try := 1; ; try++ {
					reached, writes := upgrade(n, mode)
					if reached {
						failed.Add(1)
						return
					}
					if writes >= n || try == shortRunTries {
						t.Errorf("%s: write %d of %d was never reached (%d runs, the last made %d writes)", mode, n, total, try, writes)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	return total, failed.Load()
}

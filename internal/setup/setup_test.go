package setup_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// rootClient returns a root client on the package's shared dev Vault.
func rootClient(t *testing.T) *vault.Client {
	t.Helper()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	t.Setenv("VAULT_TOKEN", srv.RootToken)
	c, err := vault.New(vault.Options{Address: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var runs atomic.Int64

// layout returns a layout with a prefix no earlier test (or earlier -count
// round) on the shared Vault has used.
func layout(t *testing.T, prefix string) vault.Layout {
	t.Helper()
	l, err := vault.NewLayout(fmt.Sprintf("%s%d", prefix, runs.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRunTwiceSecondChangesNothing(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	opts := setup.Options{Layout: layout(t, "twice"), Version: "test"}
	kv := opts.Layout.KV()

	dry, err := setup.Run(ctx, c, setup.Options{Layout: opts.Layout, DryRun: true})
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !dry.Changed() {
		t.Fatal("dry run on an empty Vault reports nothing to do")
	}
	for _, ch := range dry.Changes {
		if ch.Applied {
			t.Errorf("dry run applied %s", ch.Item)
		}
	}
	if _, err := c.KV().Get(ctx, kv, vault.InitMarkerPath); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("dry run wrote the marker or failed oddly: %v", err)
	}

	first, err := setup.Run(ctx, c, opts)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if !first.Changed() {
		t.Fatal("first run changed nothing")
	}
	if len(first.Changes) != len(dry.Changes) {
		t.Errorf("dry run planned %d steps, the run did %d", len(dry.Changes), len(first.Changes))
	}
	second, err := setup.Run(ctx, c, opts)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	for _, ch := range second.Changes {
		if ch.Action != setup.Unchanged {
			t.Errorf("second run: %s: %s", ch.Item, ch.Action)
		}
	}

	cfg, err := c.KV().Config(ctx, kv)
	if err != nil || !cfg.CASRequired || cfg.MaxVersions != setup.KVMaxVersions {
		t.Fatalf("kv config = %+v, %v", cfg, err)
	}
	// cas_required holds: a write without the current version is refused.
	if _, err := c.KV().Put(ctx, kv, vault.InitMarkerPath, map[string]interface{}{"x": "y"}, 0); !errors.Is(err, vault.ErrConflict) {
		t.Fatalf("overwriting the marker with cas=0: got %v, want a conflict", err)
	}
}

func TestRunRepairsDrift(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	opts := setup.Options{Layout: layout(t, "drift")}
	kv := opts.Layout.KV()
	if _, err := setup.Run(ctx, c, opts); err != nil {
		t.Fatal(err)
	}
	// Someone loosens the KV config and edits a policy by hand.
	if err := c.KV().SetConfig(ctx, kv, vault.KVConfig{CASRequired: false, MaxVersions: 3}); err != nil {
		t.Fatal(err)
	}
	if err := c.Sys().PutPolicy(ctx, opts.Layout.RolePolicy("staff"), `path "*" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	report, err := setup.Run(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	updated := map[string]bool{}
	for _, ch := range report.Changes {
		if ch.Action != setup.Unchanged {
			updated[ch.Item] = ch.Applied
		}
	}
	want := []string{kv + "/ config (cas_required, max_versions=20)", "policy " + opts.Layout.RolePolicy("staff")}
	if len(updated) != len(want) {
		t.Fatalf("updated %v, want exactly %v", updated, want)
	}
	for _, item := range want {
		if !updated[item] {
			t.Errorf("%s was not repaired (updated: %v)", item, updated)
		}
	}
}

func TestRunRefusesForeignMount(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	l := layout(t, "foreign")
	if err := c.Sys().EnableSecretsEngine(ctx, l.KV(), "kv", "", map[string]string{"version": "1"}); err != nil {
		t.Fatal(err)
	}
	_, err := setup.Run(ctx, c, setup.Options{Layout: l})
	if err == nil {
		t.Fatal("init over a KV v1 mount succeeded")
	}
	if got := fmt.Sprint(err); !strings.Contains(got, "already mounted as kv v1") {
		t.Fatalf("error %q does not say what is in the way", got)
	}
	if _, err := c.Identity().GroupByName(ctx, l.RoleGroup("staff")); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("init went on after refusing: %v", err)
	}
}

func TestAuditFile(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	file := t.TempDir() + "/audit.log"
	opts := setup.Options{Layout: layout(t, "audited"), AuditFile: file}
	if _, err := setup.Run(ctx, c, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Get(ctx, opts.Layout.KV(), vault.InitMarkerPath); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(file)
	if err != nil || info.Size() == 0 {
		t.Fatalf("audit log not written: %v", err)
	}
	again, err := setup.Run(ctx, c, opts)
	if err != nil || again.Changed() {
		t.Fatalf("second run with the same audit file: changed=%v err=%v", again.Changed(), err)
	}
	opts.AuditFile = t.TempDir() + "/other.log"
	if _, err := setup.Run(ctx, c, opts); err == nil || !strings.Contains(err.Error(), "disable it first") {
		t.Fatalf("a different audit file: %v", err)
	}
}

// Two inits racing on the same Vault (two managers, or two CI jobs) both
// succeed and leave one consistent set-up.
func TestConcurrentRuns(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	opts := setup.Options{Layout: layout(t, "race")}
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			_, err := setup.Run(ctx, c, opts)
			errs <- err
		}()
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Errorf("concurrent init: %v", err)
		}
	}
	again, err := setup.Run(ctx, c, opts)
	if err != nil || again.Changed() {
		t.Fatalf("after the race: changed=%v err=%v", again.Changed(), err)
	}
}

package hatest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/vault/helper/testhelpers/teststorage"
	vaulthttp "github.com/hashicorp/vault/http"
	vaultcore "github.com/hashicorp/vault/vault"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// startCluster starts three cores on Raft and returns the cluster, whose
// first core is the active one.
func startCluster(t *testing.T) *vaultcore.TestCluster {
	t.Helper()
	conf := &vaultcore.CoreConfig{}
	devvault.WithEngines(conf)
	opts := &vaultcore.TestClusterOptions{
		HandlerFunc: vaulthttp.Handler,
		NumCores:    3,
		Logger:      hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: os.Stderr}),
	}
	teststorage.RaftBackendSetup(conf, opts)
	cluster := vaultcore.NewTestCluster(t, conf, opts)
	cluster.Start()
	t.Cleanup(cluster.Cleanup)
	return cluster
}

// TestLeaderLostDuringImportAndOffboarding: sellervault talks to a
// standby; the active node is sealed while 200 credentials are imported
// (a new leader is elected: the import rides through without a failed
// row), again while a member who holds them is offboarded (the cluster
// loses its quorum: the offboarding stops, and its re-run finishes), and,
// all nodes unsealed, again while the redaction index is rebuilt (it
// rides through). Afterwards nothing is duplicated, no credential's
// metadata is behind its data, the offboarding's report covers every
// run, and redaction finds the passwords by index.
func TestLeaderLostDuringImportAndOffboarding(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	cluster := startCluster(t)
	t.Logf("%s: the cluster is up", time.Since(start).Round(time.Second))
	t.Setenv("VAULT_CACERT", cluster.CACertPEMFile)
	t.Setenv("VAULT_MAX_RETRIES", "2")
	standby := cluster.Cores[1].Client.Address()
	c, err := vault.New(vault.Options{Address: standby, Token: cluster.RootToken, Timeout: vault.DefaultTimeout})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := vault.NewLayout("sellervault")
	r := repo.New(c, l)
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l, Reindex: func(ctx context.Context) error {
		_, err := reindex.Run(ctx, connect.ReindexDeps(r))
		return err
	}}); err != nil {
		t.Fatalf("init through the standby: %v", err)
	}
	if err := r.Stores().Add(ctx, records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []staff.Member{{Name: "boss", Role: staff.RoleManager}, {Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}}} {
		if _, err := r.Members().Onboard(ctx, m, time.Hour, time.Now); err != nil {
			t.Fatal(err)
		}
	}

	// The import, with the active node sealed after the 40th write.
	const n = 200
	writes := make([]importrun.Write, n)
	for i := range writes {
		writes[i] = importrun.Write{Cred: records.Credential{Store: "acme-us", Name: fmt.Sprintf("login-%03d", i),
			Login: fmt.Sprintf("ops-%03d@acme.example", i), Password: fmt.Sprintf("CANARY-ha-%03d", i), Owner: "olga"}}
	}
	var once sync.Once
	var sealed func(*testing.T)
	results := importrun.Import(ctx, r.Creds(), writes, importrun.Options{Stale: repo.ErrIndexStale, OnWrite: func(done, _ int) {
		if done >= 40 {
			once.Do(func() { sealed = sealSoon(cluster, 0) })
		}
	}})
	if sealed == nil {
		t.Fatal("the import never reached its 40th write")
	}
	sealed(t)
	failed := 0
	for _, res := range results {
		if res.Outcome != importer.OutcomeAdded {
			failed++
		}
	}
	t.Logf("%s: the first import: %d of %d not reported added", time.Since(start).Round(time.Second), failed, n)
	if failed > 0 {
		t.Errorf("the import did not ride through the election: %d of %d not added", failed, n)
	}
	// The re-run, as `sellervault import` does it: a credential that
	// exists is skipped and its metadata repaired if it is behind.
	for i, res := range results {
		if res.Outcome == importer.OutcomeAdded {
			continue
		}
		err := r.Creds().Add(ctx, writes[i].Cred)
		if errors.Is(err, repo.ErrExists) {
			_, err = r.Mirrors().RepairMirror(ctx, "acme-us", writes[i].Cred.Name)
		}
		if err != nil {
			t.Fatalf("the re-run, %s: %v", writes[i].Cred.Name, err)
		}
	}
	checkTeam(t, r, n, "olga")
	t.Logf("%s: the import's re-run is done", time.Since(start).Round(time.Second))

	// The offboarding of olga, who owns all 200, with the new active node
	// sealed in its middle (a second election: two of three nodes are
	// left, so the cluster now loses its quorum until one is unsealed).
	// (A client without retries and a short timeout: without a quorum every
	// request waits for its timeout, and the test need not wait three.)
	t.Setenv("VAULT_MAX_RETRIES", "0")
	quick, err := vault.New(vault.Options{Address: standby, Token: cluster.RootToken, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r = repo.New(quick, l)
	sealed = sealSoon(cluster, 200*time.Millisecond)
	od := connect.OffboardDeps(r)
	rep, err := offboard.Run(ctx, od, "olga", "boss", false, time.Now)
	sealed(t)
	if err != nil {
		t.Logf("%s: the offboarding stopped: %v", time.Since(start).Round(time.Second), err)
		unsealAll(t, cluster)
		waitForwarding(t, r)
		t.Logf("%s: unsealed", time.Since(start).Round(time.Second))
		if rep, err = offboard.Run(ctx, od, "olga", "boss", false, time.Now); err != nil {
			t.Fatalf("the offboarding's re-run: %v", err)
		}
	}
	if !rep.Completed {
		t.Fatal("the offboarding did not complete")
	}
	for _, st := range rep.Steps {
		if st.Step == "hand over and mark credentials for rotation" && len(st.Items) != n {
			t.Errorf("the report lists %d credentials handed over, want %d (every run)", len(st.Items), n)
		}
	}
	unsealAll(t, cluster)
	checkTeam(t, r, n, "boss")

	// The redaction index rebuilt, with the active node sealed in its
	// middle (two nodes left: a new leader is elected): the reindex
	// rides through, and a re-run changes nothing; every password is
	// redacted by the index.
	// (Through a node that is a standby now: the elections above may have
	// made the first one active, and a client whose own node is sealed
	// has nowhere to go: in production, its address is the balancer's.)
	onStandby, err := vault.New(vault.Options{Address: standbyAddress(t, cluster), Token: cluster.RootToken, Timeout: vault.DefaultTimeout})
	if err != nil {
		t.Fatal(err)
	}
	r = repo.New(onStandby, l)
	sealed = sealSoon(cluster, 100*time.Millisecond)
	_, err = reindex.Run(ctx, connect.ReindexDeps(r))
	sealed(t)
	if err != nil {
		t.Errorf("%s: the reindex did not ride through the election: %v", time.Since(start).Round(time.Second), err)
	}
	unsealAll(t, cluster)
	waitForwarding(t, r)
	if _, err := reindex.Run(ctx, connect.ReindexDeps(r)); err != nil {
		t.Fatalf("the reindex's re-run: %v", err)
	}
	opts, err := r.Index().RedactOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	text := "the new password is CANARY-ha-007, and CANARY-ha-199 for the other one\n"
	if _, err := redact.Redact(ctx, strings.NewReader(text), &out, opts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "CANARY") {
		t.Fatalf("after the reindex, redaction left a password: %q", out.String())
	}
	checkTeam(t, r, n, "boss")
}

// checkTeam: exactly n credentials, each owned by owner in its data and
// its metadata; doctor finds no metadata behind its data.
func checkTeam(t *testing.T, r *repo.Repo, n int, owner string) {
	t.Helper()
	ctx := context.Background()
	d, err := doctor.Run(ctx, connect.DoctorDeps(r), true, time.Now)
	if err != nil {
		t.Fatalf("doctor: %v", err)
	}
	if d.Credentials != n || len(d.Mirrors) != 0 || len(d.Offboardings) != 0 {
		t.Fatalf("doctor: %d credentials, mirrors behind %v, offboardings %v", d.Credentials, d.Mirrors, d.Offboardings)
	}
	if len(d.Listings) > 0 { // a listing shard write cut off: rebuilt by doctor
		if _, err := doctor.Run(ctx, connect.DoctorDeps(r), false, time.Now); err != nil {
			t.Fatal(err)
		}
	}
	creds, err := r.Creds().List(ctx, "acme-us")
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != n {
		t.Fatalf("%d credentials listed, want %d", len(creds), n)
	}
	for _, cr := range creds {
		if cr.Owner != owner {
			t.Fatalf("%s is owned by %q in its listing, want %s", cr.Name, cr.Owner, owner)
		}
	}
}

// sealSoon seals the active core after d, in the background; the
// function it returns waits for that and fails the test if it could not.
func sealSoon(cluster *vaultcore.TestCluster, d time.Duration) func(*testing.T) {
	done := make(chan error, 1)
	time.AfterFunc(d, func() { done <- sealActive(cluster) })
	return func(t *testing.T) {
		t.Helper()
		if err := <-done; err != nil {
			t.Fatalf("seal the active node: %v", err)
		}
	}
}

// sealActive seals the core that is active now.
func sealActive(cluster *vaultcore.TestCluster) error {
	for _, core := range cluster.Cores {
		if core.Core.Sealed() {
			continue
		}
		if standby, _ := core.Core.Standby(); !standby {
			return core.Client.Sys().Seal()
		}
	}
	return errors.New("no active core")
}

// standbyAddress is the address of a core that is unsealed and a
// standby now.
func standbyAddress(t *testing.T, cluster *vaultcore.TestCluster) string {
	t.Helper()
	for _, core := range cluster.Cores {
		if standby, _ := core.Core.Standby(); standby && !core.Core.Sealed() {
			return core.Client.Address()
		}
	}
	t.Fatal("no core is a standby")
	return ""
}

// unsealAll unseals every sealed core and waits for an active one.
func unsealAll(t *testing.T, cluster *vaultcore.TestCluster) {
	t.Helper()
	for _, core := range cluster.Cores {
		if !core.Core.Sealed() {
			continue
		}
		for _, key := range cluster.BarrierKeys {
			if _, err := core.Client.Sys().Unseal(fmt.Sprintf("%x", key)); err != nil {
				t.Fatalf("unseal: %v", err)
			}
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		for _, core := range cluster.Cores {
			if standby, _ := core.Core.Standby(); !core.Core.Sealed() && !standby {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("no active node 60 s after unsealing")
}

// waitForwarding waits until the standby sellervault talks to knows the
// new active node again (a read through it succeeds).
func waitForwarding(t *testing.T, r *repo.Repo) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := r.Stores().List(context.Background())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby does not forward 60 s after the unseal: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

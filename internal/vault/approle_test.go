package vault_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// These tests run against a real Vault core (internal/devvault): what a
// secret ID may do is decided by Vault's AppRole backend, not by us.

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

var approleMounts atomic.Int64

// approleFixture is a fresh AppRole mount with one role made by
// PutAppRole, whose policy lets a token look itself up.
type approleFixture struct {
	srv    *devvault.Server
	root   *vault.Client
	mount  string
	role   string
	roleID string
}

func newAppRole(t *testing.T) *approleFixture {
	t.Helper()
	ctx := context.Background()
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	root, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	f := &approleFixture{srv: srv, root: root, mount: fmt.Sprintf("approle-t%d", approleMounts.Add(1)), role: "job"}
	if err := root.Sys().EnableAuth(ctx, f.mount, "approle", "test"); err != nil {
		t.Fatal(err)
	}
	if err := root.Sys().PutPolicy(ctx, f.mount+"-self", `path "auth/token/lookup-self" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	if err := root.AppRoles().Put(ctx, f.mount, f.role, []string{f.mount + "-self"}); err != nil {
		t.Fatal(err)
	}
	if f.roleID, err = root.AppRoles().RoleID(ctx, f.mount, f.role); err != nil {
		t.Fatal(err)
	}
	return f
}

// login logs in with a secret ID from this process (127.0.0.1).
func (f *approleFixture) login(t *testing.T, secretID string) (*vault.Client, error) {
	t.Helper()
	token, err := f.root.AppRoles().LoginWith(context.Background(), f.mount, f.roleID, secretID)
	if err != nil {
		return nil, err
	}
	return f.root.WithToken(token)
}

func (f *approleFixture) mustLogIn(t *testing.T, what, secretID string) {
	t.Helper()
	if _, err := f.login(t, secretID); err != nil {
		t.Errorf("%s: login: %v, want it to work", what, err)
	}
}

func (f *approleFixture) mustNotLogIn(t *testing.T, what, secretID string) {
	t.Helper()
	if _, err := f.login(t, secretID); !errors.Is(err, vault.ErrDenied) {
		t.Errorf("%s: login: %v, want %v", what, err, vault.ErrDenied)
	}
}

func (f *approleFixture) reissue(t *testing.T, c *vault.Client, opts vault.ReissueOptions) (string, vault.Reissued, error) {
	t.Helper()
	var saved string
	opts.Save = func(s vault.SecretID) error { saved = s.ID; return nil }
	done, err := c.AppRoles().ReissueSecretID(context.Background(), f.mount, f.role, opts)
	if err == nil && saved == "" {
		t.Fatal("reissue succeeded without saving a secret ID")
	}
	return saved, done, err
}

func TestPutAppRoleSettings(t *testing.T) {
	ctx := context.Background()
	f := newAppRole(t)
	policy := f.mount + "-self"
	s, err := f.root.AppRoles().Get(ctx, f.mount, f.role)
	if err != nil {
		t.Fatal(err)
	}
	if s.SecretIDTTL != 720*time.Hour || s.TokenTTL != time.Hour || s.TokenMaxTTL != 4*time.Hour ||
		!s.TokenNoDefaultPolicy || !s.BindSecretID || !slices.Equal(s.Policies, []string{policy}) {
		t.Errorf("role settings = %+v", s)
	}
	if !s.UpToDate([]string{policy}) {
		t.Error("UpToDate is false right after PutAppRole")
	}
	if s.UpToDate([]string{policy, "other"}) {
		t.Error("UpToDate ignores a missing policy")
	}
	if got, err := f.root.AppRoles().Policies(ctx, f.mount, f.role); err != nil || !slices.Equal(got, []string{policy}) {
		t.Errorf("AppRolePolicies = %v, %v", got, err)
	}
	if _, err := f.root.AppRoles().Get(ctx, f.mount, "nobody"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("a missing role: %v, want %v", err, vault.ErrNotFound)
	}

	// The token of a login carries the role's policies and not Vault's
	// default policy, so it cannot wrap what it reads.
	token, err := f.root.AppRoles().Login(ctx, f.mount, f.role)
	if err != nil {
		t.Fatal(err)
	}
	job, err := f.root.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	info, err := job.Tokens().LookupSelf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(info.Policies, "default") || !slices.Equal(info.Policies, []string{policy}) {
		t.Errorf("token policies = %v, want [%s] without default", info.Policies, policy)
	}
	if info.TTL <= 0 || info.TTL > time.Hour {
		t.Errorf("token TTL = %s, want at most 1h", info.TTL)
	}
	if _, err := job.Tokens().Wrap(ctx, map[string]interface{}{"x": "y"}, time.Hour); !errors.Is(err, vault.ErrDenied) {
		t.Errorf("wrap with the job's token: %v, want %v", err, vault.ErrDenied)
	}
}

func TestReissueDestroysEarlierSecretIDs(t *testing.T) {
	f := newAppRole(t)
	first, done, err := f.reissue(t, f.root, vault.ReissueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if done.Others != 0 || done.Destroyed != 0 {
		t.Errorf("first issue: %+v, want nothing else found", done)
	}
	f.mustLogIn(t, "first", first)

	second, done, err := f.reissue(t, f.root, vault.ReissueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if done.Others != 1 || done.Destroyed != 1 {
		t.Errorf("second issue: %+v, want 1 found and destroyed", done)
	}
	f.mustNotLogIn(t, "first after the second issue", first)
	f.mustLogIn(t, "second", second)

	third, done, err := f.reissue(t, f.root, vault.ReissueOptions{KeepOthers: true})
	if err != nil {
		t.Fatal(err)
	}
	if done.Others != 1 || done.Destroyed != 0 {
		t.Errorf("issue with KeepOthers: %+v, want 1 found and kept", done)
	}
	f.mustLogIn(t, "second after an issue with KeepOthers", second)
	f.mustLogIn(t, "third", third)

	accessors, err := f.root.AppRoles().SecretIDAccessors(context.Background(), f.mount, f.role)
	if err != nil || len(accessors) != 2 {
		t.Errorf("accessors = %v, %v; want 2", accessors, err)
	}
}

func TestDestroySecretIDTwiceIsFine(t *testing.T) {
	ctx := context.Background()
	// Vault answers an unknown accessor with a 500, which the api module
	// would retry for seconds before the answer is seen as "gone already".
	t.Setenv("VAULT_MAX_RETRIES", "0")
	f := newAppRole(t)
	sid, err := f.root.AppRoles().NewSecretID(ctx, f.mount, f.role, vault.SecretIDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(fmt.Sprint(sid), sid.ID) || strings.Contains(fmt.Sprintf("%#v", sid), sid.ID) {
		t.Error("printing a SecretID shows the secret ID")
	}
	for i := 0; i < 2; i++ {
		if err := f.root.AppRoles().DestroySecretID(ctx, f.mount, f.role, sid.Accessor); err != nil {
			t.Fatalf("destroy #%d: %v", i+1, err)
		}
	}
	if err := f.root.AppRoles().DestroySecretID(ctx, f.mount, f.role, "00000000-0000-0000-0000-000000000000"); err != nil {
		t.Errorf("destroy an unknown accessor: %v", err)
	}
	if _, err := f.root.AppRoles().LookupSecretID(ctx, f.mount, f.role, sid.ID); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("look up a destroyed secret ID: %v, want %v", err, vault.ErrNotFound)
	}
	f.mustNotLogIn(t, "destroyed", sid.ID)
	if got, err := f.root.AppRoles().SecretIDAccessors(ctx, f.mount, f.role); err != nil || len(got) != 0 {
		t.Errorf("accessors after destroying the only one = %v, %v", got, err)
	}
}

func TestSecretIDBoundToCIDRs(t *testing.T) {
	ctx := context.Background()
	f := newAppRole(t)

	elsewhere, _, err := f.reissue(t, f.root, vault.ReissueOptions{KeepOthers: true,
		SecretIDOptions: vault.SecretIDOptions{BindCIDRs: []string{"10.9.9.0/24"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.login(t, elsewhere)
	if !errors.Is(err, vault.ErrDenied) || !strings.Contains(err.Error(), "bound to other addresses") {
		t.Errorf("login from 127.0.0.1 with a secret ID bound to 10.9.9.0/24: %v, want denied, bound to other addresses", err)
	}

	here, _, err := f.reissue(t, f.root, vault.ReissueOptions{KeepOthers: true,
		SecretIDOptions: vault.SecretIDOptions{BindCIDRs: []string{"127.0.0.1/32"}}})
	if err != nil {
		t.Fatal(err)
	}
	job, err := f.login(t, here)
	if err != nil {
		t.Fatalf("login from 127.0.0.1 with a secret ID bound to 127.0.0.1/32: %v", err)
	}
	if _, err := job.Tokens().LookupSelf(ctx); err != nil {
		t.Errorf("the bound token from 127.0.0.1: %v", err)
	}
	info, err := f.root.AppRoles().LookupSecretID(ctx, f.mount, f.role, here)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(info.CIDRs, []string{"127.0.0.1/32"}) || !slices.Equal(info.TokenBoundCIDRs, []string{"127.0.0.1/32"}) {
		t.Errorf("lookup: cidr_list %v, token_bound_cidrs %v; want both [127.0.0.1/32]", info.CIDRs, info.TokenBoundCIDRs)
	}
}

func TestSecretIDTTL(t *testing.T) {
	ctx := context.Background()
	f := newAppRole(t)
	for _, tt := range []struct {
		ask, want time.Duration
	}{
		{ask: 2 * time.Hour, want: 2 * time.Hour},
		{ask: 90 * time.Second, want: 90 * time.Second},
		{ask: 0, want: vault.AppRoleSecretIDTTL}, // the role's
	} {
		before := time.Now()
		sid, err := f.root.AppRoles().NewSecretID(ctx, f.mount, f.role, vault.SecretIDOptions{TTL: tt.ask})
		if err != nil {
			t.Fatalf("ttl %s: %v", tt.ask, err)
		}
		if sid.TTL != tt.want {
			t.Errorf("ttl %s: issued with %s, want %s", tt.ask, sid.TTL, tt.want)
		}
		info, err := f.root.AppRoles().LookupSecretID(ctx, f.mount, f.role, sid.ID)
		if err != nil {
			t.Fatal(err)
		}
		if info.TTL != tt.want || info.Accessor != sid.Accessor {
			t.Errorf("ttl %s: lookup says ttl %s accessor %s, want %s %s", tt.ask, info.TTL, info.Accessor, tt.want, sid.Accessor)
		}
		if d := info.Expires.Sub(before.Add(tt.want)); d < -time.Second || d > time.Minute {
			t.Errorf("ttl %s: expires %s, want about %s", tt.ask, info.Expires, before.Add(tt.want))
		}
	}
	// Longer than the role allows: Vault refuses, nothing is issued.
	_, err := f.root.AppRoles().NewSecretID(ctx, f.mount, f.role, vault.SecretIDOptions{TTL: vault.AppRoleSecretIDTTL + time.Hour})
	if !errors.Is(err, vault.ErrBadRequest) {
		t.Errorf("ttl beyond the role's: %v, want %v", err, vault.ErrBadRequest)
	}
}

// faultProxy forwards requests to the dev Vault and fails every write
// (PUT or POST) from the failAt-th on with a 500, as a Vault that goes
// away midway would: a fake for fault injection only; everything else is
// answered by the real Vault. (Failing the one write would not do: the
// api module retries a 500.)
func faultProxy(t *testing.T, srv *devvault.Server, failAt int64) *vault.Client {
	t.Helper()
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(srv.CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no CA certificate in", srv.CACertFile)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	var writes atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodPut || r.Method == http.MethodPost) && writes.Add(1) >= failAt {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"errors":["injected fault"]}`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	t.Setenv("VAULT_MAX_RETRIES", "0") // fail fast; retries would fail too
	c, err := vault.New(vault.Options{Address: proxy.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReissueFailingHalfwayLeavesAWorkingSecretID(t *testing.T) {
	f := newAppRole(t)
	old1, _, err := f.reissue(t, f.root, vault.ReissueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old2, _, err := f.reissue(t, f.root, vault.ReissueOptions{KeepOthers: true})
	if err != nil {
		t.Fatal(err)
	}

	// Write 1 creates the new secret ID, write 2 destroys the first old
	// one, write 3 (the second old one) fails.
	fresh, done, err := f.reissue(t, faultProxy(t, f.srv, 3), vault.ReissueOptions{})
	if err == nil {
		t.Fatal("the injected fault was not reported")
	}
	if !strings.Contains(err.Error(), "injected fault") {
		t.Errorf("error %q does not carry Vault's answer", err)
	}
	if fresh == "" || done.New.ID != fresh || done.Others != 2 || done.Destroyed != 1 {
		t.Errorf("after the fault: %+v (saved %t), want the new one saved, 2 others found, 1 destroyed", done, fresh != "")
	}
	f.mustLogIn(t, "the new secret ID after a fault", fresh)
	valid := 0
	for _, old := range []string{old1, old2} {
		if _, err := f.login(t, old); err == nil {
			valid++
		}
	}
	if valid != 1 {
		t.Errorf("%d old secret IDs valid after the fault, want 1", valid)
	}

	// The first write fails: nothing new, nothing old destroyed.
	_, done, err = f.reissue(t, faultProxy(t, f.srv, 1), vault.ReissueOptions{})
	if err == nil || done.New.ID != "" || done.Destroyed != 0 {
		t.Errorf("fault on create: %+v, %v; want an error and nothing done", done, err)
	}
	f.mustLogIn(t, "the new secret ID after a fault on create", fresh)

	// A re-run finishes the job.
	last, done, err := f.reissue(t, f.root, vault.ReissueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if done.Others != 2 || done.Destroyed != 2 {
		t.Errorf("re-run: %+v, want 2 found and destroyed", done)
	}
	for _, old := range []string{old1, old2, fresh} {
		f.mustNotLogIn(t, "an earlier secret ID after the re-run", old)
	}
	f.mustLogIn(t, "the re-run's", last)
}

func TestReissueSaveFailsKeepsTheOld(t *testing.T) {
	ctx := context.Background()
	f := newAppRole(t)
	old, _, err := f.reissue(t, f.root, vault.ReissueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	diskFull := errors.New("disk full")
	var lost string
	_, err = f.root.AppRoles().ReissueSecretID(ctx, f.mount, f.role, vault.ReissueOptions{
		Save: func(s vault.SecretID) error { lost = s.ID; return diskFull },
	})
	if !errors.Is(err, diskFull) {
		t.Fatalf("save failed: %v, want %v", err, diskFull)
	}
	f.mustLogIn(t, "the old secret ID after a failed save", old)
	if _, err := f.root.AppRoles().LookupSecretID(ctx, f.mount, f.role, lost); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("the unsaved secret ID: %v, want it destroyed", err)
	}
}

// Package reverseproxy tests the reverse-proxy rule shipped in nginx.conf:
// a real nginx, with that file changed only on its CHANGE lines (the
// upstream address and TLS name, the listen address), in front of a real
// Vault core (internal/devvault, TLS).
package reverseproxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// rawGet sends GET with the request target exactly as given (URL.Opaque:
// neither cleaned nor re-encoded) and returns the status, content type
// and body.
func rawGet(t *testing.T, hc *http.Client, base, target, token string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = target
	if token != "" {
		req.Header.Set("X-Vault-Token", token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// dotSegmentTargets are request targets with a dot-segment, encoded or
// not, in every spelling a proxy rule must refuse; each would reach
// probe-kv/data/private (or shared) through a glob on probe-kv/data/team/*.
var dotSegmentTargets = []string{
	"/v1/probe-kv/data/team/%2e%2e/private",
	"/v1/probe-kv/data/team/%2E%2E/private",
	"/v1/probe-kv/data/team/%2e%2E/private",
	"/v1/probe-kv/data/team/.%2e/private",
	"/v1/probe-kv/data/team/%2e./private",
	"/v1/probe-kv/data/team/.%2E/private",
	"/v1/probe-kv/data/team/%2e/shared",
	"/v1/probe-kv/data/team/%2E/shared",
	"/v1/probe-kv/data/team/%2e%2e",
	"/v1/probe-kv/data/team/%2e",
	"/v1/probe-kv/data/team/../private",
	"/v1/probe-kv/data/team/./shared",
	"/v1/probe-kv/data/team/..",
	"/v1/probe-kv/data/team/.",
	"/v1/probe-kv/data/team/..?list=true",
	"/v1/probe-kv/data/team/.?x=1",
	"/v1/probe-kv/data/team/..%2fprivate",
	"/v1/probe-kv/data/team%2F..%2Fprivate",
	vault.DotSegmentProbePath,
}

func TestNginxRule(t *testing.T) {
	for _, name := range vault.EnvVars {
		t.Setenv(name, "")
	}
	t.Setenv("VAULT_MAX_RETRIES", "0")
	t.Setenv("HOME", t.TempDir())
	ctx := context.Background()
	srv, err := devvault.Start(ctx, devvault.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	px := startProxy(t, srv)
	t.Setenv("VAULT_CACERT", px.CAFile)

	client := func(addr, token string) *vault.Client {
		t.Helper()
		c, err := vault.New(vault.Options{Address: addr, Token: token})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	direct := client(srv.URL, srv.RootToken)
	proxied := client(px.URL, srv.RootToken)

	// Vault's audit log: what reached Vault, to show that refused
	// requests never did.
	auditLog := filepath.Join(t.TempDir(), "audit.log")
	if err := direct.Sys().EnableFileAudit(ctx, "file", auditLog); err != nil {
		t.Fatal(err)
	}

	// A KV v2 mount with a team area and a record outside it, and a token
	// whose policy grants a glob on the team area only: the door.
	if err := direct.Sys().EnableSecretsEngine(ctx, "probe-kv", "kv", "", map[string]string{"version": "2"}); err != nil {
		t.Fatal(err)
	}
	for _, rec := range []string{"team/shared", "private"} {
		if _, err := direct.KV().Put(ctx, "probe-kv", rec, map[string]interface{}{"value": "v-" + rec}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := direct.Sys().PutPolicy(ctx, "probe-glob", `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "probe-kv/data/team/*" { capabilities = ["read"] }
`); err != nil {
		t.Fatal(err)
	}
	globToken := createToken(t, srv, px.CAFile, "probe-glob")
	globDirect, globProxied := client(srv.URL, globToken), client(px.URL, globToken)

	t.Run("normal requests pass through", func(t *testing.T) {
		for name, c := range map[string]*vault.Client{"root": proxied, "glob token": globProxied} {
			info, err := c.Tokens().LookupSelf(ctx)
			if err != nil {
				t.Fatalf("%s: lookup-self through the proxy: %v", name, err)
			}
			if info.Accessor == "" {
				t.Errorf("%s: lookup-self through the proxy gave no accessor", name)
			}
			rec, err := c.KV().Get(ctx, "probe-kv", "team/shared")
			if err != nil || rec.Data["value"] != "v-team/shared" {
				t.Fatalf("%s: KV read through the proxy: %v, %v", name, rec, err)
			}
		}
		if _, err := proxied.KV().Put(ctx, "probe-kv", "team/written", map[string]interface{}{"value": "w"}, 0); err != nil {
			t.Errorf("KV write through the proxy: %v", err)
		}
		if keys, err := proxied.KV().List(ctx, "probe-kv", "team"); err != nil || len(keys) != 2 {
			t.Errorf("KV list (?list=true) through the proxy: %v, %v", keys, err)
		}
		// a denial is Vault's own answer, passed through
		if _, err := globProxied.KV().Get(ctx, "probe-kv", "private"); !errors.Is(err, vault.ErrDenied) {
			t.Errorf("a denied read through the proxy: %v, want permission denied", err)
		}
	})

	hc := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool(t, px.CAFile)}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	t.Run("the door, directly", func(t *testing.T) {
		// what the rule is for: against Vault 1.21 directly, the ACL lets
		// the glob on team/* through to a path outside it, which the same
		// token is denied when it asks plainly
		if status, _, body := rawGet(t, hc, srv.URL, "/v1/probe-kv/data/private", globToken); status != 403 {
			t.Fatalf("directly, the record outside the glob: %d %s; want 403", status, body)
		}
		status, _, body := rawGet(t, hc, srv.URL, "/v1/probe-kv/data/team/%2e%2e/private", globToken)
		if status == 403 || status == 400 {
			t.Fatalf("directly, through the glob: %d %s; want past the ACL (Vault 1.21 accepts %%2e%%2e)", status, body)
		}
	})

	t.Run("every dot-segment is refused", func(t *testing.T) {
		seen, err := os.Stat(auditLog)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range dotSegmentTargets {
			status, ctype, body := rawGet(t, hc, px.URL, target, globToken)
			if status != http.StatusBadRequest || strings.Contains(body, "v-private") || strings.HasPrefix(ctype, "application/json") {
				t.Errorf("through the proxy, GET %s: %d %s %q; want nginx's 400", target, status, ctype, body)
			}
		}
		// none of them reached Vault: its audit log has nothing new
		logText, err := os.ReadFile(auditLog)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(logText[seen.Size():]), "\n") {
			var entry struct {
				Type    string `json:"type"`
				Request struct {
					URI string `json:"request_uri"`
				} `json:"request"`
			}
			if line != "" && json.Unmarshal([]byte(line), &entry) == nil && entry.Type == "request" {
				t.Errorf("Vault's audit log: %s reached Vault through the proxy", entry.Request.URI)
			}
		}
	})

	t.Run("the raw URI passes unchanged", func(t *testing.T) {
		// Vault (Go's ServeMux) answers a doubled slash with a redirect to
		// the cleaned path; a proxy that normalised the URI would hide it
		for _, target := range []string{"/v1/sys//seal-status", "/v1/sys/seal-status?x=a%2Eb"} {
			ds, _, _ := rawGet(t, hc, srv.URL, target, "")
			ps, _, _ := rawGet(t, hc, px.URL, target, "")
			if ds != ps {
				t.Errorf("GET %s: %d directly, %d through the proxy; want the same answer", target, ds, ps)
			}
		}
	})

	t.Run("posture probe", func(t *testing.T) {
		for name, c := range map[string]*vault.Client{"root": direct, "glob token": globDirect} {
			p, err := c.Sys().DotSegmentProbe(ctx)
			if err != nil || !p.Accepted || !p.FromVault {
				t.Errorf("%s, directly against Vault: %+v, %v; want ACCEPTED", name, p, err)
			}
		}
		for name, c := range map[string]*vault.Client{"root": proxied, "glob token": globProxied} {
			p, err := c.Sys().DotSegmentProbe(ctx)
			if err != nil || p.Accepted || p.Status != 400 || p.FromVault {
				t.Errorf("%s, through nginx: %+v, %v; want REFUSED with 400 by a server that is not Vault", name, p, err)
			}
		}
	})

	t.Run("sellervault status", func(t *testing.T) {
		run := func(addr string, args ...string) (int, string, string) {
			var stdout, stderr bytes.Buffer
			t.Setenv("VAULT_ADDR", addr)
			t.Setenv("VAULT_TOKEN", globToken)
			code := app.Run(ctx, append([]string{"sellervault"}, args...), &app.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
			return code, stdout.String(), stderr.String()
		}
		code, out, errOut := run(px.URL, "status")
		if code != 0 || !regexp.MustCompile(`(?m)^dot-segments +refused: encoded dot-segments \(%2e%2e\) are stopped before Vault \(refused with 400 before Vault's ACL\); no glob grant can be stepped out of through this address`).MatchString(out) {
			t.Errorf("status through nginx: exit %d\n%s%s", code, out, errOut)
		}
		code, out, errOut = run(px.URL, "status", "--format", "json")
		var report struct {
			DotSegments *struct {
				Accepted bool `json:"accepted"`
				Status   int  `json:"status"`
			} `json:"dot_segments"`
		}
		if err := json.Unmarshal([]byte(out), &report); err != nil || code != 0 || report.DotSegments == nil ||
			report.DotSegments.Accepted || report.DotSegments.Status != 400 {
			t.Errorf("status --format json through nginx: exit %d, %v\n%s%s", code, err, out, errOut)
		}
		code, out, errOut = run(srv.URL, "status", "--format", "json")
		if err := json.Unmarshal([]byte(out), &report); err != nil || code != 0 || report.DotSegments == nil ||
			!report.DotSegments.Accepted || report.DotSegments.Status != 403 {
			t.Errorf("status --format json directly: exit %d, %v\n%s%s", code, err, out, errOut)
		}
	})
}

func pool(t *testing.T, caFile string) *x509.CertPool {
	t.Helper()
	data, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(data) {
		t.Fatalf("no certificate in %s", caFile)
	}
	return p
}

// createToken makes a token with exactly one policy and no default
// policy, as a person's token holds sellervault-self instead of default.
func createToken(t *testing.T, srv *devvault.Server, caFile, policy string) string {
	t.Helper()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool(t, caFile)}}}
	body := fmt.Sprintf(`{"policies":[%q],"no_default_policy":true,"ttl":"1h"}`, policy)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/auth/token/create", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Vault-Token", srv.RootToken)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Auth struct {
			ClientToken string `json:"client_token"`
		} `json:"auth"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Auth.ClientToken == "" {
		t.Fatalf("create token: %d %v", resp.StatusCode, err)
	}
	return out.Auth.ClientToken
}

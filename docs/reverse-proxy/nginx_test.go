// Package reverseproxy tests the reverse-proxy rule shipped in nginx.conf:
// a real nginx, with that file changed only on its CHANGE lines (the
// upstream address and TLS name, the listen address), in front of a real
// Vault core (internal/devvault, TLS).
package reverseproxy

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// nginxBinary finds nginx; a missing nginx fails the test (never skips):
// the rule is only worth shipping if it is run.
func nginxBinary(t *testing.T) string {
	t.Helper()
	if path, err := exec.LookPath("nginx"); err == nil {
		return path
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	t.Fatal("nginx is not installed: this test runs docs/reverse-proxy/nginx.conf in a real nginx and is never skipped; " +
		"install it (apt-get install nginx, as .ci/run does)")
	return ""
}

// proxy is a running nginx with the shipped rule.
type proxy struct {
	URL    string // https://127.0.0.1:PORT
	CAFile string // trusts both the proxy's and Vault's certificates
	dir    string
}

// template changes exactly the CHANGE lines of the shipped file.
func template(t *testing.T, conf, vaultHostPort, listen string) string {
	t.Helper()
	for _, r := range []struct{ old, new string }{
		{"server 127.0.0.1:8200;", "server " + vaultHostPort + ";"},
		{"listen 8443 ssl;", "listen " + listen + " ssl;"},
		// the dev Vault's certificate names localhost and 127.0.0.1
		{"proxy_ssl_name                vault.example.com;", "proxy_ssl_name                localhost;"},
	} {
		if n := strings.Count(conf, r.old); n != 1 {
			t.Fatalf("nginx.conf: %q appears %d times, want once (the test changes only the CHANGE lines)", r.old, n)
		}
		conf = strings.Replace(conf, r.old, r.new, 1)
	}
	return conf
}

// startProxy runs nginx as the current user in a temporary prefix, in the
// foreground, with its error log in that directory, listening on a free
// port on 127.0.0.1, in front of srv.
func startProxy(t *testing.T, srv *devvault.Server) *proxy {
	t.Helper()
	bin := nginxBinary(t)
	shipped, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	vaultCA, err := os.ReadFile(srv.CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "vault-ca.pem"), vaultCA)
	proxyCA := writeProxyCert(t, dir)
	p := &proxy{CAFile: filepath.Join(dir, "clients-ca.pem"), dir: dir}
	write(t, p.CAFile, append(append([]byte{}, proxyCA...), vaultCA...))
	vaultHostPort := strings.TrimPrefix(srv.URL, "https://")

	// The wrapper is the test's own: where nginx keeps its pid, logs and
	// temporary files, and one process (master_process off: nothing
	// switches user). The shipped file is included as it would be from
	// /etc/nginx/nginx.conf.
	main := fmt.Sprintf(`master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 64; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include vault.conf;
}
`, dir)
	write(t, filepath.Join(dir, "nginx.conf"), []byte(main))

	for attempt := 1; ; attempt++ {
		listen := freePort(t)
		write(t, filepath.Join(dir, "vault.conf"), []byte(template(t, string(shipped), vaultHostPort, listen)))
		errLog := filepath.Join(dir, "error.log")
		_ = os.Remove(errLog)
		cmd := exec.Command(bin, "-p", dir+"/", "-c", filepath.Join(dir, "nginx.conf"), "-e", errLog, "-g", "daemon off;")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		log := func() string {
			logText, _ := os.ReadFile(errLog)
			return out.String() + string(logText)
		}
		if !startProxyProcess(t, "nginx", cmd, listen, attempt < 3, log) {
			continue // another process took the free port meanwhile
		}
		p.URL = "https://" + listen
		return p
	}
}

// startProxyProcess starts a proxy that runs in the foreground and waits
// until it listens on listen; at the end of the test it is stopped (its
// log shown if the test failed). It reports false, with the process gone,
// when the port was taken meanwhile and retry allows another try.
func startProxyProcess(t *testing.T, name string, cmd *exec.Cmd, listen string, retry bool, log func() string) bool {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if err := waitListening(name, listen, exited); err != nil {
		if retry && strings.Contains(log(), "Address already in use") {
			_ = cmd.Process.Kill()
			return false
		}
		t.Fatalf("%s did not start: %v\n%s", name, err, log())
	}
	t.Cleanup(func() {
		// the process this test started, by its own handle
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s's log:\n%s", name, log())
		}
	})
	return true
}

func waitListening(name, addr string, exited <-chan error) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("%s exited: %v", name, err)
		default:
		}
		if conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			conn.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s is not listening after 10s", name)
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeProxyCert makes a CA and a certificate for 127.0.0.1, writes the
// certificate and key where nginx.conf names them (vault-proxy.crt and
// vault-proxy.key, next to the configuration) and returns the CA's PEM.
func writeProxyCert(t *testing.T, dir string) []byte {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTemplate := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "proxy test CA"},
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "vault-proxy.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}))
	write(t, filepath.Join(dir, "vault-proxy.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

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

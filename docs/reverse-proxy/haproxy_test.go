package reverseproxy

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// haproxyBinary finds HAProxy; a missing one fails the test (never
// skips): .ci/run installs it.
func haproxyBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"haproxy", "/usr/sbin/haproxy"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatal("haproxy is not installed: this test runs docs/reverse-proxy/haproxy.cfg in a real HAProxy and is never skipped; " +
		"install it (apt-get install haproxy, as .ci/run does)")
	return ""
}

// haproxyTemplate changes exactly the CHANGE lines of the shipped file:
// the listen address and the files in dir, and the three nodes for the
// given Vaults (host:port; their certificates name localhost).
func haproxyTemplate(t *testing.T, conf, listen, dir string, nodes []string) string {
	t.Helper()
	var out []string
	server := 0
	for _, line := range strings.Split(conf, "\n") {
		if !strings.HasSuffix(line, "# CHANGE") {
			out = append(out, line)
			continue
		}
		switch trimmed := strings.TrimSpace(line); {
		case strings.HasPrefix(trimmed, "bind "):
			out = append(out, fmt.Sprintf("    bind %s ssl crt %s/vault-proxy.pem alpn http/1.1", listen, dir))
		case strings.HasPrefix(trimmed, "default-server "):
			out = append(out, strings.Replace(line[:strings.Index(line, "#")], "/etc/haproxy", dir, 1))
		case strings.HasPrefix(trimmed, "server "):
			if server < len(nodes) {
				out = append(out, fmt.Sprintf("    server vault-%d %s sni str(localhost) check-sni localhost", server+1, nodes[server]))
			}
			server++
		default:
			t.Fatalf("haproxy.cfg: a CHANGE line this test does not know: %q", line)
		}
	}
	if server != 3 {
		t.Fatalf("haproxy.cfg names %d servers, want the 3 nodes of the cluster", server)
	}
	return strings.Join(out, "\n")
}

// startHAProxy runs HAProxy in the foreground with the shipped file in
// front of the given Vaults and returns its https address and the CA file
// that trusts it.
func startHAProxy(t *testing.T, nodes []*devvault.Server) (string, string) {
	t.Helper()
	bin := haproxyBinary(t)
	shipped, err := os.ReadFile("haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	vaultCA, err := os.ReadFile(nodes[0].CACertFile)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "vault-ca.pem"), vaultCA)
	proxyCA := writeProxyCert(t, dir)
	crt, _ := os.ReadFile(filepath.Join(dir, "vault-proxy.crt"))
	key, _ := os.ReadFile(filepath.Join(dir, "vault-proxy.key"))
	write(t, filepath.Join(dir, "vault-proxy.pem"), append(crt, key...))
	caFile := filepath.Join(dir, "clients-ca.pem")
	write(t, caFile, proxyCA)
	var hostPorts []string
	for _, n := range nodes {
		hostPorts = append(hostPorts, strings.TrimPrefix(n.URL, "https://"))
	}
	for attempt := 1; ; attempt++ {
		listen := freePort(t)
		cfg := filepath.Join(dir, "haproxy.cfg")
		write(t, cfg, []byte(haproxyTemplate(t, string(shipped), listen, dir, hostPorts)))
		if out, err := exec.Command(bin, "-c", "-f", cfg).CombinedOutput(); err != nil {
			t.Fatalf("haproxy -c refuses the file: %v\n%s", err, out)
		}
		cmd := exec.Command(bin, "-db", "-f", cfg)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if !startProxyProcess(t, "haproxy", cmd, listen, attempt < 3, out.String) {
			continue
		}
		return "https://" + listen, caFile
	}
}

// TestHAProxyRule: HAProxy with the shipped file in front of an active
// Vault, a sealed one and one that is down sends every request to the
// active one, and refuses every dot-segment before Vault sees it.
func TestHAProxyRule(t *testing.T) {
	for _, name := range vault.EnvVars {
		t.Setenv(name, "")
	}
	t.Setenv("VAULT_MAX_RETRIES", "0")
	ctx := context.Background()
	var nodes []*devvault.Server
	for i := 0; i < 3; i++ {
		srv, err := devvault.Start(ctx, devvault.Config{TLS: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		nodes = append(nodes, srv)
	}
	active, sealed, down := nodes[1], nodes[0], nodes[2]
	t.Setenv("VAULT_CACERT", sealed.CACertFile)
	sc, err := vault.New(vault.Options{Address: sealed.URL, Token: sealed.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.Sys().Seal(ctx); err != nil {
		t.Fatal(err)
	}
	// Each dev Vault has a CA of its own: the proxy trusts all three (the
	// shipped file names one CA file, which startHAProxy copies from the
	// first node).
	var cas []byte
	for _, n := range nodes {
		b, err := os.ReadFile(n.CACertFile)
		if err != nil {
			t.Fatal(err)
		}
		cas = append(cas, b...)
	}
	allCAs := filepath.Join(t.TempDir(), "cas.pem")
	write(t, allCAs, cas)
	nodes[0].CACertFile = allCAs
	url, caFile := startHAProxy(t, nodes)
	if err := down.Close(); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool(t, caFile)}}}

	// Health checks every 2 s: wait until the active node is up.
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, _, _ := rawGet(t, hc, url, "/v1/sys/health", "")
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no node up behind HAProxy after 20 s (last answer %d)", status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Run("every request goes to the active node", func(t *testing.T) {
		for i := 0; i < 20; i++ {
			status, _, body := rawGet(t, hc, url, "/v1/auth/token/lookup-self", active.RootToken)
			if status != http.StatusOK || !strings.Contains(body, `"accessor"`) {
				t.Fatalf("request %d: %d %s; want the active node's answer", i, status, body)
			}
		}
	})
	t.Run("every dot-segment is refused", func(t *testing.T) {
		for _, target := range dotSegmentTargets {
			status, ctype, body := rawGet(t, hc, url, target, active.RootToken)
			if status != http.StatusBadRequest || strings.HasPrefix(ctype, "application/json") {
				t.Errorf("through HAProxy, GET %s: %d %s %q; want HAProxy's 400", target, status, ctype, body)
			}
		}
	})
}

package reverseproxy

// Running nginx with the shipped rule for TestNginxRule (nginx_test.go):
// the binary, a temporary prefix and configuration, a free port and a
// certificate.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/devvault"
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

package app

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/vault"
)

// postureSession is a session against addr with token, writing to stderr.
func postureSession(t *testing.T, addr, token string, stderr *bytes.Buffer) *session {
	t.Helper()
	for _, name := range vault.EnvVars {
		t.Setenv(name, "")
	}
	t.Setenv("VAULT_MAX_RETRIES", "0")
	t.Setenv("HOME", t.TempDir())
	c, err := connect.Open(connect.Options{Address: addr, Token: token, Mount: "sellervault"})
	if err != nil {
		t.Fatal(err)
	}
	return &session{env: &Env{Stdout: &bytes.Buffer{}, Stderr: stderr}, format: "table", conn: c}
}

// TestWarnDotSegments is what `sellervault init` prints: the warning and
// the hint against a real Vault 1.21, which accepts encoded dot-segments.
func TestWarnDotSegments(t *testing.T) {
	srv, err := devvault.Start(context.Background(), devvault.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	var stderr bytes.Buffer
	s := postureSession(t, srv.URL, srv.RootToken, &stderr)
	s.warnDotSegments(context.Background())
	want := "sellervault: warning: Vault at " + srv.URL + " accepts encoded dot-segments (%2e%2e) in request paths " +
		"(Vault answered 404 unsupported path): any glob grant in a policy on this Vault is a door to its whole mount " +
		"(sellervault's own policies are laid out to hold anyway; other policies on this Vault may not)\n" +
		"sellervault: hint: upgrade Vault when a release refuses them, or put the reverse-proxy rule of " +
		"docs/reverse-proxy/nginx.conf in front of it\n"
	if got := stderr.String(); got != want {
		t.Errorf("warnDotSegments printed\n%s\nwant\n%s", got, want)
	}
}

// A proxy that refuses them (nginx's 400 page: an answer Vault never
// gives) leaves init quiet; an unreachable server is said, not failed.
func TestWarnDotSegmentsNotVault(t *testing.T) {
	const token = "hvs.posture-token"
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("<html><center><h1>400 Bad Request</h1></center><hr><center>nginx</center></html>"))
	}))
	defer refusing.Close()
	var stderr bytes.Buffer
	s := postureSession(t, refusing.URL, token, &stderr)
	s.warnDotSegments(context.Background())
	if stderr.Len() != 0 {
		t.Errorf("behind a refusing proxy, warnDotSegments printed %q, want nothing", stderr.String())
	}
	r, notChecked := s.probeDotSegments(context.Background())
	line := dotSegmentsLine(r, notChecked)
	if want := "refused: encoded dot-segments (%2e%2e) are stopped before Vault (refused with 400 before Vault's ACL); " +
		"no glob grant can be stepped out of through this address: keep Vault reachable only through it"; line != want {
		t.Errorf("status line behind a refusing proxy:\n%s\nwant\n%s", line, want)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	stderr.Reset()
	s = postureSession(t, addr, token, &stderr)
	s.warnDotSegments(context.Background())
	got := stderr.String()
	if !strings.HasPrefix(got, "sellervault: warning: could not check whether Vault refuses encoded dot-segments (%2e%2e) in paths: ") ||
		!strings.Contains(got, "vault is unreachable") || strings.Contains(got, token) || strings.Count(got, "\n") != 1 {
		t.Errorf("against nothing, warnDotSegments printed %q", got)
	}
}

func TestDotSegmentsLineRefusedByVault(t *testing.T) {
	// a Vault release that refuses them itself (a 400 in Vault's JSON)
	got := dotSegmentsLine(&connect.Posture{Status: 400, FromVault: true}, "")
	if want := "refused: Vault itself refuses encoded dot-segments (%2e%2e) in paths (400); no glob grant can be stepped out of"; got != want {
		t.Errorf("dotSegmentsLine = %q, want %q", got, want)
	}
	if got := dotSegmentsLine(nil, "not logged in"); got != "not checked: not logged in" {
		t.Errorf("dotSegmentsLine(nil) = %q", got)
	}
}

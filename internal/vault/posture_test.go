package vault

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/sellervault/sellervault/internal/devvault"
)

// The probe against a real Vault core: every answer Vault itself gives
// is classified here against the real thing. A fake server appears only
// for what a real Vault cannot answer (a proxy's page, a fixed Vault's
// 400, redirects, gateway errors) and to record the bytes on the wire.

// probeSelfPolicy is what a person's token holds instead of Vault's
// default policy (policies/self.hcl): nothing but its own token.
const probeSelfPolicy = `
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self"  { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/wrapping/unwrap"    { capabilities = ["update"] }
`

func TestDotSegmentProbeRealVault(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	ctx := context.Background()
	srv, err := devvault.Start(ctx, devvault.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	root := newClient(t, Options{Address: srv.URL, Token: srv.RootToken})
	if err := root.Sys().PutPolicy(ctx, "probe-self", probeSelfPolicy); err != nil {
		t.Fatal(err)
	}
	token := func(policies []string, noDefault bool) string {
		t.Helper()
		s, err := root.api.Auth().Token().Create(&api.TokenCreateRequest{Policies: policies, NoDefaultPolicy: noDefault})
		if err != nil {
			t.Fatal(err)
		}
		return s.Auth.ClientToken
	}
	tests := []struct {
		name       string
		token      string
		wantStatus int
		wantDetail string
	}{
		// root passes the ACL: the token store's router says no such path
		{name: "root", token: srv.RootToken, wantStatus: 404, wantDetail: "unsupported path"},
		// the ACL matched the decoded path auth/token/lookup-self/../lookup-self
		{name: "sellervault-self only", token: token([]string{"probe-self"}, true), wantStatus: 403, wantDetail: "permission denied"},
		{name: "default policy", token: token([]string{"default"}, false), wantStatus: 403, wantDetail: "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := root.WithToken(tt.token)
			if err != nil {
				t.Fatal(err)
			}
			// the token works for the path without the dot-segment
			if _, err := c.Tokens().LookupSelf(ctx); err != nil {
				t.Fatalf("LookupSelf: %v", err)
			}
			p, err := c.Sys().DotSegmentProbe(ctx)
			if err != nil {
				t.Fatalf("DotSegmentProbe: %v", err)
			}
			if !p.Accepted || !p.FromVault || p.Status != tt.wantStatus || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("DotSegmentProbe = %+v, want accepted by Vault with %d %q", p, tt.wantStatus, tt.wantDetail)
			}
		})
	}

	t.Run("no token", func(t *testing.T) {
		c, err := root.WithToken("")
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Sys().DotSegmentProbe(ctx)
		if !errors.Is(err, ErrDenied) {
			t.Errorf("DotSegmentProbe without a token: %v, want ErrDenied", err)
		}
	})

	t.Run("sealed", func(t *testing.T) {
		sealed, err := devvault.Start(ctx, devvault.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = sealed.Close() })
		c := newClient(t, Options{Address: sealed.URL, Token: sealed.RootToken})
		if err := c.Sys().Seal(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = c.Sys().DotSegmentProbe(ctx)
		if !errors.Is(err, ErrSealed) || strings.Contains(err.Error(), sealed.RootToken) {
			t.Errorf("DotSegmentProbe on a sealed Vault: %v, want ErrSealed without the token", err)
		}
	})
}

// recorder is a server that records the raw request line and headers of
// what it gets, and answers as Vault does to a denied path.
type recorder struct {
	mu     sync.Mutex
	uris   []string
	header http.Header
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.uris = append(r.uris, req.RequestURI)
	r.header = req.Header.Clone()
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(`{"errors":["1 error occurred:\n\t* permission denied\n\n"]}` + "\n"))
}

// TestDotSegmentProbeOnTheWire proves that the encoded dot-segment reaches
// the server byte for byte: net/url and the api module neither clean it
// to auth/token/lookup-self nor re-encode it as %252e.
func TestDotSegmentProbeOnTheWire(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	const token = "hvs.probe-token-on-the-wire"
	for _, tt := range []struct{ addr, want string }{
		{srv.URL, DotSegmentProbePath},
		{srv.URL + "/", DotSegmentProbePath},
		{srv.URL + "/vault", "/vault" + DotSegmentProbePath}, // Vault behind a path prefix
	} {
		c := newClient(t, Options{Address: tt.addr, Namespace: "team-ns", Token: token})
		p, err := c.Sys().DotSegmentProbe(context.Background())
		if err != nil {
			t.Fatalf("DotSegmentProbe(%s): %v", tt.addr, err)
		}
		if !p.Accepted || p.Status != 403 {
			t.Errorf("DotSegmentProbe(%s) = %+v, want accepted 403", tt.addr, p)
		}
		rec.mu.Lock()
		got, header := rec.uris[len(rec.uris)-1], rec.header
		rec.mu.Unlock()
		if got != tt.want {
			t.Errorf("request URI on the wire = %q, want %q", got, tt.want)
		}
		if header.Get(api.AuthHeaderName) != token || header.Get(api.NamespaceHeaderName) != "team-ns" {
			t.Errorf("headers on the wire: token sent %v, namespace %q", header.Get(api.AuthHeaderName) == token, header.Get(api.NamespaceHeaderName))
		}
	}
	if len(rec.uris) != 3 {
		t.Errorf("%d requests for 3 probes, want exactly one each", len(rec.uris))
	}
}

// TestDotSegmentProbeNotVault classifies the answers only something other
// than Vault 1.21 gives: a proxy's refusal, a fixed Vault's 400,
// redirects, gateway errors.
func TestDotSegmentProbeNotVault(t *testing.T) {
	const token = "hvs.probe-token-must-not-leak"
	html := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	vaultJSON := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}
	}
	tests := []struct {
		name          string
		handler       http.HandlerFunc
		wantAccepted  bool
		wantStatus    int
		wantFromVault bool
		wantDetail    string
		wantErr       error // the probe says nothing
	}{
		{name: "nginx 400", handler: html(400, "<html><center><h1>400 Bad Request</h1></center><hr><center>nginx</center></html>"),
			wantStatus: 400, wantDetail: "refused with 400 before Vault's ACL"},
		{name: "a fixed Vault's 400", handler: vaultJSON(400, `{"errors":["invalid path: dot-segments are not allowed"]}`),
			wantStatus: 400, wantFromVault: true, wantDetail: "(Vault: invalid path: dot-segments are not allowed)"},
		{name: "a WAF's 403 page", handler: html(403, "<h1>Forbidden</h1>"),
			wantStatus: 403, wantDetail: "not Vault (text/html)"},
		{name: "a proxy's 404", handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			wantStatus: 404, wantDetail: "not Vault (text/plain)"},
		{name: "200 that is not Vault's", handler: html(200, "<h1>It works!</h1>"),
			wantStatus: 200, wantDetail: "not Vault"},
		{name: "JSON that is not Vault's", handler: vaultJSON(403, `{"message":"forbidden"}`),
			wantStatus: 403, wantDetail: "not Vault (application/json)"},
		{name: "redirect to the cleaned path", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/v1/auth/token/lookup-self", http.StatusMovedPermanently)
		}, wantStatus: 301, wantDetail: "did not reach Vault"},
		{name: "an echo of the token", handler: vaultJSON(400, `{"errors":["bad token `+token+`"]}`),
			wantStatus: 400, wantFromVault: true, wantDetail: "bad token [token]"},
		{name: "bad gateway", handler: html(502, "<h1>502 Bad Gateway</h1>"), wantErr: ErrUnreachable},
		{name: "rate limited", handler: vaultJSON(429, `{"errors":["request path \"auth/token/lookup-self/../lookup-self\": rate limit quota exceeded"]}`), wantErr: ErrUnreachable},
		{name: "sealed", handler: vaultJSON(503, `{"errors":["Vault is sealed"]}`), wantErr: ErrSealed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			isolateHome(t)
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := newClient(t, Options{Address: srv.URL, Token: token})
			p, err := c.Sys().DotSegmentProbe(context.Background())
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("DotSegmentProbe: %+v, %v; want %v", p, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), token) {
					t.Errorf("the error holds the token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DotSegmentProbe: %v", err)
			}
			if p.Accepted != tt.wantAccepted || p.Status != tt.wantStatus || p.FromVault != tt.wantFromVault || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("DotSegmentProbe = %+v, want accepted=%v status=%d fromVault=%v detail ~ %q",
					p, tt.wantAccepted, tt.wantStatus, tt.wantFromVault, tt.wantDetail)
			}
			if strings.Contains(p.Detail, token) {
				t.Errorf("the detail holds the token: %q", p.Detail)
			}
		})
	}
}

// TestDotSegmentProbeFollowsStandby: a standby's redirect to the active
// node with the same raw path is followed once, and the active node's
// answer counts.
func TestDotSegmentProbeFollowsStandby(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	active := &recorder{}
	activeSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/sys/health" { // the failover check of a redirect's target
			w.WriteHeader(http.StatusOK)
			return
		}
		active.ServeHTTP(w, r)
	}))
	defer activeSrv.Close()
	standby := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", activeSrv.URL+r.RequestURI)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer standby.Close()
	c := newClient(t, Options{Address: standby.URL, Token: "hvs.standby"})
	p, err := c.Sys().DotSegmentProbe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !p.Accepted || p.Status != 403 || len(active.uris) != 1 || active.uris[0] != DotSegmentProbePath {
		t.Errorf("through a standby: %+v, active node got %q", p, active.uris)
	}
}

func TestDotSegmentProbeUnreachable(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + l.Addr().String()
	l.Close()
	const token = "hvs.unreachable-token"
	c := newClient(t, Options{Address: addr, Token: token})
	_, err = c.Sys().DotSegmentProbe(context.Background())
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), token) {
		t.Errorf("DotSegmentProbe against nothing: %v, want ErrUnreachable without the token", err)
	}
}

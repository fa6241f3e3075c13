package vault

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tests in this file inject failures through a fake HTTP server: a
// real Vault core cannot be made to answer 502, hang, or refuse a
// connection on demand. Everything else is tested against a real core.

// canary is a secret value sent in request bodies, and tokenCanary the
// token sent in a header; no error may carry either.
const (
	canary      = "CANARY-s3cr3t-9f2"
	tokenCanary = "hvs.CANARY-token-4d1"
)

// isolateEnv clears the VAULT_* variables api.DefaultConfig and
// api.NewClient read, so that the developer's own environment cannot leak
// into a test, and turns off the api module's retries of 5xx answers and
// failed connections so that failures come back at once.
func isolateEnv(t *testing.T) {
	t.Helper()
	for _, name := range EnvVars {
		t.Setenv(name, "")
	}
	t.Setenv("VAULT_MAX_RETRIES", "0")
}

// fakeVault is a fake Vault HTTP server that answers every request with
// one status and body, and remembers the request bodies it received.
type fakeVault struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func newFakeVault(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *fakeVault {
	t.Helper()
	f := &fakeVault{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.bodies = append(f.bodies, string(body))
		f.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeVault) received() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.bodies, "\n")
}

// answer replies with status and, when body is not empty, a JSON body as
// Vault sends it.
func answer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// hang answers only when the client has gone away, or after 2s at most.
func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(2 * time.Second):
	}
	w.WriteHeader(http.StatusOK)
}

// operation is one real client operation and the op and path its errors name.
type operation struct {
	name    string
	op      string
	path    string
	call    func(ctx context.Context, c *Client) error
	carries bool // the request body carries the canary
}

var operations = []operation{
	{
		name: "ServerStatus", op: "read seal status", path: "sys/seal-status",
		call: func(ctx context.Context, c *Client) error { _, err := c.Sys().ServerStatus(ctx); return err },
	},
	{
		name: "KVGet", op: "read record", path: "m/data/p",
		call: func(ctx context.Context, c *Client) error { _, err := c.KV().Get(ctx, "m", "p"); return err },
	},
	{
		name: "KVPut", op: "write record", path: "m/data/p", carries: true,
		call: func(ctx context.Context, c *Client) error {
			_, err := c.KV().Put(ctx, "m", "p", map[string]interface{}{"password": canary}, 3)
			return err
		},
	},
	{
		name: "Policy", op: "read policy", path: "sys/policies/acl/x",
		call: func(ctx context.Context, c *Client) error { _, err := c.Sys().Policy(ctx, "x"); return err },
	},
	{
		name: "PutPolicy", op: "write policy", path: "sys/policies/acl/x", carries: true,
		call: func(ctx context.Context, c *Client) error {
			return c.Sys().PutPolicy(ctx, "x", `path "`+canary+`" { capabilities = ["read"] }`)
		},
	},
}

func findOperation(t *testing.T, name string) operation {
	t.Helper()
	for _, o := range operations {
		if o.name == name {
			return o
		}
	}
	t.Fatalf("no operation %q", name)
	return operation{}
}

// checkError asserts that err is an *Error of kind with the operation's
// Op and Path, and that its text holds neither the canary nor the token.
func checkError(t *testing.T, err error, kind error, o operation) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v", o.name, kind)
	}
	if !errors.Is(err, kind) {
		t.Errorf("%s: error %q is not %v", o.name, err, kind)
	}
	for _, other := range []error{ErrNotFound, ErrDenied, ErrConflict, ErrSealed, ErrUnreachable, ErrBadRequest} {
		if other != kind && errors.Is(err, other) {
			t.Errorf("%s: error %q is also %v", o.name, err, other)
		}
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: error %q (%T) is not a *vault.Error", o.name, err, err)
	}
	if e.Op != o.op || e.Path != o.path {
		t.Errorf("%s: Op, Path = %q, %q; want %q, %q", o.name, e.Op, e.Path, o.op, o.path)
	}
	for _, secret := range []string{canary, tokenCanary} {
		if strings.Contains(err.Error(), secret) || strings.Contains(e.Detail, secret) {
			t.Errorf("%s: error text carries the request's secret %q: %q", o.name, secret, err)
		}
	}
	if !strings.HasPrefix(err.Error(), o.op+" "+o.path+": ") {
		t.Errorf("%s: error text %q does not start with the op and path", o.name, err)
	}
	return e
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		ops     []string // operations to run; nil means all
		kind    error
		detail  string // substring of Error.Detail, when not empty
		wantErr bool
	}{
		{name: "404 not found", status: 404, body: `{"errors":[]}`, kind: ErrNotFound},
		{name: "404 no body", status: 404, kind: ErrNotFound},
		{name: "403 denied", status: 403, body: `{"errors":["permission denied"]}`, kind: ErrDenied, detail: "permission denied"},
		{name: "401 denied", status: 401, body: `{"errors":["missing client token"]}`, kind: ErrDenied},
		{
			name: "400 check-and-set", status: 400,
			body: `{"errors":["check-and-set parameter did not match the current version"]}`,
			kind: ErrConflict, detail: "check-and-set parameter did not match",
		},
		{name: "412 precondition", status: 412, body: `{"errors":["required index state not present"]}`, kind: ErrConflict},
		{name: "503 sealed", status: 503, body: `{"errors":["Vault is sealed"]}`, kind: ErrSealed, detail: "Vault is sealed"},
		{name: "500 internal", status: 500, body: `{"errors":["internal error"]}`, kind: ErrUnreachable, detail: "internal error"},
		{name: "502 bad gateway", status: 502, body: "", kind: ErrUnreachable},
		{name: "503 standby", status: 503, body: `{"errors":["Vault is in standby mode"]}`, kind: ErrUnreachable},
		{name: "400 plain", status: 400, body: `{"errors":["missing 'data' field"]}`, kind: ErrBadRequest, detail: "missing 'data' field"},
		{name: "400 no body", status: 400, kind: ErrBadRequest},
	}
	for _, tt := range tests {
		for _, o := range operations {
			t.Run(tt.name+"/"+o.name, func(t *testing.T) {
				isolateEnv(t)
				srv := newFakeVault(t, answer(tt.status, tt.body))
				c, err := New(Options{Address: srv.URL, Token: tokenCanary, Timeout: 5 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				err = o.call(context.Background(), c)
				e := checkError(t, err, tt.kind, o)
				if e.Status != tt.status {
					t.Errorf("Status = %d, want %d", e.Status, tt.status)
				}
				if tt.detail != "" && !strings.Contains(e.Detail, tt.detail) {
					t.Errorf("Detail = %q, want it to contain %q", e.Detail, tt.detail)
				}
				if o.carries && !strings.Contains(srv.received(), canary) {
					t.Fatalf("the fake server never saw the canary: the leak check proves nothing")
				}
			})
		}
	}
}

func TestErrorTimeout(t *testing.T) {
	isolateEnv(t)
	srv := newFakeVault(t, hang)
	c, err := New(Options{Address: srv.URL, Token: tokenCanary, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ServerStatus", "KVGet", "KVPut"} {
		o := findOperation(t, name)
		start := time.Now()
		err := o.call(context.Background(), c)
		if took := time.Since(start); took > 1800*time.Millisecond {
			t.Errorf("%s: took %s with a 200ms timeout", name, took)
		}
		e := checkError(t, err, ErrUnreachable, o)
		if e.Status != 0 {
			t.Errorf("%s: Status = %d, want 0 (no answer)", name, e.Status)
		}
	}
}

func TestErrorConnectionRefused(t *testing.T) {
	isolateEnv(t)
	// Take a free port and close it: nothing listens there any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close()

	c, err := New(Options{Address: addr, Token: tokenCanary, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range operations {
		e := checkError(t, o.call(context.Background(), c), ErrUnreachable, o)
		if e.Status != 0 {
			t.Errorf("%s: Status = %d, want 0", o.name, e.Status)
		}
		if !strings.Contains(e.Detail, "refused") {
			t.Errorf("%s: Detail = %q, want the transport's reason", o.name, e.Detail)
		}
	}
}

// TestErrorText pins the shape of the message: op, path, kind and, when it
// says more than the kind, Vault's own detail.
func TestErrorText(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Op: "read record", Path: "m/data/p", Kind: ErrNotFound}, "read record m/data/p: not found"},
		{&Error{Op: "read record", Path: "m/data/p", Kind: ErrDenied, Detail: "permission denied"}, "read record m/data/p: permission denied"},
		{&Error{Op: "read record", Path: "m/data/p", Kind: ErrDenied, Detail: "Permission Denied"}, "read record m/data/p: permission denied"},
		{&Error{Op: "status", Path: "sys/seal-status", Kind: ErrSealed, Detail: "Vault is sealed"}, "status sys/seal-status: vault is sealed"},
		{&Error{Op: "write record", Path: "m/data/p", Kind: ErrConflict, Detail: "check-and-set parameter did not match the current version"},
			"write record m/data/p: check-and-set conflict (check-and-set parameter did not match the current version)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, tt.err.Kind) {
			t.Errorf("%q does not unwrap to its kind", tt.err)
		}
	}
}

func TestWrapNil(t *testing.T) {
	if err := wrap("read record", "m/data/p", nil); err != nil {
		t.Fatalf("wrap(nil) = %v, want nil", err)
	}
}

// An interrupted call (Ctrl-C cancels the context) is told apart from an
// unreachable Vault, so the CLI can exit "aborted" rather than "unreachable".
func TestWrapCanceledKeepsCause(t *testing.T) {
	err := wrap("read record", "m/data/p", context.Canceled)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not unwrap to context.Canceled", err)
	}
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("%v lost its kind", err)
	}
	if errors.Is(wrap("read record", "m/data/p", context.DeadlineExceeded), context.Canceled) {
		t.Fatal("a timeout reads as an interrupt")
	}
}

func TestCleanDetail(t *testing.T) {
	got := cleanDetail([]string{"1 error occurred:\n\t* permission denied\n\n", "plain"})
	if got != "permission denied; plain" {
		t.Fatalf("cleanDetail = %q", got)
	}
}

package vault

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests pin the configuration order of New, Vault's CLI's order:
// api.DefaultConfig and VAULT_*, then the options, then the token helper
// file when VAULT_TOKEN is empty. No server is needed.

// isolateHome points HOME at an empty directory, so that the developer's
// own ~/.vault-token is never read, and returns it.
func isolateHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	return home
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	return c
}

func TestNewAddress(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		option  string
		want    string
		wantEnv bool
	}{
		{name: "default", want: "https://127.0.0.1:8200"},
		{name: "VAULT_ADDR", env: "http://env.example:8200", want: "http://env.example:8200"},
		{name: "option wins over VAULT_ADDR", env: "http://env.example:8200", option: "https://opt.example:8300", want: "https://opt.example:8300"},
		{name: "option alone", option: "http://127.0.0.1:18200", want: "http://127.0.0.1:18200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			isolateHome(t)
			t.Setenv("VAULT_ADDR", tt.env)
			c := newClient(t, Options{Address: tt.option})
			if got := c.Address(); got != tt.want {
				t.Errorf("Address() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewNamespace(t *testing.T) {
	tests := []struct {
		name   string
		env    string
		option string
		want   string
	}{
		{name: "none", want: ""},
		{name: "VAULT_NAMESPACE", env: "team-env", want: "team-env"},
		{name: "option wins over VAULT_NAMESPACE", env: "team-env", option: "team-opt", want: "team-opt"},
		{name: "option alone", option: "team-opt", want: "team-opt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			isolateHome(t)
			t.Setenv("VAULT_NAMESPACE", tt.env)
			c := newClient(t, Options{Namespace: tt.option})
			if got := c.Namespace(); got != tt.want {
				t.Errorf("Namespace() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewTimeout(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	if c := newClient(t, Options{}); c.timeout != DefaultTimeout {
		t.Errorf("zero Timeout: timeout = %s, want %s", c.timeout, DefaultTimeout)
	}
	if c := newClient(t, Options{Timeout: -time.Second}); c.timeout != DefaultTimeout {
		t.Errorf("negative Timeout: timeout = %s, want %s", c.timeout, DefaultTimeout)
	}
	if c := newClient(t, Options{Timeout: 3 * time.Second}); c.timeout != 3*time.Second {
		t.Errorf("Timeout 3s: timeout = %s", c.timeout)
	}
}

func TestNewToken(t *testing.T) {
	tests := []struct {
		name       string
		envToken   string
		optToken   string
		file       *string // content of the token helper file; nil: no file
		atHome     bool    // the file is ~/.vault-token rather than Options.TokenFile
		wantToken  string
		wantSource string
	}{
		{name: "no home file", atHome: true, wantToken: "", wantSource: ""},
		{name: "missing file", file: nil, wantToken: "", wantSource: ""},
		{name: "VAULT_TOKEN", envToken: "hvs.env", wantToken: "hvs.env", wantSource: "env"},
		{name: "VAULT_TOKEN wins over file", envToken: "hvs.env", file: ptr("hvs.file"), wantToken: "hvs.env", wantSource: "env"},
		{name: "VAULT_TOKEN wins over home file", envToken: "hvs.env", file: ptr("hvs.file"), atHome: true, wantToken: "hvs.env", wantSource: "env"},
		{name: "file", file: ptr("hvs.file"), wantToken: "hvs.file", wantSource: "token-helper"},
		{name: "file trimmed", file: ptr("  hvs.file \n\n"), wantToken: "hvs.file", wantSource: "token-helper"},
		{name: "file CRLF", file: ptr("hvs.file\r\n"), wantToken: "hvs.file", wantSource: "token-helper"},
		{name: "home file trimmed", file: ptr("\thvs.home\n"), atHome: true, wantToken: "hvs.home", wantSource: "token-helper"},
		{name: "empty file", file: ptr(""), wantToken: "", wantSource: ""},
		{name: "blank file", file: ptr(" \n\t\n"), wantToken: "", wantSource: ""},
		{name: "option wins over everything", envToken: "hvs.env", optToken: "hvs.opt", file: ptr("hvs.file"), wantToken: "hvs.opt", wantSource: "option"},
		{name: "option wins over home file", optToken: "hvs.opt", file: ptr("hvs.file"), atHome: true, wantToken: "hvs.opt", wantSource: "option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateEnv(t)
			home := isolateHome(t)
			t.Setenv("VAULT_TOKEN", tt.envToken)
			opts := Options{Token: tt.optToken}
			path := filepath.Join(home, ".vault-token")
			if !tt.atHome {
				path = filepath.Join(t.TempDir(), "token")
				opts.TokenFile = path
				// A decoy at ~/.vault-token must not be read when
				// Options.TokenFile is set.
				writeFile(t, filepath.Join(home, ".vault-token"), "hvs.decoy", 0o600)
			}
			if tt.file != nil {
				writeFile(t, path, *tt.file, 0o600)
			}
			c := newClient(t, opts)
			if got := c.api.Token(); got != tt.wantToken {
				t.Errorf("token = %q, want %q", got, tt.wantToken)
			}
			if got := c.HasToken(); got != (tt.wantToken != "") {
				t.Errorf("HasToken() = %v", got)
			}
			if c.TokenSource != tt.wantSource {
				t.Errorf("TokenSource = %q, want %q", c.TokenSource, tt.wantSource)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestNewTokenFileUnreadable(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	dir := t.TempDir() // a directory cannot be read as a file
	c, err := New(Options{TokenFile: dir})
	if err == nil {
		t.Fatalf("New with a directory as token file: no error, token source %q", c.TokenSource)
	}
	if !strings.Contains(err.Error(), "token helper") {
		t.Errorf("error %q does not say it is the token helper file", err)
	}
}

func TestSetToken(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	c := newClient(t, Options{})
	if c.HasToken() {
		t.Fatal("HasToken() with no token anywhere")
	}
	c.SetToken("hvs.login")
	if !c.HasToken() || c.api.Token() != "hvs.login" {
		t.Errorf("after SetToken: token %q", c.api.Token())
	}
}

func TestStoreToken(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "token")

	check := func(want string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != want {
			t.Errorf("file holds %q, want %q", data, want)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("file mode %#o, want 0600", mode)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Errorf("directory holds %v, want only the token file", names)
		}
	}

	if err := StoreToken(path, "hvs.first"); err != nil {
		t.Fatal(err)
	}
	check("hvs.first")

	// An existing, too-open file is replaced, and its mode with it.
	writeFile(t, path, "hvs.old-and-longer-than-the-new-one", 0o644)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := StoreToken(path, "hvs.second"); err != nil {
		t.Fatal(err)
	}
	check("hvs.second")

	// New reads back what StoreToken wrote.
	c := newClient(t, Options{TokenFile: path})
	if c.api.Token() != "hvs.second" || c.TokenSource != "token-helper" {
		t.Errorf("New read token %q from %q", c.api.Token(), c.TokenSource)
	}
}

func TestStoreTokenDefaultPath(t *testing.T) {
	isolateEnv(t)
	home := isolateHome(t)
	if err := StoreToken("", "hvs.home"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(home, ".vault-token")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "hvs.home" {
		t.Errorf("~/.vault-token holds %q", data)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("~/.vault-token mode %#o, want 0600", mode)
	}
	c := newClient(t, Options{})
	if c.api.Token() != "hvs.home" || c.TokenSource != "token-helper" {
		t.Errorf("New read token %q from %q", c.api.Token(), c.TokenSource)
	}
}

func TestStoreTokenMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "token")
	err := StoreToken(path, "hvs.secret-token")
	if err == nil {
		t.Fatal("StoreToken into a missing directory: no error")
	}
	if strings.Contains(err.Error(), "hvs.secret-token") {
		t.Errorf("error carries the token: %q", err)
	}
}

func TestWithToken(t *testing.T) {
	isolateEnv(t)
	isolateHome(t)
	c := newClient(t, Options{Address: "http://127.0.0.1:18200", Token: "hvs.original", Timeout: 7 * time.Second})
	other, err := c.WithToken("hvs.other")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.api.Token(); got != "hvs.original" {
		t.Errorf("original client's token changed to %q", got)
	}
	if got := other.api.Token(); got != "hvs.other" {
		t.Errorf("copy's token = %q, want hvs.other", got)
	}
	if other.Address() != c.Address() {
		t.Errorf("copy's address = %q, want %q", other.Address(), c.Address())
	}
	if other.timeout != c.timeout {
		t.Errorf("copy's timeout = %s, want %s", other.timeout, c.timeout)
	}
	// Changing the copy afterwards leaves the original alone too.
	other.SetToken("hvs.later")
	if got := c.api.Token(); got != "hvs.original" {
		t.Errorf("original client's token changed to %q after the copy's SetToken", got)
	}
}

func TestNewLayout(t *testing.T) {
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"sellervault", true},
		{"ab", true},
		{"a1", true},
		{"team-a", true},
		{"acme-us-2", true},
		{"a-b-c", true},
		{"a--b", true},
		{"a" + strings.Repeat("b", 31), true}, // 32
		{"", false},
		{"a", false},
		{"ab-", false},
		{"-ab", false},
		{"1ab", false},
		{"Ab", false},
		{"aB", false},
		{"a_b", false},
		{"a.b", false},
		{"a/b", false},
		{"a b", false},
		{"ab\n", false},
		{"\nab", false},
		{"sellervault/", false},
		{"../x", false},
		{"zürich", false},
		{"a" + strings.Repeat("b", 32), false}, // 33
	}
	for _, tt := range tests {
		l, err := NewLayout(tt.prefix)
		if (err == nil) != tt.ok {
			t.Errorf("NewLayout(%q) error = %v, want ok=%v", tt.prefix, err, tt.ok)
			continue
		}
		if !tt.ok {
			if l != (Layout{}) {
				t.Errorf("NewLayout(%q) refused but returned %+v", tt.prefix, l)
			}
			continue
		}
		if l.Prefix != tt.prefix || l.KV() != tt.prefix {
			t.Errorf("NewLayout(%q) = %+v", tt.prefix, l)
		}
	}
}

func TestLayoutNames(t *testing.T) {
	l, err := NewLayout("acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ got, want string }{
		{l.KV(), "acme"},
		{l.TOTP(), "acme-totp"},
		{l.Transit(), "acme-transit"},
		{l.RedactKey(StoreAudience("shop-us")), "acme-redact-store-shop-us"},
		{l.RedactKey(AudiencePayout), "acme-redact-payout"},
		{l.RedactKey(AudienceContacts), "acme-redact-contacts"},
		{AudienceStore(StoreAudience("shop-us")), "shop-us"},
		{AudienceStore(AudiencePayout), ""},
		{l.RolePolicy("staff"), "acme-staff"},
		{l.RoleGroup("manager"), "acme-managers"},
		{l.RoleGroup("finance"), "acme-finance"},
		{l.StorePolicy("shop-us"), "acme-store-shop-us"},
		{l.StoreGroup("shop-us"), "acme-store-shop-us"},
		{l.ReminderRole(), "acme-reminder"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func FuzzNewLayout(f *testing.F) {
	for _, seed := range []string{"sellervault", "ab", "a", "", "A-b", "a-", "team-a1", "ab\n", "zürich", strings.Repeat("a", 32), strings.Repeat("a", 33)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, prefix string) {
		l, err := NewLayout(prefix)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			return
		}
		if l.Prefix != prefix {
			t.Fatalf("NewLayout(%q).Prefix = %q", prefix, l.Prefix)
		}
		if n := len(prefix); n < 2 || n > 32 {
			t.Fatalf("accepted %q of length %d", prefix, n)
		}
		if c := prefix[0]; c < 'a' || c > 'z' {
			t.Fatalf("accepted %q, which does not start with a letter", prefix)
		}
		for i := 0; i < len(prefix); i++ {
			c := prefix[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				t.Fatalf("accepted %q, which holds byte %q", prefix, c)
			}
		}
	})
}

func TestWithTokenKeepsNamespace(t *testing.T) {
	t.Setenv("VAULT_NAMESPACE", "")
	t.Setenv("VAULT_TOKEN", "")
	c, err := New(Options{Address: "http://127.0.0.1:1", Namespace: "team-opt", Token: "a"})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAULT_NAMESPACE", "from-env-later")
	clone, err := c.WithToken("b")
	if err != nil {
		t.Fatal(err)
	}
	if got := clone.Namespace(); got != "team-opt" {
		t.Fatalf("clone namespace %q, want team-opt", got)
	}
}

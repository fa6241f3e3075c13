package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/clipboard"
	"github.com/sellervault/sellervault/internal/picker"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// TestOpenNeedsATerminal: `open` with a pipe for input refuses before it
// asks Vault for anything.
func TestOpenNeedsATerminal(t *testing.T) {
	env, stdout, stderr := testEnv()
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("VAULT_ADDR", "http://127.0.0.1:1") // never reached
	if code := Run(context.Background(), []string{"sellervault", "open"}, env); code != ExitUsage {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stderr.String(), "needs a terminal") || stdout.Len() != 0 {
		t.Fatalf("stdout %q, stderr %q", stdout, stderr)
	}
}

// TestNoCommandOffATerminalShowsHelp: `sellervault` alone in a pipe or a
// script prints the help, as it always did.
func TestNoCommandOffATerminalShowsHelp(t *testing.T) {
	env, stdout, _ := testEnv()
	app := newApp(env)
	app.Action = func(c *cli.Context) error { return noCommand(c, env) }
	if err := app.Run([]string{"sellervault"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "USAGE:") || !strings.Contains(stdout.String(), "open") {
		t.Fatalf("no help:\n%s", stdout)
	}
}

func TestPickerEntries(t *testing.T) {
	got := pickerEntries([]records.Credential{
		{Store: "b", Name: "x", URL: "https://b.example", Password: "never-shown"},
		{Store: "a", Name: "y", TOTPKey: "a.y"},
	})
	want := []picker.Entry{{Address: "a/y", HasCode: true}, {Address: "b/x", URL: "https://b.example"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("entries %+v, want %+v", got, want)
	}
}

// TestPickerOutcomes: each way a walk ends has its message and exit code.
func TestPickerOutcomes(t *testing.T) {
	entry := picker.Entry{Address: "acme-us/seller-central"}
	for _, tc := range []struct {
		name   string
		res    picker.Result
		runErr error
		code   int
		says   string
	}{
		{"done", picker.Result{Outcome: picker.Done, Entry: entry, Copied: []string{"login", "password", "code"}}, nil, ExitOK,
			"copied login, password and code of acme-us/seller-central; the clipboard is cleared"},
		{"left the list", picker.Result{Outcome: picker.Quit}, nil, ExitOK, ""},
		{"quit in the walk", picker.Result{Outcome: picker.Quit, Entry: entry, Field: "password"}, nil, ExitAborted,
			"aborted: stopped at the password of acme-us/seller-central; the clipboard is cleared"},
		{"interrupted", picker.Result{Outcome: picker.Quit, Entry: entry}, errors.New("program was interrupted"), ExitAborted,
			"aborted: program was interrupted; the clipboard is cleared"},
		{"clipboard changed", picker.Result{Outcome: picker.Changed, Entry: entry, Field: "login"}, nil, ExitClipboard,
			"the clipboard changed while login of acme-us/seller-central was on it; the clipboard was cleared"},
		{"copy mismatch", picker.Result{Outcome: picker.Failed, Entry: entry, Field: "code", Err: clipboard.ErrMismatch}, nil, ExitClipboard,
			"code of acme-us/seller-central: the clipboard does not hold"},
		{"denied", picker.Result{Outcome: picker.Failed, Entry: entry, Err: vault.ErrDenied}, nil, ExitDenied, "acme-us/seller-central: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _, stderr := testEnv()
			err := (&session{env: env}).reportPicker(tc.res, tc.runErr)
			if code := exitCode(err); code != tc.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tc.code)
			}
			said := stderr.String()
			if err != nil {
				said += err.Error()
			}
			if !strings.Contains(said, tc.says) {
				t.Fatalf("said %q, want %q", said, tc.says)
			}
		})
	}
}

// memClipboard is an in-memory clipboard.Clipboard.
type memClipboard struct {
	mu      sync.Mutex
	content string
	writes  int
}

func (m *memClipboard) Read() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.content, nil
}

func (m *memClipboard) Write(s string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.content = s
	m.writes++
	return nil
}

// TestPickerClipboardClose: closing takes any value the picker copied off
// the clipboard, leaves anything else, and refuses later copies.
func TestPickerClipboardClose(t *testing.T) {
	cb := &memClipboard{}
	p := &pickerClipboard{cb: cb, clearAfter: time.Minute, copied: []string{"login-1", "pw-1"}}
	cb.content = "pw-1"
	p.close()
	if cb.content != "" {
		t.Fatal("close left the password on the clipboard")
	}
	if err := p.copy("pw-2"); !errors.Is(err, errAborted) {
		t.Fatalf("copy after close = %v", err)
	}
	cb.content = "the user's own text"
	p = &pickerClipboard{cb: cb, copied: []string{"login-1"}}
	p.close()
	if cb.content != "the user's own text" {
		t.Fatal("close cleared text the picker did not copy")
	}
}

// TestPickerClipboardHolds: an empty clipboard after the clear timeout is
// the clear helper's work, reported as such; before it, or with other
// text, it is a change.
func TestPickerClipboardHolds(t *testing.T) {
	cb := &memClipboard{content: "v"}
	p := &pickerClipboard{cb: cb, clearAfter: time.Second, copiedAt: time.Now()}
	if held, err := p.holds("v"); !held || err != nil {
		t.Fatalf("holds = %v, %v", held, err)
	}
	cb.content = ""
	if held, err := p.holds("v"); held || err != nil {
		t.Fatalf("emptied early: holds = %v, %v", held, err)
	}
	p.copiedAt = time.Now().Add(-2 * time.Second)
	if _, err := p.holds("v"); !errors.Is(err, errClipboardExpired) {
		t.Fatalf("emptied after the timeout: %v", err)
	}
	cb.content = "attacker"
	if held, err := p.holds("v"); held || err != nil {
		t.Fatalf("changed after the timeout: holds = %v, %v", held, err)
	}
	p.clear("other")
	if cb.content != "attacker" {
		t.Fatal("clear took text that was not ours")
	}
	p.wipe()
	if cb.content != "" {
		t.Fatal("wipe left text")
	}
}

func TestJoinAnd(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": "a", "a b": "a and b", "a b c": "a, b and c"} {
		if got := joinAnd(strings.Fields(in)); got != want {
			t.Errorf("joinAnd(%q) = %q", in, got)
		}
	}
}

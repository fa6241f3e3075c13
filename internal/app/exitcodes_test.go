package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/vault"
)

// TestExitCodeValues pins the documented exit codes: scripts test them,
// so they are never renumbered.
func TestExitCodeValues(t *testing.T) {
	want := []struct {
		name string
		got  int
		code int
	}{
		{"ExitOK", ExitOK, 0},
		{"ExitError", ExitError, 1},
		{"ExitUsage", ExitUsage, 2},
		{"ExitAborted", ExitAborted, 3},
		{"ExitDenied", ExitDenied, 4},
		{"ExitNotFound", ExitNotFound, 5},
		{"ExitUnreachable", ExitUnreachable, 6},
		{"ExitConflict", ExitConflict, 7},
		{"ExitClipboard", ExitClipboard, 8},
		{"ExitMismatch", ExitMismatch, 9},
		{"ExitOverdue", ExitOverdue, 10},
		{"ExitUndelivered", ExitUndelivered, 11},
		{"ExitSuspicious", ExitSuspicious, 12},
		{"ExitUnknown", ExitUnknown, 13},
		{"ExitFound", ExitFound, 14},
		{"ExitUnfinished", ExitUnfinished, 15},
		{"ExitFlagged", ExitFlagged, 16},
		{"ExitRepair", ExitRepair, 17},
	}
	for _, w := range want {
		if w.got != w.code {
			t.Errorf("%s = %d, want %d", w.name, w.got, w.code)
		}
	}
	// The table lists every code once, in order, each with a meaning.
	if len(exitCodeTable) != len(want) {
		t.Fatalf("exitCodeTable has %d rows, want %d", len(exitCodeTable), len(want))
	}
	for i, row := range exitCodeTable {
		if row.Code != i {
			t.Errorf("exitCodeTable[%d].Code = %d, want %d", i, row.Code, i)
		}
		if strings.TrimSpace(row.Meaning) == "" || strings.Contains(row.Meaning, "\n") {
			t.Errorf("exitCodeTable[%d].Meaning = %q, want one non-empty line", i, row.Meaning)
		}
	}
}

func vaultErr(kind error) *vault.Error {
	return &vault.Error{Kind: kind, Op: "read record", Path: "sellervault/data/acme", Status: 403}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"plain error", errors.New("boom"), ExitError},
		{"wrapped plain error", fmt.Errorf("reading: %w", errors.New("boom")), ExitError},
		{"usage error", usagef("unknown command %q", "x"), ExitUsage},
		{"wrapped usage error", fmt.Errorf("cred get: %w", usagef("missing RECORD")), ExitUsage},
		{"usage error wrapping a vault kind", usageError{vaultErr(vault.ErrDenied)}, ExitUsage},
		{"aborted", errAborted, ExitAborted},
		{"wrapped aborted", fmt.Errorf("rotate: %w", errAborted), ExitAborted},
		{"context canceled", context.Canceled, ExitAborted},
		{"wrapped context canceled", fmt.Errorf("copy: %w", context.Canceled), ExitAborted},
		{"vault call interrupted", &vault.Error{Op: "read record", Path: "m/data/p", Kind: vault.ErrUnreachable, Cause: context.Canceled}, ExitAborted},
		{"not logged in", errNotLoggedIn, ExitDenied},
		{"doctor found", errDoctorFound, ExitRepair},
		{"token refused", fmt.Errorf("%w: the token was refused", errNotLoggedIn), ExitDenied},
		{"denied", vaultErr(vault.ErrDenied), ExitDenied},
		{"wrapped denied", fmt.Errorf("cred get: %w", vaultErr(vault.ErrDenied)), ExitDenied},
		{"twice wrapped denied", fmt.Errorf("a: %w", fmt.Errorf("b: %w", vaultErr(vault.ErrDenied))), ExitDenied},
		{"not found", fmt.Errorf("x: %w", vaultErr(vault.ErrNotFound)), ExitNotFound},
		{"unreachable", fmt.Errorf("x: %w", vaultErr(vault.ErrUnreachable)), ExitUnreachable},
		{"sealed", fmt.Errorf("x: %w", vaultErr(vault.ErrSealed)), ExitUnreachable},
		{"conflict", fmt.Errorf("x: %w", vaultErr(vault.ErrConflict)), ExitConflict},
		{"bad request", fmt.Errorf("x: %w", vaultErr(vault.ErrBadRequest)), ExitError},
		{"bare kind", vault.ErrNotFound, ExitNotFound},
		{"joined denied and not found", errors.Join(vaultErr(vault.ErrNotFound), vaultErr(vault.ErrDenied)), ExitDenied},
		{"silent error keeps its cause's code", silentError{vaultErr(vault.ErrConflict)}, ExitConflict},
		{"audit flagged something", fmt.Errorf("3 flags in the report: %w", errFlagged), ExitFlagged},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("%s: exitCode(%v) = %d, want %d", tt.name, tt.err, got, tt.want)
		}
	}
}

func TestHint(t *testing.T) {
	addr := "https://vault.example:8200"
	tests := []struct {
		err  error
		want string // substring; "" means no hint
	}{
		{errors.New("boom"), ""},
		{usagef("bad"), ""},
		{errNotLoggedIn, "sellervault login"},
		{fmt.Errorf("x: %w", vaultErr(vault.ErrDenied)), "log in again"},
		{fmt.Errorf("x: %w", vaultErr(vault.ErrSealed)), addr + " is sealed"},
		{fmt.Errorf("x: %w", vaultErr(vault.ErrUnreachable)), "running at " + addr},
		{fmt.Errorf("x: %w", vaultErr(vault.ErrConflict)), "read it again"},
		{fmt.Errorf("x: %w", vaultErr(vault.ErrNotFound)), ""},
	}
	for _, tt := range tests {
		got := hint(tt.err, addr)
		if (got == "") != (tt.want == "") || !strings.Contains(got, tt.want) {
			t.Errorf("hint(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if strings.Contains(got, "\n") {
			t.Errorf("hint(%v) is not one line: %q", tt.err, got)
		}
	}
	if got := hint(vaultErr(vault.ErrUnreachable), ""); !strings.Contains(got, "VAULT_ADDR") {
		t.Errorf("hint without an address = %q, want it to name VAULT_ADDR", got)
	}
}

// isolate clears the environment variables sellervault and the Vault api
// module read, points HOME at an empty directory (no token helper file)
// and turns off the api module's retries.
func isolate(t *testing.T) {
	t.Helper()
	for _, name := range append(append([]string{}, vault.EnvVars...), "SELLERVAULT_FORMAT", "SELLERVAULT_MOUNT", "SELLERVAULT_TIMEOUT") {
		t.Setenv(name, "")
	}
	t.Setenv("VAULT_MAX_RETRIES", "0")
	t.Setenv("HOME", t.TempDir())
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	env, out, errOut := testEnv()
	code = Run(context.Background(), append([]string{"sellervault"}, args...), env)
	return code, out.String(), errOut.String()
}

func TestRunHelpExitCodes(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{
		{"help", "exit-codes"},
		{"h", "exit-codes"},
		{"help", "exit-codes", "--format", "json"}, // a flag after the topic
	} {
		code, stdout, stderr := run(t, args...)
		if code != ExitOK {
			t.Errorf("%q: exit %d, want 0; stderr:\n%s", args, code, stderr)
		}
		if stderr != "" {
			t.Errorf("%q: stderr %q, want nothing", args, stderr)
		}
		lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
		if len(lines) != 1+len(exitCodeTable) {
			t.Fatalf("%q: stdout has %d lines, want %d:\n%s", args, len(lines), 1+len(exitCodeTable), stdout)
		}
		if !regexp.MustCompile(`^CODE\s+MEANING$`).MatchString(lines[0]) {
			t.Errorf("%q: header %q", args, lines[0])
		}
		for i, row := range exitCodeTable {
			re := regexp.MustCompile(fmt.Sprintf(`^%d\s+%s$`, row.Code, regexp.QuoteMeta(row.Meaning)))
			if !re.MatchString(lines[i+1]) {
				t.Errorf("%q: line %d = %q, want code %d: %s", args, i+1, lines[i+1], row.Code, row.Meaning)
			}
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{
		{"nosuch"},
		{"nosuch", "--format", "json"},
		{"status", "--nosuch-flag"},
		{"status", "stray"},
		{"help", "nosuch"},
		{"completion", "tcsh"},
		{"completion"},
		{"status", "--format", "yaml", "--address", "http://127.0.0.1:1"},
		{"status", "--mount", "Bad_Prefix", "--address", "http://127.0.0.1:1"},
		{"status", "--timeout", "0s", "--address", "http://127.0.0.1:1"},
	} {
		code, stdout, stderr := run(t, args...)
		if code != ExitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, ExitUsage, stderr)
		}
		if !strings.HasPrefix(stderr, "sellervault: ") {
			t.Errorf("%q: stderr %q does not start with %q", args, stderr, "sellervault: ")
		}
		if stdout != "" {
			t.Errorf("%q: stdout %q, want nothing", args, stdout)
		}
	}
}

func TestRunUnreachable(t *testing.T) {
	const canary = "hvs.CANARY-token-0c7"
	isolate(t)
	t.Setenv("VAULT_TOKEN", canary)
	for _, args := range [][]string{
		{"status", "--address", "http://127.0.0.1:1"},
		{"--address", "http://127.0.0.1:1", "status"},
		{"status", "--format", "json", "--address", "http://127.0.0.1:1"},
	} {
		code, stdout, stderr := run(t, args...)
		if code != ExitUnreachable {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, ExitUnreachable, stderr)
		}
		if !strings.HasPrefix(stderr, "sellervault: ") {
			t.Errorf("%q: stderr %q does not start with %q", args, stderr, "sellervault: ")
		}
		var hints int
		for _, line := range strings.Split(strings.TrimRight(stderr, "\n"), "\n") {
			if !strings.HasPrefix(line, "sellervault: ") {
				t.Errorf("%q: stderr line %q lacks the prefix", args, line)
			}
			if strings.HasPrefix(line, "sellervault: hint: ") {
				hints++
				if !strings.Contains(line, "http://127.0.0.1:1") {
					t.Errorf("%q: hint %q does not name the address in use", args, line)
				}
			}
		}
		if hints != 1 {
			t.Errorf("%q: %d hint lines, want 1:\n%s", args, hints, stderr)
		}
		if strings.Contains(stdout, canary) || strings.Contains(stderr, canary) {
			t.Errorf("%q: the token appears in the output:\nstdout:\n%s\nstderr:\n%s", args, stdout, stderr)
		}
	}
}

func TestRunNotLoggedInDoesNotReachVault(t *testing.T) {
	isolate(t)
	// init refuses to start without a token, before any request.
	code, _, stderr := run(t, "init", "--dry-run", "--address", "http://127.0.0.1:1")
	if code != ExitDenied {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, ExitDenied, stderr)
	}
	if !strings.Contains(stderr, "sellervault: hint: ") {
		t.Errorf("stderr has no hint:\n%s", stderr)
	}
}

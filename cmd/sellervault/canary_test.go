//go:build linux

package main

// TestSecretsNeverLeak is the end-to-end check of the secrets discipline
// (DESIGN.md, Conventions): a secret value set through every input path
// never appears in stdout (unless --reveal), stderr, error messages, list
// output, or the argv and environment of any child process.
//
// It runs the real `sellervault` executable that TestMain puts on PATH, as
// separate processes, against the shared in-process Vault. Every secret is
// a distinct canary with a random part, so that nothing outside this test
// can contain one by accident and each leak names its input path. The
// test is Linux-only: it reads /proc and drives a pseudo-terminal with
// Linux termios.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// leakWait bounds every wait on a terminal prompt, an exit or a
	// process going away.
	leakWait = 15 * time.Second
	// leakCmdTimeout bounds one sellervault run.
	leakCmdTimeout = 60 * time.Second
)

// canaryEnv is one test's world: a HOME of its own, the environment
// testEnv builds (its own mount prefix on the shared Vault, the private X
// display), and the canaries set so far.
type canaryEnv struct {
	exe  string
	home string
	vars map[string]string // testEnv's settings
	env  []string          // os.Environ() with vars applied

	mu       sync.Mutex
	canaries map[string]string // label -> value
}

func newCanaryEnv(t *testing.T) *canaryEnv {
	t.Helper()
	exe, err := exec.LookPath("sellervault")
	if err != nil {
		t.Fatalf("sellervault is not on PATH (TestMain puts it there): %v", err)
	}
	e := &canaryEnv{exe: exe, home: t.TempDir(), vars: map[string]string{}, canaries: map[string]string{}}
	if err := testEnv(func(k, v string) { e.vars[k] = v }, e.home); err != nil {
		t.Fatal(err)
	}
	e.env = e.environ(nil)
	return e
}

// environ is os.Environ() with testEnv's settings and then extra applied.
// Other VAULT_* and SELLERVAULT_* settings of the test's own environment
// are dropped so that they cannot redirect the children.
func (e *canaryEnv) environ(extra map[string]string) []string {
	set := map[string]string{}
	for k, v := range e.vars {
		set[k] = v
	}
	for k, v := range extra {
		set[k] = v
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; ok || strings.HasPrefix(k, "VAULT_") || strings.HasPrefix(k, "SELLERVAULT_") {
			continue
		}
		env = append(env, kv)
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+set[k])
	}
	return env
}

// canary makes and remembers a new secret for label, e.g.
// "CANARY-stdin-3f9a0c1b2d4e". Its alphabet is the same in JSON, URL and
// shell quoting, so an escaped copy is still found.
func (e *canaryEnv) canary(t *testing.T, label string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	v := "CANARY-" + label + "-" + hex.EncodeToString(b)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.canaries[label] = v
	return v
}

// leaks reports which canaries s contains: whole, as their random part
// alone, or hex- or base64-encoded.
func (e *canaryEnv) leaks(s string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var found []string
	for label, v := range e.canaries {
		random := v[strings.LastIndexByte(v, '-')+1:]
		for _, form := range []string{v, random, hex.EncodeToString([]byte(v)),
			base64.RawStdEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v))} {
			if strings.Contains(s, form) {
				found = append(found, label)
				break
			}
		}
	}
	sort.Strings(found)
	return found
}

// assertClean fails the test for every canary found in text, and shows
// the lines (or NUL-separated argv and environment entries) that hold one.
func (e *canaryEnv) assertClean(t *testing.T, where, text string) {
	t.Helper()
	found := e.leaks(text)
	if len(found) == 0 {
		return
	}
	var lines []string
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == 0 }) {
		if len(e.leaks(line)) > 0 {
			lines = append(lines, "\t"+strconv.Quote(line))
		}
	}
	t.Errorf("LEAK: %s contains the canary of %s:\n%s", where, strings.Join(found, ", "), strings.Join(lines, "\n"))
}

type runResult struct {
	stdout, stderr string
	code           int
}

// run runs sellervault args with stdin (none if empty) and returns what it
// printed and its exit code.
func (e *canaryEnv) run(t *testing.T, env []string, stdin string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), leakCmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.exe, args...)
	cmd.Env = env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("sellervault %s: %v\nstderr:\n%s", strings.Join(args, " "), err, res.stderr)
	}
	return res
}

// clean runs sellervault, requires exit code want, and asserts that no
// canary is in its stdout or stderr.
func (e *canaryEnv) clean(t *testing.T, want int, stdin string, args ...string) runResult {
	t.Helper()
	return e.cleanEnv(t, e.env, want, stdin, args...)
}

func (e *canaryEnv) cleanEnv(t *testing.T, env []string, want int, stdin string, args ...string) runResult {
	t.Helper()
	res := e.run(t, env, stdin, args...)
	line := "sellervault " + strings.Join(args, " ")
	if res.code != want {
		t.Fatalf("%s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", line, res.code, want, res.stdout, res.stderr)
	}
	e.assertClean(t, "stdout of "+line, res.stdout)
	e.assertClean(t, "stderr of "+line, res.stderr)
	return res
}

func TestSecretsNeverLeak(t *testing.T) {
	e := newCanaryEnv(t)
	// Whatever happens below, no process this test started (they all
	// carry its HOME) outlives it.
	t.Cleanup(func() { killOurs(t, e.home) })

	e.clean(t, 0, "", "init")
	e.clean(t, 0, "", "store", "add", "acme-us", "--marketplace", "amazon", "--region", "us")

	dir := t.TempDir()
	secretFile := func(name, value string, mode os.FileMode) string {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(value+"\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // not subject to the umask
			t.Fatal(err)
		}
		return path
	}

	// --- every input path, each with its own canary ---

	stdinPW := e.canary(t, "stdin")
	t.Run("input/stdin", func(t *testing.T) {
		e.clean(t, 0, stdinPW+"\n", "cred", "add", "acme-us/by-stdin", "--login", "a@acme.example")
	})
	filePW := e.canary(t, "secret-file")
	t.Run("input/secret-file", func(t *testing.T) {
		e.clean(t, 0, "", "cred", "add", "acme-us/by-file", "--login", "b@acme.example",
			"--secret-file", secretFile("pw", filePW, 0o600))
	})
	promptPW := e.canary(t, "prompt")
	t.Run("input/prompt", func(t *testing.T) {
		const prompt = "password for acme-us/by-prompt: "
		transcript, code := e.runPTY(t, []ptyEntry{{prompt, promptPW}, {"again: ", promptPW}},
			"added credential acme-us/by-prompt", "cred", "add", "acme-us/by-prompt", "--login", "c@acme.example")
		if code != 0 {
			t.Fatalf("cred add on a terminal exited %d; the terminal showed %q", code, transcript)
		}
		// The transcript is everything the terminal showed: prompts,
		// messages, and any echo of what was typed.
		e.assertClean(t, "the terminal (echo, prompts, messages) of cred add", transcript)
	})
	mailPW := e.canary(t, "mailbox-stdin")
	t.Run("input/mailbox-stdin", func(t *testing.T) {
		e.clean(t, 0, mailPW+"\n", "email", "add", "ops@acme.example")
	})
	simPIN := e.canary(t, "sim-pin-file")
	t.Run("input/sim-pin-file", func(t *testing.T) {
		e.clean(t, 0, "", "phone", "add", "+14155550100", "--secret-file", secretFile("pin", simPIN, 0o600))
	})
	editPW := e.canary(t, "edit-stdin")
	t.Run("input/edit-stdin", func(t *testing.T) {
		e.clean(t, 0, editPW+"\n", "cred", "edit", "acme-us/by-stdin", "--secret")
	})
	loosePW := e.canary(t, "world-readable-file")
	t.Run("input/world-readable-secret-file", func(t *testing.T) {
		res := e.clean(t, 0, "", "cred", "add", "acme-us/by-loose-file", "--login", "d@acme.example",
			"--secret-file", secretFile("loose", loosePW, 0o644))
		if !strings.Contains(res.stderr, "can be read by other users") {
			t.Errorf("no warning about the world-readable secret file; stderr:\n%s", res.stderr)
		}
	})

	// --- error paths, a fresh canary on stdin each time ---

	errorCases := []struct {
		name string
		want int
		args []string
	}{
		{"cred-exists", 7, []string{"cred", "add", "acme-us/by-stdin", "--login", "a@acme.example"}},
		{"bad-url", 2, []string{"cred", "add", "acme-us/bad-url", "--login", "a@acme.example", "--url", "http://sellercentral.amazon.com"}},
		{"unknown-store", 5, []string{"cred", "add", "acme-xx/by-stdin", "--login", "a@acme.example"}},
		{"bad-owner-on-edit", 2, []string{"cred", "edit", "acme-us/by-stdin", "--secret", "--owner", "Not A Name"}},
		{"edit-unknown", 5, []string{"cred", "edit", "acme-us/nothing", "--secret"}},
		{"mailbox-exists", 7, []string{"email", "add", "ops@acme.example"}},
		{"phone-exists", 7, []string{"phone", "add", "+14155550100"}},
	}
	for _, tc := range errorCases {
		secret := e.canary(t, "err-"+tc.name)
		t.Run("error/"+tc.name, func(t *testing.T) {
			e.clean(t, tc.want, secret+"\n", tc.args...)
		})
	}
	ctlPW := e.canary(t, "err-control-char")
	t.Run("error/control-character", func(t *testing.T) {
		res := e.clean(t, 2, ctlPW+"\x1b[0m\n", "cred", "add", "acme-us/ctl", "--login", "a@acme.example")
		if !strings.Contains(res.stderr, "control characters") {
			t.Errorf("stderr does not explain the refusal:\n%s", res.stderr)
		}
	})
	filePIN := e.canary(t, "err-file-exists")
	t.Run("error/secret-file-phone-exists", func(t *testing.T) {
		e.clean(t, 7, "", "phone", "add", "+14155550100", "--secret-file", secretFile("pin2", filePIN, 0o600))
	})
	first, second := e.canary(t, "err-prompt-1"), e.canary(t, "err-prompt-2")
	t.Run("error/prompt-mismatch", func(t *testing.T) {
		transcript, code := e.runPTY(t, []ptyEntry{{"password for acme-us/mismatch: ", first}, {"again: ", second}},
			"differ", "cred", "add", "acme-us/mismatch", "--login", "e@acme.example")
		if code != 2 {
			t.Fatalf("a mismatched confirmation exited %d, want 2; the terminal showed %q", code, transcript)
		}
		e.assertClean(t, "the terminal of a mismatched cred add", transcript)
	})
	t.Run("error/field-nosuch", func(t *testing.T) {
		res := e.clean(t, 2, "", "cred", "get", "acme-us/by-stdin", "--field", "nosuch")
		if !strings.Contains(res.stderr, `no field "nosuch"`) {
			t.Errorf("stderr does not name the field:\n%s", res.stderr)
		}
	})

	// --- every reading command: masked, metadata only ---

	var reads [][]string
	for _, cred := range []string{"acme-us/by-stdin", "acme-us/by-file", "acme-us/by-prompt", "acme-us/by-loose-file"} {
		reads = append(reads,
			[]string{"cred", "get", cred},
			[]string{"cred", "get", cred, "--format", "json"},
			[]string{"cred", "history", cred},
			[]string{"cred", "history", cred, "--format", "json"},
		)
	}
	reads = append(reads,
		[]string{"cred", "list"},
		[]string{"cred", "list", "--format", "json"},
		[]string{"cred", "list", "--store", "acme-us"},
		[]string{"cred", "list", "--factors"},
		[]string{"cred", "list", "--factors", "--format", "json"},
		[]string{"email", "list"},
		[]string{"email", "list", "--format", "json"},
		[]string{"email", "get", "ops@acme.example"},
		[]string{"email", "get", "ops@acme.example", "--format", "json"},
		[]string{"phone", "list"},
		[]string{"phone", "list", "--format", "json"},
		[]string{"phone", "get", "+14155550100"},
		[]string{"phone", "get", "+14155550100", "--format", "json"},
		[]string{"store", "list"},
		[]string{"store", "list", "--format", "json"},
		[]string{"store", "show", "acme-us"},
		[]string{"store", "show", "acme-us", "--format", "json"},
	)
	for _, args := range reads {
		t.Run("read/"+strings.Join(args, " "), func(t *testing.T) {
			res := e.clean(t, 0, "", args...)
			if strings.TrimSpace(res.stdout) == "" {
				t.Errorf("printed nothing: the check would be empty")
			}
		})
	}
	// Asking for the secret field by name shows it masked.
	masked := []struct{ args []string }{
		{[]string{"cred", "get", "acme-us/by-stdin", "--field", "password"}},
		{[]string{"cred", "get", "acme-us/by-file", "--field", "password", "--format", "json"}},
		{[]string{"cred", "get", "acme-us/by-prompt", "--field", "password"}},
		{[]string{"email", "get", "ops@acme.example", "--field", "password"}},
		{[]string{"phone", "get", "+14155550100", "--field", "pin"}},
	}
	for _, m := range masked {
		t.Run("read/"+strings.Join(m.args, " "), func(t *testing.T) {
			res := e.clean(t, 0, "", m.args...)
			if !strings.Contains(res.stdout, "********") {
				t.Errorf("the secret field is not shown masked:\n%s", res.stdout)
			}
		})
	}

	// --- positive control: the canaries are really stored, and the
	// detector finds them where they are meant to be ---

	t.Run("reveal-control", func(t *testing.T) {
		for _, c := range []struct {
			want string
			args []string
		}{
			{editPW, []string{"cred", "get", "acme-us/by-stdin", "--field", "password", "--reveal"}},
			{filePW, []string{"cred", "get", "acme-us/by-file", "--reveal"}},
			{promptPW, []string{"cred", "get", "acme-us/by-prompt", "--reveal"}},
			{loosePW, []string{"cred", "get", "acme-us/by-loose-file", "--reveal"}},
			{mailPW, []string{"email", "get", "ops@acme.example", "--reveal"}},
			{simPIN, []string{"phone", "get", "+14155550100", "--field", "pin", "--reveal"}},
		} {
			res := e.run(t, e.env, "", c.args...)
			if res.code != 0 || res.stdout != c.want+"\n" {
				t.Errorf("sellervault %s: exit %d, stdout %q, want exactly %q\nstderr:\n%s",
					strings.Join(c.args, " "), res.code, res.stdout, c.want+"\n", res.stderr)
			}
			if len(e.leaks(res.stdout)) == 0 {
				t.Errorf("the leak detector does not see %q in %q", c.want, res.stdout)
			}
			e.assertClean(t, "stderr of sellervault "+strings.Join(c.args, " "), res.stderr)
		}
	})

	// --- child processes: xclip and the detached clear helper ---

	t.Run("child-processes", func(t *testing.T) {
		e.checkCopyChildren(t, filePW)
	})
}

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
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
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

// checkCopyChildren runs `cred get acme-us/by-file --copy` and checks the
// argv and environment of the processes it starts: any xclip it runs
// (recorded by a shim at exec time, and seen in /proc; on X11 sellervault
// owns the clipboard itself and runs none), the detached `sellervault
// clipboard-clear` helper and the `sellervault clipboard-owner` that
// serves the clipboard (both alive after the command returns), and every
// other process on the machine that can be read.
func (e *canaryEnv) checkCopyChildren(t *testing.T, want string) {
	realXclip, err := exec.LookPath("xclip")
	if err != nil {
		t.Fatal("xclip is not installed (CI installs it with Xvfb):", err)
	}
	// A shim first on PATH records each xclip's argv and environment
	// exactly as sellervault passed them, then becomes the real xclip:
	// the short-lived ones are gone before a /proc scan could see them.
	shimDir, logDir := t.TempDir(), t.TempDir()
	shim := "#!/bin/sh\n" +
		"printf '%s\\0' \"$0\" \"$@\" > " + shellQuote(logDir) + "/$$.argv\n" +
		"cat /proc/$$/environ > " + shellQuote(logDir) + "/$$.environ\n" +
		"exec " + shellQuote(realXclip) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(shimDir, "xclip"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	env := e.environ(map[string]string{"PATH": shimDir + string(filepath.ListSeparator) + os.Getenv("PATH")})

	// Watch /proc while the copy runs, too.
	stop := make(chan struct{})
	watched := make(chan map[string]bool, 1)
	watchLeaks := map[string]bool{}
	go func() {
		seen := map[string]bool{}
		for {
			for _, p := range readProcs() {
				if found := e.leaks(string(p.cmdline)); len(found) > 0 {
					watchLeaks[fmt.Sprintf("argv of pid %d %q holds the canary of %s", p.pid, p.argv, strings.Join(found, ", "))] = true
				}
				if found := e.leaks(string(p.environ)); len(found) > 0 {
					watchLeaks[fmt.Sprintf("environment of pid %d %q holds the canary of %s", p.pid, p.argv, strings.Join(found, ", "))] = true
				}
				if p.hasEnv("HOME=" + e.home) {
					seen[strings.Join(p.argv, " ")] = true
				}
			}
			select {
			case <-stop:
				watched <- seen
				return
			default:
			}
		}
	}()
	res := e.cleanEnv(t, env, 0, "", "cred", "get", "acme-us/by-file", "--copy", "--clear-after", "20s")
	close(stop)
	seen := <-watched
	if !strings.Contains(res.stderr, "copied password of acme-us/by-file to the clipboard") {
		t.Errorf("no copy message; stderr:\n%s", res.stderr)
	}
	for _, l := range keys(watchLeaks) {
		t.Errorf("LEAK while copying: %s", l)
	}
	t.Logf("processes of this test seen while copying: %q", keys(seen))

	// What the shim recorded.
	logs, err := filepath.Glob(filepath.Join(logDir, "*.argv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, argvFile := range logs {
		argv, err1 := os.ReadFile(argvFile)
		environ, err2 := os.ReadFile(strings.TrimSuffix(argvFile, ".argv") + ".environ")
		if err1 != nil || err2 != nil {
			t.Fatalf("shim log %s: %v %v", argvFile, err1, err2)
		}
		args := strings.Split(strings.TrimSuffix(string(argv), "\x00"), "\x00")
		e.assertClean(t, fmt.Sprintf("argv of xclip %q", args), string(argv))
		e.assertClean(t, fmt.Sprintf("environment of xclip %q", args), string(environ))
	}

	// Now, while the clear helper waits and the owner serves the
	// clipboard: every readable process on the machine.
	procs := readProcs()
	var helpers, xclips, owners []proc
	for _, p := range procs {
		e.assertClean(t, fmt.Sprintf("argv of pid %d %q", p.pid, p.argv), string(p.cmdline))
		e.assertClean(t, fmt.Sprintf("environment of pid %d %q", p.pid, p.argv), string(p.environ))
		if !p.hasEnv("HOME=" + e.home) {
			continue
		}
		switch {
		case len(p.argv) > 1 && p.argv[1] == "clipboard-clear":
			helpers = append(helpers, p)
		case len(p.argv) > 1 && p.argv[1] == "clipboard-owner":
			owners = append(owners, p)
		case len(p.argv) > 0 && filepath.Base(p.argv[0]) == "xclip":
			xclips = append(xclips, p)
		}
	}
	t.Logf("scanned %d processes; this test's clear helpers: %d, clipboard owners: %d, xclip: %d", len(procs), len(helpers), len(owners), len(xclips))
	if len(helpers) == 0 || len(owners) == 0 {
		t.Fatalf("%d `sellervault clipboard-clear` and %d `sellervault clipboard-owner` processes of this test are running, want both: the scan proves nothing", len(helpers), len(owners))
	}
	for _, h := range append(append([]proc{}, helpers...), owners...) {
		if len(h.argv) != 2 {
			t.Errorf("the helper's argv is %q, want exactly [EXECUTABLE clipboard-clear|clipboard-owner]", h.argv)
		}
	}
	// Nor does the Vault token live on in them: neither the helpers nor
	// anything serving the clipboard talks to Vault.
	for _, p := range append(append(append([]proc{}, helpers...), xclips...), owners...) {
		if strings.Contains(string(p.environ), "VAULT_TOKEN=") {
			t.Errorf("pid %d %q inherited VAULT_TOKEN", p.pid, p.argv)
		}
	}

	// The clipboard holds the secret: the copy was real.
	ctx, cancel := context.WithTimeout(context.Background(), leakWait)
	defer cancel()
	read := exec.CommandContext(ctx, realXclip, "-selection", "clipboard", "-o")
	read.Env = e.env
	got, err := read.Output()
	if err != nil {
		t.Fatalf("xclip -o: %v", err)
	}
	if string(got) != want {
		t.Errorf("the clipboard holds %q, want the canary %q", got, want)
	}

	// The helpers and the serving xclip are this test's: end them now
	// rather than let them outlive it (which empties the clipboard).
	killOurs(t, e.home)
}

// ptyEntry is one answer typed at a prompt.
type ptyEntry struct{ prompt, text string }

// runPTY runs sellervault args with a fresh pseudo-terminal as its stdin,
// stdout, stderr and controlling terminal, answers each prompt once it has
// appeared and echo is off, waits until the terminal shows final, and
// returns everything the terminal showed and the exit code.
func (e *canaryEnv) runPTY(t *testing.T, entries []ptyEntry, final string, args ...string) (string, int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	cmd := exec.Command(e.exe, args...)
	cmd.Env = e.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		tty.Close()
		ptmx.Close()
		t.Fatal(err)
	}

	var mu sync.Mutex
	var shown bytes.Buffer
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			shown.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return shown.String()
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		tty.Close() // the master's reads now end with EIO
		select {
		case <-readDone:
		case <-time.After(leakWait):
			t.Errorf("the pty read loop did not end")
		}
		ptmx.Close()
	}()

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(leakWait)
		for !cond() {
			if time.Now().After(deadline) {
				status := "running"
				select {
				case <-exited:
					status = fmt.Sprintf("exited: %v", waitErr)
				default:
				}
				t.Fatalf("timed out after %s waiting for %s (sellervault %s); the terminal showed %q",
					leakWait, what, status, output())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	echoOff := func() bool {
		tio, err := termios(tty)
		return err == nil && tio.Lflag&unix.ECHO == 0
	}

	asked := map[string]int{}
	for _, entry := range entries {
		// Wait for this prompt (its n-th showing, if prompts repeat) and
		// then for echo to go off: the prompt is written before the read
		// turns echo off, and a line typed in between would be echoed by
		// the terminal. The previous read turned echo back on before
		// this prompt was written, so "off" now is this read's doing.
		asked[entry.prompt]++
		n := asked[entry.prompt]
		waitFor(fmt.Sprintf("the prompt %q (#%d)", entry.prompt, n), func() bool { return strings.Count(output(), entry.prompt) >= n })
		waitFor("echo off after "+strconv.Quote(entry.prompt), echoOff)
		if _, err := ptmx.Write([]byte(entry.text + "\r")); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("sellervault to exit", func() bool {
		select {
		case <-exited:
			return true
		default:
			return false
		}
	})
	// Its last output may still be on its way through the pty.
	waitFor(strconv.Quote(final), func() bool { return strings.Contains(output(), final) })
	code := 0
	var exit *exec.ExitError
	if errors.As(waitErr, &exit) {
		code = exit.ExitCode()
	} else if waitErr != nil {
		t.Fatalf("sellervault %s: %v", strings.Join(args, " "), waitErr)
	}
	return output(), code
}

func termios(f *os.File) (*unix.Termios, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var tio *unix.Termios
	var ioErr error
	if err := rc.Control(func(fd uintptr) { tio, ioErr = unix.IoctlGetTermios(int(fd), unix.TCGETS) }); err != nil {
		return nil, err
	}
	return tio, ioErr
}

// proc is one process as /proc shows it.
type proc struct {
	pid              int
	argv             []string
	cmdline, environ []byte
}

func (p proc) hasEnv(kv string) bool {
	for _, e := range bytes.Split(p.environ, []byte{0}) {
		if string(e) == kv {
			return true
		}
	}
	return false
}

// readProcs reads the argv and environment of every process it may read;
// processes that vanish or deny access are skipped.
func readProcs() []proc {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var procs []proc
	for _, ent := range ents {
		pid, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		if p, ok := readProc(pid); ok {
			procs = append(procs, p)
		}
	}
	return procs
}

func readProc(pid int) (proc, bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return proc{}, false
	}
	environ, err := os.ReadFile(dir + "/environ")
	if err != nil {
		return proc{}, false
	}
	var argv []string
	if len(cmdline) > 0 {
		argv = strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
	}
	return proc{pid: pid, argv: argv, cmdline: cmdline, environ: environ}, true
}

// killOurs ends the processes this test started that still run: those
// whose environment holds the test's own HOME (the detached clear helper
// and the xclip serving the clipboard), and waits until they are gone.
func killOurs(t *testing.T, home string) {
	t.Helper()
	var pids []int
	for _, p := range readProcs() {
		if p.pid != os.Getpid() && p.hasEnv("HOME="+home) {
			if err := syscall.Kill(p.pid, syscall.SIGKILL); err == nil {
				pids = append(pids, p.pid)
			}
		}
	}
	deadline := time.Now().Add(leakWait)
	for _, pid := range pids {
		for alive(pid) {
			if time.Now().After(deadline) {
				t.Errorf("pid %d did not end after SIGKILL", pid)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether pid runs (a zombie does not).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

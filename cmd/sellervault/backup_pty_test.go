//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/devvault"
)

// TestBackupOnATerminal: the backup is never written to a terminal, and
// its passphrase is asked twice at a no-echo prompt, never shown.
func TestBackupOnATerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal available:", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	screen := recordPTY(ptmx).String

	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"VAULT_ADDR", "VAULT_CACERT", "VAULT_TOKEN", "SELLERVAULT_MOUNT", "HOME"} {
		t.Setenv(k, "")
	}
	t.Setenv("VAULT_ADDR", srv.URL)
	t.Setenv("VAULT_CACERT", srv.CACertFile)
	t.Setenv("VAULT_TOKEN", srv.RootToken)
	t.Setenv("SELLERVAULT_MOUNT", fmt.Sprintf("sv%d", scriptCount.Add(1)))
	t.Setenv("HOME", t.TempDir())
	ctx := context.Background()
	dir := t.TempDir()
	run := func(stdin *os.File, stdout *os.File, args ...string) (int, string) {
		var errBuf bytes.Buffer
		env := &app.Env{Stdin: stdin, Stdout: stdout, Stderr: &errBuf}
		if stdin == tty {
			env.Stderr = tty // prompts go to the terminal
		}
		if stdin == nil {
			env.Stdin = strings.NewReader("")
		}
		code := app.Run(ctx, append([]string{"sellervault"}, args...), env)
		return code, errBuf.String()
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	pwFile := filepath.Join(dir, "pw")
	const canaryPW, passphrase = "CANARY-pty-backup-pw", "CANARY-pty-passphrase-long"
	if err := os.WriteFile(pwFile, []byte(canaryPW+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init"},
		{"store", "add", "acme-us", "--marketplace", "amazon", "--region", "us"},
		{"cred", "add", "acme-us/seller-central", "--login", "ops@acme.example", "--secret-file", pwFile},
	} {
		if code, stderr := run(nil, devnull, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}

	t.Run("stdout is a terminal", func(t *testing.T) {
		code, stderr := run(nil, tty, "backup", "--recipient", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")
		if code != app.ExitUsage || !strings.Contains(stderr, "refusing to write an encrypted backup to a terminal") {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	})

	t.Run("passphrase asked twice without echo", func(t *testing.T) {
		out := filepath.Join(dir, "team.age")
		type result struct {
			code   int
			stderr string
		}
		done := make(chan result, 1)
		go func() {
			code, stderr := run(tty, devnull, "backup", "--passphrase", "-o", out)
			done <- result{code, stderr}
		}()
		for i, prompt := range []string{"passphrase for the backup: ", "again: "} {
			backupWaitFor(t, func() bool { return strings.Count(screen(), prompt) >= 1 && backupEchoOff(tty) }, "prompt "+prompt)
			if _, err := ptmx.Write([]byte(passphrase + "\r")); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				backupWaitFor(t, func() bool { return strings.Contains(screen(), "again: ") }, "the second prompt")
			}
		}
		var res result
		select {
		case res = <-done:
		case <-time.After(time.Minute):
			t.Fatal("backup did not end")
		}
		if res.code != 0 {
			t.Fatalf("backup exited %d: %s\nterminal: %q", res.code, res.stderr, screen())
		}
		time.Sleep(100 * time.Millisecond) // the last output on its way through the pty
		if s := screen(); strings.Contains(s, passphrase) || strings.Contains(s, canaryPW) {
			t.Fatalf("the terminal showed a secret: %q", s)
		}
		if !strings.Contains(screen(), "encrypted to a passphrase") {
			t.Fatalf("terminal: %q", screen())
		}
		sealed, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte(canaryPW)) {
			t.Fatal("the backup holds the password in clear")
		}
		if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file mode %v", fi.Mode())
		}
		// The passphrase opens it: a dry run reads and checks it all.
		passFile := filepath.Join(dir, "pass")
		if err := os.WriteFile(passFile, []byte(passphrase+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("SELLERVAULT_MOUNT", fmt.Sprintf("sv%d", scriptCount.Add(1)))
		if code, stderr := run(nil, devnull, "init"); code != 0 {
			t.Fatal(stderr)
		}
		if code, stderr := run(nil, devnull, "restore", out, "--passphrase-file", passFile, "--dry-run"); code != 0 ||
			!strings.Contains(stderr, "dry run: 3 records") {
			t.Fatalf("restore --dry-run: exit %d: %s", code, stderr)
		}
	})
}

func backupEchoOff(tty *os.File) bool {
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	return err == nil && tio.Lflag&unix.ECHO == 0
}

func backupWaitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

//go:build linux

package main

// The child-process check of TestSecretsNeverLeak (canary_test.go), and
// the /proc and small helpers that it and the terminal tests use.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

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

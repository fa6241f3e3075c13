//go:build linux

package clipboard

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// buildHelper builds testdata/clearhelper, which is `sellervault
// clipboard-clear` in miniature.
func buildHelper(t *testing.T) string {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		gocmd = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir()) // as /proc/<pid>/exe shows it
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "clearhelper")
	out, err := exec.Command(gocmd, "build", "-o", bin, "./testdata/clearhelper").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a process as /proc shows it.
type proc struct {
	pid     int
	exe     string
	comm    string
	cmdline []byte
	environ []byte
}

// procs lists the running processes that match keep.
func procs(t *testing.T, keep func(proc) bool) []proc {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var ps []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := filepath.Join("/proc", e.Name())
		p := proc{pid: pid}
		p.exe, _ = os.Readlink(filepath.Join(dir, "exe"))
		comm, _ := os.ReadFile(filepath.Join(dir, "comm"))
		p.comm = strings.TrimSpace(string(comm))
		if !keep(p) {
			continue
		}
		if p.cmdline, err = os.ReadFile(filepath.Join(dir, "cmdline")); err != nil {
			continue // gone
		}
		if p.environ, err = os.ReadFile(filepath.Join(dir, "environ")); err != nil {
			continue
		}
		ps = append(ps, p)
	}
	return ps
}

// alive reports whether pid runs (and is not a zombie).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || len(stat) < i+3 || stat[i+2] != 'Z'
}

// session returns the session id of pid.
func session(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) state ppid pgrp session ...
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	sid, err := strconv.Atoi(fields[3])
	if err != nil {
		t.Fatal(err)
	}
	return sid
}

// poll calls cond until it holds, for at most 10 seconds.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// inspect finds the running clear helper and the X11 owner process, checks
// that their argv and environment are exactly what HelperStarter and
// startOwner promise, that both run in sessions of their own, and that the
// secret is in the argv and environment of neither. It returns the
// helper's and the owner's pids.
func inspect(t *testing.T, bin, secret string) (helper, owner int) {
	t.Helper()
	helpers := procs(t, func(p proc) bool { return p.exe == bin })
	if len(helpers) != 1 {
		t.Fatalf("found %d clear helpers running, want 1", len(helpers))
	}
	h := helpers[0]
	if want := bin + "\x00"; string(h.cmdline) != want {
		t.Errorf("helper argv = %q, want %q", h.cmdline, want)
	}
	checkEnv(t, "helper", h.environ, helperEnv(os.Environ()))
	o := theOwner(t)
	for _, p := range []proc{h, o} {
		if sid := session(t, p.pid); sid != p.pid {
			t.Errorf("process %d runs in session %d, want its own", p.pid, sid)
		}
		for what, b := range map[string][]byte{"argv": p.cmdline, "environment": p.environ} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("the secret is in the %s of process %d (%s)", what, p.pid, p.comm)
			}
		}
	}
	return h.pid, o.pid
}

// theOwner waits until exactly one X11 owner process of this test binary
// runs (an owner that lost the selection a moment ago may still be
// exiting), checks its argv and environment, and returns it.
func theOwner(t *testing.T) proc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var owners []proc
	poll(t, "exactly one clipboard owner runs", func() bool {
		owners = procs(t, func(p proc) bool { return p.exe == exe && alive(p.pid) && p.pid != os.Getpid() })
		return len(owners) == 1
	})
	o := owners[0]
	if want := exe + "\x00" + ownerArg + "\x00"; string(o.cmdline) != want {
		t.Errorf("owner argv = %q, want %q", o.cmdline, want)
	}
	checkEnv(t, "owner", o.environ, append(helperEnv(os.Environ()), ownerEnv+"=1"))
	return o
}

// checkEnv compares a process's environment with want, in any order.
func checkEnv(t *testing.T, who string, environ []byte, want []string) {
	t.Helper()
	env := strings.Split(strings.TrimSuffix(string(environ), "\x00"), "\x00")
	if !slices.Equal(slices.Sorted(slices.Values(env)), slices.Sorted(slices.Values(want))) {
		t.Errorf("%s environment differs from os.Environ() without VAULT_*:\n got %q\nwant %q", who, env, want)
	}
}

func TestHelperClears(t *testing.T) {
	bin := buildHelper(t)
	start := HelperStarter([]string{bin})

	t.Run("clears", func(t *testing.T) {
		const secret = "canary-7f3c9e-hunter2"
		if err := Copy(System(), secret, time.Second, start); err != nil {
			t.Fatal(err)
		}
		helper, owner := inspect(t, bin, secret)
		poll(t, "the clipboard is cleared", func() bool { return get(t) == "" })
		poll(t, "the helper exits", func() bool { return !alive(helper) })
		poll(t, "the owner exits", func() bool { return !alive(owner) })
	})

	t.Run("keeps newer content", func(t *testing.T) {
		const secret = "canary-2b81d0-swordfish"
		const other = "the user copied this since"
		if err := Copy(System(), secret, time.Second, start); err != nil {
			t.Fatal(err)
		}
		helper, owner := inspect(t, bin, secret)
		xclipSet(t, other) // another program takes the selection
		poll(t, "the owner exits", func() bool { return !alive(owner) })
		poll(t, "the helper exits", func() bool { return !alive(helper) })
		if got := get(t); got != other {
			t.Errorf("clipboard holds %q, want %q", got, other)
		}
	})
}

func TestHelperEnvDropsVault(t *testing.T) {
	got := helperEnv([]string{"HOME=/h", "VAULT_TOKEN=hvs.CANARY", "VAULT_ADDR=x", "DISPLAY=:1"})
	if !slices.Equal(got, []string{"HOME=/h", "DISPLAY=:1"}) {
		t.Fatalf("helperEnv = %q", got)
	}
}

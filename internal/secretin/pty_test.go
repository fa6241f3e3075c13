//go:build linux || darwin

package secretin

// Terminal tests. Each test starts this test binary again as a child
// process (see TestMain and helperMain) with a pseudo-terminal as its
// stdin, stdout and stderr and its controlling terminal, plays the user by
// writing to the pty master, and reads the child's outcome from a side
// file. The parent keeps its own handle on the pty slave, so that the
// terminal modes the child leaves behind can be inspected after it exits.
//
// Every wait is bounded by waitTimeout; no assertion depends on timing.

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

const waitTimeout = 20 * time.Second

type ptyChild struct {
	t          *testing.T
	ptmx, tty  *os.File
	cmd        *exec.Cmd
	resultPath string
	initial    unix.Termios

	mu     sync.Mutex
	out    bytes.Buffer
	copied chan struct{} // closed when the master read loop ends

	exited  chan struct{} // closed when cmd.Wait returns
	waitErr error
}

func startHelper(t *testing.T, mode string) *ptyChild {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal available:", err)
	}
	c := &ptyChild{
		t:          t,
		ptmx:       ptmx,
		tty:        tty,
		resultPath: filepath.Join(t.TempDir(), "result"),
		copied:     make(chan struct{}),
		exited:     make(chan struct{}),
	}
	initial, err := c.termios()
	if err != nil {
		t.Fatal(err)
	}
	if initial.Lflag&unix.ECHO == 0 {
		t.Fatal("a fresh pty has echo off; the test cannot tell restored from unrestored")
	}
	c.initial = *initial

	c.cmd = exec.Command(exe)
	c.cmd.Env = append(os.Environ(), helperModeEnv+"="+mode, helperResultEnv+"="+c.resultPath)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = tty, tty, tty
	// A new session with the pty as its controlling terminal, so that
	// Ctrl-C typed on the pty sends SIGINT to the child.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := c.cmd.Start(); err != nil {
		tty.Close()
		ptmx.Close()
		t.Fatal(err)
	}

	go func() {
		defer close(c.copied)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			c.mu.Lock()
			c.out.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()

	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		tty.Close() // the master read now ends with EIO
		select {
		case <-c.copied:
		case <-time.After(waitTimeout):
			t.Error("pty read loop did not end")
		}
		ptmx.Close()
	})
	return c
}

func (c *ptyChild) termios() (*unix.Termios, error) {
	rc, err := c.tty.SyscallConn()
	if err != nil {
		return nil, err
	}
	var tio *unix.Termios
	var ioErr error
	if err := rc.Control(func(fd uintptr) {
		tio, ioErr = unix.IoctlGetTermios(int(fd), ioctlGetTermios)
	}); err != nil {
		return nil, err
	}
	return tio, ioErr
}

func (c *ptyChild) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// waitFor polls until cond holds, failing the test after waitTimeout.
func (c *ptyChild) waitFor(what string, cond func() bool) {
	c.t.Helper()
	// The child may have exited already: its last output can still be
	// on its way through the pty, so keep polling until the deadline.
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			status := "running"
			select {
			case <-c.exited:
				status = fmt.Sprintf("exited: %v", c.waitErr)
			default:
			}
			c.t.Fatalf("timed out waiting for %s (child %s); pty output so far: %q", what, status, c.output())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitOutput waits until the pty output contains s at least n times.
func (c *ptyChild) waitOutput(s string, n int) {
	c.t.Helper()
	c.waitFor(strings.Repeat("+", n-1)+"output "+s, func() bool { return strings.Count(c.output(), s) >= n })
}

// waitEcho waits until the terminal's ECHO flag is on or off.
func (c *ptyChild) waitEcho(on bool) {
	c.t.Helper()
	c.waitFor("echo on="+map[bool]string{true: "true", false: "false"}[on], func() bool {
		tio, err := c.termios()
		return err == nil && (tio.Lflag&unix.ECHO != 0) == on
	})
}

// waitPrompt waits for the n-th occurrence of prompt and then for echo to
// be off, which means the child is blocked in its no-echo read with its
// signal handler installed.
func (c *ptyChild) waitPrompt(prompt string, n int) {
	c.t.Helper()
	c.waitOutput(prompt, n)
	c.waitEcho(false)
}

func (c *ptyChild) typ(s string) {
	c.t.Helper()
	if _, err := c.ptmx.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// finish waits for the child to exit and returns its outcome.
func (c *ptyChild) finish() string {
	c.t.Helper()
	select {
	case <-c.exited:
	case <-time.After(waitTimeout):
		c.t.Fatalf("child did not exit; pty output: %q", c.output())
	}
	if c.waitErr != nil {
		c.t.Fatalf("child failed: %v; pty output: %q", c.waitErr, c.output())
	}
	// The child printed helperDone after everything else.
	c.waitOutput(helperDone, 1)
	res, err := os.ReadFile(c.resultPath)
	if err != nil {
		c.t.Fatalf("no result from child: %v; pty output: %q", err, c.output())
	}
	return string(res)
}

// assertRestored checks that the child left the terminal as it found it.
func (c *ptyChild) assertRestored() {
	c.t.Helper()
	tio, err := c.termios()
	if err != nil {
		c.t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		c.t.Errorf("echo is still off after the child exited")
	}
	if tio.Lflag != c.initial.Lflag || tio.Iflag != c.initial.Iflag {
		c.t.Errorf("terminal modes not restored: lflag %#x iflag %#x, want %#x %#x",
			tio.Lflag, tio.Iflag, c.initial.Lflag, c.initial.Iflag)
	}
}

func (c *ptyChild) assertNotEchoed(secrets ...string) {
	c.t.Helper()
	out := c.output()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			c.t.Errorf("the secret %q was echoed; pty output: %q", s, out)
		}
	}
}

const (
	ptySecret = "CANARY-pty-Tr0ub4dor&3"
	ptyOther  = "CANARY-pty-correct-horse"
)

func TestTerminalNoEcho(t *testing.T) {
	c := startHelper(t, "plain")
	c.waitPrompt(helperPrompt, 1)
	c.typ(ptySecret + "\r")
	if got, want := c.finish(), outcome(ptySecret); got != want {
		t.Fatalf("child read %q, want %q", got, want)
	}
	if !strings.Contains(c.output(), helperPrompt) {
		t.Errorf("prompt missing from pty output %q", c.output())
	}
	c.assertNotEchoed(ptySecret)
	c.assertRestored()
}

func TestTerminalEmpty(t *testing.T) {
	c := startHelper(t, "plain")
	c.waitPrompt(helperPrompt, 1)
	c.typ("\r")
	if got := c.finish(); got != "empty" {
		t.Fatalf("child reported %q, want empty", got)
	}
	c.assertRestored()
}

func TestTerminalAllowEmpty(t *testing.T) {
	c := startHelper(t, "allow-empty")
	c.waitPrompt(helperPrompt, 1)
	c.typ("\r")
	if got, want := c.finish(), outcome(""); got != want {
		t.Fatalf("child reported %q, want %q", got, want)
	}
	c.assertRestored()
}

func TestTerminalConfirmMatch(t *testing.T) {
	c := startHelper(t, "confirm")
	c.waitPrompt(helperPrompt, 1)
	c.typ(ptySecret + "\r")
	c.waitPrompt(confirmPrompt, 1)
	c.typ(ptySecret + "\r")
	if got, want := c.finish(), outcome(ptySecret); got != want {
		t.Fatalf("child read %q, want %q", got, want)
	}
	c.assertNotEchoed(ptySecret)
	c.assertRestored()
}

func TestTerminalConfirmMismatch(t *testing.T) {
	c := startHelper(t, "confirm")
	c.waitPrompt(helperPrompt, 1)
	c.typ(ptySecret + "\r")
	c.waitPrompt(confirmPrompt, 1)
	c.typ(ptyOther + "\r")
	if got := c.finish(); got != "mismatch" {
		t.Fatalf("child reported %q, want mismatch", got)
	}
	c.assertNotEchoed(ptySecret, ptyOther)
	c.assertRestored()
}

func TestTerminalCtrlC(t *testing.T) {
	c := startHelper(t, "plain")
	c.waitPrompt(helperPrompt, 1)
	c.typ("half-typed") // not yet submitted
	c.typ("\x03")       // Ctrl-C: the line discipline sends SIGINT
	if got := c.finish(); got != "aborted" {
		t.Fatalf("child reported %q, want aborted", got)
	}
	c.assertNotEchoed("half-typed")
	c.assertRestored()
}

func TestTerminalCtrlCAtConfirm(t *testing.T) {
	c := startHelper(t, "confirm")
	c.waitPrompt(helperPrompt, 1)
	c.typ(ptySecret + "\r")
	c.waitPrompt(confirmPrompt, 1)
	c.typ("\x03")
	if got := c.finish(); got != "aborted" {
		t.Fatalf("child reported %q, want aborted", got)
	}
	c.assertNotEchoed(ptySecret)
	c.assertRestored()
}

func TestTerminalSIGTERM(t *testing.T) {
	c := startHelper(t, "plain")
	c.waitPrompt(helperPrompt, 1)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := c.finish(); got != "aborted" {
		t.Fatalf("child reported %q, want aborted", got)
	}
	c.assertRestored()
}

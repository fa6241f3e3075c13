//go:build linux

package main

// TestOpenOnATerminal drives `sellervault open` through a pseudo-terminal
// as a person would: it types a filter, picks, presses Enter after each
// paste, and reads the X clipboard (Xvfb) at every step; other runs press
// Ctrl-C during the walk. The screen is rendered from the program's output
// by a small terminal emulator (screenOf) and checked as text.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

func TestOpenOnATerminal(t *testing.T) {
	e := newCanaryEnv(t)
	defer killOurs(t, e.home)
	password := e.canary(t, "picker-pw")
	const login = "ops-picker@acme.example"
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.clean(t, 0, "", "init")
	e.clean(t, 0, "", "store", "add", "acme-us", "--marketplace", "amazon", "--region", "us")
	e.clean(t, 0, "", "store", "add", "acme-de", "--marketplace", "amazon", "--region", "de")
	e.clean(t, 0, "", "cred", "add", "acme-us/seller-central", "--login", login, "--url", "https://sellercentral.amazon.com", "--secret-file", pwFile)
	e.clean(t, 0, "", "cred", "add", "acme-us/ebay", "--login", "ebay@acme.example", "--secret-file", pwFile)
	e.clean(t, 0, "", "cred", "add", "acme-de/seller-central", "--login", "de@acme.example", "--secret-file", pwFile)
	e.clean(t, 0, "JBSWY3DPEHPK3PXP\n", "totp", "add", "acme-us/seller-central")

	clip := func() string {
		// an empty clipboard, or xclip killed after xclipTimeout, reads as ""
		out, _ := xclipOn(e.vars["DISPLAY"], "-o").Output()
		return string(out)
	}
	clipIs := func(p *ptySession, what string, ok func(string) bool) {
		t.Helper()
		p.waitFor("the clipboard to hold "+what, func() bool { return ok(clip()) })
	}
	is := func(v string) func(string) bool { return func(s string) bool { return s == v } }
	isCode := regexp.MustCompile(`^[0-9]{6}$`).MatchString
	// pick starts `sellervault open`, filters down to acme-us/seller-central
	// and picks it: the login is then on the clipboard.
	pick := func(t *testing.T, extra map[string]string) *ptySession {
		p := startPTY(t, e, extra, "open")
		p.waitScreen("the list", "pick a credential", "acme-de/seller-central", "acme-us/ebay", "3 of 3 credentials")
		p.send("us sel")
		p.waitScreen("the filtered list", "filter: us sel", "> acme-us/seller-central", "1 of 3 credentials")
		if s := p.screen(); strings.Contains(s, "ebay") || strings.Contains(s, "acme-de") {
			t.Fatalf("the filter left other credentials:\n%s", s)
		}
		p.send("\r")
		clipIs(p, "the login", is(login))
		p.waitScreen("the login step", "> login     ********  on the clipboard: paste it, then press Enter", "password  next")
		return p
	}

	t.Run("the whole walk", func(t *testing.T) {
		p := pick(t, map[string]string{"NO_COLOR": "1"})
		p.send("\r")
		clipIs(p, "the password", is(password))
		p.waitScreen("the password step", "login     ********  pasted", "> password  ********  on the clipboard")
		p.send("\r")
		clipIs(p, "a code", isCode)
		code := clip()
		p.waitScreen("the code step", "password  ********  pasted", "> code      ********  on the clipboard")
		t.Logf("the screen at the code step:\n%s", p.screen())
		left := regexp.MustCompile(`([0-9]+) s left`)
		first := left.FindString(p.screen())
		p.waitFor("the seconds left to count down", func() bool {
			now := left.FindString(p.screen())
			return now != "" && now != first
		})
		p.send("\r")
		out, status := p.wait()
		if status != 0 {
			t.Fatalf("exit %d; terminal:\n%s", status, ansi.Strip(out))
		}
		clipIs(p, "nothing", is(""))
		if !strings.Contains(ansi.Strip(out), "copied login, password and code of acme-us/seller-central; the clipboard is cleared") {
			t.Fatalf("no summary; terminal:\n%s", ansi.Strip(out))
		}
		e.assertClean(t, "the terminal", out)
		if strings.Contains(out, login) || strings.Contains(out, code) {
			t.Fatal("the terminal showed the login or the code")
		}
		p.restored(out)
		if sgr := colourSGR(out); sgr != "" {
			t.Fatalf("colour %q with NO_COLOR set", sgr)
		}
	})

	for _, at := range []string{"password", "code"} {
		t.Run("ctrl-c at the "+at, func(t *testing.T) {
			p := pick(t, map[string]string{"NO_COLOR": ""})
			p.send("\r")
			clipIs(p, "the password", is(password))
			if at == "code" {
				p.send("\r")
				clipIs(p, "a code", isCode)
				p.waitScreen("the code step", "> code", "s left")
			}
			p.send("\x03")
			out, status := p.wait()
			if status != 3 {
				t.Fatalf("exit %d, want 3 (aborted); terminal:\n%s", status, ansi.Strip(out))
			}
			clipIs(p, "nothing", is(""))
			if !strings.Contains(ansi.Strip(out), "aborted: stopped at the "+at+" of acme-us/seller-central; the clipboard is cleared") {
				t.Fatalf("terminal:\n%s", ansi.Strip(out))
			}
			e.assertClean(t, "the terminal", out)
			p.restored(out)
			if colourSGR(out) == "" {
				t.Fatal("no colour without NO_COLOR: the NO_COLOR check proves nothing")
			}
		})
	}
}

// colourSGR returns the first SGR sequence in s that sets a colour.
func colourSGR(s string) string {
	for _, m := range regexp.MustCompile(`\x1b\[([0-9;:]*)m`).FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			var n int
			fmt.Sscan(p, &n)
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				return m[0]
			}
		}
	}
	return ""
}

// ptySession is sellervault running on a pseudo-terminal.
type ptySession struct {
	t         *testing.T
	ptmx, tty *os.File
	cmd       *exec.Cmd
	rec       *ptyRecord
	exited    chan struct{}
	waitErr   error
}

const ptyRows, ptyCols = 24, 100

func startPTY(t *testing.T, e *canaryEnv, extra map[string]string, args ...string) *ptySession {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: ptyRows, Cols: ptyCols}); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"TERM": "xterm-256color", "COLORTERM": ""}
	for k, v := range extra {
		vars[k] = v
	}
	p := &ptySession{t: t, ptmx: ptmx, tty: tty, exited: make(chan struct{})}
	p.cmd = exec.Command(e.exe, args...)
	p.cmd.Env = e.environ(vars)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = tty, tty, tty
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.rec = recordPTY(ptmx)
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		tty.Close()
		select {
		case <-p.rec.done:
		case <-time.After(leakWait):
			t.Errorf("the pty read loop did not end")
		}
		ptmx.Close()
	})
	return p
}

func (p *ptySession) output() string { return p.rec.String() }

// screen is what the terminal shows now, as text.
func (p *ptySession) screen() string { return screenOf(p.output(), ptyRows, ptyCols) }

func (p *ptySession) send(keys string) {
	p.t.Helper()
	if _, err := p.ptmx.Write([]byte(keys)); err != nil {
		p.t.Fatal(err)
	}
}

func (p *ptySession) waitFor(what string, cond func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(leakWait)
	for !cond() {
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, p.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitScreen waits until the screen shows every one of want.
func (p *ptySession) waitScreen(what string, want ...string) {
	p.t.Helper()
	p.waitFor(what, func() bool {
		s := p.screen()
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	})
}

// wait waits for sellervault to exit and returns its output and status.
func (p *ptySession) wait() (string, int) {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(leakCmdTimeout):
		p.t.Fatalf("sellervault did not exit; the screen:\n%s", p.screen())
	}
	time.Sleep(100 * time.Millisecond) // the last output on its way through the pty
	status := 0
	if exit, ok := p.waitErr.(*exec.ExitError); ok {
		status = exit.ExitCode()
	} else if p.waitErr != nil {
		p.t.Fatal(p.waitErr)
	}
	return p.output(), status
}

// restored checks that the program left the alternate screen and showed
// the cursor after its last use of them, and that the terminal is back in
// its cooked mode (echo and line editing on).
func (p *ptySession) restored(out string) {
	p.t.Helper()
	enter := strings.LastIndex(out, "\x1b[?1049h")
	leave := strings.LastIndex(out, "\x1b[?1049l")
	hide := strings.LastIndex(out, "\x1b[?25l")
	show := strings.LastIndex(out, "\x1b[?25h")
	if enter < 0 || leave < enter {
		p.t.Errorf("the alternate screen was not left (entered at %d, left at %d)", enter, leave)
	}
	if show < hide || show < 0 {
		p.t.Errorf("the cursor was not shown again (hidden at %d, shown at %d)", hide, show)
	}
	tio, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil {
		p.t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 || tio.Lflag&unix.ICANON == 0 {
		p.t.Errorf("the terminal was left in raw mode (lflag %#x)", tio.Lflag)
	}
}

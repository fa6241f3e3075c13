//go:build linux

package main

// Typing answers at sellervault's prompts on a pseudo-terminal, for
// TestSecretsNeverLeak (canary_test.go).

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

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

	rec := recordPTY(ptmx)
	readDone, output := rec.done, rec.String
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

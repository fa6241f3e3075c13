// Package xvfbtest starts a private X server (Xvfb) for tests that need a
// real X display and clipboard.
//
// Use it from TestMain, and set DISPLAY yourself:
//
//	func TestMain(m *testing.M) {
//		display, stop, err := xvfbtest.Start()
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		os.Setenv("DISPLAY", display)
//		code := m.Run()
//		stop()
//		os.Exit(code)
//	}
//
// A missing Xvfb is an error, not a reason to skip: CI installs xvfb and
// xclip (see .ci/run), and a test that silently skips proves nothing.
package xvfbtest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	firstDisplay = 90
	lastDisplay  = 140
	readyTimeout = 20 * time.Second
	stopTimeout  = 5 * time.Second
)

// Start starts `Xvfb :N -screen 0 640x480x24 -nolisten tcp` on the first
// free display number from :90 to :140, waits until it accepts
// connections, and returns ":N" and a function that stops it. Test
// processes that race for the same number are fine: the loser's Xvfb finds
// the lock taken and exits, and Start tries the next number.
func Start() (display string, stop func(), err error) {
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		return "", nil, errors.New("xvfbtest: Xvfb is not installed: install it (Debian/Ubuntu: apt-get install xvfb xclip) to run the clipboard tests")
	}
	var last error
	for n := firstDisplay; n <= lastDisplay; n++ {
		if inUse(n) {
			continue
		}
		stop, err := start(xvfb, n)
		if err == nil {
			return ":" + strconv.Itoa(n), stop, nil
		}
		last = err
	}
	if last == nil {
		last = errors.New("all in use")
	}
	return "", nil, fmt.Errorf("xvfbtest: no free display from :%d to :%d: %w", firstDisplay, lastDisplay, last)
}

// inUse reports whether display n has a lock file or a socket.
func inUse(n int) bool {
	for _, p := range []string{fmt.Sprintf("/tmp/.X%d-lock", n), fmt.Sprintf("/tmp/.X11-unix/X%d", n)} {
		if _, err := os.Lstat(p); err == nil || !errors.Is(err, os.ErrNotExist) {
			return true
		}
	}
	return false
}

// start runs Xvfb on display n and waits for it to be ready: Xvfb writes
// the display number to the -displayfd pipe once it accepts connections,
// and closes it unwritten when it exits (say, because n was taken).
func start(xvfb string, n int) (func(), error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	stderr := &tail{max: 4096}
	cmd := exec.Command(xvfb, ":"+strconv.Itoa(n), "-screen", "0", "640x480x24", "-nolisten", "tcp", "-displayfd", "3")
	cmd.ExtraFiles = []*os.File{pw} // fd 3
	cmd.Stderr = stderr
	cmd.SysProcAttr = sysProcAttr()
	err = cmd.Start()
	pw.Close()
	if err != nil {
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()

	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(pr).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	kill := func() { cmd.Process.Kill(); <-exited }
	select {
	case got := <-line:
		if got != strconv.Itoa(n) {
			kill()
			return nil, fmt.Errorf("Xvfb :%d did not start: %s", n, stderr)
		}
	case <-time.After(readyTimeout):
		kill()
		return nil, fmt.Errorf("Xvfb :%d not ready after %v: %s", n, readyTimeout, stderr)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(stopTimeout):
				kill()
			}
		})
	}, nil
}

// tail keeps the last max bytes written to it, for error messages.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return "(no output)"
	}
	return strings.ReplaceAll(s, "\n", "; ")
}

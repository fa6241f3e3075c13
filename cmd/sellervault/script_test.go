package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/term"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/xvfbtest"
)

// TestMain makes this test binary double as the sellervault binary: the
// scripts' `exec sellervault ...` runs it as a separate process through
// app.Main, exactly as cmd/sellervault's main does.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		defer devvault.StopShared()
		defer stopDisplay()
		return testscript.RunMain(m, map[string]func() int{
			"sellervault": mainEndingLines,
		})
	}())
}

var scriptCount atomic.Int64

// mainEndingLines is app.Main, as cmd/sellervault's main runs it, with a
// check on every run of every script: whatever sellervault writes to a
// stdout or stderr that is not a terminal ends with a newline (a message
// left without one runs into the shell's prompt or the next message).
// A run that breaks the rule fails with exit status 97.
func mainEndingLines() int {
	stdout, stderr := newLineCheck(os.Stdout), newLineCheck(os.Stderr)
	code := app.Main(os.Args, os.Stdin, stdout.writer(), stderr.writer())
	for _, c := range []*lineCheck{stdout, stderr} {
		if c.open() {
			fmt.Fprintf(os.Stderr, "\ntest harness: sellervault's %s did not end with a newline\n", c.name)
			return 97
		}
	}
	return code
}

// lineCheck remembers the last byte written to a file that is not a
// terminal, unless what was written is binary data (not UTF-8); on a
// terminal the file is used as it is (the picker and the
// progress lines need the *os.File).
type lineCheck struct {
	f       *os.File
	name    string
	checked bool
	binary  bool
	last    byte
}

func newLineCheck(f *os.File) *lineCheck {
	name := "stdout"
	if f == os.Stderr {
		name = "stderr"
	}
	return &lineCheck{f: f, name: name, checked: !term.IsTerminal(int(f.Fd()))}
}

func (c *lineCheck) writer() io.Writer {
	if !c.checked {
		return c.f
	}
	return c
}

func (c *lineCheck) Write(p []byte) (int, error) {
	if len(p) > 0 {
		c.last = p[len(p)-1]
	}
	if !utf8.Valid(p) {
		c.binary = true // a backup's ciphertext: data, not a message
	}
	return c.f.Write(p)
}

// open reports whether the output ended in the middle of a line.
func (c *lineCheck) open() bool {
	return c.checked && !c.binary && c.last != 0 && c.last != '\n'
}

// display is a private X server (Xvfb) for the clipboard, started on
// first use by the test process (not by the sellervault child processes).
var display struct {
	once sync.Once
	name string
	stop func()
	err  error
}

func startDisplay() (string, error) {
	display.once.Do(func() { display.name, display.stop, display.err = xvfbtest.Start() })
	return display.name, display.err
}

func stopDisplay() {
	if display.stop != nil {
		display.stop()
	}
}

// testEnv is the environment every script and end-to-end test starts
// with: the shared Vault with a root token, a fresh mount prefix, its own
// HOME, and the private X display.
func testEnv(setenv func(key, value string), home string) error {
	srv, err := devvault.Shared()
	if err != nil {
		return err
	}
	disp, err := startDisplay()
	if err != nil {
		return err
	}
	setenv("VAULT_ADDR", srv.URL)
	setenv("DEV_VAULT_ADDR", srv.URL)
	setenv("VAULT_CACERT", srv.CACertFile)
	setenv("VAULT_TOKEN", srv.RootToken)
	setenv("ROOT_TOKEN", srv.RootToken)
	setenv("SELLERVAULT_MOUNT", fmt.Sprintf("sv%d", scriptCount.Add(1)))
	setenv("HOME", home)
	setenv("NO_COLOR", "1")
	setenv("DISPLAY", disp)
	setenv("WAYLAND_DISPLAY", "")
	return nil
}

// TestScripts runs testdata/script/*.txtar against the package's one
// in-process Vault. Each script gets its own mount prefix (so `init` in
// one script finds nothing of another's records), its own HOME (so the
// token helper file is the script's) and a root token in VAULT_TOKEN.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			if err := testEnv(e.Setenv, e.WorkDir); err != nil {
				return err
			}
			// Scripts run in parallel: each gets its own X display, so
			// that one script's clipboard is not another's.
			disp, stop, err := xvfbtest.Start()
			if err != nil {
				return err
			}
			e.Defer(stop)
			e.Setenv("DISPLAY", disp)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":       cmdExitCode,
			"login-as":       cmdLoginAs,
			"sealed-vault":   cmdSealedVault,
			"own-vault":      cmdOwnVault,
			"vault":          cmdVaultCLI,
			"clipboard-set":  cmdClipboardSet,
			"clipboard-wait": cmdClipboardWait,
			"sleep":          cmdSleep,
			"make-qr":        cmdMakeQR,
			"make-blank-png": cmdMakeBlankPNG,
			"capture":        cmdCapture,
			"hook-server":    cmdHookServer,
			"write-file":     cmdWriteFile,
			"backup-test":    cmdBackupTest,
		},
	})
}

// capture VAR REGEXP sets VAR to the first group of REGEXP in the last
// command's stdout (an ID a later step needs).
func cmdCapture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: capture VAR REGEXP")
	}
	m := regexp.MustCompile(args[1]).FindStringSubmatch(ts.ReadFile("stdout"))
	if len(m) < 2 {
		ts.Fatalf("capture: no match for %s in stdout", args[1])
	}
	ts.Setenv(args[0], m[1])
}

// make-qr TEXT FILE writes a PNG QR code of TEXT, like a screenshot of
// the marketplace's 2-step set-up page.
func cmdMakeQR(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: make-qr TEXT FILE")
	}
	data, err := totp.EncodeQR(args[0], 300)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o600))
}

// make-blank-png FILE writes a white PNG with no QR code in it.
func cmdMakeBlankPNG(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: make-blank-png FILE")
	}
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	ts.Check(png.Encode(&buf, img))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o600))
}

// sleep DURATION waits, for steps that must show something did NOT
// happen in time (a clear that must not come).
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

// clipboard-set TEXT puts TEXT on the script's clipboard, as another
// program would.
func cmdClipboardSet(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: clipboard-set TEXT")
	}
	cmd := xclip(ts, "-i")
	cmd.Stdin = strings.NewReader(args[0])
	ts.Check(cmd.Run())
}

// clipboard-wait TEXT|empty TIMEOUT waits until the script's clipboard
// holds TEXT (or nothing), and fails if it does not within TIMEOUT.
func cmdClipboardWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: clipboard-wait TEXT|empty TIMEOUT")
	}
	want := args[0]
	if want == "empty" {
		want = ""
	}
	timeout, err := time.ParseDuration(args[1])
	ts.Check(err)
	deadline := time.Now().Add(timeout)
	for {
		// xclip fails when the clipboard holds nothing: that reads as empty
		got, _ := xclip(ts, "-o").Output()
		if string(got) == want {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("clipboard holds %d bytes, not the %d bytes waited for, after %s", len(got), len(want), timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// xclip runs xclip on the script's display and clipboard.
func xclip(ts *testscript.TestScript, args ...string) *exec.Cmd {
	return xclipOn(ts.Getenv("DISPLAY"), args...)
}

// xclipTimeout bounds one xclip run: `xclip -o` waits for ever for an
// owner that does not answer, and a test must fail instead of hanging.
const xclipTimeout = 10 * time.Second

// xclipOn runs xclip on display's clipboard, killed after xclipTimeout.
func xclipOn(display string, args ...string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), xclipTimeout)
	time.AfterFunc(xclipTimeout, cancel)
	cmd := exec.CommandContext(ctx, "xclip", append([]string{"-selection", "clipboard"}, args...)...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	return cmd
}

// exitcode N PROGRAM [ARGS...] runs a program and checks its exit status
// is exactly N (testscript's `! exec` only tells zero from non-zero).
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		got = exitErr.ExitCode()
	} else if err != nil {
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", strings.Join(args[1:], " "), got, want)
	}
}

// login-as ROLE [STORE,...] creates a person with that role (and stores)
// in the script's mount and puts their freshly logged-in token in
// VAULT_TOKEN, as `sellervault login` would.
func cmdLoginAs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: login-as ROLE [STORE,...]")
	}
	ctx := context.Background()
	root := rootClient(ts)
	layout, err := vault.NewLayout(ts.Getenv("SELLERVAULT_MOUNT"))
	ts.Check(err)
	p := access.Person{Name: args[0] + "-" + ts.Getenv("SELLERVAULT_MOUNT"), Role: args[0]}
	if len(args) == 2 {
		p.Stores = strings.Split(args[1], ",")
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	password := hex.EncodeToString(b)
	_, err = access.EnsurePerson(ctx, root, layout, p, password, time.Now())
	ts.Check(err)
	token, err := root.Userpass().Login(ctx, vault.UserpassMount, p.Name, password)
	ts.Check(err)
	ts.Setenv("VAULT_TOKEN", token)
}

// own-vault starts an in-process Vault for this script alone and points
// the script at it with its root token: for scripts that onboard people
// by their plain names (olga, tom), which in the shared Vault's one
// userpass mount would meet other scripts' people.
func cmdOwnVault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: own-vault")
	}
	srv, err := devvault.Start(context.Background(), devvault.Config{TLS: true})
	ts.Check(err)
	ts.Defer(func() { _ = srv.Close() })
	for k, v := range map[string]string{"VAULT_ADDR": srv.URL, "DEV_VAULT_ADDR": srv.URL, "VAULT_CACERT": srv.CACertFile,
		"VAULT_TOKEN": srv.RootToken, "ROOT_TOKEN": srv.RootToken} {
		ts.Setenv(k, v)
	}
}

// sealed-vault starts a second in-process Vault, seals it and points
// VAULT_ADDR at it for the rest of the script.
func cmdSealedVault(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: sealed-vault")
	}
	srv, err := devvault.Start(context.Background(), devvault.Config{})
	ts.Check(err)
	ts.Defer(func() { _ = srv.Close() })
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	ts.Check(err)
	ts.Check(c.Sys().Seal(context.Background()))
	ts.Setenv("VAULT_ADDR", srv.URL)
}

func rootClient(ts *testscript.TestScript) *vault.Client {
	srv, err := devvault.Shared()
	ts.Check(err)
	os.Setenv("VAULT_CACERT", srv.CACertFile)
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	ts.Check(err)
	return c
}

package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// TestMain makes this test binary double as the sellervault binary: the
// scripts' `exec sellervault ...` runs it as a separate process through
// app.Main, exactly as cmd/sellervault's main does.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		defer devvault.StopShared()
		return testscript.RunMain(m, map[string]func() int{
			"sellervault": func() int { return app.Main(os.Args, os.Stdin, os.Stdout, os.Stderr) },
		})
	}())
}

var scriptCount atomic.Int64

// TestScripts runs testdata/script/*.txtar against the package's one
// in-process Vault. Each script gets its own mount prefix (so `init` in
// one script finds nothing of another's records), its own HOME (so the
// token helper file is the script's) and a root token in VAULT_TOKEN.
func TestScripts(t *testing.T) {
	srv, err := devvault.Shared()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			prefix := fmt.Sprintf("sv%d", scriptCount.Add(1))
			e.Setenv("VAULT_ADDR", srv.URL)
			e.Setenv("DEV_VAULT_ADDR", srv.URL)
			e.Setenv("VAULT_CACERT", srv.CACertFile)
			e.Setenv("VAULT_TOKEN", srv.RootToken)
			e.Setenv("SELLERVAULT_MOUNT", prefix)
			e.Setenv("HOME", e.WorkDir)
			e.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode":     cmdExitCode,
			"login-as":     cmdLoginAs,
			"sealed-vault": cmdSealedVault,
		},
	})
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
	p := setup.Person{Name: args[0] + "-" + ts.Getenv("SELLERVAULT_MOUNT"), Role: args[0]}
	if len(args) == 2 {
		p.Stores = strings.Split(args[1], ",")
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	password := hex.EncodeToString(b)
	_, err = setup.EnsurePerson(ctx, root, layout, p, password, time.Now())
	ts.Check(err)
	token, err := root.UserpassLogin(ctx, vault.UserpassMount, p.Name, password)
	ts.Check(err)
	ts.Setenv("VAULT_TOKEN", token)
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
	ts.Check(c.Seal(context.Background()))
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

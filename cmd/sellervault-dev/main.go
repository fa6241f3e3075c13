// Command sellervault-dev runs a real Vault in memory on this machine,
// prepared for sellervault, for trying sellervault out and for its tour.
//
//	sellervault-dev [--addr 127.0.0.1:8200] [--demo]
//	    starts Vault, runs `sellervault init` against it, prints
//	    export VAULT_ADDR=… and export VAULT_TOKEN=… lines, and serves
//	    until interrupted (Ctrl-C).
//	sellervault-dev [flags] -- COMMAND [ARGS…]
//	    starts Vault (on a free loopback port unless --addr is given),
//	    runs COMMAND with VAULT_ADDR and VAULT_TOKEN set, stops Vault and
//	    exits with COMMAND's status.
//
// --demo loads the example team (package demo); every value is fake. With
// a COMMAND it also starts a webhook receiver on loopback that prints the
// reminders it gets, and gives its URL to the command as
// SELLERVAULT_DEMO_WEBHOOK (the tour sends `rotation remind` there).
//
// This is not a Vault server for real secrets: storage is memory, the root
// token is printed, and it listens on loopback only. It links Vault's core
// (Business Source License) and is for local, non-production use; the
// sellervault binary itself does not.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sellervault/sellervault/internal/demo"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type options struct {
	addr      string
	demo      bool
	tls       bool
	auditFile string
	mount     string
	command   []string
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("sellervault-dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "", "loopback `host:port` to listen on (default 127.0.0.1:8200; with COMMAND, a free port)")
	fs.BoolVar(&o.demo, "demo", false, "load the example team (fake values only)")
	fs.BoolVar(&o.tls, "tls", false, "serve HTTPS with a throw-away CA (VAULT_CACERT is set for COMMAND)")
	fs.StringVar(&o.auditFile, "audit-file", "", "enable a file audit device writing to `PATH`")
	fs.StringVar(&o.mount, "mount", "sellervault", "mount prefix for sellervault")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: sellervault-dev [flags] [-- COMMAND [ARGS...]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.command = fs.Args()
	if o.addr == "" {
		o.addr = "127.0.0.1:8200"
		if len(o.command) > 0 {
			o.addr = "127.0.0.1:0" // nothing outside the command needs to find it
		}
	}
	return o, nil
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	say := func(format string, a ...interface{}) { fmt.Fprintf(stderr, "sellervault-dev: "+format+"\n", a...) }

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, logins, err := start(ctx, o)
	if err != nil {
		say("%v", err)
		return 1
	}
	defer srv.Close()

	if len(o.command) == 0 {
		fmt.Fprintf(stdout, "export VAULT_ADDR='%s'\nexport VAULT_TOKEN='%s'\n", srv.URL, srv.RootToken)
		if srv.CACertFile != "" {
			fmt.Fprintf(stdout, "export VAULT_CACERT='%s'\n", srv.CACertFile)
		}
		say("Vault is up at %s, in memory (everything is lost when it stops); Ctrl-C stops it", srv.URL)
		<-ctx.Done()
		say("stopping")
		return 0
	}
	stop() // from here an interrupt is the command's to handle
	var extra []string
	if _, isFile := stdout.(*os.File); !isFile {
		// The command's output is copied in by a goroutine and the
		// receiver writes too: one lock for both.
		stdout = &lockedWriter{w: stdout}
	}
	if o.demo {
		hook, err := startReceiver(stdout)
		if err != nil {
			say("%v", err)
			return 1
		}
		defer hook.Close()
		extra = append(extra, "SELLERVAULT_DEMO_WEBHOOK="+hook.URL)
		homes, err := demoHomes(logins)
		if err != nil {
			say("%v", err)
			return 1
		}
		defer os.RemoveAll(homes)
		extra = append(extra, "SELLERVAULT_DEMO_HOMES="+homes)
	}
	return runCommand(o.command, srv, extra, stdin, stdout, stderr, say)
}

// start starts the dev Vault and prepares it as `sellervault init` does;
// with the demo team, it returns a Vault token of each of its people.
func start(ctx context.Context, o options) (*devvault.Server, map[string]string, error) {
	srv, err := devvault.Start(ctx, devvault.Config{Addr: o.addr, TLS: o.tls})
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*devvault.Server, map[string]string, error) {
		srv.Close()
		return nil, nil, err
	}
	if o.tls {
		os.Setenv("VAULT_CACERT", srv.CACertFile) // for our own client below
	}
	client, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		return fail(err)
	}
	layout, err := vault.NewLayout(o.mount)
	if err != nil {
		return fail(err)
	}
	if _, err := setup.Run(ctx, client, setup.Options{Layout: layout, AuditFile: o.auditFile, Version: "dev-server"}); err != nil {
		return fail(fmt.Errorf("init: %w", err))
	}
	var logins map[string]string
	if o.demo {
		if logins, err = demo.LoadWithLogins(ctx, client, layout, time.Now()); err != nil {
			return fail(err)
		}
	}
	return srv, logins, nil
}

// demoHomes makes a home folder for each person of the demo team, holding
// their Vault token in .vault-token (mode 0600), as `sellervault login`
// leaves it: the tour acts as olga with HOME=$SELLERVAULT_DEMO_HOMES/olga
// and no VAULT_TOKEN. The tokens are of the throw-away dev Vault.
func demoHomes(logins map[string]string) (string, error) {
	dir, err := os.MkdirTemp("", "sellervault-demo-homes-")
	if err != nil {
		return "", err
	}
	for name, token := range logins {
		home := filepath.Join(dir, name)
		if err := os.Mkdir(home, 0o700); err != nil {
			return dir, err
		}
		if err := os.WriteFile(filepath.Join(home, ".vault-token"), []byte(token), 0o600); err != nil {
			return dir, err
		}
	}
	return dir, nil
}

// runCommand runs the user's command against the dev Vault and returns
// its exit status.
func runCommand(argv []string, srv *devvault.Server, extraEnv []string, stdin io.Reader, stdout, stderr io.Writer, say func(string, ...interface{})) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.Env = append(commandEnv(os.Environ(), srv), extraEnv...)
	// Ctrl-C reaches the command through the terminal; the dev server
	// waits for it to finish and then stops.
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exitErr):
		if code := exitErr.ExitCode(); code >= 0 {
			return code
		}
		return 1
	default:
		say("run %s: %v", argv[0], err)
		return 127
	}
}

// commandEnv is the environment without any VAULT_* setting that could
// point the command elsewhere, plus the dev server's address and token.
func commandEnv(environ []string, srv *devvault.Server) []string {
	env := make([]string, 0, len(environ)+3)
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "VAULT_") {
			env = append(env, kv)
		}
	}
	env = append(env, "VAULT_ADDR="+srv.URL, "VAULT_TOKEN="+srv.RootToken)
	if srv.CACertFile != "" {
		env = append(env, "VAULT_CACERT="+srv.CACertFile)
	}
	return env
}

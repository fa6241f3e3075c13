package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Version is sellervault's version, set at build time with
// -ldflags "-X github.com/sellervault/sellervault/internal/app.Version=v1.2.3";
// otherwise it is the module version Go recorded, or "dev".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// Main runs the sellervault command line and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 2 && (args[1] == "--version" || args[1] == "-v") {
		// answered before the command table is built: scripts and
		// installers call it often, and it needs nothing else
		if _, err := fmt.Fprintf(stdout, "sellervault version %s\n", version()); err != nil {
			return ExitError
		}
		return ExitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, args, &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr})
}

// Run is Main with a context, for tests.
func Run(ctx context.Context, args []string, env *Env) int {
	app := newApp(env)
	args, err := interspersed(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	if err != nil && strings.HasPrefix(err.Error(), "Required flag") {
		// urfave/cli reports missing required flags with an unexported type
		err = usageError{err}
	}
	if err == nil {
		return ExitOK
	}
	var silent silentError
	if !errors.As(err, &silent) {
		env.say("%v", err)
		if h := env.deniedHint(ctx, err); h != "" {
			env.say("hint: %s", h)
		} else if h := hint(err, env.vaultAddr); h != "" {
			env.say("hint: %s", h)
		}
	}
	return exitCode(err)
}

// silentError carries an exit code for an outcome already reported.
type silentError struct{ err error }

func (e silentError) Error() string { return e.err.Error() }
func (e silentError) Unwrap() error { return e.err }

func newApp(env *Env) *cli.App {
	app := &cli.App{
		Name:                 "sellervault",
		Usage:                "keep a seller team's logins, 2-step codes and payout details safe in HashiCorp Vault",
		Version:              version(),
		Reader:               env.Stdin,
		Writer:               env.Stdout,
		ErrWriter:            env.Stderr,
		Flags:                append(globalFlags(true), cli.HelpFlag),
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		Suggest:              true,
		ExitErrHandler:       func(*cli.Context, error) {}, // Run maps errors to exit codes
		OnUsageError:         onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown command %q: see `sellervault help`", c.Args().First())
			}
			return noCommand(c, env)
		},
		Commands: commands(env),
	}
	for _, cmd := range app.Commands {
		prepare(cmd)
	}
	return app
}

// prepare gives every command the shared usage-error handling and, on
// leaf commands, copies of the global flags so that they may follow the
// command name.
func prepare(cmd *cli.Command) {
	cmd.OnUsageError = onUsageError
	if len(cmd.Subcommands) == 0 {
		cmd.Flags = append(cmd.Flags, globalFlags(false)...)
		if cmd.Action == nil {
			return
		}
		if cmd.Before == nil {
			cmd.Before = checkArgs(cmd)
		}
		return
	}
	for _, sub := range cmd.Subcommands {
		prepare(sub)
	}
	if cmd.Action == nil {
		cmd.Action = func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unknown command %q: see `sellervault %s --help`", c.Args().First(), cmd.Name)
			}
			return cli.ShowSubcommandHelp(c)
		}
	}
}

// checkArgs holds a command to its ArgsUsage: none when it is empty,
// exactly as many as it names when it names them (like "STORE/NAME"), and
// any number when it opens with "[" (optional arguments).
func checkArgs(cmd *cli.Command) cli.BeforeFunc {
	return func(c *cli.Context) error {
		usage := strings.TrimSpace(cmd.ArgsUsage)
		switch want := len(strings.Fields(usage)); {
		case usage == "" && c.NArg() > 0:
			return usagef("%s takes no arguments, got %q", cmd.FullName(), c.Args().First())
		case usage != "" && !strings.HasPrefix(usage, "[") && c.NArg() != want:
			return usagef("%s needs %s (got %d arguments)", cmd.FullName(), usage, c.NArg())
		}
		return nil
	}
}

func onUsageError(_ *cli.Context, err error, _ bool) error {
	return usageError{fmt.Errorf("%w (see --help)", err)}
}

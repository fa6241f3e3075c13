package app

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed lets flags follow arguments, as in
// `sellervault cred get acme-us/seller-central --field password`:
// urfave/cli stops parsing flags at the first argument, so the arguments
// after the command path are reordered to put flags (with their values)
// first. Everything after "--" is left as it is. A value flag left last
// with no value is a usage error: moved in front, it would take the first
// argument as its value.
func interspersed(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	commands, flags := app.Commands, app.Flags
	i := 1
	for i < len(args) {
		arg := args[i]
		if arg == "--" {
			return args, nil
		}
		if isFlag(arg) {
			i += flagWidth(flags, arg, args, i)
			continue
		}
		cmd := findCommand(commands, arg)
		if cmd == nil {
			break // first argument of the command
		}
		commands, flags = cmd.Subcommands, cmd.Flags
		i++
	}
	if i >= len(args) {
		return args, nil
	}
	var flagArgs, plain []string
	j := i
	for j < len(args) {
		arg := args[j]
		if arg == "--" {
			break
		}
		if isFlag(arg) {
			if j == len(args)-1 && takesValue(flags, arg) {
				return nil, usagef("flag needs an argument: %s", arg)
			}
			w := flagWidth(flags, arg, args, j)
			flagArgs = append(flagArgs, args[j:j+w]...)
			j += w
			continue
		}
		plain = append(plain, arg)
		j++
	}
	out := append([]string{}, args[:i]...)
	out = append(out, flagArgs...)
	if j < len(args) { // keep "--" and what follows
		out = append(out, "--")
		out = append(out, plain...)
		return append(out, args[j+1:]...), nil
	}
	return append(out, plain...), nil
}

func isFlag(arg string) bool { return len(arg) > 1 && arg[0] == '-' }

// flagWidth is how many arguments a flag occupies: 2 when its value is the
// next argument, else 1.
func flagWidth(flags []cli.Flag, arg string, args []string, at int) int {
	if at+1 < len(args) && takesValue(flags, arg) {
		return 2
	}
	return 1
}

// takesValue reports whether arg is a known flag whose value is the next
// argument (not --name=value, not a bool flag). Unknown flags are left for
// the parser to report.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				v, ok := f.(cli.DocGenerationFlag)
				return ok && v.TakesValue()
			}
		}
	}
	return false
}

func findCommand(commands []*cli.Command, name string) *cli.Command {
	for _, c := range commands {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

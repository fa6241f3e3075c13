package app

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// helpTopics are help pages that are not commands.
var helpTopics = map[string]func(*Env) error{
	"exit-codes": func(e *Env) error { return printExitCodes(e.Stdout) },
}

func helpCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "show help for a command, or a topic: exit-codes",
		ArgsUsage: "[COMMAND... | exit-codes]",
		Action: func(c *cli.Context) error {
			args := c.Args().Slice()
			if len(args) == 0 {
				return cli.ShowAppHelp(c)
			}
			if topic, ok := helpTopics[args[0]]; ok && len(args) == 1 {
				return topic(env)
			}
			// Walk to the named command, e.g. `help cred add`.
			cmds := c.App.Commands
			var cmd *cli.Command
			for _, name := range args {
				cmd = findCommand(cmds, name)
				if cmd == nil {
					return usagef("no help for %q: see `sellervault help`", name)
				}
				cmds = cmd.Subcommands
			}
			return runHelpFlag(c, args)
		},
	}
}

// runHelpFlag shows a command's help by running it with --help, which is
// how urfave/cli renders nested command help with the right names.
func runHelpFlag(c *cli.Context, path []string) error {
	args := append([]string{c.App.Name}, path...)
	return c.App.RunContext(c.Context, append(args, "--help"))
}

const bashCompletion = `# bash completion for sellervault; add to ~/.bashrc:
#   source <(sellervault completion bash)
_sellervault_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -F _sellervault_complete sellervault
`

const zshCompletion = `#compdef sellervault
# zsh completion for sellervault; add to ~/.zshrc:
#   source <(sellervault completion zsh)
_sellervault() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _sellervault sellervault
`

func completionCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("completion needs one shell: bash, zsh or fish")
			}
			switch shell := c.Args().First(); shell {
			case "bash":
				_, err := fmt.Fprint(env.Stdout, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(env.Stdout, zshCompletion)
				return err
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(env.Stdout, script)
				return err
			default:
				return usagef("completion for %q: use bash, zsh or fish", shell)
			}
		},
	}
}

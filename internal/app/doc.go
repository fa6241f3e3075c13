// Package app is the sellervault command line: one command table
// (commands.go), the global flags and their environment variables
// (flags.go), output in table or JSON form (output.go) and the fixed exit
// codes (exitcodes.go).
//
// Commands are thin: each parses its flags and arguments, builds a session
// (a connection to Vault, package connect, and the team's record store)
// and calls the package that does the work: the store (package repo) for
// a record, a workflow package (importrun, remind, ...) for a run of many
// steps, setup for `init`. It then renders the result through the one
// renderer (session.render for a table, report for prose; output.go),
// with the JSON shapes defined beside the command. Main never calls
// os.Exit, so the whole CLI runs inside tests; package app imports no
// Vault package (internal/layering checks it).
//
// A command whose logic is worth testing on its own (waiting, copying,
// asking) is written as the GitHub CLI writes its commands: an options
// struct holding the parsed arguments and what the command uses (the
// store's interfaces, a clock, the clipboard, the printer), and a run
// function over it, called by the command's action. `totp code`
// (totpCodeOptions, totpCodeRun) and `payout approve`
// (payoutApproveOptions, payoutApproveRun: nothing is shown or asked
// before the request may be approved, a prompt only on a terminal) are
// tested that way with fakes, without Vault or a terminal.
//
// Conventions every command keeps:
//
//   - data goes to stdout, messages to stderr prefixed "sellervault:";
//   - --format table|json (or SELLERVAULT_FORMAT) picks the data format, and
//     JSON keys are stable;
//   - no flag takes a secret: secrets come from a no-echo prompt, stdin or a
//     file;
//   - an error is one line a person can act on, often with a hint line, and
//     never contains a secret value;
//   - flags may come before or after arguments.
package app

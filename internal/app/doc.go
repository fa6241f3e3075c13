// Package app is the sellervault command line: one command table
// (commands.go), the global flags and their environment variables
// (flags.go), output in table or JSON form (output.go) and the fixed exit
// codes (exitcodes.go).
//
// Commands are thin: each parses its flags and arguments, builds a session
// (a Vault client and the layout of the team's mounts) and calls the
// package that does the work, such as setup for `init`. Main never calls
// os.Exit, so the whole CLI runs inside tests.
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

// Package secretin reads one secret from the person at the keyboard, or
// from whatever stands in for them: a password, a SIM PIN, a recovery
// code. It is how every sellervault command that takes a secret gets it,
// because no flag and no environment variable ever carries one.
//
//	s, err := secretin.Read(secretin.Source{
//		Stdin:  os.Stdin,
//		Stderr: os.Stderr,
//		File:   secretFileFlag, // --secret-file PATH, or ""
//	}, secretin.Options{
//		Prompt:  "password for acme-us/seller-central: ",
//		Confirm: true, // a new secret: type it twice
//	})
//
// # Where the secret comes from
//
// Read looks at three places and uses the first that applies:
//
//  1. A file, when Source.File is set (the --secret-file PATH flag).
//  2. A no-echo prompt, when Source.Stdin is an *os.File that is a
//     terminal.
//  3. The first line of Source.Stdin otherwise: a pipe, a redirected
//     file, a here-document.
//
// So the same command works typed by hand, run from a script with the
// secret piped in, and run from a job that keeps the secret in a file.
//
// # Secret files
//
// The file holds the secret on a single line. Exactly one trailing line
// ending, "\n" or "\r\n", is removed; anything else stays, so a file with
// a second line, or a blank line at the end, is refused as containing
// control characters rather than silently cut. The name "-" is not
// special: it is a file called "-", not standard input (pipe the secret
// instead; that is what case 3 is for).
//
// Read refuses a directory and a file holding more than Options.MaxBytes
// bytes besides the line ending. Devices and named pipes are read too,
// but never more than that limit.
//
// A regular file that its group or other users may read still works, but
// Read writes one warning line to Source.Stderr, for example
//
//	sellervault: warning: secret file "pw.txt" can be read by other users (mode 0644); run chmod 600 on it
//
// (no warning on Windows, whose permission bits mean nothing here).
//
// # The terminal prompt
//
// On a terminal, Read writes Options.Prompt (or DefaultPrompt) to
// Source.Stderr, never to stdout, so that the command's data output stays
// clean, and reads one line with echo off. Nothing typed appears on the
// screen, not even stars, so the length of the secret is not shown
// either. After Enter, Read writes a newline to Stderr to end the prompt
// line.
//
// With Options.Confirm, Read asks a second time with "again: " and
// returns ErrMismatch unless both entries are equal (compared in constant
// time). Use it when a secret is being set, not when it is being checked.
// The first entry is checked (not empty, no control characters) before
// the second prompt, so a mistake is reported at once.
//
// Ctrl-D on an empty line counts as an empty answer.
//
// A terminal in its usual (canonical) mode takes at most 4095 characters
// on one line; a longer secret has to come from a file or a pipe.
//
// # Ctrl-C and the terminal state
//
// While echo is off, Read catches SIGINT (Ctrl-C) and SIGTERM. On either,
// it puts the terminal back exactly as it found it (the state is saved
// with term.GetState before the first prompt), writes a newline and
// returns ErrAborted. The caller should then exit: the goroutine reading
// the terminal cannot be cancelled and stays blocked in read(2) until the
// process ends. If the process went on instead, that goroutine would
// swallow the next line typed at the terminal. The signals are caught only
// while a prompt is waiting; before and after, they have whatever effect
// the program gave them.
//
// # Standard input that is not a terminal
//
// Read takes the first line: everything up to the first "\n", less a
// "\r" just before it (so CRLF input works). A last line without a line
// ending counts. Nothing after the first line ending is consumed: Read
// reads one byte at a time, so a caller may call it again on the same
// pipe for a second secret. A first line longer than Options.MaxBytes is
// an error; Read stops reading as soon as it knows. Input that ends
// before any byte arrives is an empty secret. Options.Confirm has no
// effect here: a script does not make typing mistakes.
//
// # What every secret must be
//
// Whatever the source:
//
//   - Not empty, unless Options.AllowEmpty is set (a SIM PIN may be
//     empty; a password may not). Otherwise the error is ErrEmpty, whose
//     message says how to provide a secret.
//   - At most Options.MaxBytes bytes (DefaultMaxBytes, 64 KiB, when zero),
//     not counting the removed line ending; otherwise ErrTooLong.
//   - Free of control characters: NUL, line breaks, carriage returns,
//     escape sequences, DEL and the C1 controls are refused with
//     ErrControl. Tab is allowed. Spaces are kept as typed, leading and
//     trailing ones included.
//   - Valid UTF-8, or ErrNotUTF8. Secrets are stored in Vault as JSON
//     strings, where invalid UTF-8 would be silently replaced and the
//     stored secret would no longer be the one typed.
//
// # Errors
//
// Errors wrap the sentinels ErrEmpty, ErrAborted, ErrMismatch,
// ErrTooLong, ErrControl and ErrNotUTF8 (test them with errors.Is), or
// the *fs.PathError of a file that cannot be opened or read. Errors about
// a file name the file. No error and no warning ever contains the secret
// or any part of it: messages are built from fixed text, the file name,
// the limit and the operating system's own error only.
//
// # What Read does not do
//
// Read wipes the buffers it owns once it is done with them, but the
// string it returns cannot be wiped (Go strings are immutable), and
// copies may linger in the runtime and the terminal driver. Read does not
// open /dev/tty behind the caller's back: if standard input is not a
// terminal, there is no prompt, even if standard error is one.
package secretin

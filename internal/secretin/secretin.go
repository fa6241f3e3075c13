package secretin

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"
)

// DefaultMaxBytes is the longest secret Read accepts when Options.MaxBytes
// is zero or negative.
const DefaultMaxBytes = 64 << 10

// DefaultPrompt is written when Options.Prompt is empty.
const DefaultPrompt = "secret: "

// confirmPrompt is the second prompt when Options.Confirm is set.
const confirmPrompt = "again: "

// Source is where a secret may come from.
type Source struct {
	// Stdin is os.Stdin in production. If it is an *os.File that is a
	// terminal, the no-echo prompt is used; otherwise its first line is
	// the secret. Nil reads as empty input.
	Stdin io.Reader
	// Stderr receives prompts and warnings, never the secret. Nil
	// discards them.
	Stderr io.Writer
	// File is the --secret-file PATH; "" for none. "-" is not special: it
	// names a file called "-".
	File string
}

// Options shape one Read.
type Options struct {
	// Prompt is written to Stderr before a terminal read, e.g.
	// "password for acme-us/seller-central: ". Empty means DefaultPrompt.
	Prompt string
	// Confirm asks twice on a terminal and requires equal answers (for
	// new secrets). It has no effect on files and standard input.
	Confirm bool
	// AllowEmpty accepts an empty secret (a SIM PIN may be empty;
	// passwords may not).
	AllowEmpty bool
	// MaxBytes is the longest secret accepted, in bytes, not counting the
	// line ending. Zero or negative means DefaultMaxBytes.
	MaxBytes int
}

// Sentinel errors. Read wraps them with context; test with errors.Is.
var (
	// ErrEmpty: the secret is empty and Options.AllowEmpty is false.
	ErrEmpty = errors.New("the secret is empty; type it at the prompt, pipe it on standard input, or name a file with --secret-file")
	// ErrAborted: the prompt was interrupted by Ctrl-C (SIGINT) or SIGTERM.
	ErrAborted = errors.New("interrupted at the secret prompt")
	// ErrMismatch: with Options.Confirm, the two entries differ.
	ErrMismatch = errors.New("the two entries differ; nothing was read, try again")
	// ErrTooLong: the secret is longer than Options.MaxBytes.
	ErrTooLong = errors.New("the secret is too long")
	// ErrControl: the secret contains NUL, a line break, escape or another
	// control character (tab is allowed).
	ErrControl = errors.New("the secret contains control characters")
	// ErrNotUTF8: the secret is not valid UTF-8 text.
	ErrNotUTF8 = errors.New("the secret is not valid UTF-8 text")
)

// Read reads one secret from src: from src.File if it is set, else from a
// no-echo prompt if src.Stdin is a terminal, else from the first line of
// src.Stdin. See the package documentation for the rules.
//
// The returned error never contains the secret or any part of it.
func Read(src Source, opts Options) (string, error) {
	maxBytes := opts.MaxBytes
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	stderr := src.Stderr
	if stderr == nil {
		stderr = io.Discard
	}

	if src.File != "" {
		b, err := readFile(src.File, maxBytes, stderr)
		if err == nil {
			err = check(b, opts.AllowEmpty, maxBytes)
		}
		defer wipe(b)
		if err != nil {
			return "", fmt.Errorf("secret file %q: %w", src.File, err)
		}
		return string(b), nil
	}

	if f, ok := src.Stdin.(*os.File); ok && f != nil && term.IsTerminal(int(f.Fd())) {
		return readTerminal(int(f.Fd()), stderr, opts, maxBytes)
	}

	b, err := readLine(src.Stdin, maxBytes)
	defer wipe(b)
	if err != nil {
		return "", err
	}
	if err := check(b, opts.AllowEmpty, maxBytes); err != nil {
		return "", err
	}
	return string(b), nil
}

// readFile reads a secret file and strips one trailing line ending. The
// file may hold at most maxBytes bytes plus one line ending.
func readFile(path string, maxBytes int, stderr io.Writer) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		// *PathError: operation, path and errno, never contents.
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, errors.New("is a directory; name the file that holds the secret")
	}
	limit := int64(maxBytes) + 2 // room for "\r\n"
	if fi.Mode().IsRegular() {
		if fi.Size() > limit {
			return nil, fmt.Errorf("%w: the file holds more than %d bytes", ErrTooLong, maxBytes)
		}
		if fi.Mode().Perm()&0o044 != 0 && runtime.GOOS != "windows" && runtime.GOOS != "plan9" {
			fmt.Fprintf(stderr, "sellervault: warning: secret file %q can be read by other users (mode %04o); run chmod 600 on it\n",
				path, fi.Mode().Perm())
		}
	}
	// Read through a limit: a FIFO, a device or a file that grows may
	// hold more than Stat said.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		wipe(b)
		return nil, err
	}
	b = trimNewline(b)
	if len(b) > maxBytes {
		wipe(b)
		return nil, fmt.Errorf("%w: the file holds more than %d bytes", ErrTooLong, maxBytes)
	}
	return b, nil
}

// readLine reads the first line of r, one byte at a time so that nothing
// after the line ending is consumed. The line ending is not returned.
func readLine(r io.Reader, maxBytes int) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	var (
		line  []byte
		buf   [1]byte
		stall int
	)
	for {
		n, err := r.Read(buf[:])
		if n > 0 {
			stall = 0
			if buf[0] == '\n' {
				return trimCR(line), nil
			}
			// maxBytes+1 leaves room for the '\r' of a "\r\n" ending.
			if len(line) >= maxBytes+1 {
				wipe(line)
				return nil, fmt.Errorf("%w: the first line of standard input is longer than %d bytes", ErrTooLong, maxBytes)
			}
			line = append(line, buf[0])
		}
		if err == io.EOF {
			// A last line without an ending is still a line; a
			// lone '\r' at the end is kept and refused by check.
			if len(line) > maxBytes {
				wipe(line)
				return nil, fmt.Errorf("%w: the first line of standard input is longer than %d bytes", ErrTooLong, maxBytes)
			}
			return line, nil
		}
		if err != nil {
			wipe(line)
			return nil, fmt.Errorf("reading the secret from standard input: %w", err)
		}
		if n == 0 {
			if stall++; stall > 100 {
				wipe(line)
				return nil, fmt.Errorf("reading the secret from standard input: %w", io.ErrNoProgress)
			}
		}
	}
}

// readTerminal prompts on stderr and reads without echo from the terminal
// fd, twice if opts.Confirm is set.
func readTerminal(fd int, stderr io.Writer, opts Options, maxBytes int) (string, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return "", fmt.Errorf("reading the terminal state: %w", err)
	}
	prompt := opts.Prompt
	if prompt == "" {
		prompt = DefaultPrompt
	}

	first, err := promptOnce(fd, state, stderr, prompt)
	defer wipe(first)
	if err != nil {
		return "", err
	}
	// Check the first entry before asking again, so that an empty or
	// malformed answer is reported at once.
	if err := check(first, opts.AllowEmpty, maxBytes); err != nil {
		return "", err
	}
	if opts.Confirm {
		second, err := promptOnce(fd, state, stderr, confirmPrompt)
		defer wipe(second)
		if err != nil {
			return "", err
		}
		if subtle.ConstantTimeCompare(first, second) != 1 {
			return "", ErrMismatch
		}
	}
	return string(first), nil
}

// promptOnce writes prompt and reads one line with echo off. An interrupt
// (SIGINT, which Ctrl-C sends because term.ReadPassword keeps ISIG on) or
// SIGTERM during the read restores the terminal to state and returns
// ErrAborted.
//
// On an interrupt the goroutine inside term.ReadPassword stays blocked in
// read(2): there is no portable way to cancel a terminal read. This is
// harmless because the caller is expected to exit on ErrAborted. If the
// process went on instead, that goroutine would swallow the next line
// typed on the terminal and then restore the state it saved (echo on).
func promptOnce(fd int, state *term.State, stderr io.Writer, prompt string) ([]byte, error) {
	fmt.Fprint(stderr, prompt)

	// Notify before the read starts: the read turns echo off, and a
	// Ctrl-C from then on must reach us rather than kill the process
	// with echo still off.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()

	select {
	case r := <-done:
		// Echo was off, so the user's Enter left the cursor on the
		// prompt line.
		fmt.Fprintln(stderr)
		if r.err == io.EOF {
			// Ctrl-D on an empty line: an empty answer.
			return nil, nil
		}
		if r.err != nil {
			wipe(r.b)
			return nil, fmt.Errorf("reading the secret from the terminal: %w", r.err)
		}
		return r.b, nil
	case <-sigs:
		// Best effort: if restoring fails there is nothing better to do
		// than report the interrupt.
		_ = term.Restore(fd, state)
		fmt.Fprintln(stderr)
		return nil, ErrAborted
	}
}

// check applies the rules every secret must meet.
func check(b []byte, allowEmpty bool, maxBytes int) error {
	if len(b) == 0 {
		if allowEmpty {
			return nil
		}
		return ErrEmpty
	}
	if len(b) > maxBytes {
		return fmt.Errorf("%w: it is longer than %d bytes", ErrTooLong, maxBytes)
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%w; use UTF-8 text (check the file's encoding or the terminal's locale)", ErrNotUTF8)
		}
		if r != '\t' && unicode.IsControl(r) {
			return fmt.Errorf("%w: only tab is allowed, and a secret is a single line", ErrControl)
		}
		i += size
	}
	return nil
}

// trimNewline strips exactly one trailing "\n" or "\r\n".
func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		return trimCR(b[:n-1])
	}
	return b
}

// trimCR strips one trailing '\r' (the rest of a "\r\n" ending).
func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// wipe overwrites b. It is best effort: copies made by the runtime, by
// the terminal driver and the string Read returns are out of reach.
func wipe(b []byte) {
	clear(b[:cap(b)])
}

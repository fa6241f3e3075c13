package secretin

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// TestMain doubles as the helper process of the terminal tests: when
// SECRETIN_TEST_HELPER is set, the test binary calls Read on its own
// os.Stdin (a pty) instead of running tests. See pty_test.go.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperModeEnv); mode != "" {
		os.Exit(helperMain(mode, os.Getenv(helperResultEnv)))
	}
	os.Exit(m.Run())
}

const (
	helperModeEnv   = "SECRETIN_TEST_HELPER"
	helperResultEnv = "SECRETIN_TEST_RESULT"
	helperPrompt    = "password for acme-us/seller-central: "
	helperDone      = "helper-done"
)

// helperMain calls Read on os.Stdin and writes the outcome to the file
// resultPath: "ok len=N sha256=HEX", "aborted", "mismatch", "empty" or
// "error". It never writes the secret anywhere. It then prints
// helperDone on stdout so that the parent knows all output is written.
func helperMain(mode, resultPath string) int {
	opts := Options{Prompt: helperPrompt}
	switch mode {
	case "plain":
	case "confirm":
		opts.Confirm = true
	case "allow-empty":
		opts.AllowEmpty = true
	default:
		fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
		return 2
	}
	s, err := Read(Source{Stdin: os.Stdin, Stderr: os.Stderr}, opts)
	var res string
	switch {
	case errors.Is(err, ErrAborted):
		res = "aborted"
	case errors.Is(err, ErrMismatch):
		res = "mismatch"
	case errors.Is(err, ErrEmpty):
		res = "empty"
	case err != nil:
		res = "error"
	default:
		res = outcome(s)
	}
	if err := os.WriteFile(resultPath, []byte(res), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "writing result:", err)
		return 2
	}
	fmt.Fprintln(os.Stdout, helperDone)
	return 0
}

// outcome describes a secret without revealing it.
func outcome(s string) string {
	return fmt.Sprintf("ok len=%d sha256=%x", len(s), sha256.Sum256([]byte(s)))
}

func TestReadStdin(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts Options
		want string
		err  error
	}{
		{name: "trailing LF", in: "hunter2\n", want: "hunter2"},
		{name: "no trailing newline", in: "hunter2", want: "hunter2"},
		{name: "CRLF", in: "hunter2\r\n", want: "hunter2"},
		{name: "second line ignored", in: "hunter2\nsomething else\n", want: "hunter2"},
		{name: "empty second line ignored", in: "hunter2\n\n", want: "hunter2"},
		{name: "spaces kept", in: "  two words  \n", want: "  two words  "},
		{name: "tab allowed", in: "a\tb\n", want: "a\tb"},
		{name: "unicode", in: "pässwört✓密码\n", want: "pässwört✓密码"},
		{name: "confirm ignored off a terminal", in: "hunter2\n", opts: Options{Confirm: true}, want: "hunter2"},

		{name: "EOF without data", in: "", err: ErrEmpty},
		{name: "EOF without data, allow empty", in: "", opts: Options{AllowEmpty: true}, want: ""},
		{name: "empty line", in: "\n", err: ErrEmpty},
		{name: "empty line, allow empty", in: "\n", opts: Options{AllowEmpty: true}, want: ""},
		{name: "empty CRLF line, allow empty", in: "\r\nmore\n", opts: Options{AllowEmpty: true}, want: ""},
		{name: "empty first line, data after", in: "\nhunter2\n", err: ErrEmpty},

		{name: "NUL", in: "hun\x00ter2\n", err: ErrControl},
		{name: "escape sequence", in: "hunter2\x1b[31m\n", err: ErrControl},
		{name: "lone CR at EOF", in: "hunter2\r", err: ErrControl},
		{name: "CR inside", in: "hun\rter2\n", err: ErrControl},
		{name: "CR CR LF", in: "hunter2\r\r\n", err: ErrControl},
		{name: "DEL", in: "hunter2\x7f\n", err: ErrControl},
		{name: "C1 control NEL", in: "hunter2\u0085\n", err: ErrControl},
		{name: "invalid UTF-8", in: "hunter\xff\xfe\n", err: ErrNotUTF8},

		{name: "at limit", in: "abcd\n", opts: Options{MaxBytes: 4}, want: "abcd"},
		{name: "at limit CRLF", in: "abcd\r\n", opts: Options{MaxBytes: 4}, want: "abcd"},
		{name: "at limit EOF", in: "abcd", opts: Options{MaxBytes: 4}, want: "abcd"},
		{name: "over limit", in: "abcde\n", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "over limit EOF", in: "abcde", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "over limit by CR only", in: "abcd\r", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "far over limit", in: strings.Repeat("x", 1000) + "\n", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "default limit exact", in: strings.Repeat("x", DefaultMaxBytes) + "\n", want: strings.Repeat("x", DefaultMaxBytes)},
		{name: "default limit exceeded", in: strings.Repeat("x", DefaultMaxBytes+1) + "\n", err: ErrTooLong},
		{name: "negative MaxBytes means default", in: strings.Repeat("x", 100) + "\n", opts: Options{MaxBytes: -1}, want: strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := Read(Source{Stdin: strings.NewReader(tt.in), Stderr: &stderr}, tt.opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if got != "" {
					t.Errorf("got a value of %d bytes along with an error", len(got))
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			} else if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if stderr.Len() != 0 {
				t.Errorf("stdin path wrote to stderr: %q", stderr.String())
			}
		})
	}
}

func TestReadStdinNil(t *testing.T) {
	if _, err := Read(Source{}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Fatalf("nil Stdin: err = %v, want ErrEmpty", err)
	}
	got, err := Read(Source{}, Options{AllowEmpty: true})
	if err != nil || got != "" {
		t.Fatalf("nil Stdin, allow empty: got %q, %v", got, err)
	}
}

func TestReadStdinReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("hunt"), iotest.ErrReader(boom))
	_, err := Read(Source{Stdin: r}, Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap the reader's error", err)
	}
	if strings.Contains(err.Error(), "hunt") {
		t.Fatalf("error contains the partial secret: %v", err)
	}
}

// TestReadStdinOneByteReader checks the line logic when every Read
// returns a single byte, and that (0, nil) reads do not spin forever.
func TestReadStdinOneByteReader(t *testing.T) {
	got, err := Read(Source{Stdin: iotest.OneByteReader(strings.NewReader("hunter2\r\nrest"))}, Options{})
	if err != nil || got != "hunter2" {
		t.Fatalf("got %q, %v", got, err)
	}
	if _, err := Read(Source{Stdin: zeroReader{}}, Options{}); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("reader that never progresses: err = %v, want io.ErrNoProgress", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// TestReadStdinPipeLeavesRest checks that Read consumes the first line of
// a real pipe and nothing more, so that a caller may read again.
func TestReadStdinPipeLeavesRest(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.WriteString("first secret\nsecond secret\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()

	got, err := Read(Source{Stdin: r}, Options{})
	if err != nil || got != "first secret" {
		t.Fatalf("first Read: got %q, %v", got, err)
	}
	got, err = Read(Source{Stdin: r}, Options{})
	if err != nil || got != "second secret" {
		t.Fatalf("second Read: got %q, %v", got, err)
	}
	rest, err := io.ReadAll(r)
	if err != nil || len(rest) != 0 {
		t.Fatalf("rest = %q, %v", rest, err)
	}
}

func writeSecretFile(t *testing.T, dir, name, content string, perm os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	// WriteFile is subject to the umask; set the mode exactly.
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		opts    Options
		want    string
		err     error
	}{
		{name: "trailing LF", content: "hunter2\n", want: "hunter2"},
		{name: "no trailing newline", content: "hunter2", want: "hunter2"},
		{name: "CRLF", content: "hunter2\r\n", want: "hunter2"},
		{name: "only one newline stripped", content: "hunter2\n\n", err: ErrControl},
		{name: "second line refused", content: "hunter2\nsecond\n", err: ErrControl},
		{name: "lone CR", content: "hunter2\r", err: ErrControl},
		{name: "spaces kept", content: " hunter2 \n", want: " hunter2 "},
		{name: "tab allowed", content: "a\tb", want: "a\tb"},
		{name: "NUL", content: "hunter2\x00", err: ErrControl},
		{name: "invalid UTF-8", content: "\xff\xfehunter2\n", err: ErrNotUTF8},
		{name: "empty file", content: "", err: ErrEmpty},
		{name: "empty file, allow empty", content: "", opts: Options{AllowEmpty: true}, want: ""},
		{name: "newline only", content: "\n", err: ErrEmpty},
		{name: "newline only, allow empty", content: "\n", opts: Options{AllowEmpty: true}, want: ""},
		{name: "at limit", content: "abcd\r\n", opts: Options{MaxBytes: 4}, want: "abcd"},
		{name: "over limit", content: "abcde", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "over limit with newline", content: "abcde\n", opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "far over limit", content: strings.Repeat("x", 10000), opts: Options{MaxBytes: 4}, err: ErrTooLong},
		{name: "default limit exact", content: strings.Repeat("x", DefaultMaxBytes) + "\n", want: strings.Repeat("x", DefaultMaxBytes)},
		{name: "default limit exceeded", content: strings.Repeat("x", DefaultMaxBytes+1), err: ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSecretFile(t, t.TempDir(), "secret", tt.content, 0o600)
			var stderr bytes.Buffer
			stdin := strings.NewReader("from stdin\n")
			got, err := Read(Source{Stdin: stdin, Stderr: &stderr, File: path}, tt.opts)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name the file", err)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			} else if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if stderr.Len() != 0 {
				t.Errorf("unexpected stderr: %q", stderr.String())
			}
			if stdin.Len() != len("from stdin\n") {
				t.Errorf("stdin was read although a file was given")
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()

	t.Run("directory", func(t *testing.T) {
		_, err := Read(Source{File: dir}, Options{})
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Fatalf("err = %v, want a directory error", err)
		}
	})
	t.Run("missing", func(t *testing.T) {
		_, err := Read(Source{File: filepath.Join(dir, "nope")}, Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("device larger than limit", func(t *testing.T) {
		if _, err := os.Stat("/dev/zero"); err != nil {
			t.Skip("no /dev/zero")
		}
		// A device has no size: the read itself must be bounded.
		_, err := Read(Source{File: "/dev/zero"}, Options{MaxBytes: 16})
		if !errors.Is(err, ErrTooLong) {
			t.Fatalf("err = %v, want ErrTooLong", err)
		}
	})
	t.Run("dash is a file name", func(t *testing.T) {
		sub := t.TempDir()
		writeSecretFile(t, sub, "-", "from the file\n", 0o600)
		t.Chdir(sub)
		got, err := Read(Source{Stdin: strings.NewReader("from stdin\n"), File: "-"}, Options{})
		if err != nil || got != "from the file" {
			t.Fatalf("got %q, %v; want the file named -", got, err)
		}
	})
	t.Run("symlink followed", func(t *testing.T) {
		target := writeSecretFile(t, t.TempDir(), "target", "hunter2\n", 0o600)
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Symlink(target, link); err != nil {
			t.Skip("symlinks not available:", err)
		}
		got, err := Read(Source{File: link}, Options{})
		if err != nil || got != "hunter2" {
			t.Fatalf("got %q, %v", got, err)
		}
	})
}

func TestReadFilePermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no Unix permission bits")
	}
	tests := []struct {
		perm os.FileMode
		warn bool
	}{
		{0o600, false},
		{0o400, false},
		{0o644, true},
		{0o640, true},
		{0o604, true},
		{0o620, false}, // group-writable but not readable: not a leak
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%04o", tt.perm), func(t *testing.T) {
			path := writeSecretFile(t, t.TempDir(), "secret", "hunter2\n", tt.perm)
			var stderr bytes.Buffer
			got, err := Read(Source{File: path, Stderr: &stderr}, Options{})
			if err != nil || got != "hunter2" {
				t.Fatalf("got %q, %v; a warning must not stop the read", got, err)
			}
			out := stderr.String()
			if !tt.warn {
				if out != "" {
					t.Fatalf("unexpected warning %q", out)
				}
				return
			}
			if !strings.HasPrefix(out, "sellervault: ") || !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
				t.Fatalf("warning %q is not one line prefixed \"sellervault: \"", out)
			}
			for _, want := range []string{path, "chmod 600", fmt.Sprintf("%04o", tt.perm)} {
				if !strings.Contains(out, want) {
					t.Errorf("warning %q does not mention %q", out, want)
				}
			}
		})
	}
}

func TestReadFileWarningPathWithNewline(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no Unix permission bits")
	}
	path := writeSecretFile(t, t.TempDir(), "odd\nname", "hunter2\n", 0o644)
	var stderr bytes.Buffer
	if _, err := Read(Source{File: path, Stderr: &stderr}, Options{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(stderr.String(), "\n"); n != 1 {
		t.Fatalf("warning spans %d lines: %q", n, stderr.String())
	}
}

// TestCanary feeds a recognisable secret through every path that fails or
// warns and checks that neither the error nor stderr carries any of it.
func TestCanary(t *testing.T) {
	const canary = "CANARY-3f9a7c-Tr0ub4dor"
	variants := []struct {
		name    string
		content string
		opts    Options
	}{
		{"valid", canary + "\n", Options{}},
		{"NUL", canary + "\x00" + canary + "\n", Options{}},
		{"escape", canary + "\x1b]0;" + canary + "\x07\n", Options{}},
		{"second line", canary + "\n" + canary + "\n", Options{}},
		{"lone CR", canary + "\r", Options{}},
		{"invalid UTF-8", canary + "\xff" + canary + "\n", Options{}},
		{"too long", strings.Repeat(canary, 10) + "\n", Options{MaxBytes: len(canary) + 3}},
		{"too long by far", strings.Repeat(canary, 5000) + "\n", Options{}},
	}
	check := func(t *testing.T, what string, err error, stderr string) {
		t.Helper()
		for _, part := range []string{canary, "CANARY", "Tr0ub4dor", "3f9a7c"} {
			if err != nil && strings.Contains(err.Error(), part) {
				t.Errorf("%s: error %q contains the secret", what, err)
			}
			if strings.Contains(stderr, part) {
				t.Errorf("%s: stderr %q contains the secret", what, stderr)
			}
		}
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := Read(Source{Stdin: strings.NewReader(v.content), Stderr: &stderr}, v.opts)
			check(t, "stdin", err, stderr.String())

			// A group- and world-readable file, so that the warning
			// path runs too.
			path := writeSecretFile(t, t.TempDir(), "secret", v.content, 0o644)
			stderr.Reset()
			_, err = Read(Source{File: path, Stderr: &stderr}, v.opts)
			check(t, "file", err, stderr.String())
		})
	}
}

// TestErrorsAreLowercase keeps the convention for the sentinel errors.
func TestErrorsAreLowercase(t *testing.T) {
	for _, err := range []error{ErrEmpty, ErrAborted, ErrMismatch, ErrTooLong, ErrControl, ErrNotUTF8} {
		msg := err.Error()
		if msg == "" || strings.ToLower(msg[:1]) != msg[:1] || strings.Contains(msg, "\n") {
			t.Errorf("error %q: want one lowercase line", msg)
		}
	}
	if !strings.Contains(ErrEmpty.Error(), "--secret-file") || !strings.Contains(ErrEmpty.Error(), "standard input") {
		t.Errorf("ErrEmpty %q does not say how to provide a secret", ErrEmpty)
	}
}

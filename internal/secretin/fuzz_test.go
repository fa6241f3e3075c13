package secretin

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzRead feeds arbitrary bytes to Read as standard input. Read must
// never panic, never return a line break, never return more than MaxBytes,
// and return exactly the first line (less its ending) when it succeeds.
func FuzzRead(f *testing.F) {
	for _, seed := range []string{
		"", "\n", "\r\n", "hunter2\n", "hunter2", "hunter2\r\n", "a\nb\n",
		"a\x00b", "\x1b[31m", "pässwört\n", "\xff\xfe", "abc\r", "\r", "\t\n",
		strings.Repeat("x", 300),
	} {
		f.Add([]byte(seed), uint8(0), false)
		f.Add([]byte(seed), uint8(4), true)
	}
	sentinels := []error{ErrEmpty, ErrTooLong, ErrControl, ErrNotUTF8}

	f.Fuzz(func(t *testing.T, data []byte, maxBytes uint8, allowEmpty bool) {
		// A small limit (1..256) keeps every run short however large the
		// input, since Read stops two bytes past the limit; the default
		// limit is covered by the table tests.
		limit := int(maxBytes) + 1
		opts := Options{MaxBytes: limit, AllowEmpty: allowEmpty}
		var stderr bytes.Buffer
		got, err := Read(Source{Stdin: bytes.NewReader(data), Stderr: &stderr}, opts)

		if strings.ContainsRune(got, '\n') {
			t.Fatalf("result contains a line break")
		}
		if len(got) > limit {
			t.Fatalf("result is %d bytes, limit %d", len(got), limit)
		}
		if stderr.Len() != 0 {
			t.Fatalf("stdin path wrote to stderr: %q", stderr.Bytes())
		}

		line, _, _ := bytes.Cut(data, []byte("\n"))
		if len(line) < len(data) { // a line ending was found
			line = bytes.TrimSuffix(line, []byte("\r"))
		}

		if err != nil {
			if got != "" {
				t.Fatalf("non-empty result with error %v", err)
			}
			known := false
			for _, s := range sentinels {
				known = known || errors.Is(err, s)
			}
			if !known {
				t.Fatalf("unexpected error kind: %v", err)
			}
			// Messages are plain ASCII text: a secret byte outside
			// that set would betray a leak.
			for _, r := range err.Error() {
				if r > unicode.MaxASCII || unicode.IsControl(r) {
					t.Fatalf("error message contains %q: %q", r, err)
				}
			}
			if len(line) >= 8 && strings.ContainsFunc(string(line), notInMessages) &&
				strings.Contains(err.Error(), string(line)) {
				t.Fatalf("error message contains the input: %q", err)
			}
			return
		}

		if got != string(line) {
			t.Fatalf("got %q, want the first line %q", got, line)
		}
		if got == "" && !allowEmpty {
			t.Fatalf("empty result without AllowEmpty")
		}
		if !utf8.ValidString(got) {
			t.Fatalf("result is not valid UTF-8")
		}
		for _, r := range got {
			if r != '\t' && unicode.IsControl(r) {
				t.Fatalf("result contains control character %q", r)
			}
		}
	})
}

// notInMessages reports whether r can never appear in one of Read's error
// messages about standard input.
func notInMessages(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case strings.ContainsRune(" -.,;:'()", r):
		return false
	}
	return true
}

// Package inputerr is how sellervault refuses outside input: one error
// kind that every parser's error matches (ErrInvalid, mapped to the usage
// exit code), messages built with Errorf, and inputs quoted into them with
// Quote, which keeps a message on one line and short.
package inputerr

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrInvalid is matched, with errors.Is, by every error Errorf builds: the
// input was refused and nothing was changed. Its own text never shows.
var ErrInvalid = errors.New("invalid input")

// inputError is a refused input: a one-line, lower-case message that says
// what is wrong and what to use instead.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrInvalid }

// Errorf builds a refusal. Inputs in the message go through Quote (or a
// masking function, for account numbers).
func Errorf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// MaxQuoted is how many bytes of quoted text an error message shows of
// an input.
const MaxQuoted = 64

// Quote quotes an input for an error message: Go-quoted, so control
// characters, newlines and invalid UTF-8 are escaped and the message stays
// on one line, and cut short at a character boundary, marked with "...",
// when its quoted form is longer than MaxQuoted bytes.
func Quote(s string) string {
	b := make([]byte, 1, MaxQuoted+5)
	b[0] = '"'
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		// Quoting one character (or one invalid byte) alone gives what it
		// is in the quoted whole.
		piece := strconv.Quote(s[i : i+size])
		piece = piece[1 : len(piece)-1]
		if len(b)-1+len(piece) > MaxQuoted {
			return string(b) + `"...`
		}
		b = append(b, piece...)
		i += size
	}
	return string(append(b, '"'))
}

// DescribeRune names a character for an error message.
func DescribeRune(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size <= 1:
		return "bytes that are not UTF-8"
	case r == ' ':
		return "a space"
	case r == '.':
		return "a dot"
	case r == '/':
		return "a slash"
	case r == '\\':
		return "a backslash"
	case r == '_':
		return "an underscore"
	case r < ' ' || r == 0x7f:
		return "a control character"
	case r >= utf8.RuneSelf:
		return "the non-ASCII character " + strconv.QuoteRune(r)
	default:
		return strconv.QuoteRune(r)
	}
}

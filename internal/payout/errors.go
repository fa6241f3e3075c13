package payout

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/records"
)

// inputError is a refused input: a one-line, lower-case message that
// names the field, says what is wrong and what to do. It matches
// records.ErrInvalidInput, like every parser's error in sellervault.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == records.ErrInvalidInput }

// invalidf builds an inputError. Inputs in the message go through
// quoteInput (or MaskIBAN/MaskAccount for account numbers) so that the
// message stays on one line and never holds a whole account number.
func invalidf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// maxQuoted is how many bytes of quoted text an error message shows of
// an input.
const maxQuoted = 64

// quoteInput quotes an input that is not secret (a BIC, a routing number,
// a country or currency code, a JSON key) for an error message:
// Go-quoted, so control characters, newlines and invalid UTF-8 are
// escaped, and cut short at a character boundary, marked with "...",
// when its quoted form is longer than maxQuoted bytes.
func quoteInput(s string) string {
	b := make([]byte, 1, maxQuoted+5)
	b[0] = '"'
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		piece := strconv.Quote(s[i : i+size])
		piece = piece[1 : len(piece)-1]
		if len(b)-1+len(piece) > maxQuoted {
			return string(b) + `"...`
		}
		b = append(b, piece...)
		i += size
	}
	return string(append(b, '"'))
}

// describeRune names a character for an error message. Only characters
// that cannot be part of an account number are ever described, so this
// shows no digit or letter of a secret.
func describeRune(r rune, size int) string {
	switch {
	case r == utf8.RuneError && size <= 1:
		return "bytes that are not UTF-8"
	case r == ' ':
		return "a space"
	case r < ' ' || r == 0x7f:
		return "a control character"
	case r >= utf8.RuneSelf:
		return "the non-ASCII character " + strconv.QuoteRune(r)
	default:
		return strconv.QuoteRune(r)
	}
}

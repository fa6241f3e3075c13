package clipboard

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Clipboard is a system clipboard.
type Clipboard interface {
	// Read returns the clipboard's text; an empty clipboard reads as "".
	Read() (string, error)
	// Write replaces the clipboard's text; Write("") clears it.
	Write(s string) error
}

// fix is what a person can do when there is no clipboard.
const fix = "install xclip or xsel (or wl-clipboard), and run under X11 or Wayland (DISPLAY/WAYLAND_DISPLAY)"

var (
	// ErrUnavailable is returned when there is no clipboard to use: no
	// clipboard utility is installed, or there is no display.
	ErrUnavailable = errors.New("clipboard unavailable: " + fix)

	// ErrMismatch is returned by Copy when the clipboard, read back right
	// after writing, does not hold what was written: another program
	// changed it in between, which may be clipboard hijacking.
	ErrMismatch = errors.New("the clipboard does not hold what was copied: another program changed it (possible clipboard hijacking)")

	// errBadPayload is returned by ServeClear for a payload it refuses.
	errBadPayload = errors.New("malformed clear payload")
)

// MaxClearAfter is the longest clear timeout Copy accepts.
const MaxClearAfter = 24 * time.Hour

// StartHelper starts the detached clear helper with payload on its stdin.
// It must not wait for the helper to finish.
type StartHelper func(payload []byte) error

// Copy puts value on the clipboard, reads it back to verify it, and, when
// clearAfter > 0, starts the clear helper that empties the clipboard after
// clearAfter if it still holds value.
//
// If the read-back differs, Copy clears the clipboard (it may hold another
// program's text, which must not be pasted in place of value) and returns
// an error that wraps ErrMismatch. If the read-back fails, or the helper
// cannot be started, Copy clears the clipboard too rather than leave a
// secret on it without a timer. The helper receives a random 32-byte
// salt, SHA-256(salt||value) and clearAfter: never value itself. Errors
// never contain value.
//
// Where cb is System, the copy is marked for clipboard history managers
// (see the package documentation), and on X11 the owner process that
// serves it also clears it after clearAfter if nothing else was copied.
func Copy(cb Clipboard, value string, clearAfter time.Duration, start StartHelper) error {
	switch {
	case value == "":
		return errors.New("copy to clipboard: nothing to copy: the value is empty")
	case clearAfter < 0 || clearAfter > MaxClearAfter:
		return fmt.Errorf("copy to clipboard: clear timeout %v is out of range: use 0 (never) up to %v", clearAfter, MaxClearAfter)
	case clearAfter > 0 && start == nil:
		return errors.New("copy to clipboard: a clear timeout needs a clear helper (internal error)")
	}
	if err := write(cb, value, clearAfter); err != nil {
		return fmt.Errorf("copy to clipboard: %w", err)
	}
	same, err := readBack(cb, value)
	if err != nil {
		return fmt.Errorf("copy to clipboard: read back to verify: %w; %s", err, clearNote(cb.Write("")))
	}
	if !same {
		return fmt.Errorf("%w; %s", ErrMismatch, clearNote(cb.Write("")))
	}
	if clearAfter == 0 {
		return nil
	}
	var salt [saltSize]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return fmt.Errorf("copy to clipboard: random salt: %w; %s", err, clearNote(cb.Write("")))
	}
	p := payload{clearAfter: clearAfter, salt: salt, digest: digest(salt, value)}
	if err := start(p.encode()); err != nil {
		_, cerr := ClearIfHolds(cb, value)
		return fmt.Errorf("copy to clipboard: start the clear helper: %w; %s", err, clearNote(cerr))
	}
	return nil
}

// expiringWriter is a Clipboard whose copies can expire by themselves:
// System's X11 owner serves the value until clearAfter and then clears the
// selection if it still owns it, on top of the clear helper's check.
type expiringWriter interface {
	writeUntil(s string, clearAfter time.Duration) error
}

// write copies value, with its expiry where cb supports it.
func write(cb Clipboard, value string, clearAfter time.Duration) error {
	if w, ok := cb.(expiringWriter); ok {
		return w.writeUntil(value, clearAfter)
	}
	return cb.Write(value)
}

// Read-back settles: a copy utility (xclip) takes the selection in a
// background process, so a read straight after the write can still see
// the previous owner's text for a moment. A few reads, a short while
// apart, tell that from a clipboard that really holds something else.
// (The X11 owner process says when it owns the selection, and Copy waits
// for that, so its copies read back at once.)
const (
	readBackTries = 20
	readBackPause = 50 * time.Millisecond
)

// readBack reports whether the clipboard holds value, reading again for
// a short while if it does not yet.
func readBack(cb Clipboard, value string) (bool, error) {
	for i := 0; ; i++ {
		if held, err := Holds(cb, value); err != nil || held || i == readBackTries-1 {
			return held, err
		}
		time.Sleep(readBackPause)
	}
}

// Holds reports whether the clipboard holds value now (compared in
// constant time), without changing it.
func Holds(cb Clipboard, value string) (bool, error) {
	got, err := cb.Read()
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(value)) == 1, nil
}

// clearNote says whether an emergency clear worked.
func clearNote(err error) string {
	if err != nil {
		return "clearing the clipboard failed too: clear it by hand (" + err.Error() + ")"
	}
	return "the clipboard was cleared"
}

// ServeClear is the clear helper's body. It reads the payload from r,
// waits clearAfter using wait (time.Sleep in production), then clears the
// clipboard only if its content hashes to the payload's digest, that is,
// only if it still holds what Copy put there. It returns whether it
// cleared. A malformed payload is refused before waiting, and nothing is
// cleared.
func ServeClear(cb Clipboard, r io.Reader, wait func(time.Duration)) (cleared bool, err error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(payloadSize)+1))
	if err != nil {
		return false, fmt.Errorf("clipboard clear helper: read payload: %w", err)
	}
	p, err := parsePayload(data)
	if err != nil {
		return false, fmt.Errorf("clipboard clear helper: %w", err)
	}
	wait(p.clearAfter)
	current, err := cb.Read()
	if err != nil {
		return false, fmt.Errorf("clipboard clear helper: %w", err)
	}
	d := digest(p.salt, current)
	if subtle.ConstantTimeCompare(d[:], p.digest[:]) != 1 {
		return false, nil // someone copied something else since: leave it
	}
	if err := cb.Write(""); err != nil {
		return false, fmt.Errorf("clipboard clear helper: clear: %w", err)
	}
	return true, nil
}

// ClearIfHolds clears the clipboard now, only if it still holds value.
func ClearIfHolds(cb Clipboard, value string) (cleared bool, err error) {
	current, err := cb.Read()
	if err != nil {
		return false, fmt.Errorf("clear clipboard: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(current), []byte(value)) != 1 {
		return false, nil
	}
	if err := cb.Write(""); err != nil {
		return false, fmt.Errorf("clear clipboard: %w", err)
	}
	return true, nil
}

func digest(salt [saltSize]byte, value string) [sha256.Size]byte {
	h := sha256.New()
	h.Write(salt[:])
	io.WriteString(h, value)
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// The payload is fixed binary, 77 bytes:
//
//	offset  size  field
//	0       4     magic "SVCC"
//	4       1     version, 1
//	5       8     clearAfter in nanoseconds, big-endian, 1ns..MaxClearAfter
//	13      32    salt
//	45      32    SHA-256(salt || value)
const (
	payloadMagic   = "SVCC"
	payloadVersion = 1
	saltSize       = 32
	payloadSize    = len(payloadMagic) + 1 + 8 + saltSize + sha256.Size
)

type payload struct {
	clearAfter time.Duration
	salt       [saltSize]byte
	digest     [sha256.Size]byte
}

func (p payload) encode() []byte {
	b := make([]byte, 0, payloadSize)
	b = append(b, payloadMagic...)
	b = append(b, payloadVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(p.clearAfter))
	b = append(b, p.salt[:]...)
	b = append(b, p.digest[:]...)
	return b
}

func parsePayload(b []byte) (payload, error) {
	var p payload
	switch {
	case len(b) != payloadSize:
		return p, fmt.Errorf("%w: %d bytes, want %d", errBadPayload, len(b), payloadSize)
	case string(b[:4]) != payloadMagic:
		return p, fmt.Errorf("%w: bad magic", errBadPayload)
	case b[4] != payloadVersion:
		return p, fmt.Errorf("%w: version %d, want %d", errBadPayload, b[4], payloadVersion)
	}
	n := binary.BigEndian.Uint64(b[5:13])
	if n == 0 || n > uint64(MaxClearAfter) {
		return p, fmt.Errorf("%w: clear timeout out of range", errBadPayload)
	}
	p.clearAfter = time.Duration(n)
	copy(p.salt[:], b[13:45])
	copy(p.digest[:], b[45:])
	return p, nil
}

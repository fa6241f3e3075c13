// Package clipboard copies secrets to the system clipboard safely: it
// verifies the copy, and it clears the clipboard again after a while, but
// only if the clipboard still holds the secret.
//
// # Copy, verify, clear
//
// Copy does three things.
//
//  1. It writes the value to the clipboard. On Linux the text goes to
//     xclip, xsel or wl-copy on the utility's stdin, never on its command
//     line, where any user could read it in the process list.
//
//  2. It reads the clipboard back and compares. A program that watches the
//     clipboard can replace what was just copied (clipboard hijacking: a
//     bank account number swapped for the thief's is the classic case). If
//     the read-back differs, Copy clears the clipboard, so that the
//     replaced text cannot be pasted, and returns an error that wraps
//     ErrMismatch. If the read-back fails, Copy clears the clipboard too:
//     an unverified secret is not left behind.
//
//  3. If a clear timeout is given, it starts a helper process and returns
//     at once. The helper (`sellervault clipboard-clear`, whose body is
//     ServeClear) runs detached, in its own session, so it outlives the
//     command that started it and a closed terminal or Ctrl-C does not stop
//     it. After the timeout it reads the clipboard and clears it only if it
//     still holds the value that was copied. If the user has copied
//     something else since, the helper leaves it alone. If the helper
//     cannot be started, Copy clears the clipboard at once and says so.
//
// ClearIfHolds does the same check on demand, for a caller that copies
// several values one after another (the fields of a payout record) and
// clears each before copying the next.
//
// # What the helper knows
//
// The helper must recognise the secret without holding it: a process's
// command line and environment are visible to other users and tools
// (ps, /proc/<pid>/cmdline and /proc/<pid>/environ, crash reports), and a
// helper that sleeps for 45 seconds is an easy target. So Copy gives the
// helper, on its stdin, only a random 32-byte salt, SHA-256(salt||value)
// and the timeout. The helper's argv is just the command, and its
// environment is the parent's, with nothing added.
//
// The hash is salted because many of the values copied are short: a PIN,
// a six-digit 2-step code, a short password. An unsalted SHA-256 of a
// six-digit code is reversed by trying all million codes, which takes
// well under a second; a table of common passwords does the same for weak
// passwords. With a fresh random salt for every copy, the digest is
// useless without the salt, nothing can be precomputed, and two copies of
// the same value give different digests. Digests are compared with
// crypto/subtle.
//
// The payload is 77 bytes of fixed binary (magic "SVCC", version 1, the
// timeout in nanoseconds, the salt, the digest). ServeClear treats it as
// untrusted input: anything that is not exactly that shape, or has a
// timeout outside 1ns..MaxClearAfter, is refused before waiting, and
// nothing is cleared.
//
// # Errors
//
// Errors never contain the value, nor the text of the clipboard utility's
// output. When there is no clipboard at all (no utility installed, or no
// X11 or Wayland display, as over SSH or in CI), errors wrap
// ErrUnavailable, whose message says what to install and which
// environment variable to set.
//
// # Limits
//
// While a value is on the clipboard, any program of the same user on the
// same display can read it: the clipboard is shared by design, and
// clearing it only shortens that window. Clipboard managers that keep a
// history may keep the value after it is cleared; turn their history off,
// or exclude sellervault's copies, where the desktop allows it. On X11 the
// copy utility (xclip or xsel) stays in the background to serve the
// selection until something else is copied; that is how X11 clipboards
// work.
package clipboard

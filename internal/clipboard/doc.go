// Package clipboard copies secrets to the system clipboard safely: it
// verifies the copy, and it clears the clipboard again after a while, but
// only if the clipboard still holds the secret.
//
// # Copy, verify, clear
//
// Copy does three things.
//
//  1. It writes the value to the clipboard, marked as a secret where the
//     platform allows (see Clipboard history). On X11 sellervault owns the
//     clipboard itself, through a detached owner process (see The X11
//     owner); under native Wayland the text goes to wl-copy, on Windows to
//     the clipboard API, on macOS to osascript. The value is never on a
//     command line, where any user could read it in the process list: a
//     process that gets it (the owner, wl-copy, osascript) gets it on its
//     stdin, a pipe.
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
// # The X11 owner
//
// On X11 a copy is not data handed to the system but a promise to answer:
// the program that copies owns the CLIPBOARD selection and converts it for
// every program that pastes, until another program takes it. So on X11
// (XWayland included) Copy starts a detached process of the sellervault
// executable, `sellervault clipboard-owner`, run in its own session. It
// receives the value and the clear timeout on its stdin, a pipe; its argv
// is just the executable and "clipboard-owner", and its environment is the
// parent's without VAULT_* and with SELLERVAULT_CLIPBOARD_OWNER=1 added
// (the marker that makes this package's init run the owner instead of the
// program's main). It takes the selection, tells Copy so on a second pipe
// (Copy then reads back at once), and answers:
//
//	TARGETS                     UTF8_STRING, text/plain;charset=utf-8, STRING,
//	                            TEXT, TARGETS, TIMESTAMP, x-kde-passwordManagerHint
//	UTF8_STRING, TEXT,
//	text/plain;charset=utf-8    the value
//	STRING                      the value in Latin-1 (refused if it has other characters)
//	TIMESTAMP                   when it took the selection
//	x-kde-passwordManagerHint   "secret"
//
// It exits as soon as another program takes the selection (the user copied
// something else, which is left alone). After the clear timeout it clears
// the selection and exits; it clears with the time it took the selection,
// which the X server ignores if the selection changed hands since, so this
// clear cannot hit a newer copy. The clear helper still runs as well and
// does its own check. With no timeout (--clear-after 0) the owner serves
// until something else is copied, as xclip would. Unlike the clear helper,
// the owner holds the value, in memory, for as long as it serves: there is
// no serving a clipboard without it. Values longer than 64 KiB are refused
// on X11.
//
// Reading and clearing on X11 also use the X connection directly
// (github.com/jezek/xgb, pure Go): no clipboard utility is needed. When
// DISPLAY is not set or the display does not answer, System falls back to
// the utilities (wl-copy/wl-paste, xclip, xsel) as before.
//
// # Clipboard history
//
// Clipboard managers keep a history of what was copied, where a copied
// password stays after sellervault clears the clipboard, and some sync it
// to other devices. Password managers mark their copies so that these
// managers skip them; sellervault marks every copy the same way, on these
// platforms:
//
//   - X11, and XWayland: the x-kde-passwordManagerHint target, converting
//     to "secret", offered by the owner process. KDE's Klipper honours it
//     (it does not record the copy), as do clipboard managers that follow
//     KeePassXC's lead; managers that ignore it still record the copy.
//     Under a Wayland session with XWayland, whether the hint
//     reaches Wayland-native clipboard managers depends on the
//     compositor's XWayland clipboard bridge; it is not verified.
//   - Windows: the formats ExcludeClipboardContentFromMonitorProcessing,
//     CanIncludeInClipboardHistory (DWORD 0) and CanUploadToCloudClipboard
//     (DWORD 0), set with the text in one opening of the clipboard. The
//     clipboard history (Win+V) and the cloud clipboard of Windows 10 1809
//     and later honour them; third-party clipboard tools may or may not.
//   - macOS: the org.nspasteboard.ConcealedType type (nspasteboard.org),
//     set with the text by osascript (JavaScript for Automation, no cgo).
//     Clipboard managers that follow nspasteboard.org skip or hide the
//     copy; macOS itself keeps no history.
//
// Not marked:
//
//   - Native Wayland (WAYLAND_DISPLAY without a usable DISPLAY): the copy
//     goes through wl-copy, which offers one type per process, so the
//     text and the hint cannot be offered together (a copy offering only
//     the hint cannot be pasted). wl-clipboard's development sources add
//     a --sensitive flag for this, not yet in a release sellervault can
//     count on; sellervault does not use it.
//   - The utility fallback on X11 (xclip or xsel, when sellervault cannot
//     connect to the display itself).
//
// A mark is a request, not a guarantee: a clipboard manager that ignores
// it, or any program of the same user that reads the clipboard while the
// value is on it, still sees the value.
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
// history and ignore the marks above may keep the value after it is
// cleared; turn their history off where the desktop allows it. On X11 the
// owner process stays in the background to serve the selection until
// something else is copied or the timeout clears it; that is how X11
// clipboards work. The owner refuses MULTIPLE requests and sends values
// whole, never in INCR chunks (the 64 KiB limit keeps them within one X
// request); common programs paste text without either.
package clipboard

// Package picker is sellervault's interactive credential picker: a
// full-screen, keyboard-driven terminal program (Bubble Tea) that lists a
// member's credentials, filters them as the user types, and walks the one
// picked through the clipboard field by field.
//
// # Using it
//
// The screen opens on the list of credentials, one line each: STORE/NAME,
// the URL, and "2fa" when the credential has a TOTP key.
//
//	typing            filters: every word typed must be found in STORE/NAME
//	                  or the URL, as a substring or, in STORE/NAME, as
//	                  letters in order ("acsc" finds acme-us/seller-central)
//	Backspace, Ctrl-U deletes a letter, the whole filter
//	Up, Down          moves the selection; so do Ctrl-P and Ctrl-N,
//	PgUp, PgDown      and by a page
//	Enter             picks the selected credential
//	Esc, Ctrl-C       quits
//
// Picking starts the walk. The login goes on the clipboard, alone; the
// user pastes it into the sign-in form and presses Enter. The clipboard
// must still hold the login at that moment: if another program changed it
// in between (clipboard-hijacking malware swaps what was copied), the walk
// stops, the clipboard is wiped and the screen says so. Otherwise the
// password follows the same way, and then, for a credential with a TOTP
// key, the current code, with the seconds it has left counting down. When
// the code rolls over, the clipboard is checked once more and the new code
// replaces the old one. Enter after the last field ends the walk and
// clears the clipboard. Esc, q or Ctrl-C at any point quits and clears the
// clipboard if it still holds what was copied.
//
// The screen never shows a secret: values appear as records.Masked, and
// only field names tell them apart.
//
// # Colours and terminals
//
// The picker runs in the terminal's alternate screen and leaves it, with
// the cursor shown again, when it ends. Colours follow the terminal's
// capabilities; NO_COLOR set to any non-empty value turns them off (the
// selection stays visible as a "> " marker). Bubble Tea handles the
// differences between Windows Terminal, macOS Terminal and the Linux
// terminals; this package has no platform-specific code.
//
// # Testing without a terminal
//
// The model does no input or output of its own. New takes the entries and
// Funcs: the callbacks that open a credential, copy a value, check and
// clear the clipboard, and read the time. Each blocking call runs in a
// tea.Cmd, so a test drives the model by sending it tea messages, running
// the commands it returns with fake Funcs, and reading View and Result.
//
// Preview renders the list screen for a filter as plain text, with no
// terminal and no Funcs: the picker's non-interactive form, which
// `sellervault open --preview` prints and the tour shows.
package picker

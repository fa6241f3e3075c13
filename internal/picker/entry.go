package picker

import (
	"time"
)

// Entry is one credential in the list. It holds no secret: only what a
// listing shows.
type Entry struct {
	Address string // STORE/NAME
	URL     string
	HasCode bool // the credential has a TOTP key
}

// Field is one value the walk puts on the clipboard: its name (shown) and
// its value (never shown).
type Field struct {
	Name  string
	Value string
}

// Walk is what the walk copies for a picked credential, in order: the
// fields (login, password), then, when Code is not nil, the current TOTP
// code. Fields with an empty value are skipped.
type Walk struct {
	Fields []Field
	// Code returns the current code and the period of its key in seconds.
	Code func() (code string, period int, err error)
}

// Funcs are the picker's dealings with the world. Each but Now may block:
// the model calls them from tea commands, never from Update, except Clear
// and Wipe, which it calls as it quits.
type Funcs struct {
	// Open reads the values of a picked credential.
	Open func(Entry) (Walk, error)
	// Copy puts value on the clipboard, alone, and checks it is there.
	Copy func(value string) error
	// Holds reports whether the clipboard still holds value.
	Holds func(value string) (bool, error)
	// Clear empties the clipboard if it still holds value.
	Clear func(value string)
	// Wipe empties the clipboard, whatever it holds.
	Wipe func()
	// Now is the time; time.Now when nil.
	Now func() time.Time
}

// Outcome is how a picker session ended.
type Outcome int

const (
	// Quit: the user quit, before picking or during the walk.
	Quit Outcome = iota
	// Done: every field was copied and pasted, and the clipboard cleared.
	Done
	// Changed: the clipboard changed while Result.Field was on it; the
	// clipboard was wiped.
	Changed
	// Failed: a callback failed (Result.Err); the clipboard was cleared.
	Failed
)

// Result is what the session did.
type Result struct {
	Outcome Outcome
	Entry   Entry    // the credential picked; zero if none
	Field   string   // the field on the clipboard when it ended
	Copied  []string // the fields copied and pasted, in order
	Err     error
}

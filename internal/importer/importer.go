package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// Format is a kind of file Parse reads.
type Format string

// The formats.
const (
	CSV         Format = "csv"       // sellervault's own CSV (the README's header)
	Bitwarden   Format = "bitwarden" // Bitwarden's unencrypted .json export
	OnePassword Format = "1password" // 1Password's .csv export
)

// Formats lists the formats, for help texts.
var Formats = []Format{CSV, Bitwarden, OnePassword}

// ParseFormat reads a format's name ("csv", "bitwarden", "1password").
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, Bitwarden, OnePassword:
		return f, nil
	case "1pass", "onepassword", "1pw":
		return OnePassword, nil
	case "bitwarden-json", "bw":
		return Bitwarden, nil
	}
	return "", inputerr.Errorf("import format %s: use csv, bitwarden or 1password", inputerr.Quote(s))
}

// MaxFileBytes is the largest file Parse reads.
const MaxFileBytes = 64 << 20

// Limits of single values.
const (
	maxPasswordBytes = 64 << 10 // as secretin's, for a password typed or piped
	maxLoginBytes    = 1024
	maxNotesBytes    = 64 << 10
)

// Options are what Parse needs besides the file.
type Options struct {
	// Store, when set, is the store of every row: it fills or overrides
	// the file's store column (or folder). It must be a valid store name.
	Store string
	// Now is the time of the import, for dates in the file; time.Now when nil.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now().UTC().Truncate(time.Second)
	}
	return time.Now().UTC().Truncate(time.Second)
}

// Row is one credential of the file, mapped and validated: every field
// holds what sellervault will store (names mapped, addresses, numbers and
// URLs normalised), so that Credential cannot fail.
type Row struct {
	Unit     string // "row" (CSV: the spreadsheet's row, the header is row 1) or "item" (JSON)
	Line     int    // the row's or item's number
	FileLine int    // the line of the file it starts on

	Store, Name   string
	Login         string
	Password      string // secret: never in an error, a reason or output
	URL           string
	Owner         string
	Assignees     []string
	RecoveryEmail string
	RecoveryPhone string
	RotateEvery   time.Duration
	LastRotated   time.Time // when the file says the password was last changed; zero: unknown
	Notes         string
	// TOTP: the file holds a 2-step (TOTP) seed for it. The seed is never
	// imported; the seed goes into Vault's TOTP engine with `totp add`.
	TOTP bool
	// Warnings are what was left out of the row, in words (never values).
	Warnings []string
}

// Address is the row's credential address, "STORE/NAME".
func (r *Row) Address() string { return r.Store + "/" + r.Name }

// Where names the row for people: "row 7", or "row 7 (line 9)" when a
// value spanning lines puts it on another line of the file.
func (r *Row) Where() string { return where(r.Unit, r.Line, r.FileLine) }

func where(unit string, n, line int) string {
	if line != 0 && line != n {
		return fmt.Sprintf("%s %d (line %d)", unit, n, line)
	}
	return fmt.Sprintf("%s %d", unit, n)
}

// Credential is the new credential a row adds. A row without a date of
// its own counts as rotated now, as `cred add` does.
func (r *Row) Credential(now time.Time) records.Credential {
	c := records.Credential{
		Store: r.Store, Name: r.Name, Login: r.Login, Password: r.Password, URL: r.URL, Notes: r.Notes,
		RecoveryEmail: r.RecoveryEmail, RecoveryPhone: r.RecoveryPhone, Owner: r.Owner,
		Assignees: append([]string(nil), r.Assignees...),
		Rotation:  records.Rotation{Every: r.RotateEvery, LastRotated: r.LastRotated},
	}
	if c.Rotation.LastRotated.IsZero() {
		c.Rotation.LastRotated = now.UTC().Truncate(time.Second)
	}
	return c
}

// ErrPending refuses to change the password of a credential whose
// rotation is under way.
var ErrPending = inputerr.Errorf("a rotation is under way (there is a pending password): finish it with `sellervault rotate --confirm` or `--abort` first")

// Merge is the update of an existing credential: the row's non-empty
// fields replace the current ones, the others (and the TOTP key, the
// history, a rotation schedule the file does not give) stay. A new
// password counts as rotated at the file's date, or now (and clears a
// "due" marking older than that). changed is
// false when the row changes nothing. A credential with a rotation under
// way keeps its password: a different one fails with ErrPending.
func (r *Row) Merge(cur records.Credential, now time.Time) (next records.Credential, changed bool, err error) {
	next = cur
	next.Assignees = append([]string(nil), cur.Assignees...)
	set := func(field *string, v string) {
		if v != "" && *field != v {
			*field, changed = v, true
		}
	}
	set(&next.Login, r.Login)
	set(&next.URL, r.URL)
	set(&next.Notes, r.Notes)
	set(&next.Owner, r.Owner)
	set(&next.RecoveryEmail, r.RecoveryEmail)
	set(&next.RecoveryPhone, r.RecoveryPhone)
	if len(r.Assignees) > 0 && strings.Join(r.Assignees, ",") != strings.Join(cur.Assignees, ",") {
		next.Assignees, changed = append([]string(nil), r.Assignees...), true
	}
	if r.RotateEvery != 0 && r.RotateEvery != cur.Rotation.Every {
		next.Rotation.Every, changed = r.RotateEvery, true
	}
	if r.Password != "" && r.Password != cur.Password {
		if cur.Pending != "" {
			return cur, false, ErrPending
		}
		next.Password, changed = r.Password, true
		next.Rotation.LastRotated = r.LastRotated
		if next.Rotation.LastRotated.IsZero() {
			next.Rotation.LastRotated = now.UTC().Truncate(time.Second)
		}
		if next.Rotation.LastRotated.After(cur.Rotation.DueSince) {
			next.Rotation.DueSince = time.Time{} // a password newer than the marking
		}
	}
	return next, changed, nil
}

// RowError is what is wrong with one row: its number, the column (empty
// for the whole row) and a message that never holds a value from the
// file. It matches inputerr.ErrInvalid.
type RowError struct {
	Unit     string // "row", "item", "line"
	Line     int
	FileLine int
	Column   string
	Msg      string
	// Address is the row's credential, "STORE/NAME", when its names are
	// good (for the table); empty otherwise.
	Address string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return e.Where() + ": " + e.Msg
	}
	return e.Where() + ", " + e.Column + ": " + e.Msg
}

// Where names the row: "row 7", "item 3 (line 42)".
func (e *RowError) Where() string { return where(e.Unit, e.Line, e.FileLine) }

// Reason is the message with its column, without the row.
func (e *RowError) Reason() string {
	if e.Column == "" {
		return e.Msg
	}
	return e.Column + ": " + e.Msg
}

// Is makes every RowError match inputerr.ErrInvalid (exit status 2).
func (e *RowError) Is(target error) bool { return target == inputerr.ErrInvalid }

// Ignored is an entry of the file that is not a credential to import
// (a secure note, a card, an archived item), by design rather than error.
type Ignored struct {
	Unit     string
	Line     int
	FileLine int
	Kind     string // what it is, in words: "secure note", "archived item"
}

// Result is a parsed file: the valid rows, the errors of the invalid
// ones, and the entries left out on purpose.
type Result struct {
	Format  Format
	Unit    string // "row" or "item"
	Rows    []Row
	Errors  []*RowError
	Ignored []Ignored
	// Read is the number of rows or items read (valid, invalid and ignored).
	Read int
}

// IgnoredSummary counts the ignored entries by kind, like "2 secure
// notes, 1 card", or "" when none were.
func (r *Result) IgnoredSummary() string {
	if len(r.Ignored) == 0 {
		return ""
	}
	counts := map[string]int{}
	var kinds []string
	for _, ig := range r.Ignored {
		if counts[ig.Kind] == 0 {
			kinds = append(kinds, ig.Kind)
		}
		counts[ig.Kind]++
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", counts[k], plural(k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

func plural(word string, n int) string {
	if n == 1 {
		return word
	}
	if strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ey") {
		return word[:len(word)-1] + "ies"
	}
	return word + "s"
}

// Parse reads a file of the given format. A problem with the file as a
// whole (no header, not the format, UTF-16, an encrypted export) is the
// returned error; problems of single rows are in Result.Errors, every one
// of them, so that a person can fix them all at once. Neither ever holds
// a value from the file. Both match inputerr.ErrInvalid.
func Parse(f Format, data []byte, opts Options) (*Result, error) {
	if opts.Store != "" {
		if _, err := records.ParseStoreName(opts.Store); err != nil {
			return nil, err
		}
	}
	if len(data) > MaxFileBytes {
		return nil, inputerr.Errorf("the file is larger than %d MiB; split it and import the parts one after another", MaxFileBytes>>20)
	}
	switch f {
	case CSV:
		return parseSellervault(data, opts)
	case Bitwarden:
		return parseBitwarden(data, opts)
	case OnePassword:
		return parseOnePassword(data, opts)
	}
	return nil, inputerr.Errorf("import format %s: use csv, bitwarden or 1password", inputerr.Quote(string(f)))
}

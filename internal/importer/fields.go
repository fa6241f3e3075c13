package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// field is one of the credential fields a file may give.
type field int

const (
	fStore field = iota
	fName
	fLogin
	fPassword
	fURL
	fOwner
	fAssignees
	fRecoveryEmail
	fRecoveryPhone
	fRotateEvery
	fLastRotated
	fNotes
	fTOTP
	nFields
)

// cell is one field's value in a row and the column it came from, as
// errors name it.
type cell struct {
	col string
	val string
}

// raw is a row as read, before mapping and validation.
type raw struct {
	unit           string
	line, fileLine int
	cells          [nFields]cell
	// noStore is the message for a row without a store (and no --store).
	noStore string
	// notUTF8 is the message for a row with bytes that are not UTF-8.
	notUTF8 string
	// urlErr, when set, is a problem with the row's URLs found by the
	// format's reader (Bitwarden's list of URIs), reported as is.
	urlErr   string
	warnings []string
}

func (r *raw) set(f field, col, val string) { r.cells[f] = cell{col: col, val: val} }

// build maps and validates a raw row into a Row, or returns every
// problem it has. No message holds a value of the row.
func build(r *raw, opts Options) (Row, []*RowError) {
	row := Row{Unit: r.unit, Line: r.line, FileLine: r.fileLine, Warnings: r.warnings}
	var errs []*RowError
	fail := func(col, format string, args ...any) {
		errs = append(errs, &RowError{Unit: r.unit, Line: r.line, FileLine: r.fileLine, Column: col, Msg: fmt.Sprintf(format, args...)})
	}
	for _, c := range r.cells {
		if !utf8.ValidString(c.val) {
			fail("", "%s", r.notUTF8)
			return Row{}, errs
		}
	}
	get := func(f field) (string, string) { return r.cells[f].col, r.cells[f].val }

	// Names: mapped to sellervault's rules, or refused with a suggestion.
	if opts.Store != "" {
		row.Store = opts.Store
	} else if col, v := get(fStore); strings.TrimSpace(v) == "" {
		fail(col, "%s", r.noStore)
	} else if name, problem := MapName("store name", v); problem != "" {
		fail(col, "%s", problem)
	} else {
		row.Store = name
	}
	if col, v := get(fName); strings.TrimSpace(v) == "" {
		fail(col, "is empty: every credential needs a name")
	} else if name, problem := MapName("credential name", v); problem != "" {
		fail(col, "%s", problem)
	} else {
		row.Name = name
	}

	// The login and password: required, one line each.
	col, v := get(fLogin)
	switch v = strings.TrimSpace(v); {
	case v == "":
		fail(col, "is empty: sellervault needs the login (the user name or e-mail address) of every credential")
	case len(v) > maxLoginBytes:
		fail(col, "is %d bytes long; at most %d", len(v), maxLoginBytes)
	case hasControl(v, false):
		fail(col, "has a line break or control character; a login is one line")
	default:
		row.Login = v
	}
	col, v = get(fPassword)
	switch {
	case v == "":
		fail(col, "is empty: every credential needs its password")
	case len(v) > maxPasswordBytes:
		fail(col, "is longer than %d bytes", maxPasswordBytes)
	case hasControl(v, true):
		fail(col, "has a line break or control character; sellervault keeps a password on one line (tab is allowed)")
	default:
		row.Password = v
		if strings.TrimSpace(v) != v {
			row.Warnings = append(row.Warnings, "the password starts or ends with a space, kept as it is")
		}
	}

	// The other fields, through the records parsers.
	if r.urlErr != "" {
		fail(r.cells[fURL].col, "%s", r.urlErr)
	} else {
		parseInto(&row.URL, r.cells[fURL], records.ParseURL, fail)
	}
	parseInto(&row.Owner, r.cells[fOwner], lower(records.ParsePersonName), fail)
	if col, v := get(fAssignees); strings.TrimSpace(v) != "" {
		list, err := records.ParsePersonList(strings.ToLower(strings.ReplaceAll(v, ";", ",")))
		if err != nil {
			fail(col, "%s", scrub(err))
		} else {
			row.Assignees = list
		}
	}
	parseInto(&row.RecoveryEmail, r.cells[fRecoveryEmail], records.ParseEmail, fail)
	parseInto(&row.RecoveryPhone, r.cells[fRecoveryPhone], records.ParsePhone, fail)
	if col, v := get(fRotateEvery); strings.TrimSpace(v) != "" {
		d, err := records.ParseInterval(v)
		if err != nil {
			fail(col, "%s", scrub(err))
		} else {
			row.RotateEvery = d
		}
	}
	if col, v := get(fLastRotated); strings.TrimSpace(v) != "" {
		t, problem := parseDate(v, opts.now())
		if problem != "" {
			fail(col, "%s", problem)
		} else {
			row.LastRotated = t
		}
	}
	col, v = get(fNotes)
	if v = strings.TrimSpace(v); len(v) > maxNotesBytes {
		fail(col, "is %d bytes long; at most %d", len(v), maxNotesBytes)
	} else {
		row.Notes = v
	}
	if _, v := get(fTOTP); strings.TrimSpace(v) != "" {
		row.TOTP = true
	}
	if len(errs) > 0 {
		if row.Store != "" && row.Name != "" {
			for _, e := range errs {
				e.Address = row.Address()
			}
		}
		return Row{}, errs
	}
	// The listable fields must fit in Vault's custom metadata.
	if err := row.Credential(opts.now()).Encode().Check(); err != nil {
		fail("", "%s", scrub(err))
		return Row{}, errs
	}
	return row, nil
}

// parseInto runs a records parser over a non-empty cell.
func parseInto(dst *string, c cell, parse func(string) (string, error), fail func(col, format string, args ...any)) {
	if strings.TrimSpace(c.val) == "" {
		return
	}
	v, err := parse(c.val)
	if err != nil {
		fail(c.col, "%s", scrub(err))
		return
	}
	*dst = v
}

// lower lower-cases a value before a parser that wants lower case
// (people's names in spreadsheets are often capitalised).
func lower(parse func(string) (string, error)) func(string) (string, error) {
	return func(s string) (string, error) { return parse(strings.ToLower(strings.TrimSpace(s))) }
}

// hasControl reports a control character (a line break among them);
// tabOK allows tab.
func hasControl(s string, tabOK bool) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !(tabOK && r == '\t') {
			return true
		}
	}
	return false
}

// parseDate reads the date a password was last changed: 2006-01-02 or
// RFC 3339 (with or without fractions of a second). It may not be in the
// future.
func parseDate(s string, now time.Time) (time.Time, string) {
	s = strings.TrimSpace(s)
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return time.Time{}, "is not a date: use YYYY-MM-DD, like 2024-03-31"
	}
	t = t.UTC().Truncate(time.Second)
	if t.After(now.Add(24 * time.Hour)) {
		return time.Time{}, "is in the future: use the date the password was last changed"
	}
	return t, ""
}

// maxName is the longest store or credential name (records' rule).
const maxName = 63

// MapName turns a title from a spreadsheet or password manager into a
// sellervault name: surrounding spaces dropped, ASCII letters
// lower-cased, and spaces, underscores, dots and hyphens, in runs, made
// one hyphen (none at either end): "Seller Central" becomes
// "seller-central", "ACME_us" "acme-us". Any other character is refused:
// problem says which and suggests a name (that character dropped, like
// "amazon-us" for "Amazon (US)"). problem names no value of the file
// other than that character and the suggestion; what names the kind of
// name, like "credential name".
func MapName(what, s string) (name, problem string) {
	s = strings.TrimSpace(s)
	var b []byte
	hyphen := func() {
		if len(b) > 0 && b[len(b)-1] != '-' {
			b = append(b, '-')
		}
	}
	var bad string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b = append(b, byte(r))
		case 'A' <= r && r <= 'Z':
			b = append(b, byte(r-'A'+'a'))
		case r == ' ' || r == '_' || r == '.' || r == '-':
			hyphen()
		default:
			if bad == "" {
				bad = inputerr.DescribeRune(r, size)
			}
			hyphen()
		}
		i += size
	}
	mapped := strings.TrimRight(string(b), "-")
	short := strings.TrimRight(cut(mapped, maxName), "-")
	switch {
	case bad != "" && short != "":
		return "", fmt.Sprintf("has %s, which a %s cannot have; use %s", bad, what, strconv.Quote(short))
	case bad != "":
		return "", fmt.Sprintf("has %s, which a %s cannot have; use lower-case letters, digits and hyphens", bad, what)
	case mapped == "":
		return "", fmt.Sprintf("has no letters or digits; a %s is lower-case letters, digits and hyphens", what)
	case len(mapped) > maxName:
		return "", fmt.Sprintf("is %d characters long as a %s; use at most %d, like %s", len(mapped), what, maxName, strconv.Quote(short))
	}
	if _, err := records.ParseCredName(mapped); err != nil { // cannot happen: the rules are the same
		return "", fmt.Sprintf("cannot be made a %s; use lower-case letters, digits and hyphens", what)
	}
	return mapped, ""
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// keepQuoted are quoted bits of the records parsers' fixed texts that
// scrub keeps; every other quoted text in a parser's message is (or is
// made from) the input, and goes.
var keepQuoted = map[string]bool{`"(0)"`: true, `"("`: true, `")"`: true}

// scrub turns a records parser's error into words without the input: the
// parsers quote what they refuse (inputerr.Quote), and a file's value
// must never reach the output, so every quoted text is dropped (with the
// "..." of a cut one) and the sentence tidied.
func scrub(err error) string {
	msg := err.Error()
	var b strings.Builder
	for i := 0; i < len(msg); {
		if msg[i] == '"' {
			if q, qerr := strconv.QuotedPrefix(msg[i:]); qerr == nil {
				i += len(q)
				if keepQuoted[q] {
					b.WriteString(q)
					continue
				}
				if strings.HasPrefix(msg[i:], "...") {
					i += 3
				}
				continue
			}
			// An unbalanced quote: the rest may be input; stop here.
			break
		}
		b.WriteByte(msg[i])
		i++
	}
	out := b.String()
	for _, fix := range scrubFixes {
		out = strings.ReplaceAll(out, fix[0], fix[1])
	}
	out = strings.TrimSpace(out)
	out = strings.TrimSuffix(out, "; use")
	out = strings.TrimSuffix(out, " like")
	return strings.TrimRight(out, " ;:,")
}

// scrubFixes tidy the sentences left when quoted inputs are taken out.
var scrubFixes = [][2]string{
	{"  ", " "}, {" :", ":"}, {" ;", ";"}, {" ,", ","},
	{" uses;", " uses another scheme;"},
	{"https://; use", "https://; add https:// at the start"},
	{"host has port;", "host has a bad port;"},
}

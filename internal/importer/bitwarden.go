package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// Bitwarden item types (the "type" of an item in an export).
var bitwardenKinds = map[int]string{
	1: "login", 2: "secure note", 3: "card", 4: "identity", 5: "SSH key",
}

// bwItem is the part of a Bitwarden item that import reads. A JSON null
// leaves a string empty.
type bwItem struct {
	Type          int      `json:"type"`
	Name          string   `json:"name"`
	Notes         string   `json:"notes"`
	FolderID      string   `json:"folderId"`
	CollectionIDs []string `json:"collectionIds"`
	DeletedDate   string   `json:"deletedDate"`
	CreationDate  string   `json:"creationDate"`
	Login         *struct {
		Username string `json:"username"`
		Password string `json:"password"`
		TOTP     string `json:"totp"`
		URIs     []struct {
			URI string `json:"uri"`
		} `json:"uris"`
		PasswordRevisionDate string `json:"passwordRevisionDate"`
	} `json:"login"`
	Fields []json.RawMessage `json:"fields"`
}

type bwFolder struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// bwEntry is an item as read, with where it is and any decoding problem.
type bwEntry struct {
	n, line int
	item    bwItem
	err     string
}

// parseBitwarden reads Bitwarden's unencrypted JSON export (Tools >
// Export vault > .json). Items of type login are imported; secure notes,
// cards, identities and SSH keys, and items in the trash, are counted
// and left out. An item's folder (the last part of a nested folder's
// name), or in an organization's export its only collection, is its
// store unless opts.Store is given.
func parseBitwarden(data []byte, opts Options) (*Result, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return nil, inputerr.Errorf("line %d: not UTF-8: export the vault again from Bitwarden, as .json", lineOf(data, firstInvalid(data)))
	}
	lines := &lineCounter{data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, inputerr.Errorf("not a Bitwarden JSON export: it does not start with {; export the vault from Bitwarden as .json (not .csv, not encrypted)")
	}
	var (
		encrypted   bool
		sawItems    bool
		folders     []bwFolder
		collections []bwFolder
		entries     []bwEntry
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonProblem(err, lines)
		}
		key, _ := tok.(string)
		switch key {
		case "encrypted", "passwordProtected":
			var b bool
			if err := dec.Decode(&b); err != nil && !isTypeError(err) {
				return nil, jsonProblem(err, lines)
			}
			encrypted = encrypted || b
		case "folders", "collections":
			var list []bwFolder
			if err := dec.Decode(&list); err != nil && !isTypeError(err) {
				return nil, jsonProblem(err, lines)
			}
			if key == "folders" {
				folders = list
			} else {
				collections = list
			}
		case "items":
			sawItems = true
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return nil, inputerr.Errorf("not a Bitwarden JSON export: its items are not a list")
			}
			for n := 1; dec.More(); n++ {
				line := lines.at(int(dec.InputOffset()))
				e := bwEntry{n: n, line: line}
				if err := dec.Decode(&e.item); err != nil {
					if !isTypeError(err) {
						return nil, jsonProblem(err, lines)
					}
					e.err = typeProblem(err)
				}
				entries = append(entries, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, jsonProblem(err, lines)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, jsonProblem(err, lines)
			}
		}
	}
	if encrypted {
		return nil, inputerr.Errorf("this is an encrypted Bitwarden export: export the vault again as .json (not \"encrypted\"), import it, and delete it")
	}
	if !sawItems {
		return nil, inputerr.Errorf("not a Bitwarden JSON export: it has no items; export the vault from Bitwarden as .json")
	}
	folderName := names(folders)
	collectionName := names(collections)

	res := &Result{Format: Bitwarden, Unit: "item", Read: len(entries)}
	for _, e := range entries {
		fail := func(col, msg string) {
			res.Errors = append(res.Errors, &RowError{Unit: "item", Line: e.n, FileLine: e.line, Column: col, Msg: msg})
		}
		it := e.item
		if e.err != "" {
			fail("", e.err)
			continue
		}
		if it.DeletedDate != "" {
			res.Ignored = append(res.Ignored, Ignored{Unit: "item", Line: e.n, FileLine: e.line, Kind: "item in the trash"})
			continue
		}
		if it.Type != 1 {
			kind, ok := bitwardenKinds[it.Type]
			if !ok {
				kind = "item of another type"
			}
			res.Ignored = append(res.Ignored, Ignored{Unit: "item", Line: e.n, FileLine: e.line, Kind: kind})
			continue
		}
		if it.Login == nil {
			fail("login", "missing: a login item without its user name and password")
			continue
		}
		r := &raw{unit: "item", line: e.n, fileLine: e.line,
			notUTF8: "not UTF-8: export the vault again from Bitwarden",
			noStore: "the item is in no folder: give --store STORE, or put it in a folder named after its store and export again"}
		r.cells[fStore].col = "folder"
		if name, ok := folderName[it.FolderID]; ok && it.FolderID != "" {
			r.set(fStore, "folder", lastPart(name))
		} else if len(it.CollectionIDs) == 1 {
			r.set(fStore, "collection", lastPart(collectionName[it.CollectionIDs[0]]))
		}
		r.set(fName, "name", it.Name)
		r.set(fLogin, "login.username", it.Login.Username)
		r.set(fPassword, "login.password", it.Login.Password)
		r.set(fNotes, "notes", it.Notes)
		r.set(fTOTP, "login.totp", it.Login.TOTP)
		url, problem := pickURI(it.Login.URIs)
		r.set(fURL, "login.uris", url)
		r.urlErr = problem
		// When the password last changed: its revision date, or the
		// item's creation when it never changed. A date Bitwarden wrote
		// that cannot be read is left out rather than refused.
		date := it.Login.PasswordRevisionDate
		if date == "" {
			date = it.CreationDate
		}
		if t, err := time.Parse(time.RFC3339Nano, date); err == nil && !t.After(opts.now()) {
			r.set(fLastRotated, "login.passwordRevisionDate", t.UTC().Format(time.RFC3339))
		}
		if n := len(it.Fields); n > 0 {
			r.warnings = append(r.warnings, fmt.Sprintf("%d custom %s not imported: copy what %s by hand", n, plural("field", n), map[bool]string{true: "it holds", false: "they hold"}[n == 1]))
		}
		res.add(build(r, opts))
	}
	res.sortErrors()
	return res, nil
}

// pickURI chooses an item's URL: the first of its URIs that is a good
// sign-in address. App URIs (androidapp://, iosapp://) are passed over;
// when only bad web addresses are left, the first one's problem is
// returned.
func pickURI(uris []struct {
	URI string `json:"uri"`
}) (url, problem string) {
	for _, u := range uris {
		v := strings.TrimSpace(u.URI)
		if v == "" || isAppURI(v) {
			continue
		}
		if parsed, err := records.ParseURL(v); err == nil {
			return parsed, ""
		} else if problem == "" {
			problem = scrub(err)
		}
	}
	return "", problem
}

func isAppURI(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	return scheme != "http" && scheme != "https"
}

func names(list []bwFolder) map[string]string {
	m := make(map[string]string, len(list))
	for _, f := range list {
		m[f.ID] = f.Name
	}
	return m
}

// lastPart is a nested folder's own name: Bitwarden nests folders by
// naming them "Parent/Child".
func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "true or false"
	}
	return "a " + kind
}

func isTypeError(err error) bool {
	var te *json.UnmarshalTypeError
	return errors.As(err, &te)
}

// typeProblem describes a value of the wrong JSON type by its field, not
// its value.
func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		// Value is "number 123" for a number: only its kind may show.
		kind, _, _ := strings.Cut(te.Value, " ")
		return fmt.Sprintf("%s is %s, which a Bitwarden export does not have there", te.Field, article(kind))
	}
	return "not a Bitwarden item"
}

// jsonProblem describes a JSON syntax error by its line, without the
// character the decoder quotes.
func jsonProblem(err error, lines *lineCounter) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return inputerr.Errorf("line %d: the JSON is malformed; export the vault from Bitwarden again, as .json", lines.at(int(se.Offset)))
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return inputerr.Errorf("the JSON ends early: the file is cut short; export the vault from Bitwarden again, as .json")
	}
	return inputerr.Errorf("not a Bitwarden JSON export; export the vault from Bitwarden as .json")
}

// lineCounter finds line numbers of offsets met in increasing order
// without counting from the start each time.
type lineCounter struct {
	data       []byte
	pos, lines int
}

// at is the line of the first non-blank, non-comma byte from off.
func (c *lineCounter) at(off int) int {
	off = min(max(off, 0), len(c.data))
	for off < len(c.data) && strings.IndexByte(" \t\r\n,", c.data[off]) >= 0 {
		off++
	}
	if off < c.pos {
		c.pos, c.lines = 0, 0
	}
	c.lines += bytes.Count(c.data[c.pos:off], []byte("\n"))
	c.pos = off
	return c.lines + 1
}

func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}

func lineOf(data []byte, off int) int { return bytes.Count(data[:off], []byte("\n")) + 1 }

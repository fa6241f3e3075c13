package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// Encode validates d and writes it as one JSON document (indented, with a
// final newline). Nothing is written when d is not valid: a backup that
// was written can be restored.
func Encode(w io.Writer, d *Document) error {
	b, err := Marshal(d)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal is Encode into a byte slice. It normalises d (see Normalize)
// first.
func Marshal(d *Document) ([]byte, error) {
	d.Normalize()
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("the backup would not be restorable: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	if buf.Len() > MaxPlaintext {
		return nil, fmt.Errorf("the backup is %d bytes long; a restore reads at most %d", buf.Len(), MaxPlaintext)
	}
	return buf.Bytes(), nil
}

// Decode reads one document, strictly: at most MaxPlaintext bytes of
// valid UTF-8 JSON, a single object with no trailing data, no duplicate
// names in any object, exactly the known field names (case-sensitive),
// custom metadata of strings only, and then Validate. Every refusal
// matches ErrInvalid. A version 1 document is returned as version 1:
// Upgrade maps it to the current version.
func Decode(r io.Reader) (*Document, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxPlaintext+1))
	if err != nil {
		return nil, err
	}
	return Unmarshal(b)
}

// Unmarshal is Decode from a byte slice.
func Unmarshal(b []byte) (*Document, error) {
	if len(b) > MaxPlaintext {
		return nil, invalidf("backup document is longer than %d bytes", MaxPlaintext)
	}
	if !utf8.Valid(b) {
		return nil, invalidf("backup document is not valid UTF-8")
	}
	if err := checkSyntax(b); err != nil {
		return nil, err
	}
	top, err := fields(b, "backup", []string{"format", "version", "created_at", "team", "records", "totp_reenrol", "staff", "deleted_skipped"},
		[]string{"sellervault_version"})
	if err != nil {
		return nil, err
	}
	d := &Document{}
	// The format and version first: a document of another kind or version
	// is named as such rather than refused for a field it lacks.
	if err := decodeField(top, "format", "backup", &d.Format); err != nil {
		return nil, err
	}
	if d.Format != Format {
		return nil, invalidf("not a sellervault backup: format %s, want %q", inputerr.Quote(d.Format), Format)
	}
	if err := decodeField(top, "version", "backup", &d.Version); err != nil {
		return nil, err
	}
	if err := checkVersion(d.Version); err != nil {
		return nil, err
	}
	var created string
	if err := decodeField(top, "created_at", "backup", &created); err != nil {
		return nil, err
	}
	if d.CreatedAt, err = time.Parse(time.RFC3339, created); err != nil {
		return nil, invalidf("backup created_at %s is not an RFC 3339 time", inputerr.Quote(created))
	}
	for _, f := range []struct {
		name string
		v    interface{}
	}{{"team", &d.Team}, {"sellervault_version", &d.SellervaultVersion}, {"deleted_skipped", &d.DeletedSkipped}} {
		if err := decodeField(top, f.name, "backup", f.v); err != nil {
			return nil, err
		}
	}
	if len(d.SellervaultVersion) > 128 {
		return nil, invalidf("backup sellervault_version is too long")
	}
	if d.Records, err = decodeRecords(top["records"]); err != nil {
		return nil, err
	}
	if d.TOTPReenrol, err = decodeTOTP(top["totp_reenrol"]); err != nil {
		return nil, err
	}
	if d.Staff, err = decodeStaff(top["staff"]); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

func decodeRecords(raw json.RawMessage) ([]Record, error) {
	list, err := array(raw, "records")
	if err != nil {
		return nil, err
	}
	if len(list) > MaxRecords {
		return nil, invalidf("backup has %d records; at most %d", len(list), MaxRecords)
	}
	out := make([]Record, 0, len(list))
	for i, item := range list {
		where := fmt.Sprintf("record %d", i+1)
		f, err := fields(item, where, []string{"path", "data", "custom_metadata"}, []string{"version_time"})
		if err != nil {
			return nil, err
		}
		var rec Record
		if err := decodeField(f, "path", where, &rec.Path); err != nil {
			return nil, err
		}
		where = "record " + inputerr.Quote(rec.Path)
		if err := decodeField(f, "version_time", where, &rec.VersionTime); err != nil {
			return nil, err
		}
		if err := decodeObject(f["data"], where+" data", &rec.Data); err != nil {
			return nil, err
		}
		var meta map[string]interface{}
		if err := decodeObject(f["custom_metadata"], where+" custom_metadata", &meta); err != nil {
			return nil, err
		}
		rec.CustomMetadata = make(map[string]string, len(meta))
		for k, v := range meta {
			s, ok := v.(string)
			if !ok {
				return nil, invalidf("%s, custom metadata %s is not a string: custom metadata holds strings only", where, inputerr.Quote(k))
			}
			rec.CustomMetadata[k] = s
		}
		out = append(out, rec)
	}
	return out, nil
}

func decodeTOTP(raw json.RawMessage) ([]TOTPKey, error) {
	list, err := array(raw, "totp_reenrol")
	if err != nil {
		return nil, err
	}
	out := make([]TOTPKey, 0, len(list))
	for i, item := range list {
		where := fmt.Sprintf("totp_reenrol entry %d", i+1)
		f, err := fields(item, where, []string{"credential"}, []string{"issuer", "account"})
		if err != nil {
			return nil, err
		}
		var k TOTPKey
		for name, v := range map[string]*string{"credential": &k.Credential, "issuer": &k.Issuer, "account": &k.Account} {
			if err := decodeField(f, name, where, v); err != nil {
				return nil, err
			}
		}
		out = append(out, k)
	}
	return out, nil
}

func decodeStaff(raw json.RawMessage) ([]Person, error) {
	list, err := array(raw, "staff")
	if err != nil {
		return nil, err
	}
	if len(list) > MaxStaff {
		return nil, invalidf("backup lists %d people; at most %d", len(list), MaxStaff)
	}
	out := make([]Person, 0, len(list))
	for i, item := range list {
		where := fmt.Sprintf("staff entry %d", i+1)
		f, err := fields(item, where, []string{"name", "role", "stores", "status", "staff_record"}, nil)
		if err != nil {
			return nil, err
		}
		var p Person
		for _, x := range []struct {
			name string
			v    interface{}
		}{{"name", &p.Name}, {"role", &p.Role}, {"stores", &p.Stores}, {"status", &p.Status}, {"staff_record", &p.StaffRecord}} {
			if err := decodeField(f, x.name, where, x.v); err != nil {
				return nil, err
			}
		}
		if p.Stores == nil {
			return nil, invalidf("%s: stores is null; use [] for none", where)
		}
		out = append(out, p)
	}
	return out, nil
}

// fields splits a JSON object into its members: every required name must
// be there, optional ones may be, and no other name is taken.
func fields(raw json.RawMessage, where string, required, optional []string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := decodeObject(raw, where, &m); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, n := range required {
		known[n] = true
		if _, ok := m[n]; !ok {
			return nil, invalidf("%s has no %q", where, n)
		}
	}
	for _, n := range optional {
		known[n] = true
	}
	for n := range m {
		if !known[n] {
			return nil, invalidf("%s has an unknown field %s", where, inputerr.Quote(n))
		}
	}
	return m, nil
}

// decodeObject decodes a JSON object (not null, not another type) into v.
func decodeObject(raw json.RawMessage, where string, v interface{}) error {
	if t := firstByte(raw); t != '{' {
		return invalidf("%s is not a JSON object", where)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return invalidf("%s: %s", where, jsonProblem(err))
	}
	return nil
}

// array splits a JSON array (not null) into its elements.
func array(raw json.RawMessage, where string) ([]json.RawMessage, error) {
	if firstByte(raw) != '[' {
		return nil, invalidf("%s is not a JSON array", where)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalidf("%s: %s", where, jsonProblem(err))
	}
	return list, nil
}

// decodeField decodes one member into v; an absent optional member leaves
// v as it is, and null is refused.
func decodeField(m map[string]json.RawMessage, name, where string, v interface{}) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	if firstByte(raw) == 'n' {
		return invalidf("%s: %s is null", where, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return invalidf("%s: %s: %s", where, name, jsonProblem(err))
	}
	return nil
}

func firstByte(raw json.RawMessage) byte {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return 0
	}
	return raw[0]
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("a JSON %s where %s belongs", typeErr.Value, typeName(typeErr))
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("bad JSON at byte %d", syntaxErr.Offset)
	}
	return "bad JSON"
}

func typeName(e *json.UnmarshalTypeError) string {
	switch e.Type.Kind().String() {
	case "string":
		return "a string"
	case "int", "int64":
		return "a whole number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "another type"
}

// checkSyntax walks the tokens of b: one JSON value and nothing after it,
// nested at most MaxDepth+4 deep, with no name twice in one object.
func checkSyntax(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		object  bool
		wantKey bool
		names   map[string]bool
	}
	var stack []*frame
	values := 0
	// value notes that a complete value (or the start of a nested one)
	// came: in an object, a name comes next.
	value := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].wantKey = true
		}
		if len(stack) == 0 {
			values++
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return invalidf("backup document is not valid JSON: %s", jsonProblem(err))
		}
		if len(stack) == 0 && values > 0 {
			return invalidf("backup document has data after its end")
		}
		top := (*frame)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if top != nil && top.object {
					top.wantKey = true
				}
				if len(stack) >= MaxDepth+4 {
					return invalidf("backup document is nested more than %d deep", MaxDepth+4)
				}
				stack = append(stack, &frame{object: t == '{', wantKey: t == '{', names: map[string]bool{}})
			default:
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					values++
				}
			}
		case string:
			if top != nil && top.object && top.wantKey {
				if top.names[t] {
					return invalidf("backup document has the name %s twice in one object", inputerr.Quote(t))
				}
				top.names[t] = true
				top.wantKey = false
				continue
			}
			value()
		default:
			value()
		}
	}
	if values == 0 {
		return invalidf("backup document is empty")
	}
	if firstByte(b) != '{' {
		return invalidf("backup document is not a JSON object")
	}
	return nil
}

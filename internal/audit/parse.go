package audit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Entry is what the report reads of one audit log line. Every other field
// of the line is skipped unread: response data (HMAC'd values), headers,
// policies, token HMACs other than those below.
type Entry struct {
	Time  string // RFC 3339 with nanoseconds, as Vault writes it
	Type  string // "request" or "response"
	Error string // the outer error, e.g. "1 error occurred:\n\t* permission denied\n\n"

	AuthDisplayName string // auth.display_name: "userpass-olga", "root", "approle"
	AuthEntityID    string // auth.entity_id: the identity entity, empty for root and unknown tokens
	// AuthClientToken is auth.client_token, an HMAC: for an unwrap sent
	// with the wrapping token itself, that token's HMAC, the same as the
	// wrap_info.token of the response it wrapped.
	AuthClientToken string

	RequestID          string // request.id: pairs a request entry with its response entry
	RequestOperation   string // request.operation: read, list, create, update, patch, delete
	RequestPath        string // request.path, relative to the namespace: "sellervault/data/stores/acme-us/creds/seller-central"
	RequestClientToken string // request.client_token: an HMAC, never shown; ties a refused token to its earlier owner
	// RequestURI is request.request_uri: the URI as the client sent it
	// ("/v1/sellervault/data/_meta/reminders/%2e%2e/..."), which Vault
	// logs when it differs from the path (percent-encoding, a query).
	RequestURI string
	// RequestTokenAccessor is request.client_token_accessor (an HMAC
	// unless the device was told otherwise): for an unwrap sent with the
	// wrapping token, the wrap_info.accessor of the wrapped response.
	RequestTokenAccessor string

	// From request.data, which the client chose, so a value of an
	// unexpected type is passed over rather than refusing the line:
	RequestDataToken string // request.data.token when a string: the wrapping token's HMAC in sys/wrapping/unwrap
	RequestInput     bool   // request.data.input is there and not null (one Transit input)
	RequestBatch     int    // request.data.batch_input: how many elements, when it is an array (Vault HMACs the values, keeps the list)

	ResponseDisplayName string // response.auth.display_name: who a login made
	ResponseEntityID    string // response.auth.entity_id
	// ResponseError is set when response.data has an "error" key (a
	// refused login, a bad request): the value is HMAC'd and not kept.
	ResponseError bool

	// response.wrap_info, when Vault wrapped the response: the wrapping
	// token's and its accessor's HMACs, and the path whose response was
	// wrapped (Vault does not HMAC it).
	WrapToken, WrapAccessor, WrapPath string
}

// Errors of ParseLine. Every one means the line is skipped and counted as
// malformed; none stops the reading of a log.
var (
	ErrNoObject  = errors.New("audit line holds no JSON object")
	ErrSyntax    = errors.New("audit line is not valid JSON (cut short?)")
	ErrFieldType = errors.New("audit line has a field of the wrong type")
)

// ParseLine decodes one audit log line. Anything before the first "{" is
// ignored (the file device's prefix option); after the object only white
// space may follow. The whole line is checked to be valid JSON, so a line
// cut short by a crash or a full disk is refused rather than half read.
// A field of interest that is null counts as absent; one of another type
// (a number for "path", a string for "auth") refuses the line.
func ParseLine(line []byte) (Entry, error) {
	var raw rawEntry
	if err := parseRaw(line, &raw); err != nil {
		return Entry{}, err
	}
	return Entry{
		Time: string(raw.time), Type: string(raw.typ), Error: string(raw.err),
		AuthDisplayName: string(raw.authDisplay), AuthEntityID: string(raw.authEntity), AuthClientToken: string(raw.authToken),
		RequestID: string(raw.reqID), RequestOperation: string(raw.reqOp), RequestPath: string(raw.reqPath),
		RequestClientToken: string(raw.reqToken), RequestURI: string(raw.reqURI), RequestTokenAccessor: string(raw.reqAccessor),
		RequestDataToken: string(raw.dataToken), RequestInput: raw.input, RequestBatch: raw.batch,
		ResponseDisplayName: string(raw.respDisplay), ResponseEntityID: string(raw.respEntity),
		ResponseError: raw.respErr,
		WrapToken:     string(raw.wrapToken), WrapAccessor: string(raw.wrapAccessor), WrapPath: string(raw.wrapPath),
	}, nil
}

// rawEntry is Entry as byte slices into the line, or into fresh memory for
// the rare string with escapes: the hot path copies only what it keeps.
type rawEntry struct {
	time, typ, err                     []byte
	authDisplay, authEntity, authToken []byte
	reqID, reqOp, reqPath, reqToken    []byte
	reqAccessor, dataToken, reqURI     []byte
	respDisplay, respEntity            []byte
	wrapToken, wrapAccessor, wrapPath  []byte
	respErr                            bool // response.data.error is there, of any type but null
	input                              bool // request.data.input is there, of any type but null
	batch                              int  // request.data.batch_input's length when an array
}

// level is which object the scanner is in; each knows its fields.
type level int

const (
	levelTop level = iota
	levelAuth
	levelRequest
	levelResponse
	levelResponseAuth
	levelResponseData
	levelRequestData
	levelWrapInfo
	levelNone
)

// field says where a key's value goes: a string field, an object to
// descend into, or (neither) nowhere, to be skipped.
func field(lvl level, key []byte, e *rawEntry) (*[]byte, level) {
	switch lvl {
	case levelTop:
		switch string(key) {
		case "time":
			return &e.time, levelNone
		case "type":
			return &e.typ, levelNone
		case "error":
			return &e.err, levelNone
		case "auth":
			return nil, levelAuth
		case "request":
			return nil, levelRequest
		case "response":
			return nil, levelResponse
		}
	case levelAuth:
		switch string(key) {
		case "display_name":
			return &e.authDisplay, levelNone
		case "entity_id":
			return &e.authEntity, levelNone
		case "client_token":
			return &e.authToken, levelNone
		}
	case levelRequest:
		switch string(key) {
		case "id":
			return &e.reqID, levelNone
		case "operation":
			return &e.reqOp, levelNone
		case "path":
			return &e.reqPath, levelNone
		case "client_token":
			return &e.reqToken, levelNone
		case "client_token_accessor":
			return &e.reqAccessor, levelNone
		case "request_uri":
			return &e.reqURI, levelNone
		case "data":
			return nil, levelRequestData
		}
	case levelResponse:
		switch string(key) {
		case "auth":
			return nil, levelResponseAuth
		case "data":
			return nil, levelResponseData
		case "wrap_info":
			return nil, levelWrapInfo
		}
	case levelWrapInfo:
		switch string(key) {
		case "token":
			return &e.wrapToken, levelNone
		case "accessor":
			return &e.wrapAccessor, levelNone
		case "creation_path":
			return &e.wrapPath, levelNone
		}
	case levelResponseAuth:
		switch string(key) {
		case "display_name":
			return &e.respDisplay, levelNone
		case "entity_id":
			return &e.respEntity, levelNone
		}
	}
	return nil, levelNone
}

func parseRaw(line []byte, e *rawEntry) error {
	*e = rawEntry{}
	start := bytes.IndexByte(line, '{')
	if start < 0 {
		return ErrNoObject
	}
	s := scanner{b: line, i: start}
	if err := s.object(e, levelTop); err != nil {
		return err
	}
	s.ws()
	if s.i != len(s.b) {
		return ErrSyntax
	}
	return nil
}

// scanner is a validating JSON reader over one line that decodes only the
// fields the report needs and skips the rest without building anything.
// It accepts exactly what encoding/json accepts (FuzzParseLine checks it
// against a reference built on encoding/json) and needs no recursion for
// skipped values, so a hostile line cannot exhaust the stack.
type scanner struct {
	b []byte
	i int
}

// isSpace is JSON's white space.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) ws() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// object reads an object whose "{" is at s.i, decoding the fields level
// knows. Known objects nest at most three deep, so the recursion is
// bounded; everything else goes through skip.
func (s *scanner) object(e *rawEntry, lvl level) error {
	s.i++ // '{'
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		key, err := s.key()
		if err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		dst, sub := field(lvl, key, e)
		c := s.b[s.i]
		switch {
		case lvl == levelResponseData:
			if string(key) == "error" && c != 'n' {
				e.respErr = true
			}
			if err := s.skip(); err != nil {
				return err
			}
		case lvl == levelRequestData:
			if err := s.requestData(e, key, c); err != nil {
				return err
			}
		case sub == levelRequestData && c != '{':
			// request.data is the client's: of another type (never in
			// Vault's logs), it is passed over rather than refusing the line.
			if err := s.skip(); err != nil {
				return err
			}
		case dst != nil:
			switch c {
			case '"':
				v, err := s.str()
				if err != nil {
					return err
				}
				*dst = v
			case 'n':
				if err := s.literal("null"); err != nil {
					return err
				}
			default:
				if err := s.skip(); err != nil {
					return err
				}
				return ErrFieldType
			}
		case sub != levelNone:
			switch c {
			case '{':
				if err := s.object(e, sub); err != nil {
					return err
				}
			case 'n':
				if err := s.literal("null"); err != nil {
					return err
				}
			default:
				if err := s.skip(); err != nil {
					return err
				}
				return ErrFieldType
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		c = s.b[s.i]
		s.i++
		switch c {
		case ',':
		case '}':
			return nil
		default:
			return ErrSyntax
		}
	}
}

// requestData reads one member of request.data, whose value starts with
// c: the fields the report uses, of the type it expects, are kept; any
// other value is skipped.
func (s *scanner) requestData(e *rawEntry, key []byte, c byte) error {
	switch {
	case string(key) == "token" && c == '"':
		v, err := s.str()
		e.dataToken = v
		return err
	case string(key) == "token":
		e.dataToken = nil
	case string(key) == "batch_input" && c == '[':
		n, err := s.arrayLen()
		e.batch = n
		return err
	case string(key) == "batch_input":
		e.batch = 0
	case string(key) == "input" && c != 'n':
		e.input = true
	}
	return s.skip()
}

// arrayLen passes over an array whose "[" is at s.i and counts its
// elements.
func (s *scanner) arrayLen() (int, error) {
	s.i++ // '['
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return 0, nil
	}
	for n := 1; ; n++ {
		if err := s.skip(); err != nil {
			return 0, err
		}
		s.ws()
		if s.i >= len(s.b) {
			return 0, ErrSyntax
		}
		c := s.b[s.i]
		s.i++
		switch c {
		case ',':
		case ']':
			return n, nil
		default:
			return 0, ErrSyntax
		}
	}
}

// key reads `"name" :` (with white space around) and returns the name.
func (s *scanner) key() ([]byte, error) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, ErrSyntax
	}
	k, err := s.str()
	if err != nil {
		return nil, err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return nil, ErrSyntax
	}
	s.i++
	return k, nil
}

// plain marks the bytes a string can hold as they are: not '"', not '\\',
// not a control character, not beyond ASCII.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Eight bytes at a time (SWAR): lsb and msb are each byte's lowest and
// highest bit.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// stop8 is non-zero when one of the eight bytes of x ends a run of plain
// string bytes: a quote, a backslash or a control character. (v-lsb)&^v
// has a byte's high bit set where v has a zero byte, and (x-lsb*0x20)&^x
// where x has a byte below 0x20; a borrow can only add false alarms above
// a true one, so "none" is exact.
func stop8(x uint64) uint64 {
	q := x ^ (lsb * '"')
	bs := x ^ (lsb * '\\')
	return ((q-lsb)&^q | (bs-lsb)&^bs | (x-lsb*0x20)&^x) & msb
}

// str reads a string whose opening quote is at s.i and returns its value:
// a slice of the line when it has no escapes and is valid UTF-8 (nearly
// always), else a decoded copy, with invalid UTF-8 and lone surrogates
// turned into U+FFFD as encoding/json does.
func (s *scanner) str() ([]byte, error) {
	start := s.i + 1
	i := start
	b := s.b
	for i < len(b) {
		// Eight at a time while all are plain: the bulk of a line is
		// HMACs and hex, all plain.
		for i+8 <= len(b) && (stop8(binary.LittleEndian.Uint64(b[i:]))|binary.LittleEndian.Uint64(b[i:])&msb) == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		if plain[c] {
			i++
			continue
		}
		switch {
		case c == '"':
			s.i = i + 1
			return b[start:i], nil
		case c == '\\' || c >= utf8.RuneSelf:
			return s.strSlow(start)
		default:
			return nil, ErrSyntax // a control character
		}
	}
	return nil, ErrSyntax
}

// strSlow decodes a string with escapes or non-ASCII bytes from start
// (just after the opening quote).
func (s *scanner) strSlow(start int) ([]byte, error) {
	b := s.b
	out := make([]byte, 0, 64)
	i := start
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return out, nil
		case c < 0x20:
			return nil, ErrSyntax
		case c == '\\':
			if i+1 >= len(b) {
				return nil, ErrSyntax
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(b[i+2:])
				if r < 0 {
					return nil, ErrSyntax
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2 := u4(b[i:]); r2 >= 0 {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return nil, ErrSyntax
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		}
	}
	return nil, ErrSyntax
}

// hex4 reads four hex digits; -1 if they are not.
func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// u4 reads `\uXXXX`; -1 if that is not what follows.
func u4(b []byte) rune {
	if len(b) < 6 || b[0] != '\\' || b[1] != 'u' {
		return -1
	}
	return hex4(b[2:])
}

// skipString passes over a string whose opening quote is at s.i,
// checking its escapes.
func (s *scanner) skipString() error {
	b := s.b
	i := s.i + 1
	for i < len(b) {
		for i+8 <= len(b) && stop8(binary.LittleEndian.Uint64(b[i:])) == 0 {
			i += 8
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case plain[c] || c >= utf8.RuneSelf:
			i++
		case c == '"':
			s.i = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(b) {
				return ErrSyntax
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if hex4(b[i+2:]) < 0 {
					return ErrSyntax
				}
				i += 6
			default:
				return ErrSyntax
			}
		default:
			return ErrSyntax
		}
	}
	return ErrSyntax
}

func (s *scanner) literal(word string) error {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return ErrSyntax
	}
	s.i += len(word)
	return nil
}

// number passes over a JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() error {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return ErrSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return ErrSyntax
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return ErrSyntax
		}
	}
	s.i = i
	return nil
}

// skip passes over one value of any kind, checking its syntax, with an
// explicit stack of open containers instead of recursion.
func (s *scanner) skip() error {
	var buf [32]byte
	stack := buf[:0] // the closing byte of each open container
	for {
		// A value.
		s.ws()
		if s.i >= len(s.b) {
			return ErrSyntax
		}
		switch c := s.b[s.i]; {
		case c == '{':
			s.i++
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == '}' {
				s.i++
				break
			}
			stack = append(stack, '}')
			if err := s.keySkip(); err != nil {
				return err
			}
			continue
		case c == '[':
			s.i++
			s.ws()
			if s.i < len(s.b) && s.b[s.i] == ']' {
				s.i++
				break
			}
			stack = append(stack, ']')
			continue
		case c == '"':
			if err := s.skipString(); err != nil {
				return err
			}
		case c == 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case c == 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case c == 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		case c == '-' || '0' <= c && c <= '9':
			if err := s.number(); err != nil {
				return err
			}
		default:
			return ErrSyntax
		}
		// After a value: close containers, or go on to the next element.
	after:
		for {
			if len(stack) == 0 {
				return nil
			}
			s.ws()
			if s.i >= len(s.b) {
				return ErrSyntax
			}
			c := s.b[s.i]
			s.i++
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				if top == '}' {
					if err := s.keySkip(); err != nil {
						return err
					}
				}
				break after
			case c == top:
				stack = stack[:len(stack)-1]
			default:
				return ErrSyntax
			}
		}
	}
}

// keySkip reads `"name" :` without decoding the name.
func (s *scanner) keySkip() error {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return ErrSyntax
	}
	if err := s.skipString(); err != nil {
		return err
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return ErrSyntax
	}
	s.i++
	return nil
}

package audit

import (
	"bytes"
	"errors"
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

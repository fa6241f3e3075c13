package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// sampleLines are real lines of a Vault 1.21 file audit device, written
// during a scripted session of a test team (the values are HMACs of fake
// secrets).
func sampleLines(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open("testdata/sample.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil || len(out) == 0 {
		t.Fatalf("sample: %d lines, %v", len(out), err)
	}
	return out
}

func TestParseLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		want Entry
		err  error
	}{
		{"minimal response", `{"time":"2026-01-02T03:04:05.5Z","type":"response","request":{"id":"r1","operation":"read","path":"sv/data/stores/a/creds/b"}}`,
			Entry{Time: "2026-01-02T03:04:05.5Z", Type: "response", RequestID: "r1", RequestOperation: "read", RequestPath: "sv/data/stores/a/creds/b"}, nil},
		{"auth and error", `{"auth":{"display_name":"userpass-olga","entity_id":"e-1","policies":["default"],"metadata":{"username":"olga"}},"error":"1 error occurred:\n\t* permission denied\n\n","request":{"client_token":"hmac-sha256:ab","path":"p"},"type":"response"}`,
			Entry{Type: "response", AuthDisplayName: "userpass-olga", AuthEntityID: "e-1", Error: "1 error occurred:\n\t* permission denied\n\n",
				RequestClientToken: "hmac-sha256:ab", RequestPath: "p"}, nil},
		{"login response", `{"response":{"auth":{"display_name":"userpass-tom","entity_id":"e-2"},"data":{"x":1}},"type":"response"}`,
			Entry{Type: "response", ResponseDisplayName: "userpass-tom", ResponseEntityID: "e-2"}, nil},
		{"error in the data", `{"response":{"data":{"error":"hmac-sha256:00"}},"type":"response"}`,
			Entry{Type: "response", ResponseError: true}, nil},
		{"null error in the data", `{"response":{"data":{"error":null}}}`, Entry{}, nil},
		{"file device prefix", `vault-audit: {"type":"request"}` + "\r\n", Entry{Type: "request"}, nil},
		{"escapes", `{"request":{"path":"a\/b\u00e9\ud83d\ude00\n"}}`, Entry{RequestPath: "a/bé😀\n"}, nil},
		{"lone surrogate", `{"request":{"path":"\ud800x"}}`, Entry{RequestPath: "\uFFFDx"}, nil},
		{"invalid UTF-8", "{\"request\":{\"path\":\"a\xffb\"}}", Entry{RequestPath: "a\uFFFDb"}, nil},
		{"escaped key", `{"\u0074ype":"response"}`, Entry{Type: "response"}, nil},
		{"nulls", `{"time":null,"auth":null,"request":{"path":null}}`, Entry{}, nil},
		{"duplicate keys: the last wins", `{"type":"request","type":"response"}`, Entry{Type: "response"}, nil},
		{"unwrap with a token in the data", `{"auth":{"client_token":"hmac-sha256:c"},"request":{"client_token_accessor":"hmac-sha256:a","data":{"token":"hmac-sha256:w"},"path":"sys/wrapping/unwrap"}}`,
			Entry{AuthClientToken: "hmac-sha256:c", RequestTokenAccessor: "hmac-sha256:a", RequestDataToken: "hmac-sha256:w", RequestPath: "sys/wrapping/unwrap"}, nil},
		{"wrap info", `{"response":{"wrap_info":{"accessor":"hmac-sha256:a","creation_path":"sv/data/stores/s/creds/x","creation_time":"2026-01-02T03:04:05Z","token":"hmac-sha256:t","ttl":300}}}`,
			Entry{WrapToken: "hmac-sha256:t", WrapAccessor: "hmac-sha256:a", WrapPath: "sv/data/stores/s/creds/x"}, nil},
		{"the URI as sent", `{"request":{"path":"sv/data/../x","request_uri":"/v1/sv/data/%2e%2e/x?version=2"}}`,
			Entry{RequestPath: "sv/data/../x", RequestURI: "/v1/sv/data/%2e%2e/x?version=2"}, nil},
		{"a batch of inputs", `{"request":{"data":{"batch_input":[{"input":"hmac-sha256:1"},{"input":"hmac-sha256:2"},{"input":"hmac-sha256:3"}]}}}`,
			Entry{RequestBatch: 3}, nil},
		{"one input", `{"request":{"data":{"input":"hmac-sha256:1","algorithm":"sha2-256"}}}`, Entry{RequestInput: true}, nil},
		{"an empty batch, a null input", `{"request":{"data":{"batch_input":[],"input":null}}}`, Entry{}, nil},
		{"request data of other types is passed over", `{"request":{"data":{"token":5,"batch_input":"hmac-sha256:x","input":[1]}}}`,
			Entry{RequestInput: true}, nil},
		{"request data that is no object", `{"request":{"data":[1,2],"path":"p"}}`, Entry{RequestPath: "p"}, nil},
		{"the last batch counts", `{"request":{"data":{"batch_input":[1,2],"batch_input":[3]}}}`, Entry{RequestBatch: 1}, nil},
		{"a batch cut short", `{"request":{"data":{"batch_input":[1,2`, Entry{}, ErrSyntax},
		{"a batch with a trailing comma", `{"request":{"data":{"batch_input":[1,]}}}`, Entry{}, ErrSyntax},
		{"wrap info of the wrong type", `{"response":{"wrap_info":{"token":5}}}`, Entry{}, ErrFieldType},
		{"skipped values of every kind", `{"a":[1,-2.5e+3,true,false,null,{"b":[[],{}]},"s\"\\"],"type":"response"}`, Entry{Type: "response"}, nil},

		{"empty", ``, Entry{}, ErrNoObject},
		{"not JSON", `hello`, Entry{}, ErrNoObject},
		{"cut short", `{"time":"2026-01-02T03:04:05Z","type":"resp`, Entry{}, ErrSyntax},
		{"cut after a key", `{"time":`, Entry{}, ErrSyntax},
		{"trailing garbage", `{"type":"response"} x`, Entry{}, ErrSyntax},
		{"two objects", `{"type":"response"}{"type":"request"}`, Entry{}, ErrSyntax},
		{"bad number", `{"a":01}`, Entry{}, ErrSyntax},
		{"bad literal", `{"a":nul}`, Entry{}, ErrSyntax},
		{"bad escape", `{"a":"\x"}`, Entry{}, ErrSyntax},
		{"control character", "{\"a\":\"\t\"}", Entry{}, ErrSyntax},
		{"trailing comma", `{"a":1,}`, Entry{}, ErrSyntax},
		{"wrong close", `{"a":[1}`, Entry{}, ErrSyntax},
		{"number for a string", `{"time":5}`, Entry{}, ErrFieldType},
		{"string for an object", `{"auth":"x"}`, Entry{}, ErrFieldType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLine([]byte(tc.line))
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("ParseLine = %+v, %v; want %+v, %v", got, err, tc.want, tc.err)
			}
			ref, rerr := refParse([]byte(tc.line))
			if (rerr == nil) != (err == nil) || ref != got {
				t.Fatalf("reference = %+v, %v", ref, rerr)
			}
		})
	}
}

func TestParseSample(t *testing.T) {
	for i, line := range sampleLines(t) {
		e, err := ParseLine(line)
		if err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		ref, err := refParse(line)
		if err != nil || ref != e {
			t.Fatalf("line %d: reference %+v, %v; got %+v", i+1, ref, err, e)
		}
		if e.Time == "" || e.Type == "" || e.RequestPath == "" || e.RequestID == "" {
			t.Errorf("line %d: %+v", i+1, e)
		}
		// Cut anywhere, a line is refused, never half read.
		for cut := 1; cut < len(line)-1; cut += 7 {
			if _, err := ParseLine(line[:cut]); err == nil {
				t.Fatalf("line %d cut at %d was accepted", i+1, cut)
			}
		}
	}
}

func TestSkipDeep(t *testing.T) {
	deep := `{"a":` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `,"type":"response"}`
	if e, err := ParseLine([]byte(deep)); err != nil || e.Type != "response" {
		t.Fatalf("deep nesting: %+v, %v", e, err)
	}
	if _, err := ParseLine([]byte(`{"a":` + strings.Repeat("[", 1<<20))); err == nil {
		t.Fatal("unclosed deep nesting accepted")
	}
}

// FuzzParseLine checks the scanner against a reference decoder built on
// encoding/json: the same lines are accepted, with the same fields.
func FuzzParseLine(f *testing.F) {
	for _, line := range sampleLines(f) {
		f.Add(line)
	}
	for _, s := range []string{`{}`, `{"request":{"path":"\ud83d\ude00"}}`, `x{"type":"request"}`, `{"a":[{"b":"c"}]}`,
		`{"response":{"data":{"error":[1]}}}`, `{"time":1e400}`, `{"a":-0.0E-0}`,
		`{"request":{"data":{"batch_input":[{"input":"a"},{"input":"b"}],"input":"c","token":"d"}}}`,
		`{"response":{"wrap_info":{"token":"t","accessor":"a","creation_path":"p"}},"auth":{"client_token":"c"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		got, err := ParseLine(line)
		ref, rerr := refParse(line)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("ParseLine: %v; reference: %v", err, rerr)
		}
		if err == nil && got != ref {
			t.Fatalf("ParseLine = %+v\nreference = %+v", got, ref)
		}
	})
}

// refParse is ParseLine by way of encoding/json's tokens: slow, obviously
// right.
func refParse(line []byte) (Entry, error) {
	i := bytes.IndexByte(line, '{')
	if i < 0 {
		return Entry{}, ErrNoObject
	}
	obj := line[i:]
	if !json.Valid(obj) {
		return Entry{}, ErrSyntax
	}
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	var e Entry
	respData := refFields{presence: map[string]*bool{"error": &e.ResponseError}}
	reqData := refFields{lenient: true, member: func(dec *json.Decoder, key string, tok json.Token) error {
		switch key {
		case "token":
			v, _ := tok.(string)
			e.RequestDataToken = v
		case "batch_input":
			e.RequestBatch = 0
			if tok == json.Delim('[') {
				for dec.More() {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					e.RequestBatch++
				}
				_, err := dec.Token() // ']'
				return err
			}
		case "input":
			if tok != nil {
				e.RequestInput = true
			}
		}
		return refSkip(dec, tok)
	}}
	top := refFields{
		strs: map[string]*string{"time": &e.Time, "type": &e.Type, "error": &e.Error},
		objs: map[string]refFields{
			"auth": {strs: map[string]*string{"display_name": &e.AuthDisplayName, "entity_id": &e.AuthEntityID, "client_token": &e.AuthClientToken}},
			"request": {strs: map[string]*string{"id": &e.RequestID, "operation": &e.RequestOperation, "path": &e.RequestPath,
				"client_token": &e.RequestClientToken, "client_token_accessor": &e.RequestTokenAccessor, "request_uri": &e.RequestURI},
				objs: map[string]refFields{"data": reqData}},
			"response": {objs: map[string]refFields{
				"auth":      {strs: map[string]*string{"display_name": &e.ResponseDisplayName, "entity_id": &e.ResponseEntityID}},
				"data":      respData,
				"wrap_info": {strs: map[string]*string{"token": &e.WrapToken, "accessor": &e.WrapAccessor, "creation_path": &e.WrapPath}},
			}},
		},
	}
	if _, err := dec.Token(); err != nil { // '{'
		return Entry{}, err
	}
	if err := refObject(dec, top); err != nil {
		return Entry{}, err
	}
	return e, nil
}

type refFields struct {
	strs     map[string]*string
	objs     map[string]refFields
	presence map[string]*bool
	// member, when set, reads every member itself (request.data); lenient
	// objects of another type are skipped rather than refused.
	member  func(dec *json.Decoder, key string, tok json.Token) error
	lenient bool
}

func (f refFields) isObject() bool {
	return f.strs != nil || f.objs != nil || f.presence != nil || f.member != nil
}

// refObject reads an object's members after its '{', and its '}'.
func refObject(dec *json.Decoder, f refFields) error {
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		key := k.(string)
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch {
		case f.member != nil:
			if err := f.member(dec, key, tok); err != nil {
				return err
			}
		case f.strs[key] != nil:
			switch v := tok.(type) {
			case string:
				*f.strs[key] = v
			case nil:
			default:
				return ErrFieldType
			}
		case f.objs[key].isObject():
			switch {
			case tok == json.Delim('{'):
				if err := refObject(dec, f.objs[key]); err != nil {
					return err
				}
			case tok == nil:
			case f.objs[key].lenient:
				if err := refSkip(dec, tok); err != nil {
					return err
				}
			default:
				return ErrFieldType
			}
		default:
			if p := f.presence[key]; p != nil && tok != nil {
				*p = true
			}
			if err := refSkip(dec, tok); err != nil {
				return err
			}
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func refSkip(dec *json.Decoder, tok json.Token) error {
	depth := 0
	for {
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = dec.Token(); err != nil {
			if err == io.EOF {
				return ErrSyntax
			}
			return err
		}
	}
}

package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// entry builds an audit line as Vault writes it.
type entry struct {
	typ      string
	at       time.Time
	id       string
	op, path string
	entity   string // "" for none
	display  string
	token    string
	err      string
	dataErr  bool
	respAuth string // a login's entity

	data      map[string]any // request data (Vault HMACs its strings)
	authToken string         // auth.client_token, when it is not the usual
	accessor  string         // request.client_token_accessor
	uri       string         // request.request_uri
	wrap      []string       // response.wrap_info: token, accessor, creation path
}

func (e entry) line() []byte {
	m := map[string]any{"type": e.typ, "time": e.at.Format(time.RFC3339Nano)}
	if e.display != "" || e.entity != "" {
		m["auth"] = map[string]any{"display_name": e.display, "entity_id": e.entity, "client_token": "hmac-sha256:internal",
			"policies": []string{"default"}, "metadata": map[string]string{"username": "x"}}
	}
	if e.authToken != "" { // an unwrap with the wrapping token: no name, no entity
		m["auth"] = map[string]any{"client_token": e.authToken, "accessor": e.accessor, "policies": []string{"response-wrapping"}}
	}
	if e.err != "" {
		m["error"] = e.err
	}
	req := map[string]any{"id": e.id, "operation": e.op, "path": e.path, "client_token": e.token,
		"headers": map[string][]string{"user-agent": {"Go-http-client/1.1"}}, "namespace": map[string]string{"id": "root"}}
	if e.data != nil {
		req["data"] = e.data
	}
	if e.accessor != "" {
		req["client_token_accessor"] = e.accessor
	}
	if e.uri != "" {
		req["request_uri"] = e.uri
	}
	m["request"] = req
	if e.typ == "response" {
		resp := map[string]any{"mount_type": "kv"}
		if e.dataErr {
			resp["data"] = map[string]any{"error": "hmac-sha256:00"}
		} else {
			resp["data"] = map[string]any{"data": map[string]any{"password": "hmac-sha256:11"}}
		}
		if e.respAuth != "" {
			resp["auth"] = map[string]any{"entity_id": e.respAuth, "display_name": "userpass-x"}
		}
		if e.wrap != nil {
			resp["wrap_info"] = map[string]any{"token": e.wrap[0], "accessor": e.wrap[1], "creation_path": e.wrap[2],
				"creation_time": e.at.Format(time.RFC3339Nano), "ttl": 300}
		}
		m["response"] = resp
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

var seq int

// both is a request entry and its response entry.
func both(e entry) [][]byte {
	seq++
	e.id = fmt.Sprintf("req-%d", seq)
	req := e
	req.typ = "request"
	req.dataErr = false
	e.typ = "response"
	return [][]byte{req.line(), e.line()}
}

func team() *Directory {
	return NewDirectory([]Person{
		{Name: "maria", EntityID: "e-maria", Role: RoleManager},
		{Name: "farid", EntityID: "e-farid", Role: RoleFinance, Stores: []string{"acme-us"}},
		{Name: "olga", EntityID: "e-olga", Role: RoleOps, Stores: []string{"acme-us"}},
		{Name: "tom", EntityID: "e-tom", Role: RoleOps, Stores: []string{"acme-de"}, Offboarded: true, OffboardedAt: t0},
		{Name: "ann", EntityID: "e-ann", Role: RoleOps, Stores: []string{"acme-de"}, Offboarded: true},
		{Name: "sam", EntityID: "e-sam", Role: RoleOps, Stores: []string{"acme-de"}, Disabled: true},
	})
}

func by(name string) entry {
	return entry{entity: "e-" + name, display: "userpass-" + name, token: "hmac-sha256:tok-" + name}
}

func (e entry) read(path string, at time.Time) entry {
	e.op, e.path, e.at = "read", path, at
	return e
}

func analyzeLines(t *testing.T, opts Options, lines ...[]byte) *Report {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = "sv"
	}
	if opts.People == nil {
		opts.People = team()
	}
	rep, err := Analyze(bytes.NewReader(append(bytes.Join(lines, []byte("\n")), '\n')), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func flat(groups ...[][]byte) [][]byte {
	var out [][]byte
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func summary(rep *Report) []string {
	var out []string
	for _, e := range rep.Events {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %v", e.Person, e.Action, e.Kind, e.Record, e.Result, e.Flags))
	}
	return out
}

func wantEvents(t *testing.T, rep *Report, want ...string) {
	t.Helper()
	if got := summary(rep); !slices.Equal(got, want) {
		t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

const cred = "sv/data/stores/acme-us/creds/seller-central"

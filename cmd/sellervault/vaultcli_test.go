package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// vault is the few commands of Vault's own CLI that the README's
// production walk-through runs as the operator, made as the CLI makes
// them: plain HTTP requests to VAULT_ADDR with VAULT_TOKEN, trusting
// VAULT_CACERT. (Vault's CLI is not linked into the tests: it brings every
// plugin Vault ships.)
//
//	vault policy write NAME FILE
//	vault token create -policy=NAME [-ttl=DURATION] -orphan -field=token
//	vault token lookup            (fails for a token Vault does not know)
//	vault token revoke -self
//	vault read PATH               (prints Vault's JSON answer)
//	vault kv patch -cas=N -mount=MOUNT PATH KEY=VALUE...
func cmdVaultCLI(ts *testscript.TestScript, neg bool, args []string) {
	call := func(method, path string, body any) (map[string]any, error) {
		return vaultHTTP(ts, method, path, body)
	}
	var err error
	var out string
	switch strings.Join(args[:min(2, len(args))], " ") {
	case "policy write":
		if len(args) != 4 {
			ts.Fatalf("usage: vault policy write NAME FILE")
		}
		_, err = call("PUT", "sys/policies/acl/"+args[2], map[string]any{"policy": ts.ReadFile(args[3])})
		out = "Success! Uploaded policy: " + args[2]
	case "token create":
		req := map[string]any{"no_default_policy": false}
		orphan, field := false, ""
		for _, a := range args[2:] {
			k, v, _ := strings.Cut(strings.TrimPrefix(a, "-"), "=")
			switch k {
			case "policy":
				req["policies"] = append(asStrings(req["policies"]), v)
			case "ttl":
				req["ttl"] = v
			case "orphan":
				orphan = true
			case "field":
				field = v
			default:
				ts.Fatalf("vault token create: flag %s not in this shim", a)
			}
		}
		if !orphan || field != "token" {
			ts.Fatalf("usage: vault token create -policy=NAME [-ttl=D] -orphan -field=token")
		}
		var resp map[string]any
		if resp, err = call("POST", "auth/token/create-orphan", req); err == nil {
			auth, _ := resp["auth"].(map[string]any)
			out, _ = auth["client_token"].(string)
		}
	case "token lookup":
		_, err = call("GET", "auth/token/lookup-self", nil)
		out = "token is valid"
	case "token revoke":
		if len(args) != 3 || args[2] != "-self" {
			ts.Fatalf("usage: vault token revoke -self")
		}
		_, err = call("POST", "auth/token/revoke-self", nil)
		out = "Success! Revoked token (if it existed)"
	case "kv patch":
		var cas, mount, path string
		fields := map[string]any{}
		for _, a := range args[2:] {
			switch {
			case strings.HasPrefix(a, "-cas="):
				cas = strings.TrimPrefix(a, "-cas=")
			case strings.HasPrefix(a, "-mount="):
				mount = strings.TrimPrefix(a, "-mount=")
			case path == "":
				path = a
			default:
				k, v, _ := strings.Cut(a, "=")
				fields[k] = v
			}
		}
		n, cerr := strconv.Atoi(cas)
		if cerr != nil || mount == "" || path == "" || len(fields) == 0 {
			ts.Fatalf("usage: vault kv patch -cas=N -mount=MOUNT PATH KEY=VALUE...")
		}
		_, err = vaultHTTPType(ts, "PATCH", mount+"/data/"+path, map[string]any{"data": fields, "options": map[string]any{"cas": n}}, "application/merge-patch+json")
		out = "Success! Data patched"
	case "read " + strings.Join(args[1:2], ""):
		if len(args) != 2 {
			ts.Fatalf("usage: vault read PATH")
		}
		var resp map[string]any
		if resp, err = call("GET", args[1], nil); err == nil {
			b, _ := json.MarshalIndent(resp, "", "  ")
			out = string(b)
		}
	default:
		ts.Fatalf("vault %s: not in this shim", strings.Join(args, " "))
	}
	switch {
	case err != nil && !neg:
		ts.Fatalf("vault %s: %v", strings.Join(args, " "), err)
	case err == nil && neg:
		ts.Fatalf("vault %s succeeded", strings.Join(args, " "))
	case err == nil:
		_, _ = fmt.Fprintln(ts.Stdout(), out)
	}
}

func asStrings(v any) []string {
	s, _ := v.([]string)
	return s
}

// vaultHTTP makes one request to the script's Vault as its VAULT_TOKEN.
func vaultHTTP(ts *testscript.TestScript, method, path string, body any) (map[string]any, error) {
	return vaultHTTPType(ts, method, path, body, "application/json")
}

// vaultHTTPType is vaultHTTP with the body's content type.
func vaultHTTPType(ts *testscript.TestScript, method, path string, body any, contentType string) (map[string]any, error) {
	tr := &http.Transport{}
	if ca := ts.Getenv("VAULT_CACERT"); ca != "" {
		pem, err := os.ReadFile(ca)
		ts.Check(err)
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		ts.Check(err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.Getenv("VAULT_ADDR")+"/v1/"+path, r)
	ts.Check(err)
	req.Header.Set("X-Vault-Token", ts.Getenv("VAULT_TOKEN"))
	req.Header.Set("Content-Type", contentType)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	out := map[string]any{}
	if len(raw) > 0 {
		err = json.Unmarshal(raw, &out)
	}
	return out, err
}

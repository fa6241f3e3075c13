package backup_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/inputerr"
)

// edit decodes the sample as generic JSON, lets f change it, and encodes
// it again: for documents Marshal would never write.
func edit(t *testing.T, f func(m map[string]interface{})) []byte {
	t.Helper()
	var m map[string]interface{}
	dec := json.NewDecoder(bytes.NewReader(marshal(t, sample())))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func records(m map[string]interface{}) []interface{} { return m["records"].([]interface{}) }
func record(m map[string]interface{}, i int) map[string]interface{} {
	return records(m)[i].(map[string]interface{})
}

// request is the payout change request of the sample.
func request(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.HasPrefix(r.(map[string]interface{})["path"].(string), "proposals/payout/") {
			return r.(map[string]interface{})
		}
	}
	panic("no request")
}

// verification is the payout verification of the sample.
func verification(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.HasPrefix(r.(map[string]interface{})["path"].(string), "verifications/") {
			return r.(map[string]interface{})
		}
	}
	panic("no verification")
}

func withoutVerification(m map[string]interface{}) []interface{} {
	var out []interface{}
	for _, r := range records(m) {
		if !strings.HasPrefix(r.(map[string]interface{})["path"].(string), "verifications/") {
			out = append(out, r)
		}
	}
	return out
}

// firstCred is the index of the credential record in the sorted sample.
func firstCred(m map[string]interface{}) map[string]interface{} {
	for _, r := range records(m) {
		if strings.Contains(r.(map[string]interface{})["path"].(string), "/creds/") {
			return r.(map[string]interface{})
		}
	}
	panic("no credential")
}

func TestBackupDecodeRefuses(t *testing.T) {
	good := string(marshal(t, sample()))
	tests := []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "empty"},
		{"not json", []byte("age-encryption.org/v1\n"), "not valid JSON"},
		{"array", []byte(`[]`), "not a JSON object"},
		{"trailing data", []byte(good + "{}"), "data after its end"},
		{"trailing garbage", []byte(good + "x"), "not valid JSON"},
		{"invalid utf-8", []byte("{\"format\":\"\xff\"}"), "UTF-8"},
		{"other format", edit(t, func(m map[string]interface{}) { m["format"] = "age-vault" }), `format "age-vault"`},
		{"newer version", edit(t, func(m map[string]interface{}) { m["version"] = 3 }), "version 3 is not supported"},
		{"version 0", edit(t, func(m map[string]interface{}) { m["version"] = 0 }), "version 0 is not supported"},
		{"version as string", edit(t, func(m map[string]interface{}) { m["version"] = "1" }), "version"},
		{"unknown field", edit(t, func(m map[string]interface{}) { m["extra"] = true }), `unknown field "extra"`},
		{"case-folded field", edit(t, func(m map[string]interface{}) { m["Team"] = m["team"] }), `unknown field "Team"`},
		{"missing records", edit(t, func(m map[string]interface{}) { delete(m, "records") }), `no "records"`},
		{"records null", edit(t, func(m map[string]interface{}) { m["records"] = nil }), "records is not a JSON array"},
		{"bad time", edit(t, func(m map[string]interface{}) { m["created_at"] = "yesterday" }), "RFC 3339"},
		{"bad team", edit(t, func(m map[string]interface{}) { m["team"] = "../x" }), "not a mount prefix"},
		{"duplicate path", edit(t, func(m map[string]interface{}) {
			m["records"] = append(records(m), record(m, 1))
		}), "appears twice"},
		{"traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/../../sys/policy" }), `".." part`},
		{"dot segment", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/./x" }), `"." part`},
		{"outside prefixes", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "_meta/init" }), "outside the folders"},
		{"redaction index", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "_meta/redact/ab" }), "outside the folders"},
		{"absolute", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "/stores/x" }), "empty part"},
		{"trailing slash", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/x/" }), "empty part"},
		{"backslash", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = `stores\x` }), "backslash"},
		{"control char", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/x\ny" }), "control character"},
		{"too deep path", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "stores/a/b/c/d/e/f/g/h" }), "parts"},
		{"request too deep", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/acme-us/x/y" }), "outside the folders"},
		{"request too shallow", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/acme-us" }), "outside the folders"},
		{"request traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/payout/../x" }), `".." part`},
		{"decision too deep", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/payout/acme-us/x/y" }), "outside the folders"},
		{"decision traversal", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/payout/../../stores/x" }), `".." part`},
		{"other decisions", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "decisions/other/acme-us/1" }), "outside the folders"},
		{"other proposals", edit(t, func(m map[string]interface{}) { record(m, 1)["path"] = "proposals/other/acme-us/1" }), "outside the folders"},
		{"verification too deep", edit(t, func(m map[string]interface{}) { verification(m)["path"] = "verifications/payout/acme-us/x" }), "outside the folders"},
		{"verification dot", edit(t, func(m map[string]interface{}) { verification(m)["path"] = "verifications/payout/." }), `"." part`},
		{"version 1 decision path in version 2", edit(t, func(m map[string]interface{}) {
			record(m, 1)["path"] = "proposals/payout-decisions/acme-us/1"
		}), "where version 1 backups kept decisions"},
		{"verification without time", edit(t, func(m map[string]interface{}) { delete(verification(m), "version_time") }), "no version_time"},
		{"verification empty time", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = "" }), "no version_time"},
		{"verification bad time", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = "yesterday" }), "not an RFC 3339 time"},
		{"verification time null", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = nil }), "version_time is null"},
		{"verification time number", edit(t, func(m map[string]interface{}) { verification(m)["version_time"] = 17 }), "version_time"},
		{"verification long time", edit(t, func(m map[string]interface{}) {
			verification(m)["version_time"] = "2025-05-30T14:02:11." + strings.Repeat("1", 60) + "Z"
		}), "longer than"},
		{"time on another record", edit(t, func(m map[string]interface{}) { firstCred(m)["version_time"] = "2025-05-30T14:02:11Z" }), "only payout change requests and verifications"},
		{"request bad time", edit(t, func(m map[string]interface{}) { request(m)["version_time"] = "2025-06-01 09:00" }), "not an RFC 3339 time"},
		{"version 1 request with a time", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			m["records"] = withoutVerification(m)
			for _, r := range records(m) {
				if p := r.(map[string]interface{})["path"].(string); strings.HasPrefix(p, "decisions/") {
					r.(map[string]interface{})["path"] = "proposals/payout-decisions/" + strings.TrimPrefix(p, "decisions/payout/")
				}
			}
		}), "which a version 1 backup does not have"},
		{"version 1 with a verification", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			delete(request(m), "version_time")
			for _, r := range records(m) {
				if p := r.(map[string]interface{})["path"].(string); strings.HasPrefix(p, "decisions/") {
					r.(map[string]interface{})["path"] = "proposals/payout-decisions/" + strings.TrimPrefix(p, "decisions/payout/")
				}
			}
		}), "not in a version 1 backup"},
		{"version 1 with a decision at its new place", edit(t, func(m map[string]interface{}) {
			m["version"] = 1
			m["records"] = withoutVerification(m)
		}), "not in a version 1 backup"},
		{"non-string metadata", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = 7
		}), "not a string"},
		{"metadata object", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = map[string]interface{}{}
		}), "not a string"},
		{"empty metadata value", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = ""
		}), "empty"},
		{"long metadata value", edit(t, func(m map[string]interface{}) {
			firstCred(m)["custom_metadata"].(map[string]interface{})["owner"] = strings.Repeat("x", 513)
		}), "at most 512"},
		{"metadata null", edit(t, func(m map[string]interface{}) { firstCred(m)["custom_metadata"] = nil }), "not a JSON object"},
		{"data null", edit(t, func(m map[string]interface{}) { firstCred(m)["data"] = nil }), "not a JSON object"},
		{"data string", edit(t, func(m map[string]interface{}) { firstCred(m)["data"] = "x" }), "not a JSON object"},
		{"record unknown field", edit(t, func(m map[string]interface{}) { firstCred(m)["version"] = 3 }), `unknown field "version"`},
		{"totp list missing a credential", edit(t, func(m map[string]interface{}) { m["totp_reenrol"] = []interface{}{} }), "not in totp_reenrol"},
		{"totp list names a stranger", edit(t, func(m map[string]interface{}) {
			m["totp_reenrol"] = append(m["totp_reenrol"].([]interface{}), map[string]interface{}{"credential": "acme-de/x"})
		}), "not a credential with a totp key"},
		{"totp bad address", edit(t, func(m map[string]interface{}) {
			m["totp_reenrol"] = []interface{}{map[string]interface{}{"credential": "../x"}}
		}), "store name"},
		{"staff twice", edit(t, func(m map[string]interface{}) {
			m["staff"] = append(m["staff"].([]interface{}), m["staff"].([]interface{})[0])
		}), "twice"},
		{"staff bad role", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["role"] = "root"
		}), "role"},
		{"staff record missing", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["staff_record"] = true
		}), "staff record"},
		{"staff stores null", edit(t, func(m map[string]interface{}) {
			m["staff"].([]interface{})[0].(map[string]interface{})["stores"] = nil
		}), "null"},
		{"negative deleted", edit(t, func(m map[string]interface{}) { m["deleted_skipped"] = -1 }), "negative"},
		{"duplicate name", []byte(strings.Replace(good, `"format": "sellervault-backup",`, `"format": "sellervault-backup", "format": "sellervault-backup",`, 1)), "twice in one object"},
		{"duplicate data key", []byte(strings.Replace(good, `"kind": "store",`, `"kind": "store", "kind": "x",`, 1)), "twice in one object"},
		{"deep nesting", edit(t, func(m map[string]interface{}) {
			var v interface{} = "x"
			for i := 0; i < 30; i++ {
				v = []interface{}{v}
			}
			firstCred(m)["data"].(map[string]interface{})["deep"] = v
		}), "nested"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := backup.Unmarshal(tt.input)
			if err == nil {
				t.Fatalf("accepted")
			}
			if !errors.Is(err, backup.ErrInvalid) || !errors.Is(err, inputerr.ErrInvalid) {
				t.Fatalf("error %q does not match ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("error %q quotes a value", err)
			}
		})
	}
}

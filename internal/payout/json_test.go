package payout

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	full := `{
		"holder": "Acme Trading GmbH", "iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX",
		"routing": "", "account": "", "account_type": "", "bank": "Commerzbank",
		"country": "DE", "currency": "EUR", "provider": "payoneer"
	}`
	r, err := ParseJSON([]byte(full))
	if err != nil {
		t.Fatal(err)
	}
	want := goodIBAN
	want.IBAN = "DE89 3704 0044 0532 0130 00" // as given: Normalize is the caller's
	if r != want {
		t.Errorf("ParseJSON = %+v, want %+v", r, want)
	}
	if err := r.Normalize().Validate(); err != nil {
		t.Errorf("parsed proposal does not validate: %v", err)
	}
	for _, tc := range []struct {
		in   string
		want Record
	}{
		{`{}`, Record{}},
		{` {"routing":"021000021","account":"0532013000","account_type":"checking","holder":"Acme Inc."} ` + "\n",
			Record{Holder: "Acme Inc.", Routing: "021000021", Account: "0532013000", AccountType: "checking"}},
		{"\ufeff{\"holder\":\"A\\u00e9\"}", Record{Holder: "Aé"}},
		{`{"holder":"A\nB"}`, Record{Holder: "A\nB"}}, // Validate refuses it, not ParseJSON
	} {
		got, err := ParseJSON([]byte(tc.in))
		if err != nil || got != tc.want {
			t.Errorf("ParseJSON(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, tc := range []struct{ in, errHas string }{
		{``, "payout proposal is empty; give a JSON object with the keys holder, iban, bic"},
		{"  \n", "payout proposal is empty"},
		{`{"holder":"A","ibna":"DE89370400440532013000"}`, `payout proposal has unknown key "ibna"; the keys are holder, iban, bic, routing, account, account_type, bank, country, currency, provider`},
		{`{"IBAN":"DE89370400440532013000"}`, `payout proposal has unknown key "IBAN"; use "iban"`},
		{`{"accountType":"checking"}`, `unknown key "accountType"`},
		{`{"iban":"DE89370400440532013000","iban":"GB29NWBK60161331926819"}`, `payout proposal has key "iban" twice; give each key once`},
		{`{"routing":21000021}`, `payout proposal key "routing" is a number; its value must be a string`},
		{`{"holder":null}`, `key "holder" is null`},
		{`{"holder":true}`, `key "holder" is a boolean`},
		{`{"iban":["DE89370400440532013000"]}`, `key "iban" is an array`},
		{`{"iban":{"value":"DE89370400440532013000"}}`, `key "iban" is an object`},
		{`["DE89370400440532013000"]`, "payout proposal is an array, not a JSON object"},
		{`"DE89370400440532013000"`, "payout proposal is a string, not a JSON object"},
		{`42`, "payout proposal is a number, not a JSON object"},
		{`{"holder":"A"} {"holder":"B"}`, "payout proposal has more after the JSON object; give exactly one object"},
		{`{"holder":"A"}x`, "has more after the JSON object"},
		{`{"holder":"A"},`, "has more after the JSON object"},
		{`{"holder":"A"`, "payout proposal is cut short"},
		{`{"holder":"A",}`, "payout proposal is not valid JSON: invalid character '}'"},
		{`{"holder" "A"}`, "payout proposal is not valid JSON"},
		{`{"holder":"A\q"}`, "payout proposal is not valid JSON"},
		{"{\"holder\":\"\xff\"}", "payout proposal is not UTF-8 text"},
		{`{"holder":"` + strings.Repeat("a", MaxJSONSize) + `"}`, "payout proposal is 16397 bytes; the limit is 16384 (16 KiB)"},
	} {
		r, err := ParseJSON([]byte(tc.in))
		call := "ParseJSON(" + quoteInput(tc.in) + ")"
		checkErr(t, call, err, tc.errHas)
		if r != (Record{}) {
			t.Errorf("%s returned %+v with an error", call, r)
		}
		for _, secret := range []string{"DE89370400440532013000", "GB29NWBK60161331926819", "21000021"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: error shows %s: %q", call, secret, err)
			}
		}
	}
	// Exactly at the limit is fine.
	at := `{"holder":"` + strings.Repeat("a", MaxJSONSize-len(`{"holder":""}`)) + `"}`
	if _, err := ParseJSON([]byte(at)); err != nil || len(at) != MaxJSONSize {
		t.Errorf("ParseJSON of %d bytes: %v", len(at), err)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"holder":"A","iban":"DE89 3704 0044 0532 0130 00"}`, `{"routing":"021000021","account":"1234","account_type":"checking"}`,
		`{"iban":1}`, `{"x":"y"}`, `{"iban":"a","iban":"b"}`, `[]`, `{"holder":"A"} x`, "\ufeff{}", `{"holder":"\u202e"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseJSON(data)
		if err != nil {
			checkErr(t, "ParseJSON", err, "payout proposal")
			if r != (Record{}) {
				t.Fatalf("returned %+v with an error", r)
			}
			return
		}
		if len(data) > MaxJSONSize {
			t.Fatalf("accepted %d bytes", len(data))
		}
		// What was accepted re-encodes and parses to the same record.
		m := map[string]string{}
		for _, f := range r.allFields() {
			m[f.Name] = f.Value
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if r2, err := ParseJSON(again); err != nil || r2 != r {
			t.Fatalf("re-parse of %s = %+v, %v; want %+v", again, r2, err, r)
		}
		_ = r.Normalize().Validate() // must not panic
	})
}

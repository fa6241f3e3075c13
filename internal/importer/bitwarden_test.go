package importer

import (
	"strings"
	"testing"
	"time"
)

func TestImportBitwarden(t *testing.T) {
	res := mustParse(t, Bitwarden, "bitwarden.json", "")
	if len(res.Errors) > 0 || len(res.Rows) != 2 || res.Read != 5 {
		t.Fatalf("rows %d read %d errors %v", len(res.Rows), res.Read, errorList(res))
	}
	if got := res.IgnoredSummary(); got != "1 secure note, 1 card, 1 item in the trash" {
		t.Errorf("ignored %q", got)
	}
	r := res.Rows[0]
	// the nested folder "Stores/Acme US" names the store; the app URI is passed over
	if r.Where() != "item 1 (line 14)" || r.Address() != "acme-us/seller-central" || r.Login != "ops@acme.example" ||
		r.Password != "PW-bw-1-Zq7" || r.URL != "https://sellercentral.amazon.com" || r.Notes != "main account" ||
		!r.LastRotated.Equal(time.Date(2024, 1, 15, 10, 20, 30, 0, time.UTC)) || r.TOTP || len(r.Warnings) != 0 {
		t.Errorf("item 1: %s %+v", r.Where(), r)
	}
	r = res.Rows[1]
	// no password revision: the creation date; a TOTP seed and a custom field, not imported
	if r.Address() != "acme-de/ebay" || !r.TOTP || !r.LastRotated.Equal(time.Date(2022, 2, 2, 0, 0, 0, 0, time.UTC)) ||
		len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "1 custom field not imported") {
		t.Errorf("item 2: %+v", r)
	}
	// --store wins over folders
	res = mustParse(t, Bitwarden, "bitwarden.json", "acme-uk")
	if res.Rows[0].Store != "acme-uk" || res.Rows[1].Store != "acme-uk" {
		t.Errorf("%+v", res.Rows)
	}
}

func TestImportBitwardenBad(t *testing.T) {
	res := mustParse(t, Bitwarden, "bitwarden-bad.json", "")
	wantErrors(t, res, [][2]string{
		{"item 2 (line 20)", "folder: the item is in no folder: give --store STORE"},
		{"item 3 (line 30)", `name: has ':', which a credential name cannot have; use "amazon-us"`},
		{"item 4 (line 40)", "login.uris: url uses http, which is not encrypted"},
		{"item 5 (line 55)", "login.username: is empty"},
		{"item 6 (line 65)", "login.username is a number"},
		{"item 8 (line 85)", "login: missing"},
	})
	// with --store, the item without a folder is good
	res = mustParse(t, Bitwarden, "bitwarden-bad.json", "acme-us")
	if len(res.Errors) != 5 {
		t.Errorf("%v", errorList(res))
	}
	for _, tc := range []struct{ data, want string }{
		{`[]`, "it does not start with {"},
		{`{"folders": []}`, "it has no items"},
		{`{"items": {}}`, "its items are not a list"},
		{"{\"items\": [\n{\"type\": 1,,}]}", "line 2: the JSON is malformed"},
		{"{\"items\": []}\xff", "line 1: not UTF-8"},
		{`{"items": [{"type": 1, "name": "x", "login": {"username": "u", "password": "p", "uris": [{"uri": "iosapp://x"}]}}]}`, "item 1|folder: the item is in no folder"},
		{`{"items": [{"type": 9}]}`, ""},
	} {
		res, err := Parse(Bitwarden, []byte(tc.data), opts(""))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = strings.Join(errorList(res), "\n")
		}
		if !strings.Contains(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("%q: %q, want …%s…", tc.data, got, tc.want)
		}
	}
	// an item of an unknown type is counted, not refused
	res, _ = Parse(Bitwarden, []byte(`{"items": [{"type": 9}]}`), opts(""))
	if res.IgnoredSummary() != "1 item of another type" {
		t.Errorf("%q", res.IgnoredSummary())
	}
}

func TestImportBitwardenCollections(t *testing.T) {
	data := `{"encrypted": false, "collections": [{"id": "c1", "name": "Acme US"}, {"id": "c2", "name": "acme-de"}],
	"items": [
	 {"type": 1, "name": "one", "collectionIds": ["c1"], "login": {"username": "u", "password": "p1"}},
	 {"type": 1, "name": "two", "collectionIds": ["c1", "c2"], "login": {"username": "u", "password": "p2"}}]}`
	res, err := Parse(Bitwarden, []byte(data), opts(""))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 || res.Rows[0].Address() != "acme-us/one" {
		t.Errorf("%+v", res.Rows)
	}
	wantErrors(t, res, [][2]string{{"item 2 (line 4)", "folder: the item is in no folder"}})
}

package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func opts(store string) Options {
	return Options{Store: store, Now: func() time.Time { return testNow }}
}

func parseFile(t *testing.T, f Format, name, store string) (*Result, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(f, data, opts(store))
}

func mustParse(t *testing.T, f Format, name, store string) *Result {
	t.Helper()
	res, err := parseFile(t, f, name, store)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// errorList renders a result's errors one per line, as "WHERE|REASON".
func errorList(res *Result) []string {
	var out []string
	for _, e := range res.Errors {
		out = append(out, e.Where()+"|"+e.Reason())
	}
	return out
}

// wantErrors checks the errors' places and that each reason holds its text.
func wantErrors(t *testing.T, res *Result, want [][2]string) {
	t.Helper()
	got := errorList(res)
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		where, reason, _ := strings.Cut(got[i], "|")
		if where != w[0] || !strings.Contains(reason, w[1]) {
			t.Errorf("error %d = %s: %s, want %s: …%s…", i, where, reason, w[0], w[1])
		}
	}
}

func TestImportCSVGood(t *testing.T) {
	res := mustParse(t, CSV, "good.csv", "")
	if len(res.Errors) > 0 || len(res.Rows) != 3 || res.Read != 3 {
		t.Fatalf("rows %d, read %d, errors %v", len(res.Rows), res.Read, errorList(res))
	}
	r := res.Rows[0]
	if r.Where() != "row 2" || r.Address() != "acme-us/seller-central" || r.Login != "ops@acme.example" ||
		r.Password != "PW-good-1-Zq7" || r.URL != "https://sellercentral.amazon.com" || r.Owner != "maria" ||
		strings.Join(r.Assignees, ",") != "olga,tom" || r.RecoveryEmail != "ops@acme.example" ||
		r.RecoveryPhone != "+14155550100" || r.RotateEvery != 90*24*time.Hour ||
		!r.LastRotated.Equal(time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)) || r.Notes != "main login" || r.TOTP {
		t.Errorf("row 2: %+v", r)
	}
	// a title mapped to a name; a quoted password with a comma and quotes; notes on two lines
	r = res.Rows[1]
	if r.Address() != "acme-us/advertising-console" || r.Password != `PW-good-2,with "quotes" and comma` || r.Notes != "two\nlines" {
		t.Errorf("row 3: %q %q %q", r.Address(), r.Password, r.Notes)
	}
	// after a value on two lines, row 4 starts on line 5; capitalised people,
	// assignees with semicolons, and a TOTP seed that is not imported
	r = res.Rows[2]
	if r.Where() != "row 4 (line 5)" || r.Address() != "acme-de/ebay-main" || r.Owner != "maria" ||
		strings.Join(r.Assignees, ",") != "olga,tom" || r.RotateEvery != 12*7*24*time.Hour || !r.TOTP {
		t.Errorf("row 4: %s %+v", r.Where(), r)
	}
	// --store overrides the column
	res = mustParse(t, CSV, "good.csv", "acme-uk")
	for _, r := range res.Rows {
		if r.Store != "acme-uk" {
			t.Errorf("%s: store %q, want acme-uk", r.Where(), r.Store)
		}
	}
}

func TestImportCSVBOMSemicolonsAliasesAnyOrder(t *testing.T) {
	res := mustParse(t, CSV, "bom-semicolon.csv", "")
	if len(res.Errors) > 0 || len(res.Rows) != 1 {
		t.Fatalf("%v", errorList(res))
	}
	r := res.Rows[0]
	if r.Address() != "acme-us/shopify-admin" || r.Login != "admin@acme.example" || r.Password != "PW-bom-1-Zq7" || r.URL != "https://admin.shopify.com" {
		t.Errorf("%+v", r)
	}
}

func TestImportCSVMalformed(t *testing.T) {
	res := mustParse(t, CSV, "malformed.csv", "")
	wantErrors(t, res, [][2]string{
		{"row 3", `column name: has '(', which a credential name cannot have; use "amazon-us"`},
		{"row 4", "column login: is empty"},
		{"row 5", "column password: is empty"},
		{"row 6", "column url: url uses http"},
		{"row 6", "column recovery_email: email address has no @"},
		{"row 6", "column recovery_phone: phone number has no country code"},
		{"row 6", "column rotate_every: rotation interval: use one whole number"},
		{"row 6", "column last_rotated: is not a date"},
		{"row 7", "has 10 fields but the header has 9: a value with a comma in it must be in double quotes"},
		{"row 9", "column store: is empty: fill in the store, or give --store"},
		{"row 10", "column password: has a line break"},
		{"row 11 (line 12)", `malformed CSV: a " inside a value that is not in double quotes`},
	})
	// an error of a row with good names says which credential it is
	if res.Errors[1].Address != "acme-us/no-login" || res.Errors[0].Address != "" {
		t.Errorf("addresses %q, %q", res.Errors[0].Address, res.Errors[1].Address)
	}
	// the two good rows are read (row 8 repeats row 2: NewPlan refuses it)
	if len(res.Rows) != 2 || res.Rows[0].Line != 2 || res.Rows[1].Line != 8 {
		t.Errorf("rows %+v", res.Rows)
	}
	for _, e := range res.Errors {
		if !errors.Is(e, inputerr.ErrInvalid) {
			t.Errorf("%v does not match inputerr.ErrInvalid", e)
		}
	}
}

func TestImportFileErrors(t *testing.T) {
	for _, tc := range []struct {
		f          Format
		file, want string
		store      string
	}{
		{CSV, "missing-columns.csv", "row 1 (the header): no password column; the header needs store (or --store), name, login and password", ""},
		{CSV, "unknown-column.csv", "row 1 (the header): column 5 (E) is not a column sellervault knows: rename it to one of store, name,", ""},
		{CSV, "no-header.csv", "row 1 is not a header: the first row must name the columns, like store,name,login,password,", ""},
		{CSV, "utf16.csv", `the file is UTF-16 (Excel's "Unicode Text"), not UTF-8: save it as "CSV UTF-8"`, ""},
		{Bitwarden, "bitwarden-encrypted.json", "this is an encrypted Bitwarden export: export the vault again as .json", ""},
		{Bitwarden, "bitwarden-truncated.json", "the JSON ends early: the file is cut short", ""},
		{Bitwarden, "good.csv", "not a Bitwarden JSON export: it does not start with {", ""},
		{OnePassword, "1password-missing.csv", "row 1 (the header): no Password column; is this 1Password's CSV export?", "acme-us"},
		{OnePassword, "1password.csv", "--store STORE is needed with --from 1password", ""},
		{CSV, "good.csv", `store name "Acme" has upper-case letters`, "Acme"},
	} {
		res, err := parseFile(t, tc.f, tc.file, tc.store)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, inputerr.ErrInvalid) {
			t.Errorf("%s %s: %v (rows %v), want …%s…", tc.f, tc.file, err, res, tc.want)
		}
	}
	for _, tc := range []struct {
		data, want string
	}{
		{"", "the file is empty"},
		{"\n\n", "the file is empty"},
		{"name,login,password\nx,y\n", "row 2|has 2 fields but the header has 3"},
		{"name,name,login,password\n", "column 2 (B) is name again, as column 1 (A) is"},
		{"name;login;password\nx;y;z;w\n", "a value with a semicolon in it"},
		{"\"name,login\n", "row 1 (the header): malformed CSV: a value in double quotes is not closed"},
	} {
		res, err := Parse(CSV, []byte(tc.data), opts("acme-us"))
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = strings.Join(errorList(res), "\n")
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q: %q, want …%s…", tc.data, got, tc.want)
		}
	}
}

// A Windows-1252 file (Excel's plain "CSV") is reported row by row, not
// guessed at.
func TestImportCSVNotUTF8(t *testing.T) {
	res := mustParse(t, CSV, "windows-1252.csv", "")
	wantErrors(t, res, [][2]string{
		{"row 3", "not UTF-8: save the file as UTF-8 CSV"},
		{"row 4", "not UTF-8: save the file as UTF-8 CSV"},
	})
	if got := res.Errors[0].Error(); !strings.HasPrefix(got, "row 3: not UTF-8: save the file as UTF-8 CSV") {
		t.Errorf("%q", got)
	}
	if len(res.Rows) != 1 {
		t.Errorf("%d rows", len(res.Rows))
	}
	// a header that is not UTF-8 stops the file
	if _, err := Parse(CSV, []byte("n\xe4me,login,password\n"), opts("acme-us")); err == nil || !strings.Contains(err.Error(), "row 1 (the header): not UTF-8") {
		t.Errorf("%v", err)
	}
}

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

func TestImportOnePassword(t *testing.T) {
	res := mustParse(t, OnePassword, "1password.csv", "acme-us")
	if len(res.Errors) > 0 || len(res.Rows) != 2 || res.Read != 3 || res.IgnoredSummary() != "1 archived item" {
		t.Fatalf("rows %d read %d ignored %q errors %v", len(res.Rows), res.Read, res.IgnoredSummary(), errorList(res))
	}
	r := res.Rows[0]
	if r.Address() != "acme-us/seller-central" || r.Login != "ops@acme.example" || r.Password != "PW-1p-1-Zq7" ||
		r.URL != "https://sellercentral.amazon.com" || r.Notes != "main login\nsecond line" || !r.TOTP {
		t.Errorf("%+v", r)
	}
	if r := res.Rows[1]; r.Where() != "row 3 (line 4)" || r.Address() != "acme-us/walmart-seller" || r.Password != "PW-1p-2,Zq7" || r.TOTP {
		t.Errorf("%s %+v", r.Where(), r)
	}
	// columns in any order and case; only Title, Username and Password needed
	res = mustParse(t, OnePassword, "1password-reordered.csv", "acme-us")
	if len(res.Errors) > 0 || len(res.Rows) != 1 || res.Rows[0].Address() != "acme-us/shopify-admin" || res.Rows[0].Password != "PW-1p-r1-Zq7" {
		t.Errorf("%+v %v", res.Rows, errorList(res))
	}
	// an older export's Type column: only logins
	res, err := Parse(OnePassword, []byte("Title,Username,Password,Type\na,u,p,Login\nb,u,p,Credit Card\n"), opts("acme-us"))
	if err != nil || len(res.Rows) != 1 || res.IgnoredSummary() != "1 item that is not a login" {
		t.Errorf("%v %+v %q", err, res.Rows, res.IgnoredSummary())
	}
	// a bad cell names 1Password's column
	res, _ = Parse(OnePassword, []byte("Title,Url,Username,Password\nx,sellercentral.amazon.com,u,p\n"), opts("acme-us"))
	wantErrors(t, res, [][2]string{{"row 2", "column Url: url does not start with https://"}})
}

func TestImportMapName(t *testing.T) {
	for _, tc := range []struct{ in, want, problem string }{
		{"seller-central", "seller-central", ""},
		{"Seller Central", "seller-central", ""},
		{"  Seller  Central  ", "seller-central", ""},
		{"ACME_us.main", "acme-us-main", ""},
		{"-x-", "x", ""},
		{"Amazon Seller Central (US)", "", `has '(', which a credential name cannot have; use "amazon-seller-central-us"`},
		{"eBay/DE", "", `has a slash, which a credential name cannot have; use "ebay-de"`},
		{"café", "", `has the non-ASCII character 'é', which a credential name cannot have; use "caf"`},
		{"日本", "", "which a credential name cannot have; use lower-case letters, digits and hyphens"},
		{"---", "", "has no letters or digits"},
		{strings.Repeat("ab ", 30), "", `is 89 characters long as a credential name; use at most 63, like "ab-ab-`},
	} {
		got, problem := MapName("credential name", tc.in)
		if got != tc.want || !strings.Contains(problem, tc.problem) || (tc.problem == "") != (problem == "") {
			t.Errorf("MapName(%q) = %q, %q; want %q, …%s…", tc.in, got, problem, tc.want, tc.problem)
		}
		if got != "" {
			if _, err := records.ParseCredName(got); err != nil {
				t.Errorf("MapName(%q) = %q: %v", tc.in, got, err)
			}
		}
	}
}

// Every message the importer gives about the test files (fatal errors,
// row errors, plan reasons) is free of the files' values: the passwords
// (all marked Zq7) and the other values the errors are about.
func TestImportMessagesHoldNoValues(t *testing.T) {
	values := []string{"Zq7", "acme.example", "insecure", "not-an-email", "4155550100", "3 months", "yesterday", "JBSWY3DPEHPK3PXP", "caf", "2fa phone"}
	files, _ := filepath.Glob("testdata/*")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		for _, f := range Formats {
			for _, store := range []string{"", "acme-us"} {
				res, err := Parse(f, data, opts(store))
				var texts []string
				if err != nil {
					texts = append(texts, err.Error())
				} else {
					for _, e := range res.Errors {
						texts = append(texts, e.Error())
					}
					plan := NewPlan(res, Inventory{Stores: map[string]bool{"acme-us": true}}, Update)
					for _, it := range plan.Items {
						texts = append(texts, it.Where()+" "+it.Address+" "+it.Reason)
					}
					if err := plan.Err(res.Unit); err != nil {
						texts = append(texts, err.Error())
					}
				}
				for _, text := range texts {
					for _, v := range values {
						if strings.Contains(text, v) {
							t.Errorf("%s as %s: %q holds %q", file, f, text, v)
						}
					}
				}
			}
		}
	}
}

func inventory(stores []string, creds map[string]CredState) Inventory {
	inv := Inventory{Stores: map[string]bool{}, Creds: creds}
	for _, s := range stores {
		inv.Stores[s] = true
	}
	return inv
}

func TestImportPlan(t *testing.T) {
	data := "store,name,login,password,totp\n" +
		"acme-us,new,u,p1,\n" + // 2: add
		"acme-us,old,u,p2,\n" + // 3: exists
		"acme-us,gone,u,p3,\n" + // 4: deleted
		"acme-xx,lost,u,p4,\n" + // 5: no such store
		"acme-us,New,u,p5,\n" + // 6: repeats row 2 once mapped
		"acme-us,seeded,u,p6,SEED\n" + // 7: add, seed left out
		"acme-us,Bad Name!,u,p7,\n" // 8: invalid
	res, err := Parse(CSV, []byte(data), opts(""))
	if err != nil {
		t.Fatal(err)
	}
	inv := inventory([]string{"acme-us"}, map[string]CredState{"acme-us/old": Live, "acme-us/gone": Deleted})
	type line struct {
		where   string
		action  Action
		address string
		reason  string
	}
	check := func(p *Plan, want []line) {
		t.Helper()
		if len(p.Items) != len(want) {
			t.Fatalf("%d items, want %d: %+v", len(p.Items), len(want), p.Items)
		}
		for i, w := range want {
			it := p.Items[i]
			if it.Where() != w.where || it.Action != w.action || it.Address != w.address || !strings.Contains(it.Reason, w.reason) {
				t.Errorf("item %d = %s %s %s %q, want %s %s %s …%s…", i, it.Where(), it.Action, it.Address, it.Reason, w.where, w.action, w.address, w.reason)
			}
			if (it.Action == ActionAdd || it.Action == ActionUpdate) != (it.Row != nil) {
				t.Errorf("item %d: row %v", i, it.Row)
			}
		}
	}
	p := NewPlan(res, inv, Skip)
	check(p, []line{
		{"row 2", ActionAdd, "acme-us/new", ""},
		{"row 3", ActionSkip, "acme-us/old", "exists (--on-duplicate update would update it)"},
		{"row 4", ActionSkip, "acme-us/gone", "a deleted credential has this name (`sellervault cred undelete acme-us/gone` brings it back)"},
		{"row 5", ActionError, "acme-xx/lost", "no store acme-xx: add it first with `sellervault store add acme-xx --marketplace M --region R`"},
		{"row 6", ActionError, "acme-us/new", "the same credential as row 2: keep one of them"},
		{"row 7", ActionAdd, "acme-us/seeded", "its TOTP seed was not imported: enrol it with `sellervault totp add acme-us/seeded`"},
		{"row 8", ActionError, "", "column name: has '!'"},
	})
	if p.Valid() || p.Counts[ActionAdd] != 2 || p.Counts[ActionSkip] != 2 || p.Counts[ActionError] != 3 || len(p.TOTP) != 1 {
		t.Errorf("counts %v totp %v", p.Counts, p.TOTP)
	}
	if err := p.Err("row"); err == nil || err.Error() != "3 of 7 rows have errors (listed above); nothing was imported: fix them and run the same command again" || !errors.Is(err, inputerr.ErrInvalid) {
		t.Errorf("%v", err)
	}
	p = NewPlan(res, inv, Update)
	if it := p.Items[1]; it.Action != ActionUpdate || it.Reason != "exists: the file's fields replace its own" {
		t.Errorf("%+v", it)
	}
	if it := p.Items[2]; it.Action != ActionError || !strings.Contains(it.Reason, "bring it back with `sellervault cred undelete acme-us/gone` first, or rename the row") {
		t.Errorf("%+v", it)
	}
	// a valid plan
	res, _ = Parse(CSV, []byte("store,name,login,password\nacme-us,a,u,p\n"), opts(""))
	if p := NewPlan(res, inv, Skip); !p.Valid() || p.Err("row") != nil {
		t.Errorf("%+v", p)
	}
	if got := res.Stores(); len(got) != 1 || got[0] != "acme-us" {
		t.Errorf("%v", got)
	}
	if got := res.Names("acme-us"); len(got) != 1 || got[0] != "a" {
		t.Errorf("%v", got)
	}
}

func TestImportCredentialAndMerge(t *testing.T) {
	row := Row{Store: "acme-us", Name: "x", Login: "new@acme.example", Password: "new-pw", URL: "https://x.example",
		Assignees: []string{"olga"}, RotateEvery: 30 * 24 * time.Hour}
	c := row.Credential(testNow)
	if c.Address() != "acme-us/x" || c.Password != "new-pw" || !c.Rotation.LastRotated.Equal(testNow) || c.Rotation.Every != row.RotateEvery {
		t.Errorf("%+v", c)
	}
	long := testNow.Add(-400 * 24 * time.Hour)
	cur := records.Credential{Store: "acme-us", Name: "x", Login: "old@acme.example", Password: "old-pw", Owner: "maria",
		Notes: "kept", TOTPKey: "acme-us.x", Rotation: records.Rotation{LastRotated: long, DueSince: long.Add(time.Hour)}}
	next, changed, err := row.Merge(cur, testNow)
	if err != nil || !changed || next.Login != "new@acme.example" || next.Password != "new-pw" || next.Owner != "maria" ||
		next.Notes != "kept" || next.TOTPKey != "acme-us.x" || strings.Join(next.Assignees, ",") != "olga" ||
		!next.Rotation.LastRotated.Equal(testNow) || !next.Rotation.DueSince.IsZero() {
		t.Errorf("%v %v %+v", err, changed, next)
	}
	// the same again: nothing changes
	if _, changed, err := row.Merge(next, testNow); err != nil || changed {
		t.Errorf("second merge: %v %v", changed, err)
	}
	// a password older than a "due" marking leaves the marking
	old := row
	old.LastRotated = long
	next, _, _ = old.Merge(cur, testNow)
	if next.Rotation.DueSince.IsZero() || !next.Rotation.LastRotated.Equal(long) {
		t.Errorf("%+v", next.Rotation)
	}
	// a rotation under way keeps its password
	cur.Pending = "pending-pw"
	if _, _, err := row.Merge(cur, testNow); !errors.Is(err, ErrPending) {
		t.Errorf("%v", err)
	}
	same := row
	same.Password = cur.Password
	if _, _, err := same.Merge(cur, testNow); err != nil {
		t.Errorf("%v", err)
	}
}

func TestImportParseFlags(t *testing.T) {
	for in, want := range map[string]Format{"csv": CSV, "Bitwarden": Bitwarden, "1password": OnePassword, "onepassword": OnePassword} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("lastpass"); err == nil || !strings.Contains(err.Error(), "use csv, bitwarden or 1password") {
		t.Errorf("%v", err)
	}
	for in, want := range map[string]OnDuplicate{"": Skip, "skip": Skip, "UPDATE": Update} {
		if got, err := ParseOnDuplicate(in); err != nil || got != want {
			t.Errorf("ParseOnDuplicate(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseOnDuplicate("overwrite"); err == nil {
		t.Error("overwrite accepted")
	}
}

func TestImportColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 4: "E", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestImportDates(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-31": "2024-03-31T00:00:00Z", "2024-03-31T10:00:00+02:00": "2024-03-31T08:00:00Z",
		"2024-03-31T10:00:00.5Z": "2024-03-31T10:00:00Z", "31/03/2024": "is not a date", "2030-01-01": "is in the future",
	} {
		got, problem := parseDate(in, testNow)
		if problem != "" {
			if !strings.Contains(problem, want) {
				t.Errorf("%s: %s, want %s", in, problem, want)
			}
		} else if got.Format(time.RFC3339) != want {
			t.Errorf("%s: %s, want %s", in, got.Format(time.RFC3339), want)
		}
	}
}

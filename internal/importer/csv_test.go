package importer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
)

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

func TestImportColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 4: "E", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %s, want %s", i, got, want)
		}
	}
}

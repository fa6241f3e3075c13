package importer

import "testing"

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

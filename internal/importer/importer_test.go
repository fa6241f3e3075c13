package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
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

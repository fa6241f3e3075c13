package importer

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/records"
)

// The fuzz targets put a canary wherever the input has the token @PW@
// (the seeds have it in password cells, the fuzzer moves it anywhere), and
// check that it never shows in an error, a reason or a plan: the canary
// has characters no name may have, so that even a name's suggestion
// cannot hold it whole.
const (
	canaryToken = "@PW@"
	canary      = "Kq9#Vx!Canary"
)

func canaryIn(s string) bool { return strings.Contains(s, "Kq9#") || strings.Contains(s, "Canary") }

// checkParse runs Parse and NewPlan over data and checks what must hold
// for any input.
func checkParse(t *testing.T, f Format, data []byte, store string) {
	data = bytes.ReplaceAll(data, []byte(canaryToken), []byte(canary))
	res, err := Parse(f, data, opts(store))
	if err != nil {
		if res != nil {
			t.Fatalf("both a result and %v", err)
		}
		checkMessage(t, err.Error())
		if !errors.Is(err, inputerr.ErrInvalid) {
			t.Fatalf("%v does not match inputerr.ErrInvalid", err)
		}
		return
	}
	if res == nil {
		t.Fatal("no result and no error")
	}
	for _, e := range res.Errors {
		checkMessage(t, e.Error())
		if e.Line < 1 || !errors.Is(e, inputerr.ErrInvalid) {
			t.Fatalf("error %+v", e)
		}
	}
	for _, r := range res.Rows {
		checkRow(t, &r, store)
	}
	// a plan over the result: every item accounted for, no value in a reason
	inv := inventory([]string{"acme-us", "acme-de"}, map[string]CredState{"acme-us/seller-central": Live, "acme-us/ads": Deleted})
	for _, dup := range []OnDuplicate{Skip, Update} {
		p := NewPlan(res, inv, dup)
		n := 0
		for _, c := range p.Counts {
			n += c
		}
		if n != len(p.Items) || len(p.Items) != len(res.Errors)+len(res.Rows) {
			t.Fatalf("plan of %d items counts %v (%d rows, %d errors)", len(p.Items), p.Counts, len(res.Rows), len(res.Errors))
		}
		for _, it := range p.Items {
			checkMessage(t, it.Where()+" "+it.Address+" "+it.Reason)
		}
		if err := p.Err(res.Unit); err != nil {
			checkMessage(t, err.Error())
		} else if !p.Valid() {
			t.Fatal("invalid plan without an error")
		}
	}
}

func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if canaryIn(msg) {
		t.Fatalf("message holds the canary: %q", msg)
	}
	if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("message is not one line of UTF-8: %q", msg)
	}
}

// checkRow: a valid row is what sellervault stores: good names, a login
// and a one-line password, normalised fields that parse as themselves,
// and metadata that fits.
func checkRow(t *testing.T, r *Row, store string) {
	t.Helper()
	if _, err := records.ParseStoreName(r.Store); err != nil {
		t.Fatalf("row store: %v", err)
	}
	if _, err := records.ParseCredName(r.Name); err != nil {
		t.Fatalf("row name: %v", err)
	}
	if store != "" && r.Store != store {
		t.Fatalf("store %q, want %q", r.Store, store)
	}
	if r.Login == "" || r.Password == "" || hasControl(r.Password, true) || hasControl(r.Login, false) {
		t.Fatalf("login %q, password of %d bytes", r.Login, len(r.Password))
	}
	for _, s := range []string{r.Login, r.Password, r.URL, r.Notes, r.Owner, r.RecoveryEmail, r.RecoveryPhone} {
		if !utf8.ValidString(s) {
			t.Fatalf("not UTF-8: %q", s)
		}
	}
	same := func(v string, parse func(string) (string, error)) {
		if v == "" {
			return
		}
		if got, err := parse(v); err != nil || got != v {
			t.Fatalf("%q parses as %q, %v", v, got, err)
		}
	}
	same(r.URL, records.ParseURL)
	same(r.Owner, records.ParsePersonName)
	same(r.RecoveryEmail, records.ParseEmail)
	same(r.RecoveryPhone, records.ParsePhone)
	for _, a := range r.Assignees {
		same(a, records.ParsePersonName)
	}
	if err := r.Credential(testNow).Encode().Check(); err != nil {
		t.Fatalf("metadata: %v", err)
	}
	for _, w := range r.Warnings {
		checkMessage(t, w)
	}
}

func addSeeds(f *testing.F, pattern string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	for _, s := range extra {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "acme-us")
	}
}

// FuzzCSV: sellervault's CSV format, mapped to credentials.
func FuzzCSV(f *testing.F) {
	addSeeds(f, "*.csv",
		CSVHeader+"\nacme-us,Seller Central,ops@acme.example,@PW@,https://sellercentral.amazon.com,maria,\"olga,tom\",ops@acme.example,+1 415 555 0100,90d,2024-03-31,notes,\n",
		"name;login;password;url\n@PW@;@PW@;@PW@;@PW@\n",
		"store,name,login,password,recovery_email,recovery_phone,rotate_every,owner,assignees,last_rotated\n@PW@,@PW@,u,@PW@,@PW@,@PW@,@PW@,@PW@,@PW@,@PW@\n",
		"store,name,login,password\nacme-us,x,u,\"@PW@\n@PW@\"\nacme-us,y,u,@PW@\xe9\n",
		"@PW@,name,login,password\n",
	)
	f.Fuzz(func(t *testing.T, data []byte, store string) {
		if _, err := records.ParseStoreName(store); err != nil {
			store = ""
		}
		checkParse(t, CSV, data, store)
	})
}

// FuzzBitwarden: Bitwarden's JSON export.
func FuzzBitwarden(f *testing.F) {
	addSeeds(f, "*.json",
		`{"folders":[{"id":"a","name":"@PW@"}],"items":[{"type":1,"folderId":"a","name":"@PW@","notes":"@PW@","login":{"username":"@PW@","password":"@PW@","totp":"@PW@","uris":[{"uri":"@PW@"},{"uri":"https://@PW@"}],"passwordRevisionDate":"@PW@"}}]}`,
		`{"items":[{"type":1,"name":"x","login":{"username":"u","password":987654321}}]}`,
		`{"items":[{"type":"@PW@"}],"encrypted":"@PW@"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte, store string) {
		if _, err := records.ParseStoreName(store); err != nil {
			store = ""
		}
		checkParse(t, Bitwarden, data, store)
	})
}

// FuzzOnePassword: 1Password's CSV export.
func FuzzOnePassword(f *testing.F) {
	addSeeds(f, "1password*.csv",
		OnePasswordHeader+"\n@PW@,@PW@,@PW@,@PW@,@PW@,@PW@,@PW@,@PW@,@PW@\n",
		"password,title,username,archived,type\n@PW@,x,u,false,login\n@PW@,y,u,true,login\n",
	)
	f.Fuzz(func(t *testing.T, data []byte, store string) {
		if _, err := records.ParseStoreName(store); err != nil || store == "" {
			store = "acme-us"
		}
		checkParse(t, OnePassword, data, store)
	})
}

// A number where a password belongs is refused without showing it.
func TestImportBitwardenNumberNotShown(t *testing.T) {
	res, err := Parse(Bitwarden, []byte(`{"items":[{"type":1,"name":"x","login":{"username":"u","password":987654321}}]}`), opts("acme-us"))
	if err != nil || len(res.Errors) != 1 || strings.Contains(res.Errors[0].Error(), "987") ||
		!strings.Contains(res.Errors[0].Error(), "login.password is a number") {
		t.Fatalf("%v %v", err, errorList(res))
	}
}

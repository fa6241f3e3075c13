package records

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkParseError checks what every refused input must give: an error that
// matches ErrInvalidInput, on one line, starting with a lower-case word,
// short enough to read, and containing wantHas (a part of the message
// that names the problem or the fix).
func checkParseError(t testing.TB, call string, err error, wantHas string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one containing %q", call, wantHas)
	}
	msg := err.Error()
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("%s: error %q does not match ErrInvalidInput", call, msg)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("%s: error is not one line: %q", call, msg)
	}
	if r, _ := utf8.DecodeRuneInString(msg); !unicode.IsLower(r) {
		t.Errorf("%s: error does not start lower-case: %q", call, msg)
	}
	if len(msg) > 400 {
		t.Errorf("%s: error is %d bytes long: %q", call, len(msg), msg)
	}
	if !strings.Contains(msg, wantHas) {
		t.Errorf("%s: error %q does not contain %q", call, msg, wantHas)
	}
}

var nameChars = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

func TestParseNames(t *testing.T) {
	const (
		len63 = "a23456789012345678901234567890123456789012345678901234567890123"
		len64 = len63 + "4"
	)
	for _, tc := range []struct {
		in      string
		errHas  string // "" for a good name
		noStore bool   // only the credential-name message differs
	}{
		{in: "acme-us"},
		{in: "seller-central"},
		{in: "a"},
		{in: "7"},
		{in: "store2"},
		{in: "x--y"},
		{in: len63},
		{in: "", errHas: "is empty; use lower-case letters"},
		{in: len64, errHas: "is 64 characters long; use at most 63"},
		{in: "Acme-US", errHas: `has upper-case letters; use "acme-us"`},
		{in: "acme_us", errHas: `has an underscore; use "acme-us"`},
		{in: "acme.us", errHas: `has a dot; use "acme-us"`},
		{in: "acme us", errHas: `has a space; use "acme-us"`},
		{in: " acme", errHas: `has a space; use "acme"`},
		{in: "acme/us", errHas: "has a slash; use lower-case letters, digits and inner hyphens"},
		{in: "../evil", errHas: "has a dot"},
		{in: "-acme", errHas: `starts with a hyphen; use "acme"`},
		{in: "acme-", errHas: `ends with a hyphen; use "acme"`},
		{in: "-", errHas: "starts with a hyphen; use lower-case letters"},
		{in: "ácme", errHas: "has the non-ASCII character 'á'"},
		{in: "ａcme", errHas: "has the non-ASCII character"},
		{in: "a\x00b", errHas: `"a\x00b" has a control character`},
		{in: "a\nb", errHas: `"a\nb" has a control character`},
		{in: "\xff", errHas: "has bytes that are not UTF-8"},
		{in: "a*", errHas: "has '*'"},
		{in: strings.Repeat("A", 100), errHas: `"AAAAAAAAAAAAAAAA`},
	} {
		for _, p := range []struct {
			what  string
			parse func(string) (string, error)
		}{{"store name", ParseStoreName}, {"credential name", ParseCredName}} {
			got, err := p.parse(tc.in)
			call := p.what + " " + quoteInput(tc.in)
			if tc.errHas == "" {
				if err != nil || got != tc.in {
					t.Errorf("%s = %q, %v; want it unchanged", call, got, err)
				}
				continue
			}
			checkParseError(t, call, err, tc.errHas)
			checkParseError(t, call, err, p.what)
			if got != "" {
				t.Errorf("%s returned %q with an error", call, got)
			}
		}
	}
}

func TestParseNamesLongInputIsCutInError(t *testing.T) {
	_, err := ParseStoreName(strings.Repeat("x", 10000) + "!")
	checkParseError(t, "10000 x", err, `"... has '!'`)
}

func TestParseCredAddress(t *testing.T) {
	for _, tc := range []struct {
		in          string
		store, name string
		errHas      string
	}{
		{in: "acme-us/seller-central", store: "acme-us", name: "seller-central"},
		{in: "a/b", store: "a", name: "b"},
		{in: "", errHas: "credential address is empty; use STORE/NAME"},
		{in: "acme-us", errHas: `credential address "acme-us" has no slash; use STORE/NAME, like acme-us/seller-central`},
		{in: "a/b/c", errHas: "has 2 slashes; use STORE/NAME with one slash"},
		{in: "/seller-central", errHas: "store name is empty"},
		{in: "acme-us/", errHas: "credential name is empty"},
		{in: "Acme/login", errHas: `store name "Acme" has upper-case letters; use "acme"`},
		{in: "acme/Seller_Central", errHas: `credential name "Seller_Central" has upper-case letters; use "seller-central"`},
		{in: "acme\\login", errHas: "has no slash"},
		{in: " acme/login", errHas: "has a space"},
	} {
		store, name, err := ParseCredAddress(tc.in)
		call := "ParseCredAddress(" + quoteInput(tc.in) + ")"
		if tc.errHas == "" {
			if err != nil || store != tc.store || name != tc.name {
				t.Errorf("%s = %q, %q, %v; want %q, %q", call, store, name, err, tc.store, tc.name)
			}
			continue
		}
		checkParseError(t, call, err, tc.errHas)
		if store != "" || name != "" {
			t.Errorf("%s returned %q, %q with an error", call, store, name)
		}
	}
}

func FuzzParseCredAddress(f *testing.F) {
	for _, s := range []string{"acme-us/seller-central", "a/b", "", "/", "a/", "/b", "a/b/c", "A/b", "a-/b", "a/-b",
		"a.b/c", "a b/c", "ａ/b", "\xff/b", "a/b\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		store, name, err := ParseCredAddress(s)
		if err != nil {
			checkParseError(t, "ParseCredAddress", err, "")
			return
		}
		if !nameChars.MatchString(store) || !nameChars.MatchString(name) {
			t.Fatalf("ParseCredAddress(%q) accepted %q, %q: not in the name charset", s, store, name)
		}
		if store+"/"+name != s {
			t.Fatalf("ParseCredAddress(%q) = %q, %q: not the input's parts", s, store, name)
		}
		s2, n2, err := ParseCredAddress(store + "/" + name)
		if err != nil || s2 != store || n2 != name {
			t.Fatalf("re-parse of %q/%q = %q, %q, %v", store, name, s2, n2, err)
		}
		if got, err := ParseStoreName(store); err != nil || got != store {
			t.Fatalf("ParseStoreName(%q) = %q, %v", store, got, err)
		}
		if got, err := ParseCredName(name); err != nil || got != name {
			t.Fatalf("ParseCredName(%q) = %q, %v", name, got, err)
		}
	})
}

func TestQuoteInput(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc", `"abc"`},
		{"a\nb", `"a\nb"`},
		{strings.Repeat("é", 40), `"` + strings.Repeat("é", 32) + `"...`},
	} {
		if got := quoteInput(tc.in); got != tc.want {
			t.Errorf("quoteInput(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestQuoteInputIsShortWhateverTheInput(t *testing.T) {
	for _, in := range []string{strings.Repeat("\x8f", 100), strings.Repeat("\x00", 100), strings.Repeat("é", 100), strings.Repeat(`"`, 100)} {
		q := quoteInput(in)
		if len(q) > maxQuoted+5 || !strings.HasSuffix(q, `"...`) {
			t.Errorf("quoteInput(%q) = %s: %d bytes", in, q, len(q))
		}
		if u, err := strconv.Unquote(strings.TrimSuffix(q, "...")); err != nil || !strings.HasPrefix(in, u) {
			t.Errorf("quoteInput(%q) = %s: not a quoted prefix of the input", in, q)
		}
	}
}

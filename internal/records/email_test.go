package records

import (
	"net/mail"
	"strings"
	"testing"
)

func TestParseEmail(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	for _, tc := range []struct {
		in, want string
		errHas   string
	}{
		// Good, including the examples of RFC 3696 section 3 that are
		// unquoted, and addresses as teams write them.
		{in: "ops@example.com", want: "ops@example.com"},
		{in: "  ops@example.com\t", want: "ops@example.com"},
		{in: "Ops.Team@Example.COM", want: "ops.team@example.com"},
		{in: "amazon+us@shop.example.co.uk", want: "amazon+us@shop.example.co.uk"},
		{in: "customer/department=shipping@example.com", errHas: "has a slash before the @"},
		{in: "$A12345@example.com", want: "$a12345@example.com"},
		{in: "!def!xyz%abc@example.com", want: "!def!xyz%abc@example.com"},
		{in: "_somename@example.com", want: "_somename@example.com"},
		{in: "a@xn--bcher-kva.de", want: "a@xn--bcher-kva.de"},
		{in: "a@sub-1.example-2.com", want: "a@sub-1.example-2.com"},
		{in: "a@example.xn--p1ai", want: "a@example.xn--p1ai"},
		{in: strings.Repeat("l", 64) + "@example.com", want: strings.Repeat("l", 64) + "@example.com"},
		{in: "x@" + long63 + "." + long63 + "." + long63 + "." + strings.Repeat("b", 56) + ".com",
			want: "x@" + long63 + "." + long63 + "." + long63 + "." + strings.Repeat("b", 56) + ".com"}, // 254
		// Bad.
		{in: "", errHas: "email address is empty; use an address like ops@example.com"},
		{in: "   ", errHas: "email address is empty"},
		{in: "ops", errHas: `email address "ops" has no @`},
		{in: "@example.com", errHas: "has nothing before the @"},
		{in: "ops@", errHas: "has no domain after the @"},
		{in: "John Doe <john@example.com>", errHas: "has a display name, angle brackets or a comment; use the bare address"},
		{in: "<john@example.com>", errHas: "angle brackets"},
		{in: "john@example.com (John)", errHas: "a comment"},
		{in: `"john doe"@example.com`, errHas: "has quotes"},
		{in: "a@b.com, c@d.com", errHas: "looks like a list; give one address"},
		{in: "john doe@example.com", errHas: "has a space or control character"},
		{in: "john@exa\nmple.com", errHas: `"john@exa\nmple.com" has a space or control character`},
		{in: "john.@example.com", errHas: "is not a valid address"},
		{in: ".john@example.com", errHas: "is not a valid address"},
		{in: "jo..hn@example.com", errHas: "is not a valid address"},
		{in: "a@b@example.com", errHas: "is not a valid address"},
		{in: "ops@localhost", errHas: `the domain "localhost" has no dot; use a full domain`},
		{in: "ops@[192.0.2.1]", errHas: "has an IP address for a domain"},
		{in: "ops@192.0.2.1", errHas: "ends in a number, like an IP address"},
		{in: "ops@example..com", errHas: "has an empty part between dots"},
		{in: "ops@example.com.", errHas: "has an empty part between dots"},
		{in: "ops@.example.com", errHas: "has an empty part between dots"},
		{in: "ops@-example.com", errHas: "starts or ends with a hyphen"},
		{in: "ops@example-.com", errHas: "starts or ends with a hyphen"},
		{in: "ops@exa_mple.com", errHas: "has an underscore"},
		{in: "ops@bücher.de", errHas: "write an international domain in punycode (xn--...)"},
		{in: "ops@" + strings.Repeat("a", 64) + ".com", errHas: "has a part longer than 63 characters"},
		{in: strings.Repeat("l", 65) + "@example.com", errHas: "has 65 bytes before the @; use at most 64"},
		{in: "x@" + long63 + "." + long63 + "." + long63 + "." + strings.Repeat("b", 57) + ".com", errHas: "is 255 bytes long; use at most 254"},
		{in: "ops@exa\xffmple.com", errHas: "punycode"},
		{in: "o\xffps@example.com", errHas: "is not a valid address"},
	} {
		got, err := ParseEmail(tc.in)
		call := "ParseEmail(" + quoteInput(tc.in) + ")"
		if tc.errHas == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s = %q, %v; want %q", call, got, err, tc.want)
			}
			continue
		}
		checkParseError(t, call, err, tc.errHas)
		if got != "" {
			t.Errorf("%s returned %q with an error", call, got)
		}
	}
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"ops@example.com", " Ops@Example.COM ", "a@b", "a@b.c", "<a@b.com>", "A <a@b.com>",
		`"a"@b.com`, "a@[1.2.3.4]", "a@xn--bcher-kva.de", "a@bücher.de", "a..b@c.com", "üser@example.com",
		"a@b.com.", "a@1.2.3.4", "(c)a@b.com", "a@b.com\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseEmail(s)
		if err != nil {
			checkParseError(t, "ParseEmail", err, "")
			return
		}
		again, err := ParseEmail(got)
		if err != nil || again != got {
			t.Fatalf("ParseEmail(%q) = %q, which re-parses as %q, %v", s, got, again, err)
		}
		if a, err := mail.ParseAddress(got); err != nil || a.Name != "" || a.Address != got {
			t.Fatalf("ParseEmail(%q) = %q, which net/mail reads as %v, %v", s, got, a, err)
		}
		at := strings.LastIndexByte(got, '@')
		local, domain := got[:at], got[at+1:]
		if len(got) > 254 || len(local) > 64 || strings.Contains(local, "/") {
			t.Fatalf("ParseEmail(%q) = %q: too long or has a slash", s, got)
		}
		if domain != strings.ToLower(domain) || !strings.Contains(domain, ".") || hostnameProblem(domain) != "" {
			t.Fatalf("ParseEmail(%q) = %q: bad domain", s, got)
		}
	})
}

func TestMaskEmailAndPhone(t *testing.T) {
	emails := map[string]string{
		"ops-us@acme.example":     "op***s@a***.example",
		"ops-de@acme.example":     "op***e@a***.example",
		"op***s@a***.example":     "op***s@a***.example",
		"o***@a***.example":       "o***@a***.example",
		"ab***cd@x***.com":        "ab***d@x***.com", // not a mask: masked
		"a***b@example.com":       "a****b@e***.com", // not a mask
		"a@b.co":                  "a***@b***.co",
		"bob@b.co":                "b***@b***.co",
		"tom.private@example.com": "to***e@e***.com",
		"nodomain":                Masked,
		"@x.com":                  Masked,
	}
	for in, want := range emails {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	phones := map[string]string{
		"+14155550100":  "+1********00",
		"+1********00":  "+1********00",
		"+447700900123": "+44********23",
		"+4930123":      "+49***23",
		"14155550100":   Masked,
		"+123":          Masked,
	}
	for in, want := range phones {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDomain(t *testing.T) {
	good := map[string]string{"acme.example": "acme.example", " ACME.Example ": "acme.example", "mail.acme.co.uk": "mail.acme.co.uk"}
	for in, want := range good {
		if got, err := ParseDomain(in); err != nil || got != want {
			t.Errorf("ParseDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "acme", "a..b", "-a.example", "ops@acme.example", "acme.example/x", "10.0.0.1", "bücher.de", "acme .example"} {
		if got, err := ParseDomain(in); err == nil {
			t.Errorf("ParseDomain(%q) = %q, want an error", in, got)
		} else if !strings.HasSuffix(err.Error(), "acme.example") {
			t.Errorf("ParseDomain(%q): %v: the error should show a good domain", in, err)
		}
	}
}

func FuzzParseDomain(f *testing.F) {
	for _, s := range []string{"acme.example", "A.B", "", "x..y", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDomain(s)
		if err != nil {
			return
		}
		if d != strings.ToLower(d) || !strings.Contains(d, ".") || hostnameProblem(d) != "" {
			t.Fatalf("ParseDomain(%q) = %q: not a lower-case host name", s, d)
		}
		if again, err := ParseDomain(d); err != nil || again != d {
			t.Fatalf("ParseDomain(%q) = %q, %v: not stable", d, again, err)
		}
	})
}

package phish

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// checkResult asserts the invariants every successful check keeps.
func checkResult(t *testing.T, in string, r Result, err error) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, inputerr.ErrInvalid) {
			t.Fatalf("%q: error %v does not match inputerr.ErrInvalid", in, err)
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
			t.Fatalf("%q: error message %q is not one line of UTF-8", in, msg)
		}
		return
	}
	switch r.Verdict {
	case OK, Unknown:
	case Suspicious:
		if len(r.Reasons) == 0 {
			t.Fatalf("%q: suspicious without a reason", in)
		}
	default:
		t.Fatalf("%q: verdict %q", in, r.Verdict)
	}
	if r.Verdict == OK && r.Brand == "" {
		t.Fatalf("%q: ok without a brand", in)
	}
	if r.Verdict == Unknown && r.Brand != "" {
		t.Fatalf("%q: unknown with brand %q", in, r.Brand)
	}
	if r.Input != in || r.Domain == "" {
		t.Fatalf("%q: result %+v", in, r)
	}
	for _, reason := range r.Reasons {
		if reason == "" || strings.ContainsAny(reason, "\n\r") {
			t.Fatalf("%q: reason %q", in, reason)
		}
	}
}

func FuzzCheckURL(f *testing.F) {
	a := embedded(f)
	for _, tc := range checkCases {
		if tc.kind == "url" {
			f.Add(tc.in)
		}
	}
	f.Add("https://evil.net\\@amazon.com/")
	f.Add("http://0x7f.1/")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := a.CheckURL(s)
		checkResult(t, s, r, err)
	})
}

func FuzzCheckSender(f *testing.F) {
	a := embedded(f)
	for _, tc := range checkCases {
		if tc.kind == "sender" {
			f.Add(tc.in)
		}
	}
	f.Add("=?utf-8?q?Amaz=C3=B3n?= <x@y.com>")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := a.CheckSender(s)
		checkResult(t, s, r, err)
	})
}

func FuzzParseAllowlist(f *testing.F) {
	f.Add("amazon amazon.com amazon.de\n# comment\npaypal paypal.com # trailing\n")
	f.Add("wise wise.com\nwise transferwise.com")
	f.Add("x-y xn--bcher-kva.de")
	for _, tc := range allowlistErrorCases {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := ParseAllowlist(text)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error %q is not one line", err)
			}
			return
		}
		// Every listed domain checks as ok, for its brand (checked for
		// the first 50, to keep each run fast).
		n := 0
		for _, b := range a.Brands() {
			for _, d := range a.Domains(b) {
				if n++; n > 50 {
					return
				}
				r, err := a.CheckURL("https://" + d + "/")
				if err != nil || r.Verdict != OK || r.Brand != b {
					t.Fatalf("allowlisted %s (%s): %+v, %v", d, b, r, err)
				}
			}
		}
	})
}

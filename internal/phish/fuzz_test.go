package phish

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

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

// FuzzFoldLabel checks the folding of labels: it never fails on any
// text, a key folds to itself, case and Unicode normalisation do not
// change it, and a host whose name folds to an allowlisted label is
// never unknown.
func FuzzFoldLabel(f *testing.F) {
	a := embedded(f)
	for _, s := range []string{"amazon", "aṁazoꞑ", "xn--aazo-gd5ax007g", "arnaz0n", "ɱ", "rnn", "vvv", "clc",
		"аmаzоn", "ＡＭＡＺＯＮ", "ama-zon", "e6ay", "straße", "楽天", "payp\u0430l", "\u200bebay", "ʍ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4*maxLabelLen {
			return
		}
		fl := foldLabel(s)
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(fl.key) {
			t.Fatalf("foldLabel(%q) = %q, not UTF-8", s, fl.key)
		}
		if again := foldLabel(fl.key).key; again != fl.key {
			t.Fatalf("foldLabel(%q) = %q, which folds to %q", s, fl.key, again)
		}
		if up := foldLabel(strings.ToUpper(s)).key; isASCII(s) && up != fl.key {
			t.Fatalf("foldLabel(%q) = %q, of its upper case %q", s, fl.key, up)
		}
		if nfd := foldLabel(norm.NFD.String(s)).key; nfd != foldLabel(norm.NFC.String(s)).key {
			t.Fatalf("foldLabel(%q): NFD %q, NFC %q", s, nfd, foldLabel(norm.NFC.String(s)).key)
		}
		for _, sw := range fl.swaps {
			if sw.src == sw.out {
				t.Fatalf("foldLabel(%q): swap %q of nothing", s, sw)
			}
		}
		h, err := parseHost(s + ".com")
		if err != nil || h.ip || strings.Count(h.uni, ".") != 1 {
			return
		}
		label, _, _ := strings.Cut(h.uni, ".")
		if li := a.byFlat[noHyphens(foldLabel(label).key)]; li != nil {
			r, err := a.CheckURL("https://" + h.ascii + "/")
			if err != nil || r.Verdict == Unknown {
				t.Fatalf("%s folds to %s but checks as %s %q, %v", h.display(), li.label, r.Verdict, r.Reasons, err)
			}
		}
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

package mailcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParse feeds the parser and the whole check any bytes. Neither may
// panic; an error matches ErrMalformed and is one line; a report's texts
// are valid UTF-8 on one line without control characters. Run:
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 2m ./internal/mailcheck/
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"From: a@b.com\n\nhello",
		"From: a@b.com\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/html\n\n<a href=\"http://x.com\">y.com</a>\n--x--\n",
		"From: a@b.com\nContent-Type: message/rfc822\n\nFrom: c@d.com\n\nx",
		"From: a@b.com\nContent-Transfer-Encoding: base64\n\n!!",
		"From: a@b.com\nAuthentication-Results: x; dkim=pass (a; b) header.d=b.com\nDKIM-Signature: v=1; a=rsa-sha256; d=b.com; s=s; h=from; bh=; b=\n\nx",
		"From MAILER\nFrom: a@b.com\n\n请提供您的验证码",
	} {
		f.Add([]byte(s))
	}
	opts := Options{Allowlist: allowlist(), LookupTXT: testLookup("amazon.com", "b.com")}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if _, err := Parse(raw); err != nil {
			checkError(t, err)
		}
		rep, err := Check(raw, opts)
		if err != nil {
			checkError(t, err)
			return
		}
		texts := append([]string{rep.From, rep.Domain, rep.ReplyTo, rep.ReturnPath, rep.Sender, rep.Authentication.Server,
			rep.Authentication.SPF, rep.Authentication.DKIM, rep.Authentication.DMARC}, rep.Reasons...)
		for _, s := range rep.Signatures {
			texts = append(texts, s.Domain, s.Detail)
		}
		for _, a := range rep.Attachments {
			texts = append(texts, a.Name, a.Type)
		}
		for _, l := range rep.Links {
			texts = append(texts, l.Domain)
		}
		for _, r := range rep.Requests {
			texts = append(texts, r.Phrase)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 || strings.ContainsAny(s, bidiControls) {
				t.Fatalf("report text %q is not safe to print", s)
			}
		}
		if rep.Verdict == "suspicious" && len(rep.Reasons) == 0 {
			t.Fatal("suspicious without a reason")
		}
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("error %v does not match ErrMalformed", err)
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error %q has a line break", err)
	}
}

package mailcheck

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// secret stands for message content that no error may quote.
const secret = "TOPSECRET-7f3a"

func TestParseMalformed(t *testing.T) {
	head := "From: a@shop.example.com\nSubject: " + secret + "\n"
	deep := "\n" + secret + "\n"
	for i := 0; i <= maxDepth+1; i++ {
		b := fmt.Sprintf("b%d", i)
		deep = "Content-Type: multipart/mixed; boundary=" + b + "\n\n--" + b + "\n" + deep + "\n--" + b + "--\n"
	}
	deep = head + deep
	cases := []struct {
		name, raw, want string
	}{
		{"empty", " \n\n", "the message is malformed: it is empty"},
		{"outlook .msg", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + secret, "an Outlook .msg file"},
		{"not a header", "Hello " + secret + "\nFrom: a@b.com\n\nx", "line 1 of the header is not a header field"},
		{"a bad line later", head + secret + " no colon here\n\nbody", "line 3 of the header is not a header field"},
		{"space in a name", "From: a@b.com\nX Bad" + secret + ": v\n\nbody", "line 2 of the header is not a header field"},
		{"continuation first", " folded " + secret + "\nFrom: a@b.com\n\nx", "line 1 of the header starts with a space"},
		{"NUL", "From: a@b.com\nSubject: a\x00" + secret + "\n\nx", "line 2 of the header has a NUL byte"},
		{"only a body", "\n\n" + secret, "it has no header fields"},
		{"multipart without boundary", head + "Content-Type: multipart/mixed\n\n" + secret, "part 1: multipart/mixed has no boundary parameter"},
		{"boundary not found", head + "Content-Type: multipart/mixed; boundary=zz\n\n" + secret, "part 1: multipart/mixed has no parts: its boundary is not found"},
		{"cut short", head + "Content-Type: multipart/alternative; boundary=zz\n\n--zz\n\n" + secret + "\n--zz\n\nmore", "part 1: multipart/alternative ends without its closing boundary: the message is cut short"},
		{"closed at once", head + "Content-Type: multipart/mixed; boundary=zz\n\n--zz--\n" + secret, "closes before its first part"},
		{"bad part header", head + "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n" + secret + "\n\nx\n--zz--\n", "part 1.1: line 1 of the header is not a header field"},
		{"corrupt base64", head + "Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Transfer-Encoding: base64\n\n" + secret + "!!\n--zz--\n", "part 1.1: its base64 content is corrupt"},
		{"unknown encoding", head + "Content-Transfer-Encoding: x-uuencode\n\n" + secret, `part 1: its Content-Transfer-Encoding "x-uuencode" is not one of`},
		{"unreadable multipart type", head + "Content-Type: multipart/mixed; boundary=a; boundary=b\n\n" + secret, "part 1: the Content-Type header of a multipart part cannot be read"},
		{"nested too deep", deep, "parts are nested more than 16 deep"},
		{"bad attached message", head + "Content-Type: message/rfc822\n\n" + secret + "\n", "part 1 (an attached message): line 1 of the header is not a header field"},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.raw))
		switch {
		case err == nil:
			t.Errorf("%s: parsed", tc.name)
		case !errors.Is(err, ErrMalformed) || !errors.Is(err, inputerr.ErrInvalid):
			t.Errorf("%s: %v does not match ErrMalformed and inputerr.ErrInvalid", tc.name, err)
		case !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: %q, want %q", tc.name, err, tc.want)
		case strings.Contains(err.Error(), secret), strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: the error quotes the message or has a line break: %q", tc.name, err)
		}
	}
	if _, err := Parse(make([]byte, MaxMessageBytes+1)); err == nil || !strings.Contains(err.Error(), "larger than 50 MiB") {
		t.Errorf("too large: %v", err)
	}
}

func TestParse(t *testing.T) {
	raw := "From MAILER-DAEMON Mon Jan 19 02:11:38 2026\n" +
		"From: =?GB2312?B?0cfC7dG3?= <a@shop.example.com>\n" +
		"Subject: folded\n  subject\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\n\n" +
		"preamble --outer is not a boundary here\n" +
		"--outer\n" +
		"Content-Type: multipart/alternative; boundary=\"outer-inner\"\n\n" +
		"--outer-inner\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 soft=\nbreak\n" +
		"--outer-inner\nContent-Type: text/html; charset=gb2312\nContent-Transfer-Encoding: base64\n\n1tDOxA==\n" +
		"--outer-inner--\n" +
		"--outer\n" +
		"Content-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0x\nLjQ=\n" +
		"--outer\n" +
		"Content-Type: application/octet-stream; name==?UTF-8?B?5Lit5paHLmV4ZQ==?=\n\nMZ\n" +
		"--outer\n" +
		"Content-Type: message/rfc822\n\nFrom: inner@example.net\nContent-Type: text/plain\n\ninner body\n" +
		"--outer--\nepilogue\n"
	msg, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("subject"); got != "folded  subject" {
		t.Errorf("subject %q", got)
	}
	if !strings.HasPrefix(string(msg.Raw), "From: ") {
		t.Errorf("the mbox line is left in Raw")
	}
	var texts []string
	for _, x := range msg.Texts {
		texts = append(texts, x.Part+" "+x.Body)
	}
	if want := "1.1.1 Café softbreak|1.1.2 中文|1.4.1 inner body"; strings.Join(texts, "|") != want {
		t.Errorf("texts %q, want %q", strings.Join(texts, "|"), want)
	}
	var names []string
	for _, a := range msg.Attachments {
		names = append(names, a.Part+" "+a.Name+" "+a.Type+" "+string(a.Head))
	}
	if want := "1.2 发票.pdf application/pdf %PDF-1.4|1.3 中文.exe application/octet-stream MZ"; strings.Join(names, "|") != want {
		t.Errorf("attachments %q, want %q", strings.Join(names, "|"), want)
	}
}

// TestParseLenient: what real mail gets wrong and mail programs show anyway.
func TestParseLenient(t *testing.T) {
	for name, raw := range map[string]string{
		"header only, no body":       "From: a@b.com\nSubject: x",
		"bad Content-Type is text":   "From: a@b.com\nContent-Type: text\n\nhello",
		"base64 without padding":     "From: a@b.com\nContent-Transfer-Encoding: base64\n\naGVsbG8",
		"space before colon":         "From : a@b.com\n\nx",
		"boundary with spaces after": "From: a@b.com\nContent-Type: multipart/mixed; boundary=b\n\n--b  \n\nx\n--b-- \n",
		"8-bit header":               "From: Müller <a@b.com>\nSubject: Grüße\n\nx",
	} {
		if _, err := Parse([]byte(raw)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

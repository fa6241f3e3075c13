package mailcheck

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/sellervault/sellervault/internal/phish"
)

// TestSamples checks each sample message in testdata, verifying DKIM with
// the test key and --offline.
func TestSamples(t *testing.T) {
	cases := []struct {
		file    string
		offline bool
		verdict phish.Verdict
		reasons []string // each is in some reason
		asks    []string // request kinds
		kinds   []string // attachment kinds
	}{
		{file: "genuine.eml", verdict: phish.OK, reasons: []string{"a DKIM signature of amazon.com verified here"}},
		{file: "genuine.eml", offline: true, verdict: phish.OK, reasons: []string{"the receiving server (mx.example-mail.com) found DMARC pass for amazon.com"}},
		{file: "genuine_zh.eml", verdict: phish.OK},
		{file: "forged_dkim.eml", verdict: phish.Suspicious, reasons: []string{"the DKIM signature of amazon.com does not verify (body hash did not verify)"}},
		{file: "forged_dkim.eml", offline: true, verdict: phish.Unknown, reasons: []string{"nothing shows that the message really comes from amazon.com"}},
		{file: "forged_authres.eml", verdict: phish.Suspicious, reasons: []string{"DMARC fails for amazon.com", "found SPF fail"}},
		{file: "forged_authres.eml", offline: true, verdict: phish.Suspicious, reasons: []string{"DMARC fails for amazon.com"}},
		{file: "lookalike.eml", verdict: phish.Suspicious, reasons: []string{"From: ", `"Amazon Seller Support"`, "a link to sellercentral.amaz0n-sellers.com: "}},
		{file: "replyto.eml", verdict: phish.Suspicious, reasons: []string{"the Reply-To address is at gmail.com, not at amazon.com like the From", `Reply-To: the display name "Amazon Seller Support"`}},
		{file: "linktext.eml", verdict: phish.Suspicious, reasons: []string{"a link shows sellercentral.amazon.com but goes to secure-review.payout-check.net", "a link's text names amazon, but it goes to secure-review.payout-check.net"}},
		{file: "attachment.eml", verdict: phish.Suspicious, kinds: []string{kindProgram, kindMacro, kindHTML, kindProgram},
			reasons: []string{`"Invoice-2026-0114.pdf" is really a program`, `"statement.xlsm" is an Office file with macros`, `"Remittance.html" is a web page`, `right-to-left control characters`, "password field", "a form that sends what you type in it to login-check.example-verify.com"}},
		{file: "code.eml", verdict: phish.Suspicious, asks: []string{"code"}, reasons: []string{`asks for a 2-step verification or one-time code: "reply to this email with the verification code"`}},
		{file: "code_zh.eml", verdict: phish.Suspicious, asks: []string{"code"}, reasons: []string{"短信验证码发给"}},
		{file: "remote.eml", verdict: phish.Suspicious, asks: []string{"remote"}, reasons: []string{`asks to install remote-access software: "AnyDesk"`}},
	}
	for _, tc := range cases {
		opts := Options{Allowlist: allowlist()}
		if !tc.offline {
			opts.LookupTXT = testLookup("amazon.com")
		}
		rep, err := Check(readSample(t, tc.file), opts)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		all := strings.Join(rep.Reasons, "\n")
		if rep.Verdict != tc.verdict {
			t.Errorf("%s (offline %v): verdict %s, want %s; reasons:\n%s", tc.file, tc.offline, rep.Verdict, tc.verdict, all)
		}
		for _, want := range tc.reasons {
			if !strings.Contains(all, want) {
				t.Errorf("%s (offline %v): no reason has %q; reasons:\n%s", tc.file, tc.offline, want, all)
			}
		}
		var asks, kinds []string
		for _, r := range rep.Requests {
			asks = append(asks, r.Kind)
		}
		for _, a := range rep.Attachments {
			kinds = append(kinds, a.Kind)
		}
		if strings.Join(asks, ",") != strings.Join(tc.asks, ",") || strings.Join(kinds, ",") != strings.Join(tc.kinds, ",") {
			t.Errorf("%s: requests %v, attachment kinds %v; want %v, %v", tc.file, asks, kinds, tc.asks, tc.kinds)
		}
		if rep.Verdict == phish.Suspicious && len(rep.Reasons) == 0 || len(rep.Reasons) == 0 {
			t.Errorf("%s: no reasons", tc.file)
		}
	}
}

// TestCRLF: a message saved with CRLF line ends reads and verifies the same.
func TestCRLF(t *testing.T) {
	raw := bytes.ReplaceAll(readSample(t, "genuine.eml"), []byte("\n"), []byte("\r\n"))
	rep, err := Check(raw, Options{Allowlist: allowlist(), LookupTXT: testLookup("amazon.com")})
	if err != nil || rep.Verdict != phish.OK || len(rep.Signatures) != 1 || rep.Signatures[0].Result != "pass" {
		t.Fatalf("CRLF genuine.eml: %+v, %v", rep, err)
	}
}

// TestRSASignature signs with a fresh RSA key, the kind most senders use,
// and checks the outcomes of a good key, a changed header, a missing
// key and a DNS failure.
func TestRSASignature(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	src := dropField(readSample(t, "genuine.eml"), "DKIM-Signature")
	src = dropField(src, "Authentication-Results")
	if err := dkim.Sign(&signed, bytes.NewReader(src), &dkim.SignOptions{Domain: "amazon.com", Selector: "rsa1", Signer: key,
		HeaderKeys: []string{"From", "To", "Subject", "Date"}}); err != nil {
		t.Fatal(err)
	}
	good := fakeDNS(map[string]string{"rsa1._domainkey.amazon.com": keyRecord(key.Public())})
	check := func(raw []byte, lookup func(string) ([]string, error)) *Report {
		t.Helper()
		rep, err := Check(raw, Options{Allowlist: allowlist(), LookupTXT: lookup})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := check(signed.Bytes(), good); rep.Verdict != phish.OK {
		t.Errorf("RSA-signed: %s %v %+v", rep.Verdict, rep.Reasons, rep.Signatures)
	}
	changed := bytes.Replace(signed.Bytes(), []byte("Subject: Your disbursement"), []byte("Subject: Your urgent disbursement"), 1)
	if rep := check(changed, good); rep.Verdict != phish.Suspicious || !strings.Contains(rep.Reasons[0], "signature did not verify") {
		t.Errorf("changed subject: %s %v", rep.Verdict, rep.Reasons)
	}
	// No key published (a forged selector, or a key since withdrawn): not
	// a proof of forgery, but nothing confirms the sender either.
	if rep := check(signed.Bytes(), fakeDNS(nil)); rep.Verdict != phish.Unknown || rep.Signatures[0].Result != "permerror" {
		t.Errorf("no key: %s %v %+v", rep.Verdict, rep.Reasons, rep.Signatures)
	}
	down := func(name string) ([]string, error) {
		return nil, &net.DNSError{Err: "i/o timeout", Name: name, IsTimeout: true, IsTemporary: true}
	}
	if rep := check(signed.Bytes(), down); rep.Verdict != phish.Unknown || rep.Signatures[0].Result != "temperror" {
		t.Errorf("DNS down: %s %v %+v", rep.Verdict, rep.Reasons, rep.Signatures)
	}
}

// TestAuthenticationRules: how the receiving server's results and the
// DKIM verification combine.
func TestAuthenticationRules(t *testing.T) {
	base := "From: Amazon <seller-notification@amazon.com>\nTo: a@b.com\nSubject: hi\n"
	cases := []struct {
		name, header string
		verdict      phish.Verdict
		reason       string
	}{
		{"dmarc pass", "Authentication-Results: mx.test; dmarc=pass header.from=amazon.com\n", phish.OK, "found DMARC pass"},
		{"dmarc pass for another domain", "Authentication-Results: mx.test; dmarc=pass header.from=evil.com\n", phish.Unknown, "nothing shows"},
		{"aligned dkim pass", "Authentication-Results: mx.test; dkim=pass header.d=mail.amazon.com\n", phish.OK, "DKIM signature of mail.amazon.com that passes"},
		{"dkim pass of a relay", "Authentication-Results: mx.test; dkim=pass header.d=amazonses.com\n", phish.Unknown, "nothing shows"},
		{"spf softfail", "Authentication-Results: mx.test; spf=softfail smtp.mailfrom=amazon.com\n", phish.Suspicious, "SPF softfail"},
		{"spf fail but dmarc pass (forwarded)", "Authentication-Results: mx.test; spf=fail smtp.mailfrom=amazon.com; dkim=pass header.d=amazon.com; dmarc=pass header.from=amazon.com\n", phish.OK, "DMARC pass"},
		{"dkim fail", "Authentication-Results: mx.test; dkim=fail header.d=amazon.com\n", phish.Suspicious, "DKIM signature of amazon.com fails"},
		{"microsoft 365, no authserv-id", "Authentication-Results: spf=pass (sender IP is 54.240.8.33)\n smtp.mailfrom=amazon.com; dkim=pass (signature was verified)\n header.d=amazon.com;dmarc=pass action=none header.from=amazon.com;compauth=pass\n reason=100\n", phish.OK, "the receiving server found DMARC pass"},
		{"microsoft compauth fail", "Authentication-Results: spf=none smtp.mailfrom=x.net; dmarc=none header.from=amazon.com;compauth=fail reason=001\n", phish.Suspicious, "compauth"},
		{"only the topmost header counts", "Authentication-Results: mx.test; dmarc=fail header.from=amazon.com\nAuthentication-Results: mx.test; dmarc=pass header.from=amazon.com\n", phish.Suspicious, "DMARC fails"},
		{"a semicolon in a comment", "Authentication-Results: mx.test; dmarc=pass (p=NONE; dis=NONE) header.from=amazon.com\n", phish.OK, "DMARC pass"},
		{"unreadable", "Authentication-Results: mx.test 2; dmarc=pass\n", phish.Unknown, "nothing shows"},
		{"none", "", phish.Unknown, "nothing shows"},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.name, tc.header+base+"\nHello.\n", tc.verdict, tc.reason)
	}
}

// TestHeaders: From, Reply-To, Return-Path and Sender compared.
func TestHeaders(t *testing.T) {
	ar := "Authentication-Results: mx.test; dmarc=pass header.from=amazon.com\n"
	cases := []struct {
		name, header string
		verdict      phish.Verdict
		reason       string
	}{
		{"return-path at a subdomain", "Return-Path: <b@bounces.amazon.com>\n", phish.OK, ""},
		{"reply-to at another amazon domain", "Reply-To: support@amazon.co.uk\n", phish.OK, ""},
		{"null return-path", "Return-Path: <>\n", phish.OK, ""},
		{"return-path elsewhere", "Return-Path: <bounce@mailer-relay.net>\n", phish.Suspicious, "the Return-Path address is at mailer-relay.net, not at amazon.com"},
		{"sender elsewhere", "Sender: agent@outsourced-help.com\n", phish.Suspicious, `the Sender address is at outsourced-help.com, not at amazon.com like the From: mail programs show it as sent "on behalf of"`},
		{"two From headers", "From: PayPal <service@paypal.com>\n", phish.Suspicious, "2 From headers"},
		{"lookalike reply-to", "Reply-To: help@arnazon.com\n", phish.Suspicious, "Reply-To: "},
		{"two reply-to addresses", "Reply-To: a@amazon.com, b@gmail.com\n", phish.Suspicious, "the Reply-To address is at gmail.com"},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.name, ar+tc.header+"From: Amazon <seller-notification@amazon.com>\nSubject: s\n\nbody\n", tc.verdict, tc.reason)
	}
}

// TestReportIsSafeToPrint: text from the message reaches the report with
// control and bidi characters escaped.
func TestReportIsSafeToPrint(t *testing.T) {
	raw := "From: x@shop.example.com\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b\n" +
		"Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"a\x1b[2Jb\xe2\x80\xaetxt.exe\"\n\nMZ\n--b--\n"
	rep, err := Check([]byte(raw), Options{Allowlist: allowlist()})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rep)
	for _, bad := range []string{"\x1b", "\u202e"} {
		if bytes.Contains(b, []byte(bad)) {
			t.Errorf("%q left in the report: %s", bad, b)
		}
	}
	if rep.Attachments[0].Name != `a\x1b[2Jb\u202etxt.exe` {
		t.Errorf("name %q", rep.Attachments[0].Name)
	}
}

func TestCheckErrors(t *testing.T) {
	if _, err := Check([]byte("From: a@b.com\n\nx"), Options{}); err == nil || errors.Is(err, ErrMalformed) {
		t.Errorf("no allowlist: %v", err)
	}
	for raw, want := range map[string]string{
		"To: a@b.com\nSubject: no sender\n\nbody": "it has no From header",
		"From: not an address\n\nbody":            "its From header is not an address",
	} {
		_, err := Check([]byte(raw), Options{Allowlist: allowlist()})
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", raw, err, want)
		}
	}
}

// expectVerdict checks raw and wants verdict with a reason containing
// reason.
func expectVerdict(t *testing.T, name, raw string, verdict phish.Verdict, reason string) {
	t.Helper()
	rep, err := Check([]byte(raw), Options{Allowlist: allowlist()})
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if all := strings.Join(rep.Reasons, "\n"); rep.Verdict != verdict || !strings.Contains(all, reason) {
		t.Errorf("%s: %s\n%s\nwant %s with %q", name, rep.Verdict, all, verdict, reason)
	}
}

// TestReviewFindings: what an attacker's review of check mail found.
func TestReviewFindings(t *testing.T) {
	// A name under a shared second-level domain (com.be, a "suffix:"
	// line) is its own site: a signature of attacker.com.be does not
	// confirm a From at amazon.com.be, and a Reply-To there is flagged.
	forged := sign(t, []byte("From: Amazon <seller-notification@amazon.com.be>\nReply-To: help@attacker.com.be\n"+
		"To: a@shop.example\nSubject: s\nDate: Mon, 7 Dec 2026 10:00:00 +0000\nMessage-ID: <1@x>\n\nHello.\n"), "attacker.com.be")
	rep, err := Check(forged, Options{Allowlist: allowlist(), LookupTXT: testLookup("attacker.com.be")})
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(rep.Reasons, "\n"); rep.Verdict != phish.Suspicious || !strings.Contains(all, "attacker.com.be, not at amazon.com.be") {
		t.Errorf("a look-alike signer under com.be: %s\n%s", rep.Verdict, all)
	}
	// Online, an Authentication-Results pass with no signature verified
	// here is not trusted (the sender may have written it); offline it is.
	raw := []byte("Authentication-Results: mx.google.com; dmarc=pass header.from=amazon.com\n" +
		"From: Amazon <seller-notification@amazon.com>\nSubject: s\n\nHello.\n")
	rep, err = Check(raw, Options{Allowlist: allowlist(), LookupTXT: testLookup("amazon.com")})
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(rep.Reasons, "\n"); rep.Verdict != phish.Unknown || !strings.Contains(all, "not trusted") {
		t.Errorf("online, a header pass alone: %s\n%s", rep.Verdict, all)
	}
	if rep, err := Check(raw, Options{Allowlist: allowlist()}); err != nil || rep.Verdict != phish.OK {
		t.Errorf("offline, a header pass: %+v, %v", rep, err)
	}
	// A header field folded over many lines is read in linear time and
	// refused past its bound, with an error that names the field.
	var long strings.Builder
	long.WriteString("From: a@shop.example\nX-Filler: x\n")
	for long.Len() < 300<<10 {
		long.WriteString(" folded\n")
	}
	long.WriteString("Subject: s\n\nbody\n")
	if _, err := Check([]byte(long.String()), Options{Allowlist: allowlist()}); !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "X-Filler field is longer") {
		t.Errorf("a 300 KiB folded field: %v", err)
	}
}

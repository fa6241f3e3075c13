package phish

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

// genuineEntry is one line of testdata/genuine.txt.
type genuineEntry struct {
	line int
	text string
}

// readGenuine reads testdata/genuine.txt: one host, link or sender a
// line; "#" at the start of a line or after a space starts a comment.
func readGenuine(t *testing.T) []genuineEntry {
	t.Helper()
	f, err := os.Open("testdata/genuine.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []genuineEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(text), "#") {
			continue
		}
		text, _, _ = strings.Cut(text, " #")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		out = append(out, genuineEntry{n, text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// isSender tells a sender line ("Name <box@domain>", box@domain) from a
// host or link.
func isSender(s string) bool {
	return strings.Contains(s, "@") && !strings.Contains(s, "://")
}

// senderDomain is the domain of a sender line, or "".
func senderDomain(s string) string {
	snd, err := parseSender(s)
	if err != nil {
		return ""
	}
	return snd.host.ascii
}

// TestGenuine checks that none of the genuine hosts, links and senders of
// testdata/genuine.txt is flagged by the shipped allowlist: every link and
// host must be ok with CheckURL, every sender ok with CheckSender and its
// domain ok with CheckURL. It lists every one that is not, with its
// verdict and reasons.
func TestGenuine(t *testing.T) {
	a := embedded(t)
	entries := readGenuine(t)
	var failed []string
	report := func(e genuineEntry, kind, in string, r Result, err error) {
		switch {
		case err != nil:
			failed = append(failed, fmt.Sprintf("line %d: %s %s: error: %v", e.line, kind, in, err))
		case r.Verdict != OK:
			brand := ""
			if r.Brand != "" {
				brand = " (" + r.Brand + ")"
			}
			failed = append(failed, fmt.Sprintf("line %d: %s %s: %s%s: %s", e.line, kind, in, r.Verdict, brand, strings.Join(r.Reasons, "; ")))
		}
	}
	senders, links := 0, 0
	for _, e := range entries {
		if isSender(e.text) {
			senders++
			r, err := a.CheckSender(e.text)
			report(e, "sender", e.text, r, err)
			if d := senderDomain(e.text); d != "" {
				r, err := a.CheckURL("https://" + d + "/")
				report(e, "domain", d, r, err)
			}
			continue
		}
		links++
		r, err := a.CheckURL(e.text)
		report(e, "url", e.text, r, err)
	}
	if links < 100 || senders < 40 {
		t.Errorf("testdata/genuine.txt has %d links and %d senders; keep at least 100 and 40", links, senders)
	}
	if len(failed) > 0 {
		t.Errorf("%d genuine entries of testdata/genuine.txt are not ok with policies/domains.conf:\n\t%s",
			len(failed), strings.Join(failed, "\n\t"))
	}
}

// TestGenuineListCoversIssue keeps the names that issue 17 reported as
// wrongly flagged, and one entry of every allowlisted brand, in
// testdata/genuine.txt, so that the list cannot quietly lose them.
func TestGenuineListCoversIssue(t *testing.T) {
	a := embedded(t)
	entries := readGenuine(t)
	hosts := map[string]bool{}
	brands := map[string]bool{}
	for _, e := range entries {
		var h string
		if isSender(e.text) {
			h = senderDomain(e.text)
		} else if u, err := parseWebURL(e.text); err == nil {
			h = u.host.ascii
		}
		if h == "" {
			t.Errorf("line %d: %q is neither a link nor a sender", e.line, e.text)
			continue
		}
		hosts[h] = true
		if _, brand, ok := a.brandOfDomain(h); ok {
			brands[brand] = true
		}
	}
	for _, h := range []string{"gs.amazon.cn", "amazonsellerservices.com", "m.media-amazon.com", "amazon.com.be",
		"lianlianpay.com", "sellercentral.amazon.co.jp", "sellercentral-europe.amazon.com"} {
		if !hosts[h] {
			t.Errorf("testdata/genuine.txt lacks %s", h)
		}
	}
	for _, b := range a.Brands() {
		if !brands[b] {
			t.Errorf("testdata/genuine.txt has no entry of brand %s", b)
		}
	}
}

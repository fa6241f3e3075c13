package mailcheck

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/phish"
)

func TestTextURLs(t *testing.T) {
	var c content
	c.addText("See https://sellercentral.amazon.com/home. Or (www.amazon.com/help), " +
		"HTTPS://EXAMPLE.NET/a?b=c! and mail me: notahttp://x.com, xhttps://y.com, 请访问https://pay.example.cn/x。谢谢 " +
		"https://en.wikipedia.org/wiki/Foo_(bar) end http:// alone")
	var got []string
	for _, l := range c.links {
		got = append(got, l.href)
	}
	want := "https://sellercentral.amazon.com/home|www.amazon.com/help|HTTPS://EXAMPLE.NET/a?b=c|https://pay.example.cn/x|https://en.wikipedia.org/wiki/Foo_(bar)"
	if strings.Join(got, "|") != want {
		t.Errorf("links\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

func TestHTMLLinks(t *testing.T) {
	var c content
	c.addHTML(`<html><head><title>Ignore https://title.example.com</title><base href="https://base.example.com/dir/">
<script>var u = "https://script.example.com/";</script><style>a{}</style>
<meta http-equiv="Refresh" content="0; url='https://refresh.example.com/'"></head><body>
<p>Visit <a href="https://a.example.com/x">the <b>site</b> a.example.com</a> and <a href="rel/page">relative</a>
<a href="mailto:x@y.com">mail us</a><a>no href</a><a href="https://img.example.com/"><img src="https://pix.example.com/p.png" alt="Amazon"></a>
<area href="https://area.example.com/" alt="map"> <form action="/post"><input type="password" name="p"></form>
Text link https://plain.example.com/ here.</p></body></html>`)
	var got []string
	for _, l := range c.links {
		got = append(got, l.href+" ["+l.text+"]")
	}
	want := []string{
		"https://refresh.example.com/ []",
		"https://a.example.com/x [the site a.example.com]",
		"https://base.example.com/dir/rel/page [relative]",
		"mailto:x@y.com [mail us]",
		"https://img.example.com/ [Amazon]",
		"https://area.example.com/ [map]",
		"https://base.example.com/post []",
		"https://plain.example.com/ []",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("links\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.passwords != 1 || len(c.forms) != 1 {
		t.Errorf("passwords %d, forms %v", c.passwords, c.forms)
	}
	text := c.text.String()
	for _, hidden := range []string{"title.example.com", "script.example.com", "a{}"} {
		if strings.Contains(text, hidden) {
			t.Errorf("visible text holds %q: %q", hidden, text)
		}
	}
}

func TestDomainIn(t *testing.T) {
	for text, want := range map[string]string{
		"sellercentral.amazon.com":                 "sellercentral.amazon.com",
		"Go to HTTPS://SellerCentral.Amazon.com/x": "sellercentral.amazon.com",
		"support@paypal.com":                       "paypal.com",
		"Sign in to Seller Central":                "",
		"invoice.pdf":                              "",
		"version 1.2.3":                            "",
		"(amazon.co.uk).":                          "amazon.co.uk",
		"аmazon.com":                               "аmazon.com",
	} {
		if got := domainIn(text); got != want {
			t.Errorf("domainIn(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestLinkChecks(t *testing.T) {
	cases := []struct {
		name, html string
		verdict    phish.Verdict
		reason     string
	}{
		{"text and target agree", `<a href="https://sellercentral.amazon.com/x">sellercentral.amazon.com</a>`, phish.Unknown, ""},
		{"same brand, other country", `<a href="https://sellercentral.amazon.co.uk/">amazon.com</a>`, phish.Unknown, ""},
		{"text shows one domain, goes to another", `<a href="https://evil.example.net/">https://www.paypal.com/signin</a>`, phish.Suspicious, "a link shows www.paypal.com but goes to evil.example.net"},
		{"a lookalike target", `<a href="https://paypa1.com/">here</a>`, phish.Suspicious, "a link to paypa1.com: "},
		{"brand named in the text", `<a href="https://evil.example.net/">Open your PayPal wallet</a>`, phish.Suspicious, "a link's text names paypal"},
		{"javascript", `<a href="javascript:alert(1)">open</a>`, phish.Suspicious, `a link uses the "javascript:" scheme`},
		{"data", `<a href="DATA:text/html;base64,PGgxPg==">open</a>`, phish.Suspicious, `"data:" scheme`},
		{"file share", `<a href="file://evil.example.net/share/x.lnk">open</a>`, phish.Suspicious, `"file:" scheme`},
		{"unreadable", `<a href="http://ex ample.com/">open</a>`, phish.Suspicious, "a link cannot be read as a web address"},
		{"scheme-relative", `<a href="//paypa1.com/x">x</a>`, phish.Suspicious, "a link to paypa1.com"},
		{"ignored", `<a href="mailto:a@paypa1.com">a</a><a href="tel:+1">t</a><a href="#top">t</a><a href="cid:logo">l</a>`, phish.Unknown, ""},
	}
	for _, tc := range cases {
		expectVerdict(t, tc.name, "From: news@shop.example.com\nSubject: s\nContent-Type: text/html\n\n"+tc.html+"\n", tc.verdict, tc.reason)
	}
}

// TestLinkLimit: past maxLinks different links, the check stops and says so.
func TestLinkLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: news@shop.example.com\nSubject: s\n\n")
	for i := 0; i <= maxLinks; i++ {
		b.WriteString("https://s" + strconv.Itoa(i) + ".shop.example.com/p\n")
	}
	rep, err := Check([]byte(b.String()), Options{Allowlist: allowlist()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != phish.Suspicious || !strings.Contains(strings.Join(rep.Reasons, "\n"), "more than 1000 links to different places") {
		t.Errorf("%s %v", rep.Verdict, rep.Reasons)
	}
}

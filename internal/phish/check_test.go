package phish

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/net/idna"

	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/policies"
)

// embedded parses policies/domains.conf, the allowlist sellervault ships.
func embedded(tb testing.TB) *Allowlist {
	tb.Helper()
	a, err := ParseAllowlist(policies.Domains())
	if err != nil {
		tb.Fatalf("policies/domains.conf: %v", err)
	}
	return a
}

// punycode is the ASCII form of an international name, computed rather
// than typed.
func punycode(s string) string {
	a, err := idna.Lookup.ToASCII(s)
	if err != nil {
		panic(err)
	}
	return a
}

type checkCase struct {
	kind    string // "url" or "sender"
	in      string
	verdict Verdict // "" for an error
	brand   string  // checked when not empty
	reason  string  // a substring of one reason (suspicious) or of the error
}

var checkCases = []checkCase{
	// Genuine links: exact, subdomains, ports, paths, queries, case.
	{"url", "https://sellercentral.amazon.com/home", OK, "amazon", "under amazon.com"},
	{"url", "amazon.com", OK, "amazon", "amazon.com is an allowlisted amazon domain"},
	{"url", "https://www.amazon.co.uk/gp/help/customer", OK, "amazon", ""},
	{"url", "HTTPS://SellerCentral.Amazon.DE/orders?ref=nav#top", OK, "amazon", ""},
	{"url", "https://sellercentral.amazon.com:443/inventory", OK, "amazon", ""},
	{"url", "sellercentral-europe.amazon.com/home", OK, "amazon", ""},
	{"url", "https://sellercentral.amazon.com./", OK, "amazon", ""},
	{"url", "//www.etsy.com/your/shops/me", OK, "etsy", ""},
	{"url", "https://www.paypal.com/signin", OK, "paypal", ""},
	{"url", "https://www.ebay.de/sh/ovw", OK, "ebay", ""},
	{"url", "https://seller.walmart.com/", OK, "walmart", ""},
	{"url", "https://admin.shopify.com/store/acme", OK, "shopify", ""},
	{"url", "https://seller.tiktokglobalshop.com/", OK, "tiktok", ""},
	{"url", "https://wise.com/", OK, "wise", ""},
	{"url", "https://login.payoneer.com/", OK, "payoneer", ""},
	{"url", "https://www.mercadolivre.com.br/", OK, "mercadolibre", ""},
	{"url", "http://sellercentral.amazon.co.jp:8080", OK, "amazon", ""},

	// Letters swapped for look-alikes, and typos.
	{"url", "https://amaz0n.com/", Suspicious, "amazon", `looks like amazon.com: "0" in place of "o"`},
	{"url", "https://arnazon.com/", Suspicious, "amazon", `"rn" in place of "m"`},
	{"url", "https://amazom.com/", Suspicious, "amazon", "one letter changed"},
	{"url", "https://amzaon.com/signin", Suspicious, "amazon", `one letter swapped ("amzaon")`},
	{"url", "https://amazzon.de/", Suspicious, "amazon", "looks like amazon.de: one letter doubled"},
	{"url", "https://amzon.co.uk/", Suspicious, "amazon", "looks like amazon.co.uk: one letter missing"},
	{"url", "paypaI.com", Suspicious, "paypal", `"i" in place of "l" ("paypai")`},
	{"url", "https://login-paypa1.com/", Suspicious, "paypal", `"1" in place of "l" ("paypa1" in login-paypa1.com)`},
	{"url", "ebya.com", Suspicious, "ebay", "one letter swapped"},
	{"url", "transfervvise.com", Suspicious, "wise", `looks like transferwise.com: "vv" in place of "w"`},
	{"url", "https://airwalex.com/", Suspicious, "airwallex", "one letter missing"},
	{"url", "https://payoner.com/", Suspicious, "payoneer", "one letter missing"},

	// Unicode confusables and punycode.
	{"url", "https://аmazon.com/", Suspicious, "amazon", `Cyrillic "а" (U+0430) in place of "a"`},
	{"url", "https://" + punycode("аmazon.com") + "/", Suspicious, "amazon", `punycode label "xn--`},
	{"url", punycode("аmazon.com"), Suspicious, "amazon", "mixes Cyrillic and Latin letters"},
	{"url", "https://рaypal.com/", Suspicious, "paypal", `Cyrillic "р" (U+0440)`},
	{"url", "https://ebαy.com/", Suspicious, "ebay", `Greek "α" (U+03B1)`},
	{"url", "https://ａｍａｚｏｎ.com/", Suspicious, "amazon", "look-alike characters that turn into amazon.com"},

	// Issue 17: every visual trick folded, typosquatting classes.
	{"url", "https://xn--aazo-gd5ax007g.com/", Suspicious, "amazon", `looks like amazon.com: Latin "ṁ" (U+1E41) in place of "m", Latin "ꞑ" (U+A791) in place of "n"`},
	{"url", "https://ama.zon.com/", Suspicious, "amazon", `"ama.zon" reads "amazon" without its dots: it imitates amazon.com, but the address belongs to zon.com`},
	{"url", "https://amaz.on.ca/", Suspicious, "amazon", `"amaz.on" reads "amazon" without its dots: it imitates amazon.ca, but the address belongs to amaz.on.ca`},
	{"url", "https://sellercentralamazon.com/", Suspicious, "amazon", `has the name "amazon" in it`},
	{"url", "https://amazon-seller-support.co/", Suspicious, "amazon", `has the name "amazon" in it`},
	{"url", "https://ama-zon.com/", Suspicious, "amazon", `looks like amazon.com: a hyphen added ("ama-zon")`},
	{"url", "https://" + punycode("аmаzоn.com") + "/", Suspicious, "amazon", `Cyrillic "а" (U+0430) in place of "a", Cyrillic "а" (U+0430) in place of "a", Cyrillic "о" (U+043E) in place of "o"`},
	{"url", "https://" + punycode("ɑmɑzon.de") + "/", Suspicious, "amazon", `looks like amazon.de: Latin "ɑ" (U+0251) in place of "a"`},
	{"url", "https://" + punycode("teмu.com") + "/", Suspicious, "temu", `looks like temu.com: Cyrillic "м" (U+043C) in place of "m"`},
	{"url", "https://" + punycode("ámazon.com") + "/", Suspicious, "amazon", `Latin "á" (U+00E1) in place of "a"`},
	{"url", "https://arnazon.co.uk/", Suspicious, "amazon", `"rn" in place of "m"`},
	{"url", "https://w1se.com/", Suspicious, "wise", `looks like wise.com: "1" in place of "i"`},
	{"url", "https://e8ay.com/", Suspicious, "ebay", `"8" in place of "b"`},
	{"url", "https://e-bay.com/", Suspicious, "ebay", "a hyphen added"},
	{"url", "https://e.bay.com/", Suspicious, "ebay", `"e.bay" reads "ebay"`},
	{"url", "https://ebays.com/", Suspicious, "ebay", "looks like ebay.com: one letter added"},
	{"url", "https://wbay.com/", Suspicious, "ebay", "one letter changed"},
	{"url", "https://wwwebay.com/", Suspicious, "ebay", `has the name "ebay" in it`},
	{"url", "https://ebaylogin.com/", Suspicious, "ebay", `has the name "ebay" in it`},
	{"url", "https://ebayexpress.com/", Suspicious, "ebay", `has the name "ebay" in it`},
	{"url", "https://etsy-shop.net/", Suspicious, "etsy", `has the name "etsy" in it`},
	{"url", "https://amazon.com.evil.net/", Suspicious, "amazon", "amazon.com is used as a subdomain of evil.net"},
	{"url", "https://wiser.com/", Unknown, "", ""},
	{"url", "https://bay.com/", Unknown, "", ""},
	{"url", "https://moneywise.com/", Unknown, "", ""},
	{"url", "https://ama.zom.com/", Unknown, "", ""},

	// A brand inside a foreign domain, or in front of one.
	{"url", "https://amazon.com.example.net/", Suspicious, "amazon", "amazon.com is used as a subdomain of example.net"},
	{"url", "https://sellercentral.amazon.com.example.net/", Suspicious, "amazon", "amazon.com is used as a subdomain of example.net"},
	{"url", "https://sellercentral-amazon.de.evil.io/login", Suspicious, "amazon", "amazon.de is used as a subdomain of evil.io"},
	{"url", "https://paypal.com.secure-login.io/", Suspicious, "paypal", "paypal.com is used as a subdomain of secure-login.io"},
	{"url", "https://amazon-seller-support.com/", Suspicious, "amazon", `amazon-seller-support.com has the name "amazon" in it`},
	{"url", "https://sellercentral.amazon.com-verify.net/", Suspicious, "amazon", "amazon.com is written into sellercentral.amazon.com-verify.net: the address belongs to com-verify.net"},
	{"url", "sellercentral-amazon.net", Suspicious, "amazon", `has the name "amazon" in it`},
	{"url", "https://amazonsupport-team.com/", Suspicious, "amazon", `has the name "amazon" in it`},
	{"url", "https://amazon.evil.com/", Suspicious, "amazon", `the subdomain "amazon" is the name of amazon`},
	{"url", "https://verify.arnazon.evil.com/", Suspicious, "amazon", `"arnazon" in a subdomain of evil.com`},
	{"url", "amazon.xyz", Suspicious, "amazon", `amazon.xyz carries the name "amazon"`},
	{"url", "https://amazon-verify.s3.amazonaws.com/", Suspicious, "amazon", `has the name "amazon" in it`},

	// Tricks in the link itself.
	{"url", "https://amazon.com@evil.net/", Suspicious, "amazon", `the text before "@" ("amazon.com") is not where the link goes: it goes to evil.net`},
	{"url", "https://sellercentral.amazon.com:login@198.51.100.7/", Suspicious, "amazon", `before "@" ("sellercentral.amazon.com:…")`},
	{"url", "https://ops:Hunter2@evil.net/", Suspicious, "", `before "@" ("ops:…")`},
	{"url", "https://user@amazon.com/", Suspicious, "amazon", `before "@"`},
	{"url", `https://evil.net\@amazon.com/`, Suspicious, "amazon", "a backslash ends the host early: browsers go to evil.net, not to amazon.com"},
	{"url", "http://192.0.2.1/login", Suspicious, "", "192.0.2.1 is a raw IP address"},
	{"url", "http://[2001:db8::1]:8080/", Suspicious, "", "raw IP address"},
	{"url", "http://3627734062/", Suspicious, "", "a number that browsers read as an IP address"},
	{"url", "http://0x7f.1/", Suspicious, "", "a number that browsers read as an IP address"},

	// Nothing to do with the allowlist.
	{"url", "https://github.com/sellervault", Unknown, "", ""},
	{"url", "https://www.google.com/", Unknown, "", ""},
	{"url", "https://otherwise.com/", Unknown, "", ""},
	{"url", "https://bücher.de/", Unknown, "", ""},
	{"url", "https://mystore.myshopify.com/", Unknown, "", ""},
	{"url", "localhost:8080", Unknown, "", ""},

	// Not links.
	{"url", "", "", "", "url is empty"},
	{"url", "   ", "", "", "url is empty"},
	{"url", "https://", "", "", "has no host"},
	{"url", "https://exa mple.com/", "", "", "space"},
	{"url", "mailto:seller@amazon.com", "", "", "mailto: link"},
	{"url", "ftp://amazon.com/", "", "", "only http and https"},
	{"url", "javascript:alert(1)", "", "", "javascript: link"},
	{"url", "https://amazon.com:99999/", "", "", "port"},
	{"url", "https://amazon..com/", "", "", "not a valid host name"},
	{"url", "https://[not-an-ip]/", "", "", "not a valid web address"},
	{"url", "https://amazon.com:https/", "", "", "not a valid web address"},

	// Genuine senders.
	{"sender", "seller-notification@amazon.com", OK, "amazon", ""},
	{"sender", "Amazon Seller Central <seller-notification@amazon.com>", OK, "amazon", ""},
	{"sender", `"Amazon.co.uk" <no-reply@amazon.co.uk>`, OK, "amazon", ""},
	{"sender", "PayPal <service@paypal.com>", OK, "paypal", ""},
	{"sender", "Payoneer <customerservice@payoneer.com>", OK, "payoneer", ""},
	{"sender", "eBay <ebay@ebay.com>", OK, "ebay", ""},
	{"sender", "<noreply@stripe.com>", OK, "stripe", ""},
	{"sender", "Shopify <mailer@shopify.com> (Shopify Payments)", OK, "shopify", ""},

	// Look-alike senders and brand claims.
	{"sender", "Amazon <seller-alert@amaz0n-security.com>", Suspicious, "amazon", `"0" in place of "o" ("amaz0n" in amaz0n-security.com)`},
	{"sender", "Amazon <seller-alert@amaz0n-security.com>", Suspicious, "amazon", `the display name "Amazon" claims amazon`},
	{"sender", "Amazon Seller Support <x@gmail.com>", Suspicious, "amazon", `the display name "Amazon Seller Support" claims amazon, but the address is at gmail.com`},
	{"sender", "seller@amazon.com <x@evil.net>", Suspicious, "amazon", "shows amazon.com, but the address is at evil.net"},
	{"sender", `"Amazon.com" <x@evil.net>`, Suspicious, "amazon", "shows amazon.com"},
	{"sender", "PayPal <service@amazon.com>", Suspicious, "paypal", "claims paypal, but the address is at amazon.com, a domain of amazon"},
	{"sender", "amazon.seller.support@gmail.com", Suspicious, "amazon", `the mailbox name "amazon.seller.support" claims amazon`},
	{"sender", "Аmazon <x@gmail.com>", Suspicious, "amazon", "claims amazon"},
	{"sender", "Pay Pal <x@gmail.com>", Suspicious, "paypal", "claims paypal"},
	{"sender", "PaypaI Support <x@gmail.com>", Suspicious, "paypal", "claims paypal"},
	{"sender", "Arnazon Payments <x@mail.example>", Suspicious, "amazon", "claims amazon"},
	{"sender", "=?utf-8?q?Amaz=C3=B3n?= <x@example.com>", Suspicious, "amazon", `"Amazón" claims amazon`},
	{"sender", "x@example.com (Amazon Seller)", Suspicious, "amazon", "claims amazon"},
	{"sender", "Amazon <x@sellercentral.amazon.com.evil.net>", Suspicious, "amazon", "amazon.com is used as a subdomain of evil.net"},
	{"sender", "support@" + punycode("аmazon.com"), Suspicious, "amazon", `Cyrillic "а" (U+0430)`},
	{"sender", "x@[192.0.2.1]", Suspicious, "", "raw IP address"},
	{"sender", "Amazon <x@[192.0.2.1]>", Suspicious, "amazon", "claims amazon"},
	{"sender", "service@paypal-resolution.com", Suspicious, "paypal", `has the name "paypal" in it`},

	// Senders with no brand.
	{"sender", "Bob <bob@example.com>", Unknown, "", ""},
	{"sender", "bob@example.com", Unknown, "", ""},
	{"sender", "<bob@example.com>", Unknown, "", ""},

	// Not addresses.
	{"sender", "", "", "", "sender is empty"},
	{"sender", "foo", "", "", "not an e-mail address"},
	{"sender", "x@", "", "", "not an e-mail address"},
	{"sender", "Amazon <x@evil.net", "", "", "not an e-mail address"},
	{"sender", "a@b.com, c@d.com", "", "", "not an e-mail address"},
	{"sender", "x@amazon..com", "", "", "not an e-mail address"},
	{"sender", "x@[999.1.1.1]", "", "", "not an e-mail address"},
	{"sender", "x@under_score.com\x00", "", "", "control character"},
}

func TestCheck(t *testing.T) {
	a := embedded(t)
	for _, tc := range checkCases {
		var r Result
		var err error
		if tc.kind == "url" {
			r, err = a.CheckURL(tc.in)
		} else {
			r, err = a.CheckSender(tc.in)
		}
		name := tc.kind + " " + tc.in
		if tc.verdict == "" {
			if err == nil {
				t.Errorf("%s: no error, got %+v", name, r)
			} else if !errors.Is(err, inputerr.ErrInvalid) || !strings.Contains(err.Error(), tc.reason) {
				t.Errorf("%s: error %q, want one with %q matching inputerr.ErrInvalid", name, err, tc.reason)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if r.Verdict != tc.verdict {
			t.Errorf("%s: verdict %s, want %s (reasons %q)", name, r.Verdict, tc.verdict, r.Reasons)
			continue
		}
		if tc.brand != "" && r.Brand != tc.brand {
			t.Errorf("%s: brand %q, want %q (reasons %q)", name, r.Brand, tc.brand, r.Reasons)
		}
		if tc.reason != "" && !hasReason(r, tc.reason) {
			t.Errorf("%s: no reason with %q in %q", name, tc.reason, r.Reasons)
		}
		checkResult(t, tc.in, r, nil)
	}
}

func hasReason(r Result, sub string) bool {
	for _, s := range r.Reasons {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestResultDomain(t *testing.T) {
	a := embedded(t)
	for _, tc := range []struct{ in, want string }{
		{"https://SellerCentral.Amazon.com./x", "sellercentral.amazon.com"},
		{"https://аmazon.com/", "аmazon.com (xn--mazon-3ve.com)"},
		{"https://" + punycode("аmazon.com"), "аmazon.com (xn--mazon-3ve.com)"},
		{"http://[2001:DB8::1]/", "2001:db8::1"},
	} {
		r, err := a.CheckURL(tc.in)
		if err != nil || r.Domain != tc.want {
			t.Errorf("CheckURL(%q) domain %q, %v; want %q", tc.in, r.Domain, err, tc.want)
		}
	}
}

// TestSecretsHidden: a link's query and fragment may hold a token and its
// password part a password; errors and reasons never quote them.
func TestSecretsHidden(t *testing.T) {
	a := embedded(t)
	_, err := a.CheckURL("https://amazon..com/reset?token=s3cr3t#s3cr3t")
	if err == nil || strings.Contains(err.Error(), "s3cr3t") {
		t.Fatalf("error %v", err)
	}
	r, err := a.CheckURL("https://ops:s3cr3t@amazon.com/?token=s3cr3t")
	if err != nil || r.Verdict != Suspicious || strings.Contains(strings.Join(r.Reasons, " "), "s3cr3t") {
		t.Fatalf("%+v, %v", r, err)
	}
}

func TestCountCases(t *testing.T) {
	if len(checkCases) < 60 {
		t.Fatalf("%d check cases; keep at least 60", len(checkCases))
	}
}

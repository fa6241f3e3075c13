package phish

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/policies"
)

func TestParseAllowlist(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[string][]string // brand -> domains
	}{
		{"one pair", "amazon amazon.com", map[string][]string{"amazon": {"amazon.com"}}},
		{"several a line", "amazon amazon.com amazon.de\tamazon.co.uk", map[string][]string{"amazon": {"amazon.com", "amazon.de", "amazon.co.uk"}}},
		{"repeated brand lines", "wise wise.com\nwise transferwise.com\n", map[string][]string{"wise": {"wise.com", "transferwise.com"}}},
		{"comments and blanks", "# header\n\n  # indented\namazon amazon.com # the US site\n\t\npaypal paypal.com\n", map[string][]string{"amazon": {"amazon.com"}, "paypal": {"paypal.com"}}},
		{"CRLF", "amazon amazon.com\r\npaypal paypal.com\r\n", map[string][]string{"amazon": {"amazon.com"}, "paypal": {"paypal.com"}}},
		{"brand with hyphen and digits", "mercado-libre2 mercadolibre.com", map[string][]string{"mercado-libre2": {"mercadolibre.com"}}},
		{"punycode domain", "buecher xn--bcher-kva.de", map[string][]string{"buecher": {"xn--bcher-kva.de"}}},
		{"under a private suffix", "acme acme.github.io", map[string][]string{"acme": {"acme.github.io"}}},
		{"no trailing newline", "etsy etsy.com", map[string][]string{"etsy": {"etsy.com"}}},
	} {
		a, err := ParseAllowlist(tc.text)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		got := map[string][]string{}
		for _, b := range a.Brands() {
			got[b] = a.Domains(b)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

var allowlistErrorCases = []struct{ name, text, want string }{
	{"empty", "", "has no domains"},
	{"only comments", "# nothing yet\n\n", "has no domains"},
	{"brand alone", "amazon amazon.com\npaypal\n", "line 2: want a brand and its domains"},
	{"capital brand", "Amazon amazon.com", `brand "Amazon" must be lower-case`},
	{"brand with a dot", "amazon.com amazon.com", "brand \"amazon.com\" must be lower-case letters"},
	{"brand starting with a digit", "1688 1688.com", "starting with a letter"},
	{"brand too short", "a amazon.com", "must be 2 to 40 characters"},
	{"brand ending in a hyphen", "amazon- amazon.com", "hyphens inside"},
	{"capital domain", "amazon Amazon.com", "must be written in lower case"},
	{"unicode domain", "amazon аmazon.com", "punycode"},
	{"subdomain", "amazon sellercentral.amazon.com", "is a subdomain of amazon.com: list amazon.com"},
	{"public suffix", "shopify myshopify.com", "is a public suffix"},
	{"ccTLD suffix", "xy co.uk", "is a public suffix"},
	{"top-level domain", "xy com", "is a public suffix"},
	{"twice", "amazon amazon.com\namazon amazon.com", "line 2: domain amazon.com is already listed on line 1"},
	{"twice on a line", "amazon amazon.com amazon.com", "already listed on line 1"},
	{"two brands", "amazon amazon.com\nother amazon.de", `has the name "amazon" of brand amazon`},
	{"brand is another's label", "ebay amazon.xyz\namazon amazon.com", "one name belongs to one brand"},
	{"empty label", "amazon amazon..com", "is not a domain name"},
	{"trailing dot", "amazon amazon.com.", "is not a domain name"},
	{"leading hyphen", "amazon -amazon.com", "starts or ends with a hyphen"},
	{"underscore", "amazon amazon_x.com", "is not a domain name"},
	{"url", "amazon https://amazon.com", "is not a domain name"},
	{"ip address", "amazon 192.0.2.1", "is a number"},
	{"bad punycode", "amazon xn--zz.com", "not a valid international domain name"},
	{"unknown TLD", "amazon amazon.notatld", `unknown top-level domain "notatld"`},
	{"long label", "amazon " + strings.Repeat("a", 64) + ".com", "is not a domain name"},
}

func TestParseAllowlistErrors(t *testing.T) {
	for _, tc := range allowlistErrorCases {
		a, err := ParseAllowlist(tc.text)
		if err == nil {
			t.Errorf("%s: no error, got %v", tc.name, a.Brands())
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want %q", tc.name, err, tc.want)
		}
	}
}

// TestEmbeddedAllowlist checks policies/domains.conf: it parses, every
// entry is a registrable domain, and every entry checks as ok for its
// brand, as a link and as a sender.
func TestEmbeddedAllowlist(t *testing.T) {
	a := embedded(t)
	n := 0
	for _, b := range a.Brands() {
		for _, d := range a.Domains(b) {
			n++
			if reg, err := a.registrable(d); err != nil || reg != d {
				t.Errorf("%s: registrable domain %q, %v", d, reg, err)
			}
			if r, err := a.CheckURL("https://" + d + "/"); err != nil || r.Verdict != OK || r.Brand != b {
				t.Errorf("CheckURL(%s): %+v, %v", d, r, err)
			}
			if r, err := a.CheckSender("x@" + d); err != nil || r.Verdict != OK || r.Brand != b {
				t.Errorf("CheckSender(x@%s): %+v, %v", d, r, err)
			}
		}
	}
	for _, b := range []string{"amazon", "ebay", "walmart", "shopify", "etsy", "aliexpress", "alibaba", "mercadolibre", "rakuten", "zalando", "temu", "tiktok", "payoneer", "paypal", "stripe", "wise", "worldfirst", "pingpong", "lianlian", "airwallex"} {
		if len(a.Domains(b)) == 0 {
			t.Errorf("brand %s has no domains", b)
		}
	}
	if n < 60 {
		t.Errorf("only %d domains", n)
	}
	if !strings.HasPrefix(policies.Domains(), "#") {
		t.Errorf("domains.conf does not open with its review header")
	}
}

// A "suffix:" line makes one name under a shared second-level domain
// listable; the rest of that domain stays untrusted, and the line itself
// is checked.
func TestSharedSuffix(t *testing.T) {
	a, err := ParseAllowlist("suffix: com.be\namazon amazon.com amazon.com.be\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		url  string
		want Verdict
	}{
		{"https://sellercentral.amazon.com.be/", OK},
		{"https://amazon.com.be/", OK},
		{"https://evil.com.be/", Unknown},
		{"https://amazon-login.com.be/", Suspicious},
		{"https://amazon.com.be.evil.net/", Suspicious},
	} {
		if r, err := a.CheckURL(tc.url); err != nil || r.Verdict != tc.want {
			t.Errorf("CheckURL(%s) = %+v, %v; want %s", tc.url, r, err, tc.want)
		}
	}
	for _, bad := range []string{"suffix: be\n", "suffix: www.com.be\n", "suffix: com.be extra\n", "suffix: COM.be\n"} {
		if _, err := ParseAllowlist(bad + "amazon amazon.com\n"); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
	// without the line, the name under com.be is refused as a subdomain
	if _, err := ParseAllowlist("amazon amazon.com.be\n"); err == nil || !strings.Contains(err.Error(), "subdomain of com.be") {
		t.Errorf("amazon.com.be without a suffix line: %v", err)
	}
}

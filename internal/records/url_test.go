package records

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		errHas   string
	}{
		{in: "https://sellercentral.amazon.com", want: "https://sellercentral.amazon.com"},
		{in: "https://sellercentral.amazon.com/", want: "https://sellercentral.amazon.com/"},
		{in: "  HTTPS://SellerCentral.Amazon.COM/Home  ", want: "https://sellercentral.amazon.com/Home"},
		{in: "https://sellercentral.amazon.com/Home?Lang=EN#Top", errHas: "has a query"},
		{in: "https://example.com/reset?token=abc", errHas: "links can carry tokens"},
		{in: "https://www.ebay.co.uk/sh/ovw", want: "https://www.ebay.co.uk/sh/ovw"},
		{in: "https://acme-us.myshopify.com/admin", want: "https://acme-us.myshopify.com/admin"},
		{in: "https://xn--bcher-kva.de/login", want: "https://xn--bcher-kva.de/login"},
		{in: "https://example.com:8443/x", want: "https://example.com:8443/x"},
		{in: "https://medium.com/@acme", want: "https://medium.com/@acme"},
		{in: "https://example.com/a%20b", want: "https://example.com/a%20b"},
		{in: "https://example.com/ü", want: "https://example.com/%C3%BC"},
		{in: "https://192.0.2.10/login", want: "https://192.0.2.10/login"},
		{in: "https://[2001:DB8::1]:8200/", want: "https://[2001:db8::1]:8200/"},
		{in: "https://intranet/", want: "https://intranet/"},
		{in: "http://localhost:8200", want: "http://localhost:8200"},
		{in: "HTTP://LocalHost:8200/ui", want: "http://localhost:8200/ui"},
		{in: "http://127.0.0.1:8200/v1/sys/health", want: "http://127.0.0.1:8200/v1/sys/health"},
		// Bad.
		{in: "", errHas: "url is empty; use an https address"},
		{in: "https://user:hunter2@example.com/", errHas: `url "https://***@example.com/" has a user name or password before @; credentials never go in URLs`},
		{in: "https://user@example.com/", errHas: "credentials never go in URLs"},
		{in: "https://@example.com/", errHas: "credentials never go in URLs"},
		{in: "user:hunter2@example.com", errHas: "credentials never go in URLs"},
		{in: "http://user:hunter2@localhost/", errHas: "credentials never go in URLs"},
		{in: "http://sellercentral.amazon.com", errHas: "uses http, which is not encrypted; use https (http is only for localhost)"},
		{in: "http://10.0.0.1/", errHas: "uses http"},
		{in: "sellercentral.amazon.com/home", errHas: `does not start with https://; use "https://sellercentral.amazon.com/home"`},
		{in: "https:sellercentral.amazon.com", errHas: `use "https://sellercentral.amazon.com"`},
		{in: "http:/sellercentral.amazon.com", errHas: `use "https://sellercentral.amazon.com"`},
		{in: "ftp://example.com/file", errHas: `uses "ftp"; use an https address`},
		{in: "javascript://example.com/%0Aalert(1)", errHas: `uses "javascript"`},
		{in: "https:///path", errHas: "has no host"},
		{in: "https://", errHas: "has no host"},
		{in: "https://exa mple.com", errHas: "has a space or control character; write a space as %20"},
		{in: "https://example.com/a\nb", errHas: `"https://example.com/a\nb" has a space or control character`},
		{in: "https://example.com/%zz", errHas: "is not a valid URL"},
		{in: "https://bücher.de", errHas: "the host is not ASCII: write an international domain in punycode"},
		{in: "https://exa_mple.com", errHas: "has an underscore"},
		{in: "https://example.com./", errHas: "has an empty part between dots"},
		{in: "https://-example.com/", errHas: "starts or ends with a hyphen"},
		{in: "https://999.1.1.1/", errHas: "is not a valid IPv4 address"},
		{in: "https://1.2.3/", errHas: "is not a valid IPv4 address"},
		{in: "https://[fe80::1%25eth0]/", errHas: "is not a valid IPv6 address"},
		{in: "https://[::ffff:1.2.3.4]/", want: "https://[::ffff:1.2.3.4]/"},
		{in: "https://example.com:0/", errHas: `has port "0"; use a port from 1 to 65535`},
		{in: "https://example.com:65536/", errHas: "use a port from 1 to 65535"},
		{in: "https://example.com:/", errHas: "has a colon but no port"},
		{in: "https://example.com:https/", errHas: "is not a valid URL"},
	} {
		got, err := ParseURL(tc.in)
		call := "ParseURL(" + quoteInput(tc.in) + ")"
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

// A URL's password, and its query (which may hold a token), never show in
// an error, whatever else is wrong with the URL.
func TestParseURLErrorsHideSecrets(t *testing.T) {
	for _, in := range []string{
		"https://ops:Hunter2Secret@example.com/",
		"ops:Hunter2Secret@example.com",
		"ftp://ops:Hunter2Secret@example.com/",
		"https://ops:Hunter2Secret@exa mple.com/",
		"https://ops:Hunter2Secret%zz@example.com/",
		"http://example.com/reset?token=Hunter2Secret",
		"https://example.com/%zz?token=Hunter2Secret",
		"https://exa_mple.com/#access_token=Hunter2Secret",
		"ftp://example.com/?Hunter2Secret",
		"example.com/?key=Hunter2Secret",
	} {
		_, err := ParseURL(in)
		checkParseError(t, "ParseURL(...)", err, "url ")
		if strings.Contains(err.Error(), "Hunter2Secret") {
			t.Errorf("error shows the secret: %v", err)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://sellercentral.amazon.com/home?x=1#y", "HTTPS://EXAMPLE.COM", "http://localhost:8200",
		"http://example.com", "https://u:p@example.com", "example.com", "https:example.com", "https://[::1]:8200/",
		"https://[fe80::1%25en0]/", "https://1.2.3.4:0/", "https://bücher.de", "https://example.com/%zz", "https://a/ü?ü#ü",
		"https://example.com/a%2Fb", "https://example.com?", "https://example.com#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseURL(s)
		if err != nil {
			checkParseError(t, "ParseURL", err, "")
			// The error for a URL with a user name and password is the same
			// whatever they are: none of them shows.
			if prefix, auth := urlSplitAuthority(s); strings.Contains(auth, "@") {
				other := prefix + "x" + s[len(prefix)+strings.LastIndexByte(auth, '@'):]
				if _, err2 := ParseURL(other); err2 == nil || err2.Error() != err.Error() {
					t.Fatalf("ParseURL(%q): error %q depends on the user name and password: with them as x, %v", s, err, err2)
				}
			}
			return
		}
		again, err := ParseURL(got)
		if err != nil || again != got {
			t.Fatalf("ParseURL(%q) = %q, which re-parses as %q, %v", s, got, again, err)
		}
		u, err := url.Parse(got)
		if err != nil || u.User != nil || u.Host == "" || u.Host != strings.ToLower(u.Host) {
			t.Fatalf("ParseURL(%q) = %q: %v, user %v, host %q", s, got, err, u.User, u.Host)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1")) {
			t.Fatalf("ParseURL(%q) = %q: not https", s, got)
		}
	})
}

package totp

import (
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func fmtAll(v any) string { return fmt.Sprintf("%v|%+v|%#v|%s", v, v, v, v) }

// b32 encodes n bytes of a fixed pattern, without padding.
func b32(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// group splits s into lower-case groups of 4, as Amazon shows a seed.
func group(s string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.ToLower(strings.Join(append(parts, s), " "))
}

func TestParseGood(t *testing.T) {
	const sec = "JBSWY3DPEHPK3PXP" // 80 bits, the shortest accepted
	amazon := b32(32)              // 52 characters, like Amazon's seeds
	tests := []struct {
		name  string
		input string
		want  Key
	}{
		{"issuer param", "otpauth://totp/ACME:alice@example.com?secret=" + sec + "&issuer=ACME",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "ACME", Account: "alice@example.com"}},
		{"issuer from label", "otpauth://totp/Amazon%20Seller:ops@shop.example?secret=" + sec,
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon Seller", Account: "ops@shop.example"}},
		{"label space after colon", "otpauth://totp/eBay:%20ops@shop.example?secret=" + sec + "&issuer=eBay",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "eBay", Account: "ops@shop.example"}},
		{"param overrides label", "otpauth://totp/Old:bob?secret=" + sec + "&issuer=New",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "New", Account: "bob"}},
		{"no label", "otpauth://totp/?secret=" + sec,
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"account only", "otpauth://totp/bob?secret=" + sec,
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Account: "bob"}},
		{"sha256 8 digits period 60", "otpauth://totp/Shop:x?secret=" + amazon + "&algorithm=SHA256&digits=8&period=60",
			Key{Secret: amazon, Algorithm: "SHA256", Digits: 8, Period: 60, Issuer: "Shop", Account: "x"}},
		{"sha512 lower case", "otpauth://totp/Shop:x?secret=" + amazon + "&algorithm=sha512",
			Key{Secret: amazon, Algorithm: "SHA512", Digits: 6, Period: 30, Issuer: "Shop", Account: "x"}},
		{"explicit defaults", "otpauth://totp/Shop:x?secret=" + sec + "&algorithm=SHA1&digits=6&period=30",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Shop", Account: "x"}},
		{"period bounds 15", "otpauth://totp/x?secret=" + sec + "&period=15",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 15, Account: "x"}},
		{"period bounds 300", "otpauth://totp/x?secret=" + sec + "&period=300",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 300, Account: "x"}},
		{"lower-case secret in uri", "otpauth://totp/x?secret=" + strings.ToLower(sec),
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Account: "x"}},
		{"spaced padded secret in uri", "otpauth://totp/x?secret=nbsw%20y3dp%20eb3w%2064tm%20mq%3D%3D%3D%3D%3D%3D",
			Key{Secret: "NBSWY3DPEB3W64TMMQ", Algorithm: "SHA1", Digits: 6, Period: 30, Account: "x"}},
		{"upper-case scheme and type", "OTPAUTH://TOTP/x?secret=" + sec,
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Account: "x"}},
		{"surrounding whitespace", "\n  otpauth://totp/x?secret=" + sec + "  \r\n",
			Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30, Account: "x"}},
		{"bare", sec, Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"bare amazon style", group(amazon), Key{Secret: amazon, Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"bare padding", "NBSWY3DPEB3W64TMMQ======", Key{Secret: "NBSWY3DPEB3W64TMMQ", Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"bare spaced padding", "nbsw y3dp eb3w 64tm mq== ====", Key{Secret: "NBSWY3DPEB3W64TMMQ", Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"bare tabs and newlines", "JBSW\tY3DP\nEHPK\r\n3PXP", Key{Secret: sec, Algorithm: "SHA1", Digits: 6, Period: 30}},
		{"bare 1024 bits", b32(128), Key{Secret: b32(128), Algorithm: "SHA1", Digits: 6, Period: 30}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.input)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tt.want {
				t.Fatalf("got  %#v\nwant %#v", keyFields(got), keyFields(tt.want))
			}
		})
	}
}

// keyFields shows a Key with its secret, for test failures only.
func keyFields(k Key) string {
	return fmt.Sprintf("{Secret:%s Algorithm:%s Digits:%d Period:%d Issuer:%q Account:%q}",
		k.Secret, k.Algorithm, k.Digits, k.Period, k.Issuer, k.Account)
}

func TestParseBad(t *testing.T) {
	const sec = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	long := b32(129) // 1032 bits
	tests := []struct {
		name   string
		input  string
		secret string // the secret in the input, if any, that must not show
		want   string // a part of the error text
	}{
		{"empty", "", "", "the input is empty"},
		{"blank", " \t\n ", "", "the input is empty"},
		{"https scheme", "https://sellercentral.example/2sv?secret=" + sec, sec, `unsupported scheme "https"`},
		{"http scheme", "http://example.com/" + sec, sec, `unsupported scheme "http"`},
		{"unknown scheme", sec + ":" + sec, sec, "unsupported URI scheme"},
		{"secret as scheme", "otpauth-" + sec + "://totp/x?secret=" + sec, sec, "unsupported URI scheme"},
		{"migration export", "otpauth-migration://offline?data=" + sec, sec, "otpauth-migration"},
		{"hotp", "otpauth://hotp/ACME:alice?secret=" + sec + "&counter=0", sec,
			"HOTP (counter-based) keys are not supported; the marketplace shows a TOTP key"},
		{"unknown type", "otpauth://motp/x?secret=" + sec, sec, "not an otpauth://totp/ key"},
		{"opaque uri", "otpauth:totp/x?secret=" + sec, sec, "not an otpauth://totp/ key"},
		{"bad escape", "otpauth://totp/%zz?secret=" + sec, sec, "not a valid URI"},
		{"bad host", "otpauth://to tp/x?secret=" + sec, sec, "not a valid URI"},
		{"bad query escape", "otpauth://totp/x?secret=" + sec + "&issuer=%zz", sec, "not a valid URI"},
		{"digit 1", "JBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PX1", "character 16 is not one of A-Z and 2-7"},
		{"digit 8", "JBSW Y3DP 8HPK 3PXP", "JBSWY3DP8HPK3PXP", "character 9 is not one of A-Z and 2-7"},
		{"bang", "JBSWY3DP!HPK3PXP", "JBSWY3DP!HPK3PXP", "not valid base32"},
		{"digit 0 in uri", "otpauth://totp/x?secret=JBSWY3DPEHPK3PX0", "JBSWY3DPEHPK3PX0", "character 16"},
		{"non-ascii", "JBSWY3DPEHPK3PXÄ", "JBSWY3DPEHPK3PXÄ", "character 16"},
		{"too short", "JBSWY3DP", "JBSWY3DP",
			"the seed is too short: 40 bits; a TOTP seed has at least 80 (RFC 4226 recommends 160)"},
		{"too short in uri", "otpauth://totp/x?secret=JBSWY3DPEHPK3PX", "JBSWY3DPEHPK3PX", "too short: 72 bits"},
		{"too long", long, long, "the seed is too long: 1032 bits"},
		{"impossible length", sec + "A", sec, "33 characters cannot be a whole number of bytes"},
		{"padding in the middle", "JBSWY3DP=EHPK3PXP", "JBSWY3DP", "padding may only come at the end"},
		{"md5", "otpauth://totp/x?secret=" + sec + "&algorithm=MD5", sec, "unsupported algorithm MD5"},
		{"sha3 unnamed", "otpauth://totp/x?secret=" + sec + "&algorithm=whirlpool", sec, "unsupported algorithm: Vault"},
		{"algorithm is the secret", "otpauth://totp/x?secret=" + sec + "&algorithm=" + sec, sec, "unsupported algorithm: Vault"},
		{"digits 7", "otpauth://totp/x?secret=" + sec + "&digits=7", sec, "unsupported number of digits 7"},
		{"digits 0", "otpauth://totp/x?secret=" + sec + "&digits=0", sec, "unsupported number of digits 0"},
		{"digits text", "otpauth://totp/x?secret=" + sec + "&digits=six", sec, "digits parameter is not a number"},
		{"period 0", "otpauth://totp/x?secret=" + sec + "&period=0", sec, "unsupported period 0 seconds: expected 15 to 300"},
		{"period 1000", "otpauth://totp/x?secret=" + sec + "&period=1000", sec, "unsupported period 1000 seconds"},
		{"period 14", "otpauth://totp/x?secret=" + sec + "&period=14", sec, "unsupported period 14"},
		{"period 301", "otpauth://totp/x?secret=" + sec + "&period=301", sec, "unsupported period 301"},
		{"period negative", "otpauth://totp/x?secret=" + sec + "&period=-30", sec, "unsupported period -30"},
		{"period text", "otpauth://totp/x?secret=" + sec + "&period=30s", sec, "period parameter is not a number"},
		{"missing secret", "otpauth://totp/ACME:alice?issuer=ACME", "", "no secret parameter"},
		{"empty secret", "otpauth://totp/ACME:alice?secret=&issuer=ACME", "", "the secret is empty"},
		{"only padding", "========", "", "the secret is empty"},
		{"two secrets", "otpauth://totp/x?secret=" + sec + "&secret=" + b32(20), sec, "more than one secret parameter"},
		{"two digits", "otpauth://totp/x?secret=" + sec + "&digits=6&digits=8", sec, "more than one digits parameter"},
		{"steam", "otpauth://totp/Steam:x?secret=" + sec + "&encoder=steam", sec, "Steam Guard"},
		{"input too long", "otpauth://totp/x?secret=" + sec + "&issuer=" + strings.Repeat("a", 9000), sec, "too long to be a TOTP key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse(tt.input)
			if err == nil {
				t.Fatalf("no error; got %s", keyFields(k))
			}
			if k != (Key{}) {
				t.Errorf("error with a non-zero key: %s", keyFields(k))
			}
			if !errors.Is(err, ErrInvalidKey) {
				t.Errorf("error does not wrap ErrInvalidKey: %v", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not contain %q", msg, tt.want)
			}
			assertNoLeak(t, msg, tt.input, tt.secret)
		})
	}
}

// assertNoLeak fails if msg holds the input or the secret, in any case,
// with or without the spaces a marketplace puts in.
func assertNoLeak(t *testing.T, msg, input, secret string) {
	t.Helper()
	upper := strings.ToUpper(msg)
	if in := strings.TrimSpace(input); in != "" && strings.Contains(upper, strings.ToUpper(in)) {
		t.Errorf("error contains the input: %q", msg)
	}
	if secret != "" {
		s := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
		if strings.Contains(upper, s) || strings.Contains(strings.Join(strings.Fields(upper), ""), s) {
			t.Errorf("error contains the secret: %q", msg)
		}
	}
	// No piece of 8 or more base32 characters of the secret either.
	if len(secret) >= 16 {
		for i := 0; i+8 <= len(secret); i++ {
			if strings.Contains(upper, strings.ToUpper(secret[i:i+8])) {
				t.Errorf("error contains 8 characters of the secret (%d..%d): %q", i, i+8, msg)
				return
			}
		}
	}
}

// The canary is a valid seed; every way of failing around it must keep it
// out of the error.
func TestCanaryNeverInErrors(t *testing.T) {
	const canary = "CANARYSEEDAAAAAAAAAAAAAAAAAAAAAA"
	const base = "otpauth://totp/Shop:ops@shop.example?secret=" + canary + "&issuer=Shop"
	if k, err := Parse(base); err != nil || k.Secret != canary {
		t.Fatalf("the canary URI itself must parse: %v", err)
	}
	if _, err := Parse(canary); err != nil {
		t.Fatalf("the bare canary must parse: %v", err)
	}
	inputs := []string{
		base + "&digits=7",
		base + "&digits=x",
		base + "&period=1000",
		base + "&algorithm=MD5",
		base + "&algorithm=" + canary,
		base + "&encoder=steam",
		base + "&secret=" + canary,
		base + "&issuer=%zz",
		strings.Replace(base, "otpauth://totp", "otpauth://hotp", 1),
		strings.Replace(base, "otpauth://totp", "otpauth://xotp", 1),
		strings.Replace(base, "otpauth://", "https://", 1),
		strings.Replace(base, "otpauth://", canary+"://", 1),
		strings.Replace(base, "otpauth://", "otpauth-migration://", 1),
		strings.Replace(base, "/Shop:", "/%zz:", 1),
		strings.Replace(base, canary, canary+"1", 1),
		strings.Replace(base, canary, canary+"A", 1),
		strings.Replace(base, canary, "CANARYSEED=AAAA", 1),
		strings.Replace(base, canary, canary[:15], 1),
		canary + "1",
		canary + "A",
		strings.ToLower(canary) + "!",
		canary[:10] + " " + canary[10:] + " 8",
		canary + ":" + canary,
		base + "&x=" + strings.Repeat(canary, 300),
		strings.Repeat(canary, 40), // 1280 characters, too long a seed
	}
	for _, in := range inputs {
		_, err := Parse(in)
		if err == nil {
			t.Errorf("no error for a bad canary input (%d bytes)", len(in))
			continue
		}
		for _, s := range []string{err.Error(), fmtAll(err), fmt.Sprintf("%q", err)} {
			if strings.Contains(strings.ToUpper(s), "CANARYSEED") {
				t.Errorf("error contains the canary: %s", s)
			}
		}
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			if strings.Contains(strings.ToUpper(e.Error()), "CANARYSEED") {
				t.Errorf("wrapped error contains the canary: %s", e)
			}
		}
	}
}

// Parse's output is what Vault's TOTP engine takes, and parses again to
// itself.
func TestParseIdempotent(t *testing.T) {
	for _, in := range []string{"jbsw y3dp ehpk 3pxp", group(b32(32)), "NBSWY3DPEB3W64TMMQ======"} {
		k, err := Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		k2, err := Parse(k.Secret)
		if err != nil || k2 != k {
			t.Fatalf("re-parse of %q: %v", in, err)
		}
		if err := k.validate(); err != nil {
			t.Fatalf("validate: %v", err)
		}
	}
}

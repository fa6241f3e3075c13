package redact

import (
	"context"
	"encoding/base32"
	"math/rand/v2"
	"strings"
	"testing"
)

// patterns redacts s with patterns only.
func patterns(t testing.TB, s string) string {
	t.Helper()
	var out strings.Builder
	if _, err := Redact(context.Background(), strings.NewReader(s), &out, Options{PatternsOnly: true}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

type patternCase struct{ in, want string }

func runPatternCases(t *testing.T, cases []patternCase) {
	t.Helper()
	for _, c := range cases {
		if got := patterns(t, c.in); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestIBANPattern(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"iban DE89370400440532013000.", "iban [REDACTED:iban]."},
		{"iban DE89 3704 0044 0532 0130 00 please", "iban [REDACTED:iban] please"},
		{"IBAN: de89 3704 0044 0532 0130 00", "IBAN: [REDACTED:iban]"},
		{"GB29 NWBK 6016 1331 9268 19 and GB82-WEST-1234-5698-7654-32", "[REDACTED:iban] and [REDACTED:iban]"},
		{"(FR14\u00a02004\u00a01010\u00a00505\u00a00001\u00a03M02\u00a0606)", "([REDACTED:iban])"},
		{"NO9386011117947", "[REDACTED:iban]"},
		// Wrong check digits, wrong length, unknown country, glued to a word.
		{"DE88 3704 0044 0532 0130 00", "DE88 3704 0044 0532 0130 00"},
		{"DE89 3704 0044 0532 0130 0", "DE89 3704 0044 0532 0130 0"},
		{"XX89370400440532013000", "XX89370400440532013000"},
		{"ADE89370400440532013000", "ADE89370400440532013000"},
		{"DE89370400440532013000X", "DE89370400440532013000X"},
		{"DE89  3704 0044 0532 0130 00", "DE89  3704 0044 0532 0130 00"},
	})
}

func TestCardPattern(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"card 4111 1111 1111 1111 exp 12/27", "card [REDACTED:card-number] exp 12/27"},
		{"4111-1111-1111-1111", "[REDACTED:card-number]"},
		{"4111111111111111", "[REDACTED:card-number]"},
		{"amex 3782 822463 10005.", "amex [REDACTED:card-number]."},
		{"mc 5555 5555 5555 4444 cvc 123", "mc [REDACTED:card-number] cvc 123"},
		{"2223 0031 2200 3222", "[REDACTED:card-number]"},
		{"disc 6011 1111 1111 1117", "disc [REDACTED:card-number]"},
		// Luhn fails; no network starts with 1; too short; in a word;
		// dots are not how cards are written.
		{"4111 1111 1111 1112", "4111 1111 1111 1112"},
		{"order 114-3941689-8772232", "order 114-3941689-8772232"},
		{"1111 1111 1111 1117", "1111 1111 1111 1117"},
		{"4111 1111 1111", "4111 1111 1111"},
		{"x4111111111111111", "x4111111111111111"},
		{"4111.1111.1111.1111", "4111.1111.1111.1111"},
	})
}

func TestOTPAuthPattern(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"scan otpauth://totp/Amazon:ops-us%40acme.example?secret=JBSWY3DPEHPK3PXP&issuer=Amazon.", "scan [REDACTED:otpauth-uri]."},
		{"<OTPAUTH://TOTP/x?secret=ABC>", "<[REDACTED:otpauth-uri]>"},
		{`"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1w"`, `"[REDACTED:otpauth-uri]"`},
		{"https://example.com/otpauth", "https://example.com/otpauth"},
		{"myotpauth://x", "myotpauth://x"},
	})
}

func TestSeedPattern(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"key JBSWY3DPEHPK3PXP ok", "key [REDACTED:totp-seed] ok"},
		{"key: jbsw y3dp ehpk 3pxp", "key: [REDACTED:totp-seed]"},
		{"HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ", "[REDACTED:totp-seed]"},                               // 32
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY======", "[REDACTED:totp-seed]"},                               // padded
		{"3QAY BZ7W ZQFU 6PX4 V5ZA 7NCR ID5K WJGF", "[REDACTED:totp-seed]"},                        // 32 in groups
		{"seed=KRUGKIDROVUWG23BOJXXO3RA", "seed=[REDACTED:totp-seed]"},                             // 26
		{"ORSXG5DJNZTSA5DIMUQHEZLEMFRXI2LPNY", "[REDACTED:totp-seed]"},                             // 34
		{"MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI", "[REDACTED:totp-seed]"},                     // 42
		{"INTERNATIONALIZATION and ABCDEFGHIJKLMNOP", "INTERNATIONALIZATION and ABCDEFGHIJKLMNOP"}, // words, sequences
		{"JBSWY3DPEHPK3PX", "JBSWY3DPEHPK3PX"},                                                     // 15
		{"JBSWY3DPEHPK3PXP1", "JBSWY3DPEHPK3PXP1"},                                                 // 1 is not base32
		{"JbswY3DPEHPK3PXP", "JbswY3DPEHPK3PXP"},                                                   // mixed case
		{"deadbeefcafe2345bead", "deadbeefcafe2345bead"},                                           // hex
		{"jbsw Y3DP ehpk 3pxp", "jbsw Y3DP ehpk 3pxp"},                                             // groups of mixed case
	})
}

func TestVaultTokenPattern(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"export VAULT_TOKEN=hvs.CAESIJlU9JMYEhOPYv4igdhm9PnZDrabYTobQ4Ymnlq1qY-QGh4KHGh2cy5OVzh3ZWdZOTM1dmxyTUxFUEhMWmthbVk", "export VAULT_TOKEN=[REDACTED:vault-token]"},
		{"token hvb.AAAAAQJHW2lzZXJ1c2VycGFzcy1hdXRo.", "token [REDACTED:vault-token]."},
		{"hvr.Qk8n3x0Zr5lP2mVj9sTy6uWe", "[REDACTED:vault-token]"},
		{"old one: s.Ak2uY9mVXNgn5pNu2Ld2yK3p", "old one: [REDACTED:vault-token]"},
		{"s.Ak2uY9mVXNgn5pNu2Ld2yK3p.2XWIE!", "[REDACTED:vault-token]!"},
		{"(b.AAAAAQKG1oqJ3iR8EtZ8Ht9Qjwg7n3pqZzBvYnR5)", "([REDACTED:vault-token])"},
		{"hvs.short", "hvs.short"},
		{"logs.Ak2uY9mVXNgn5pNu2Ld2yK3p", "logs.Ak2uY9mVXNgn5pNu2Ld2yK3p"},
		{"s.abcdefghijklmnopqrstuvwx", "s.abcdefghijklmnopqrstuvwx"},
		{"s.Ak2uY9mVXNgn5pNu2Ld2yK3pX", "s.Ak2uY9mVXNgn5pNu2Ld2yK3pX"},
		{"https://x.hvs.example/s.Ak2uY9mVXNgn5pNu2Ld2yK3p", "https://x.hvs.example/s.Ak2uY9mVXNgn5pNu2Ld2yK3p"},
	})
}

const rsaKey = `-----BEGIN RSA PRIVATE KEY-----
MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm
o3qGy0t6z09AIJtH+5OeRV1be+N4cDYJKffGzDa88vQENZiRm0GRq6a+HPGQMd2k
TQIhAKMSvzIBnni7ot/OSie2TmJLY4SwTQAevXysE2RbFDYdAiEBCUEaRQnMnbp7
9mxDXDf6AU0cN/RPBjb9qSHDcWZHGzUCIG2Es59z8ugGrDY+pxLQnwfotadxd+Uy
v/Ow5T0q5gIJAiEAyS4RaI9YG8EWx/2w0T67ZUVAw8eOMB6BIUg0Xcu+3okCIBOs
/5OiPgoTdSy7bcF9IGpSE8ZgGKzgYQVZeN97YE00
-----END RSA PRIVATE KEY-----`

func TestPrivateKeyPattern(t *testing.T) {
	joined := strings.ReplaceAll(rsaKey, "\n", " ")
	crlf := strings.ReplaceAll(rsaKey, "\n", "\r\n")
	quoted := strings.ReplaceAll(rsaKey, "\n", "\n    ")
	headless := strings.TrimSuffix(rsaKey, "-----END RSA PRIVATE KEY-----")
	runPatternCases(t, []patternCase{
		{"key:\n" + rsaKey + "\nthanks", "key:\n[REDACTED:private-key]\nthanks"},
		{"```" + crlf + "```", "```[REDACTED:private-key]```"},
		{"key: " + joined + " thanks", "key: [REDACTED:private-key] thanks"},
		{"    " + quoted + "\n", "    [REDACTED:private-key]\n"},
		{headless + "\nthanks, bye!", "[REDACTED:private-key]\n\nthanks, bye!"},
		{headless, "[REDACTED:private-key]\n"},
		{"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----",
			"[REDACTED:private-key]"},
		{"-----BEGIN ENCRYPTED PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,5E0E7C3B2E2A4B8F\n\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END ENCRYPTED PRIVATE KEY----- done",
			"[REDACTED:private-key] done"},
		{"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF0o7ZQBCADJ6Y1Bqzq0l3v2uQvF5g\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----",
			"[REDACTED:private-key]"},
		// Public keys and certificates are not secrets.
		{"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
			"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----"},
		{"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END CERTIFICATE-----",
			"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END CERTIFICATE-----"},
	})
}

// english is ordinary text, some of it shouted, to check that no seed,
// token or card is seen in it.
const english = `Dear team, the quarterly inventory reconciliation for the northern
warehouse is complete. Internationalization of the storefront continues;
please double-check the characteristics of every listing, especially
the transportation surcharges and the responsibilities of the
subcontractors. STRAIGHTFORWARD ACKNOWLEDGEMENTS WERE COUNTERPRODUCTIVE.
Thanks to everybody who stayed late on Thursday; customers appreciated
the overwhelmingly positive experience. Keep up the extraordinary work,
and remember the troubleshooting documentation on the shared drive. The
incomprehensibilities of marketplace fee structures are well documented;
see also the uncharacteristically long discussion in the channel.
`

// jargon is chat shorthand near the patterns' prefixes.
const jargon = `Meeting notes: s. a. m. b. hvs. otpauth: 12/27 4 pm, room 2B, v2.3.4,
call 555-0100 ext 12, ref 2024-05-01/17, SKU ACME-TENT-2P-GRN, $1,234.56.
`

func TestNoFalsePositivesInEnglish(t *testing.T) {
	variants := []string{english, strings.ToUpper(english), strings.ToLower(english)}
	for _, v := range variants[:3] {
		// Words joined, as in identifiers and hashtags.
		variants = append(variants, strings.Join(strings.Fields(v), ""))
		// Words in groups of four letters, as seeds are shown.
		letters := strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				return r
			}
			return -1
		}, v)
		var g strings.Builder
		for i := 0; i < len(letters); i += 4 {
			g.WriteString(letters[i:min(i+4, len(letters))])
			g.WriteByte(' ')
		}
		variants = append(variants, g.String())
	}
	variants = append(variants, jargon, strings.ToUpper(jargon))
	for i, v := range variants {
		if got := patterns(t, v); got != v {
			t.Errorf("variant %d: patterns changed English text:\n%s", i, got)
		}
	}
}

func TestSeedsEnglish(t *testing.T) {
	// Runs of one to eight words of the text, joined directly or by a
	// digit 2-7, upper and lower case, as in identifiers: no seed.
	words := strings.Fields(strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return r
		}
		return ' '
	}, english))
	for _, digits := range []bool{false, true} {
		for k := 1; k <= 8; k++ {
			for i := 0; i+k <= len(words); i++ {
				var b strings.Builder
				for j, w := range words[i : i+k] {
					if j > 0 && digits {
						b.WriteByte('2' + byte((i+j)%6))
					}
					b.WriteString(w)
				}
				for _, s := range []string{strings.ToUpper(b.String()), strings.ToLower(b.String())} {
					if n := len(s); n >= minSeedLen && n <= maxSeedLen && seedLike([]byte(s)) {
						t.Errorf("seedLike(%q)", s)
					}
				}
			}
		}
	}
}

func TestSeedRecall(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n    int
		want float64 // at least this share found
	}{{16, 0.93}, {20, 0.97}, {26, 0.99}, {32, 0.995}, {52, 0.999}} {
		found := 0
		const tries = 20000
		for range tries {
			seed := make([]byte, c.n*5/8)
			for i := range seed {
				seed[i] = byte(r.Uint32())
			}
			s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed)[:c.n]
			if seedLike([]byte(s)) {
				found++
			}
		}
		got := float64(found) / tries
		t.Logf("%d characters: %.2f%% of random seeds found", c.n, 100*got)
		if got < c.want {
			t.Errorf("%d characters: %.4f found, want at least %.4f", c.n, got, c.want)
		}
	}
}

func TestSeedGroupsTrimmed(t *testing.T) {
	runPatternCases(t, []patternCase{
		{"seed jbsw y3dp ehpk 3pxp end", "seed [REDACTED:totp-seed] end"},
		{"your code hxdm vjec jjws rb3h wizr 4ifu gftm xboz here", "your code [REDACTED:totp-seed] here"},
		{"HXDM VJEC JJWS RB3H WIZR 4IFU GFTM XBOZ", "[REDACTED:totp-seed]"},
		// Words that do not read as English stay with the seed: more is
		// redacted, never less. Words in another case are not joined.
		{"copy orsx g5dj nzts a5di muqh ezle mfrx i2lp ny", "[REDACTED:totp-seed]"},
		{"copy ORSX G5DJ NZTS A5DI MUQH EZLE MFRX I2LP NY", "copy [REDACTED:totp-seed]"},
	})
}

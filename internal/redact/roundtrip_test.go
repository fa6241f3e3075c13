package redact

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// team is a demo team's secrets (internal/demo: the values it stores,
// with fixed passwords in place of its random ones).
var team = []secret{
	{KindPassword, "Tr0ub4dor&3!"},
	{KindPassword, "x7Kp_2mQ-9vLw4Rt8sNb1cYe"},
	{KindEmail, "ops-us@acme.example"},
	{KindEmail, "ops-de@acme.example"},
	{KindEmail, "tom.private@example.com"},
	{KindPhone, "+14155550100"},
	{KindPhone, "+447700900123"},
	{KindIBAN, "DE89370400440532013000"},
	{KindIBAN, "DE02120300000000202051"},
	{KindAccount, "000123456789"},
	{KindRouting, "021000021"},
	{KindStore, "acme-us"},
	{KindStore, "acme-de"},
}

const chat = `[09:14] maria: morning! quick handover for olga, pls don't forward this
[09:15] maria: Seller Central (acme-us) login is OPS-US@ACME.EXAMPLE, pw "Tr0ub4dor&3!" (changed last week)
[09:15] maria: 2-step codes go to (415) 555-0100, the backup is 415.555.0100 or just +1 415 555 0100.
[09:16] olga: got it. and the DE one? Tom said 07700 900123 & ops-de@acme.example
[09:17] farid: payout for Acme-DE is DE89 3704 0044 0532 0130 00 (Commerzbank); new one pending: de02 1203 0000 0000 2020 51.
[09:17] farid: US account 0001 2345 6789, routing 021000021.
[09:18] maria: shipping login: tom.private@example.com / x7Kp_2mQ-9vLw4Rt8sNb1cYe.
[09:18] maria: Order 114-3941689-8772232 shipped; total $1,234.56 on 2024-05-01.
[09:19] olga: thanks!!! 👍
[09:20] maria: new 2FA key for acme-us: hxdm vjec jjws rb3h wizr 4ifu gftm xboz (or scan otpauth://totp/Amazon:ops-us%40acme.example?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=Amazon)
[09:21] tom: UK line is +44 (0)7700 900123 / 0044 7700 900123, VAULT_TOKEN=hvs.CAESIJlU9JMYEhOPYv4igdhm9PnZDrab
`

const chatRedacted = `[09:14] maria: morning! quick handover for olga, pls don't forward this
[09:15] maria: Seller Central ([REDACTED:store]) login is [REDACTED:email], pw "[REDACTED:password]" (changed last week)
[09:15] maria: 2-step codes go to [REDACTED:phone], the backup is [REDACTED:phone] or just [REDACTED:phone].
[09:16] olga: got it. and the DE one? Tom said [REDACTED:phone] & [REDACTED:email]
[09:17] farid: payout for [REDACTED:store] is [REDACTED:iban] (Commerzbank); new one pending: [REDACTED:iban].
[09:17] farid: US account [REDACTED:account-number], routing [REDACTED:routing-number].
[09:18] maria: shipping login: [REDACTED:email] / [REDACTED:password].
[09:18] maria: Order 114-3941689-8772232 shipped; total $1,234.56 on 2024-05-01.
[09:19] olga: thanks!!! 👍
[09:20] maria: new 2FA key for [REDACTED:store]: [REDACTED:totp-seed] (or scan [REDACTED:otpauth-uri])
[09:21] tom: UK line is [REDACTED:phone] / [REDACTED:phone], VAULT_TOKEN=[REDACTED:vault-token]
`

func TestRoundTrip(t *testing.T) {
	for _, cs := range []int{0, 64, 100, 1 << 20} {
		for _, crlf := range []bool{false, true} {
			h := newFakeHasher()
			o := Options{Hasher: h, Index: buildIndex(h, team), ChunkSize: cs}
			h.calls = 0
			in, want := chat, chatRedacted
			if crlf {
				in, want = strings.ReplaceAll(in, "\n", "\r\n"), strings.ReplaceAll(want, "\n", "\r\n")
			}
			var out bytes.Buffer
			st, err := Redact(context.Background(), strings.NewReader(in), &out, o)
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Errorf("chunk %d crlf %v: got\n%s\nwant\n%s", cs, crlf, out.String(), want)
			}
			if st.HasherCalls != h.calls {
				t.Errorf("stats say %d hasher calls, hasher saw %d", st.HasherCalls, h.calls)
			}
			t.Logf("chunk %d: %+v", cs, st)
		}
	}
}

// chatPatternsOnly is chat redacted by pattern alone, with the team's
// domain: what a member in none of the audiences gets. Phones and the
// team's addresses go; passwords, store names, account and routing
// numbers and the outside address stay (see "What a member's redaction
// covers").
const chatPatternsOnly = `[09:14] maria: morning! quick handover for olga, pls don't forward this
[09:15] maria: Seller Central (acme-us) login is [REDACTED:email], pw "Tr0ub4dor&3!" (changed last week)
[09:15] maria: 2-step codes go to [REDACTED:phone], the backup is [REDACTED:phone] or just [REDACTED:phone].
[09:16] olga: got it. and the DE one? Tom said [REDACTED:phone] & [REDACTED:email]
[09:17] farid: payout for Acme-DE is [REDACTED:iban] (Commerzbank); new one pending: [REDACTED:iban].
[09:17] farid: US account 0001 2345 6789, routing 021000021.
[09:18] maria: shipping login: tom.private@example.com / x7Kp_2mQ-9vLw4Rt8sNb1cYe.
[09:18] maria: Order 114-3941689-8772232 shipped; total $1,234.56 on 2024-05-01.
[09:19] olga: thanks!!! 👍
[09:20] maria: new 2FA key for acme-us: [REDACTED:totp-seed] (or scan [REDACTED:otpauth-uri])
[09:21] tom: UK line is [REDACTED:phone] / [REDACTED:phone], VAULT_TOKEN=[REDACTED:vault-token]
`

func TestRoundTripPatterns(t *testing.T) {
	for _, cs := range []int{0, 64, 100} {
		for _, crlf := range []bool{false, true} {
			in, want := chat, chatPatternsOnly
			if crlf {
				in, want = strings.ReplaceAll(in, "\n", "\r\n"), strings.ReplaceAll(want, "\n", "\r\n")
			}
			got, _, _ := redactScan(t, in, Options{PatternsOnly: true, TeamDomains: []string{"acme.example"}, ChunkSize: cs})
			if got != want {
				t.Errorf("chunk %d crlf %v: got\n%s\nwant\n%s", cs, crlf, got, want)
			}
		}
	}
}

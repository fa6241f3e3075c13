package payout

import (
	"slices"
	"strings"
	"testing"
)

func TestMaskIBAN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"DE89370400440532013000", "DE89 **** **** **** **30 00"},
		{"GB29NWBK60161331926819", "GB29 **** **** **** **68 19"},
		{"FR1420041010050500013M02606", "FR14 **** **** **** **** ***2 606"},
		{"NO9386011117947", "NO93 **** ***7 947"},
		{"LC55HEMM000100010012001200023015", "LC55 **** **** **** **** **** **** 3015"},
		{"BE68539007547034", "BE68 **** **** 7034"},
		{"DE89", "DE**"},
		{"DE8937040", "DE** **** *"},
		{"D", "D"},
		{"", ""},
		{"DE89\n7040044053201300\x00", "DE89 **** **** **** **30 0?"},
		{"\u202eE89370400440532013000", "?E89 **** **** **** **30 00"},
	} {
		if got := MaskIBAN(tc.in); got != tc.want {
			t.Errorf("MaskIBAN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Every registry example masks to country, check digits and last 4.
	for _, iban := range registryExamples {
		m := MaskIBAN(iban)
		if strings.ReplaceAll(m, " ", "") != iban[:4]+strings.Repeat("*", len(iban)-8)+iban[len(iban)-4:] {
			t.Errorf("MaskIBAN(%s) = %q", iban, m)
		}
		if m != grouped(strings.ReplaceAll(m, " ", "")) {
			t.Errorf("MaskIBAN(%s) = %q, not grouped in fours", iban, m)
		}
	}
}

func TestMaskAccount(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0532013000", "****3000"},
		{"12345678901234567", "****4567"},
		{"12345678", "****5678"},
		{"1234567", "****67"},
		{"12345", "****45"},
		{"1234", "****"},
		{"1", "****"},
		{"", ""},
		{"0045678901AB", "****01AB"},
		{"12345678\n", "****678?"},
	} {
		if got := MaskAccount(tc.in); got != tc.want {
			t.Errorf("MaskAccount(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDiff(t *testing.T) {
	if d := Diff(goodIBAN, goodIBAN); len(d) != 0 {
		t.Errorf("Diff of a record with itself = %q", d)
	}
	// Differences of form only are no change.
	loose := goodIBAN
	loose.IBAN, loose.BIC, loose.Country = "iban de89 3704 0044 0532 0130 00", "coba deff xxx", "de"
	if d := Diff(goodIBAN, loose); len(d) != 0 {
		t.Errorf("Diff with a differently typed IBAN = %q", d)
	}

	moved := goodIBAN
	moved.Holder, moved.IBAN, moved.BIC, moved.Bank, moved.Country = "Acme Trading Ltd", "GB29NWBK60161331926819", "NWBKGB2L", "", "GB"
	want := []string{
		"holder: Acme Trading GmbH → Acme Trading Ltd",
		"iban: DE89 **** **** **** **30 00 → GB29 **** **** **** **68 19",
		"bic: COBADEFFXXX → NWBKGB2L",
		"bank: Commerzbank → (none)",
		"country: DE → GB",
	}
	if got := Diff(goodIBAN, moved); !slices.Equal(got, want) {
		t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A tampered IBAN that keeps the first and last characters: the
	// masks are the same, and the line says so.
	tampered := goodIBAN
	tampered.IBAN = sameEnds(t, goodIBAN.IBAN)
	got := Diff(goodIBAN, tampered)
	if len(got) != 1 || got[0] != "iban: DE89 **** **** **** **30 00 → DE89 **** **** **** **30 00 (changed in the masked part)" {
		t.Errorf("Diff of a tampered IBAN = %q", got)
	}

	// Switching scheme: every field that changes has a line, accounts masked.
	got = Diff(goodIBAN, goodABA)
	want = []string{
		"holder: Acme Trading GmbH → Acme Inc.",
		"iban: DE89 **** **** **** **30 00 → (none)",
		"bic: COBADEFFXXX → (none)",
		"routing: (none) → 021000021",
		"account: (none) → ****3000",
		"account_type: (none) → checking",
		"bank: Commerzbank → JPMorgan Chase",
		"country: DE → US",
		"currency: EUR → USD",
		"provider: payoneer → (none)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Diff =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	changedAccount := goodABA
	changedAccount.Account = "0599993000"
	if got := Diff(goodABA, changedAccount); len(got) != 1 || got[0] != "account: ****3000 → ****3000 (changed in the masked part)" {
		t.Errorf("Diff of a changed account = %q", got)
	}
	// A long holder changed after what shows.
	a, b := goodIBAN, goodIBAN
	a.Holder, b.Holder = strings.Repeat("x", 70)+"\n1", strings.Repeat("x", 70)+"\n2"
	if got := Diff(a, b); len(got) != 1 || !strings.HasSuffix(got[0], "(changed beyond the part shown)") || strings.Contains(got[0], "\n") {
		t.Errorf("Diff of long holders = %q", got)
	}
}

// sameEnds returns a valid IBAN other than iban with the same country,
// check digits and last four characters: what an attacker who knows how
// masking works would choose.
func sameEnds(t *testing.T, iban string) string {
	t.Helper()
	for i := 4; i < len(iban)-5; i++ {
		for j := i + 1; j < len(iban)-4; j++ {
			for d := byte('0'); d <= '9'; d++ {
				for e := byte('0'); e <= '9'; e++ {
					b := []byte(iban)
					b[i], b[j] = d, e
					if s := string(b); s != iban && ValidateIBAN(s) == nil {
						return s
					}
				}
			}
		}
	}
	t.Fatal("no IBAN with the same ends")
	return ""
}

// Canary: whatever changes, no Diff line holds an IBAN or an account
// number in clear, nor enough of one to pay into it.
func TestDiffNeverShowsNumbers(t *testing.T) {
	const canaryIBAN, canaryAccount = "GB82WEST12345698765432", "98765432109876"
	records := []Record{
		goodIBAN, goodABA, goodSWIFT, {},
		{Holder: "Canary", IBAN: canaryIBAN},
		{Holder: "Canary", Routing: "021000021", Account: canaryAccount, AccountType: "savings"},
		{Holder: "Canary", BIC: "HSBCHKHH", Account: canaryAccount},
		{IBAN: "iban gb82 west 1234 5698 7654 32", Account: "9876-5432-1098-76"},
		{IBAN: canaryIBAN + "\n", Account: canaryAccount + "\x00"},
	}
	for _, a := range records {
		for _, b := range records {
			for _, line := range Diff(a, b) {
				for _, secret := range []string{canaryIBAN, canaryIBAN[4:18], "WEST1234", "12345698", canaryAccount, canaryAccount[:10], "98765432", "1098"} {
					if strings.Contains(line, secret) {
						t.Errorf("Diff line %q shows %q", line, secret)
					}
				}
				if strings.ContainsAny(line, "\n\r\x00") {
					t.Errorf("Diff line %q is not one printable line", line)
				}
			}
		}
	}
}

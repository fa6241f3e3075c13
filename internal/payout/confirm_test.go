package payout

import "testing"

func TestConfirmsLast4(t *testing.T) {
	iban := Record{IBAN: "DE89 3704 0044 0532 0130 00"}
	account := Record{Account: "000123456789", Routing: "021000021"}
	for _, tc := range []struct {
		name  string
		rec   Record
		typed string
		want  bool
	}{
		{"iban last four", iban, "3000", true},
		{"iban with spaces typed", iban, " 30 00 ", true},
		{"iban wrong", iban, "0000", false},
		{"iban first four", iban, "DE89", false},
		{"iban empty", iban, "", false},
		{"iban five", iban, "13000", false},
		{"account", account, "6789", true},
		{"account wrong", account, "6788", false},
		{"lower-case letters", Record{IBAN: "GB82WEST12345698765432"}, "5432", true},
		{"neither field", Record{Holder: "Acme"}, "", true},
	} {
		if got := ConfirmsLast4(tc.rec, tc.typed); got != tc.want {
			t.Errorf("%s: ConfirmsLast4(%q) = %v, want %v", tc.name, tc.typed, got, tc.want)
		}
	}
}

func FuzzConfirmsLast4(f *testing.F) {
	f.Add("DE89370400440532013000", "3000")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, iban, typed string) {
		r := Record{IBAN: iban}
		if ConfirmsLast4(r, typed) {
			_, v := ConfirmationField(r)
			if v != "" && typed == "" {
				t.Fatalf("empty input confirmed %q", v)
			}
		}
	})
}

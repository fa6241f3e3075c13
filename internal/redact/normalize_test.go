package redact

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sellervault/sellervault/internal/records"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{KindPassword, " Tr0ub4dor&3! ", " Tr0ub4dor&3! "},
		{KindEmail, " OPS-US@ACME.Example ", "ops-us@acme.example"},
		{KindEmail, "not an address", "not an address"},
		{KindPhone, "+1 (415) 555-0100", "+14155550100"},
		{KindPhone, "0044 7700 900123", "+447700900123"},
		{KindPhone, "+44 (0)7700 900123", "+447700900123"},
		{KindPhone, "(415) 555-0100", "4155550100"},
		{KindIBAN, "iban de89 3704 0044 0532 0130 00", "DE89370400440532013000"},
		{KindAccount, "0001-2345 6789", "000123456789"},
		{KindRouting, "021 000 021", "021000021"},
		{KindCard, "4111-1111-1111-1111", "4111111111111111"},
		{KindStore, " Acme-US ", "acme-us"},
		{KindStore, "Ärger-Laden", "ärger-laden"},
		{"other", " As Is ", " As Is "},
	} {
		if got := Normalize(c.kind, c.in); got != c.want {
			t.Errorf("Normalize(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
		if got := Normalize(c.kind, Normalize(c.kind, c.in)); got != c.want {
			t.Errorf("Normalize(%s) twice of %q = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}

func TestIndexForms(t *testing.T) {
	for _, c := range []struct {
		kind, in string
		want     []string
	}{
		{KindPhone, "+1 415 555 0100", []string{"+14155550100", "4155550100"}},
		{KindPhone, "+447700900123", []string{"+447700900123", "7700900123"}},
		{KindPhone, "+390612345678", []string{"+390612345678", "0612345678"}},
		{KindPassword, "pw", []string{"pw"}},
		{KindPassword, "", nil},
		{KindIBAN, "DE89 3704 0044 0532 0130 00", []string{"DE89370400440532013000"}},
	} {
		if got := IndexForms(c.kind, c.in); !slices.Equal(got, c.want) {
			t.Errorf("IndexForms(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}

// TestCallingCodesMatchRecords checks callingCode (over records.CallingCodes)
// against records.ParsePhone: a number of 11 digits (which +1 needs) is
// accepted exactly when callingCode finds a code at its start.
func TestCallingCodesMatchRecords(t *testing.T) {
	for head := 1; head < 1000; head++ {
		for _, h := range []string{fmt.Sprint(head), fmt.Sprintf("%03d", head)} {
			if h[0] == '0' {
				continue
			}
			digits := (h + "5555555555")[:11]
			_, err := records.ParsePhone("+" + digits)
			if got, want := callingCode(digits) != "", err == nil; got != want {
				t.Errorf("+%s: callingCode finds a code: %v; records.ParsePhone accepts it: %v (%v)", digits, got, want, err)
			}
		}
	}
	for _, c := range []struct{ in, want string }{{"14155550100", "1"}, {"447700900123", "44"}, {"3519", "351"}, {"0", ""}, {"", ""}, {"x1", ""}} {
		if got := callingCode(c.in); got != c.want {
			t.Errorf("callingCode(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := string(callingCode([]byte(c.in))); got != c.want {
			t.Errorf("callingCode([]byte(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFoldLower(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC", "Ärger", "\xff\xfeAB", "İstanbul", "ΣΑΣ"} {
		if got, want := string(appendLower(nil, []byte(s))), foldLower(s); got != want {
			t.Errorf("appendLower(%q) = %q, foldLower = %q", s, got, want)
		}
	}
}

package payout

import (
	"strings"
	"testing"
)

func TestValidateABA(t *testing.T) {
	for _, good := range []string{
		"021000021", // JPMorgan Chase, New York
		"011000015", // Federal Reserve Bank of Boston
		"121000358", // Bank of America, California
		"026009593", // Bank of America, New York
		"322271627", // Chase, California (thrift range 21-32)
		"800000006", // 80: traveller's cheques
		"000000000", // 00: US government; the checksum of all zeros is 0
	} {
		if err := ValidateABA(good); err != nil {
			t.Errorf("ValidateABA(%q) = %v", good, err)
		}
	}
	for _, tc := range []struct{ in, errHas string }{
		{"", "routing is empty; give the bank's 9-digit ABA routing number, like 021000021"},
		{"021000022", `routing "021000022" fails the ABA checksum: a digit is wrong or two are swapped`},
		{"121000353", "fails the ABA checksum"},
		{"012000021", "fails the ABA checksum"}, // two digits swapped
		{"02100002", `routing "02100002" has 8 digits; give the bank's 9-digit ABA routing number`},
		{"0210000210", "has 10 digits"},
		{"02100002A", `routing "02100002A" has a letter; a routing number has only digits`},
		{"02100002a", "has a letter"},
		{"021 000 021", `has a space`},
		{"021-000-021", `has '-'`},
		{"130000006", `routing "130000006" starts with 13, which is not a Federal Reserve routing prefix`},
		{"200000002", "starts with 20"},
		{"330000000", "starts with 33"},
		{"810000004", "starts with 81"},
		{"021000021\n", "has a control character"},
		{"０21000021", "the non-ASCII character '０'"},
	} {
		checkErr(t, "ValidateABA("+quoteInput(tc.in)+")", ValidateABA(tc.in), tc.errHas)
	}
}

// Every single changed digit of a good routing number is caught.
func TestABAMutations(t *testing.T) {
	for _, good := range []string{"021000021", "011000015", "121000358", "026009593"} {
		for i := range 9 {
			for d := byte('0'); d <= '9'; d++ {
				if d == good[i] {
					continue
				}
				m := good[:i] + string(d) + good[i+1:]
				if ValidateABA(m) == nil {
					t.Errorf("ValidateABA(%s), %s with digit %d changed, accepted", m, good, i+1)
				}
			}
		}
	}
}

func FuzzValidateABA(f *testing.F) {
	for _, s := range []string{"021000021", "011000015", "121000358", "026009593", "021000022", "02100002", "13000000A", "", "800000006"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateABA(s)
		if err != nil {
			checkErr(t, "ValidateABA", err, "routing")
			return
		}
		if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
			t.Fatalf("accepted %q, not 9 digits", s)
		}
		if abaSum(s)%10 != 0 {
			t.Fatalf("accepted %q with a bad checksum", s)
		}
		if p := s[:2]; !(p <= "12" || "21" <= p && p <= "32" || "61" <= p && p <= "72" || p == "80") {
			t.Fatalf("accepted %q with prefix %s", s, p)
		}
	})
}

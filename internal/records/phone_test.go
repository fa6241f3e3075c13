package records

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

func TestParsePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		errHas   string
	}{
		// Published examples: the NANP's fictional 555-01XX range, the
		// E.164 examples of Wikipedia's "E.164" article, a German mobile.
		{in: "+14155550100", want: "+14155550100"},
		{in: "+1 (415) 555-0100", want: "+14155550100"},
		{in: "+1-415-555-0100", want: "+14155550100"},
		{in: "+1.415.555.0100", want: "+14155550100"},
		{in: "  +1 415 555 0100  ", want: "+14155550100"},
		{in: "+442071838750", want: "+442071838750"},
		{in: "+44 20 7183 8750", want: "+442071838750"},
		{in: "+4915112345678", want: "+4915112345678"},
		{in: "+49 151 1234 5678", want: "+4915112345678"},
		{in: "+33 1 42 68 53 00", want: "+33142685300"},
		{in: "+55 11 91234-5678", want: "+5511912345678"},
		{in: "+81 3-1234-5678", want: "+81312345678"},
		{in: "+86 10 1234 5678", want: "+861012345678"},
		{in: "+7 495 123-45-67", want: "+74951234567"},
		{in: "+971 4 123 4567", want: "+97141234567"},
		{in: "+39 06 6982 0000", want: "+390669820000"}, // Italy keeps the 0
		{in: "+298 123 456", want: "+298123456"},        // 9 digits, Faroe Islands
		{in: "+882 1234 5678", want: "+88212345678"},    // international networks
		{in: "+12345678901", want: "+12345678901"},
		{in: "+123456789012345", errHas: "has 14 digits after +1"},
		{in: "+861234567890123", want: "+861234567890123"}, // 15 digits
		// Bad.
		{in: "", errHas: "phone number is empty; use + and the country code"},
		{in: "+", errHas: "has no digits"},
		{in: "0415 555 0100", errHas: `phone number "0415 555 0100" has no country code; add it with a leading +`},
		{in: "415-555-0100", errHas: "has no country code"},
		{in: "0044 20 7183 8750", errHas: "starts with 00; write + instead of 00"},
		{in: "+44 (0)20 7183 8750", errHas: `has "(0)"; leave out the national 0`},
		{in: "+999123456789", errHas: "does not start with an assigned country code"},
		{in: "+2801234567", errHas: "does not start with an assigned country code"},
		{in: "+3791234567", errHas: "does not start with an assigned country code"},
		{in: "+0123456789", errHas: "has 0 after the +"},
		{in: "+4412345", errHas: "has 7 digits; an international number has at least 8"},
		{in: "+1234567890123456", errHas: "has more than 15 digits"},
		{in: "+1 415 555 010", errHas: "has 9 digits after +1; North American numbers have 10"},
		{in: "+1 800 FLOWERS", errHas: "has letters; write it with digits only"},
		{in: "+1 415 555 0100 ext 12", errHas: "has letters"},
		{in: "+1 415 555 0100 x12", errHas: "has letters"},
		{in: "+1 415 555 0100;12", errHas: "has ';'"},
		{in: "+1 415 555 0100 / 0101", errHas: "has a slash"},
		{in: "+1 (415 555 0100", errHas: `has a "(" without ")"`},
		{in: "+1 415) 555 0100", errHas: `has a ")" without "("`},
		{in: "+1 ((415)) 555 0100", errHas: "has nested parentheses"},
		{in: "+1 415 555 0100 +1 415 555 0101", errHas: "has a + after the start"},
		{in: "++14155550100", errHas: "has a + after the start"},
		{in: "+1\t415\t555\t0100", errHas: "has a control character"},
		{in: "+٤٤٢٠٧١٨٣٨٧٥٠", errHas: "has the non-ASCII character"},
		{in: "+１４１５５５５０１００", errHas: "has the non-ASCII character"},
		{in: "+1 415 555 0100\n", want: "+14155550100"}, // trailing newline is trimmed
		{in: "+" + strings.Repeat("4", 10000), errHas: "has more than 15 digits"},
	} {
		got, err := ParsePhone(tc.in)
		call := "ParsePhone(" + quoteInput(tc.in) + ")"
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

// The table of calling codes: digits only, 1 to 3 of them, no code a
// prefix of another (so a number has at most one), and the count that
// libphonenumber v1.8.1 (nyaruka/phonenumbers) supports.
func TestCallingCodes(t *testing.T) {
	codes := strings.Fields(CallingCodes)
	if len(codes) != 215 {
		t.Errorf("%d calling codes, want 215", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if _, err := strconv.Atoi(c); err != nil || len(c) > 3 || c[0] == '0' || seen[c] {
			t.Errorf("bad or repeated calling code %q", c)
		}
		seen[c] = true
	}
	for _, c := range codes {
		for n := 1; n < len(c); n++ {
			if seen[c[:n]] {
				t.Errorf("calling code %s is a prefix of %s", c[:n], c)
			}
		}
	}
	for _, c := range []string{"1", "7", "20", "27", "44", "49", "86", "91", "211", "383", "420", "800", "882", "998"} {
		if !seen[c] {
			t.Errorf("assigned calling code %s is missing", c)
		}
	}
	for _, c := range []string{"0", "28", "210", "259", "379", "388", "422", "671", "684", "801", "83", "89", "969", "991", "997", "999"} {
		if seen[c] {
			t.Errorf("spare or reserved calling code %s is in the table", c)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"+14155550100", "+1 (415) 555-0100", "+442071838750", "+4915112345678", "+999123456789",
		"0415 555 0100", "+44 (0)20 7183 8750", "+", "+0", "+1 800 FLOWERS", "+123456789012345", "+1234567890123456",
		"+((1))", "+1)(", "++1", "+٤٤"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePhone(s)
		if err != nil {
			checkParseError(t, "ParsePhone", err, "")
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q, not E.164", s, got)
		}
		if callingCode(got[1:]) == "" {
			t.Fatalf("ParsePhone(%q) = %q, without an assigned calling code", s, got)
		}
		if again, err := ParsePhone(got); err != nil || again != got {
			t.Fatalf("ParsePhone(%q) = %q, which re-parses as %q, %v", s, got, again, err)
		}
	})
}

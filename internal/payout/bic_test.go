package payout

import (
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/iso3166"
)

func TestValidateBIC(t *testing.T) {
	for _, good := range []string{
		"DEUTDEFF", "DEUTDEFF500", "NWBKGB2L", "BOFAUS3N", "CHASUS33", "BNPAFRPP", "COBADEFFXXX",
		"RBKOXKPR",    // Kosovo: XK, as SWIFT uses it
		"BPPRPRSX",    // Puerto Rico
		"ABNANL2A",    // location with a digit first
		"DEUTDEF1",    // passive participant: still a live BIC
		"MARKDEF1100", // Bundesbank Berlin
	} {
		if err := ValidateBIC(good); err != nil {
			t.Errorf("ValidateBIC(%q) = %v", good, err)
		}
	}
	for _, tc := range []struct{ in, errHas string }{
		{"", "bic is empty; give the bank's 8 or 11 character BIC"},
		{"DEUTDEF", `bic "DEUTDEF" has 7 characters; give the bank's 8 or 11 character BIC`},
		{"DEUTDEFF5", "has 9 characters"},
		{"DEUTDEFF50", "has 10 characters"},
		{"DEUTDEFF5000", "has 12 characters"},
		{"DEU1DEFF", `bic "DEU1DEFF" has a digit in its bank code`},
		{"1EUTDEFF500", "has a digit in its bank code"},
		{"DEUTXXFF", `bic "DEUTXXFF" has "XX" as its country (characters 5 and 6), which is not a country code`},
		{"DEUTUKFF", `has "UK" as its country`},
		{"DEUT12FF", `has "12" as its country`},
		{"DEUTDEF0", `bic "DEUTDEF0" is a test BIC (the second character of its location code is 0) and cannot receive payments`},
		{"DEUTDEF0500", "is a test BIC"},
		{"DEUTDE0F", `bic "DEUTDE0F" has location code 0F (characters 7 and 8), which cannot start with 0 or 1`},
		{"DEUTDE1F", "which cannot start with 0 or 1"},
		{"DEUTDEFO", "has the letter O as its 8th character"},
		{"DEUTDEFFX01", `bic "DEUTDEFFX01" has branch code X01; a branch code that starts with X must be XXX`},
		{"deutdeff", "has lower-case letters; BICs are upper case"},
		{"DEUT DEFF", `bic "DEUT DEFF" has a space`},
		{"DEUTDEFF\n", `bic "DEUTDEFF\n" has a control character`},
		{"DEUTDÉFF", "has the non-ASCII character 'É'"},
		{strings.Repeat("A", 200), "has 200 characters"},
	} {
		checkErr(t, "ValidateBIC("+quoteInput(tc.in)+")", ValidateBIC(tc.in), tc.errHas)
	}
}

func FuzzValidateBIC(f *testing.F) {
	for _, s := range []string{"DEUTDEFF", "DEUTDEFF500", "NWBKGB2L", "BOFAUS3N", "DEUTDE0F", "DEUTDEF0", "RBKOXKPR", "", "DEUTXXFF", "DEUTDEFFX01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateBIC(s)
		if err != nil {
			checkErr(t, "ValidateBIC", err, "bic")
			return
		}
		switch {
		case len(s) != 8 && len(s) != 11:
			t.Fatalf("accepted %q of length %d", s, len(s))
		case strings.Trim(s[:4], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
			t.Fatalf("accepted %q with a bank code that is not letters", s)
		case s[4:6] != "XK" && !iso3166.Assigned(s[4:6]):
			t.Fatalf("accepted %q with country %q", s, s[4:6])
		case strings.Trim(s, digitsAndUpper) != "":
			t.Fatalf("accepted %q with characters that are not upper-case letters or digits", s)
		case s[7] == '0':
			t.Fatalf("accepted the test BIC %q", s)
		case normalizeBIC(s) != s:
			t.Fatalf("accepted %q, not normalised", s)
		}
	})
}

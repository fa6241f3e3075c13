package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

func TestImportMapName(t *testing.T) {
	for _, tc := range []struct{ in, want, problem string }{
		{"seller-central", "seller-central", ""},
		{"Seller Central", "seller-central", ""},
		{"  Seller  Central  ", "seller-central", ""},
		{"ACME_us.main", "acme-us-main", ""},
		{"-x-", "x", ""},
		{"Amazon Seller Central (US)", "", `has '(', which a credential name cannot have; use "amazon-seller-central-us"`},
		{"eBay/DE", "", `has a slash, which a credential name cannot have; use "ebay-de"`},
		{"café", "", `has the non-ASCII character 'é', which a credential name cannot have; use "caf"`},
		{"日本", "", "which a credential name cannot have; use lower-case letters, digits and hyphens"},
		{"---", "", "has no letters or digits"},
		{strings.Repeat("ab ", 30), "", `is 89 characters long as a credential name; use at most 63, like "ab-ab-`},
	} {
		got, problem := MapName("credential name", tc.in)
		if got != tc.want || !strings.Contains(problem, tc.problem) || (tc.problem == "") != (problem == "") {
			t.Errorf("MapName(%q) = %q, %q; want %q, …%s…", tc.in, got, problem, tc.want, tc.problem)
		}
		if got != "" {
			if _, err := records.ParseCredName(got); err != nil {
				t.Errorf("MapName(%q) = %q: %v", tc.in, got, err)
			}
		}
	}
}

func TestImportDates(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-31": "2024-03-31T00:00:00Z", "2024-03-31T10:00:00+02:00": "2024-03-31T08:00:00Z",
		"2024-03-31T10:00:00.5Z": "2024-03-31T10:00:00Z", "31/03/2024": "is not a date", "2030-01-01": "is in the future",
	} {
		got, problem := parseDate(in, testNow)
		if problem != "" {
			if !strings.Contains(problem, want) {
				t.Errorf("%s: %s, want %s", in, problem, want)
			}
		} else if got.Format(time.RFC3339) != want {
			t.Errorf("%s: %s, want %s", in, got.Format(time.RFC3339), want)
		}
	}
}

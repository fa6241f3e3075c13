package redact

import (
	"context"
	"strings"
	"testing"
)

const emailMark = "[REDACTED:email]"

func TestTeamEmailPattern(t *testing.T) {
	o := Options{PatternsOnly: true, TeamDomains: []string{"acme.example", "acme-shop.co.uk"}}
	for _, c := range []patternCase{
		{"ops-us@acme.example", emailMark},
		{"login OPS-US@ACME.EXAMPLE, thanks", "login " + emailMark + ", thanks"},
		{"write to <ops-de@acme.example>.", "write to <" + emailMark + ">."},
		{"mailto:ops@acme.example?subject=payout", "mailto:" + emailMark + "?subject=payout"},
		{"(eu.ops@mail.eu.acme.example)", "(" + emailMark + ")"},
		{"“Tom.Private+amazon@Acme-Shop.co.uk”!", "“" + emailMark + "”!"},
		{"a@acme.example;b@acme.example", emailMark + ";" + emailMark},
		{"user:pw@acme.example", "user:" + emailMark},
		{"from ops@acme.example.\nto x@acme.example-", "from " + emailMark + ".\nto " + emailMark + "-"},
		// Other domains are left alone.
		{"tom.private@example.com", "tom.private@example.com"},
		{"ops@notacme.example", "ops@notacme.example"},
		{"ops@acme.example.com", "ops@acme.example.com"},
		{"ops@acme.examples", "ops@acme.examples"},
		{"ops@example", "ops@example"},
		{"@acme.example and ..@acme.example", "@acme.example and ..@acme.example"},
		{"x@.acme.example", "x@.acme.example"},
		{"meet @ acme.example", "meet @ acme.example"},
	} {
		got, _, _ := redactScan(t, c.in, o)
		if got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	// Without TeamDomains, no address is found by pattern.
	if got := patterns(t, "ops-us@acme.example"); got != "ops-us@acme.example" {
		t.Errorf("no team domains: %q", got)
	}
}

func TestTeamDomainsChecked(t *testing.T) {
	got, err := teamDomains([]string{" ACME.example ", "@shop.example", ".eu.example."})
	if err != nil || strings.Join(got, ",") != "acme.example,shop.example,eu.example" {
		t.Errorf("teamDomains = %q, %v", got, err)
	}
	for _, bad := range []string{"", "acme example", "ops@acme.example", "acme..example", "ä.example"} {
		if _, err := Redact(context.Background(), strings.NewReader("x"), &strings.Builder{}, Options{PatternsOnly: true, TeamDomains: []string{bad}}); err == nil {
			t.Errorf("team domain %q: no error", bad)
		}
	}
	if _, err := teamDomains(nil); err != nil {
		t.Error(err)
	}
}

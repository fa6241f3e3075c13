package records

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	good := []struct {
		in   string
		want Target
	}{
		{"acme-us/seller-central", Target{Kind: TargetCredential, Store: "acme-us", Name: "seller-central"}},
		{" Ops@Acme.example ", Target{Kind: TargetMailbox, Address: "ops@acme.example"}},
		{"+1 (415) 555-0100", Target{Kind: TargetPhone, Number: "+14155550100"}},
	}
	for _, tc := range good {
		got, err := ParseTarget(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if again, err := ParseTarget(got.String()); err != nil || again != got {
			t.Errorf("ParseTarget(%q) does not round-trip: %+v, %v", got.String(), again, err)
		}
	}
	for _, in := range []string{"", "acme-us", "Acme/x", "a/b/c", "ops@", "+1 555", "0415 555 0100", "seller central"} {
		if _, err := ParseTarget(in); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParseTarget(%q): error %v, want ErrInvalidInput", in, err)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"acme-us/seller-central", "ops@acme.example", "+14155550100", "", "a/b/c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTarget(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("ParseTarget(%q): error %v is not ErrInvalidInput", s, err)
			}
			return
		}
		if again, err := ParseTarget(got.String()); err != nil || again != got {
			t.Fatalf("ParseTarget(%q) = %+v does not round-trip: %+v, %v", s, got, again, err)
		}
	})
}

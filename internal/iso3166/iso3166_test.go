package iso3166

import (
	"slices"
	"strings"
	"testing"
)

// The list: 249 codes, two upper-case letters each, sorted, no repeats,
// single spaces between them.
func TestAlpha2(t *testing.T) {
	codes := Codes()
	if len(codes) != 249 {
		t.Errorf("%d codes, want 249", len(codes))
	}
	if !slices.IsSorted(codes) || len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("codes are not sorted or have repeats")
	}
	if strings.Join(codes, " ") != Alpha2 {
		t.Error("Alpha2 is not single-space separated without outer spaces")
	}
	for _, c := range codes {
		if len(c) != 2 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			t.Errorf("bad code %q", c)
		}
		if !Assigned(c) {
			t.Errorf("Assigned(%q) = false", c)
		}
	}
}

func TestAssigned(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"US", true}, {"DE", true}, {"GB", true}, {"SS", true}, {"SX", true}, {"AX", true}, {"ZW", true}, {"AD", true},
		{"us", false}, {"Us", false}, {" US", false}, {"US ", false}, {"", false}, {"U", false}, {"USA", false},
		{"XK", false}, // Kosovo: user-assigned
		{"UK", false}, {"EU", false}, {"AN", false}, {"YU", false}, {"XX", false}, {"AA", false},
		{"D E", false}, {"AD AE", false}, {"ＵＳ", false},
	} {
		if got := Assigned(tc.in); got != tc.want {
			t.Errorf("Assigned(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCodesIsACopy(t *testing.T) {
	c := Codes()
	c[0] = "XX"
	if Codes()[0] != "AD" || Assigned("XX") {
		t.Error("changing the result of Codes changed the list")
	}
}

func FuzzAssigned(f *testing.F) {
	for _, s := range []string{"US", "us", "XK", "", "AD AE", " US "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Assigned(s) != slices.Contains(Codes(), s) {
			t.Fatalf("Assigned(%q) = %v disagrees with Codes", s, Assigned(s))
		}
	})
}

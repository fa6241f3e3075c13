package inputerr

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorfMatchesErrInvalid(t *testing.T) {
	err := Errorf("store name %s is bad", Quote("x"))
	if !errors.Is(err, ErrInvalid) || err.Error() != `store name "x" is bad` {
		t.Fatalf("%v", err)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"acme", `"acme"`},
		{"a\nb", `"a\nb"`},
		{"\xff", `"\xff"`},
		{strings.Repeat("a", 70), `"` + strings.Repeat("a", MaxQuoted) + `"...`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func FuzzQuote(f *testing.F) {
	f.Add("acme")
	f.Add("\x00\n\xff")
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if strings.ContainsAny(q, "\n\r") || len(q) > MaxQuoted+5 {
			t.Fatalf("Quote(%q) = %q", s, q)
		}
	})
}

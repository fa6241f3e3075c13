package records

import (
	"errors"
	"testing"
)

func TestParsePersonName(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"olga", true}, {"j.smith", true}, {"a_b-c", true}, {"x1", true}, {"a", true},
		{"", false}, {"Olga", false}, {".olga", false}, {"olga-", false}, {"ol ga", false},
		{"olga/x", false}, {"ölga", false}, {string(make([]byte, 65)), false},
	} {
		got, err := ParsePersonName(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParsePersonName(%q) = %q, %v; want ok=%v", tc.in, got, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ParsePersonName(%q) error %v is not ErrInvalidInput", tc.in, err)
		}
	}
	names, err := ParsePersonList(" tom, olga,tom ,, ")
	if err != nil || len(names) != 2 || names[0] != "olga" || names[1] != "tom" {
		t.Fatalf("ParsePersonList = %v, %v", names, err)
	}
	if _, err := ParsePersonList("olga,Bad Name"); err == nil {
		t.Fatal("a bad name in a list was accepted")
	}
}

func FuzzParsePersonName(f *testing.F) {
	for _, s := range []string{"olga", "", ".", "a.b", "A"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePersonName(s)
		if err != nil {
			return
		}
		if got != s || len(s) > 64 {
			t.Fatalf("accepted %q as %q", s, got)
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				t.Fatalf("accepted %q with byte %q", s, c)
			}
		}
	})
}

package phish

import (
	"strings"
	"testing"
)

func TestShortTokenInside(t *testing.T) {
	a := embedded(t)
	for _, tc := range []struct {
		label, brand string // brand "" for none
	}{
		{"wwwebay", "ebay"},
		{"ebaylogin", "ebay"},
		{"myetsyaccount", "etsy"},
		{"ebaycouk", "ebay"},    // an allowlisted suffix run in
		{"ebayexpress", "ebay"}, // a coined name at the start
		{"dealstemu", "temu"},   // and at the end
		{"securewise", "wise"},  // a word, with a service word
		{"otherwise", ""},       // a word inside a word
		{"moneywise", ""},       // money is no service word
		{"betsy", ""},           // one letter beside a coined name
		{"temuco", ""},          // two letters beside it
		{"likewise", ""},
	} {
		tok, ok := a.shortTokenInside(tc.label)
		if ok != (tc.brand != "") || ok && tok.brand != tc.brand {
			t.Errorf("shortTokenInside(%q) = %q, %v; want %q", tc.label, tok.brand, ok, tc.brand)
		}
	}
}

func TestSplitFinding(t *testing.T) {
	a := embedded(t)
	for _, tc := range []struct {
		host, want string // want "" for no finding
	}{
		{"ama.zon.com", `"ama.zon" reads "amazon" without its dots: it imitates amazon.com, but the address belongs to REG`},
		{"login.am.az.on.evil.net", `"am.az.on" reads "amazon"`},
		{"pay.pa1.evil.net", `"pay.pa1" reads "paypal"`},
		{"amaz.on.ca", "it imitates amazon.ca"},
		{"e.bay.com", `"e.bay" reads "ebay"`},
		{"www.example.com", ""},
		{"a.b.c.d.e.f.example.com", ""},
	} {
		labels := strings.Split(tc.host, ".")
		own := len(labels) - 1
		if strings.HasSuffix(tc.host, ".on.ca") {
			own = len(labels) - 2
		}
		f, ok := a.splitFinding(labels, own, "REG")
		if tc.want == "" {
			if ok {
				t.Errorf("%s: %q", tc.host, f.reason)
			}
			continue
		}
		if !ok || !strings.Contains(f.reason, tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.host, f.reason, ok, tc.want)
		}
	}
}

func TestTypoChange(t *testing.T) {
	for _, tc := range []struct {
		got, want rune
		typo      bool
	}{
		{'w', 'e', true},  // neighbouring keys
		{'3', 'e', true},  // digit row
		{'z', 'a', true},  // diagonal
		{'o', 'a', true},  // vowels
		{'c', 'a', true},  // one bit
		{'d', 'b', true},  // shape
		{'p', 'a', false}, // none of these
		{'m', 'a', false},
	} {
		if got := typoChange(tc.got, tc.want); got != tc.typo {
			t.Errorf("typoChange(%q for %q) = %v", tc.got, tc.want, got)
		}
	}
}

func TestWords(t *testing.T) {
	for _, w := range []string{"wiser", "wide", "bay", "betsy", "vise"} {
		if !isCommonWord(w) {
			t.Errorf("%q is not a common word", w)
		}
	}
	for _, w := range []string{"ebay", "etsy", "temu", "ebays", "wbay", "amazon"} {
		if isCommonWord(w) {
			t.Errorf("%q is a common word", w)
		}
	}
	if !madeOfWords("securelogin", serviceWords(), nil) || madeOfWords("money", serviceWords(), nil) || madeOfWords("", serviceWords(), nil) {
		t.Error("madeOfWords")
	}
}

func TestLatinLetter(t *testing.T) {
	for r, want := range map[rune]byte{'ꞑ': 'n', 'ᴍ': 'm', 'ɡ': 'g', 'ı': 'i', 'ȷ': 'j', 'ł': 'l', 'ʀ': 'r', 'ɯ': 0, 'ɑ': 0, 'а': 0, 'a': 0} {
		if got := latinLetter(r); got != want {
			t.Errorf("latinLetter(%q) = %q, want %q", r, got, want)
		}
	}
}

package phish

import (
	"reflect"
	"testing"
)

func TestOSA(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
		kind string
	}{
		{"amazon", "amazon", 0, ""},
		{"amzaon", "amazon", 1, editSwap},
		{"amazom", "amazon", 1, editChange},
		{"amazzon", "amazon", 1, editDouble},
		{"amazonx", "amazon", 1, editAdd},
		{"xamazon", "amazon", 1, editAdd},
		{"amzon", "amazon", 1, editMissing},
		{"amazonnn", "amazon", 2, editTwo},
		{"ebya", "ebay", 1, editSwap},
		{"paypai", "paypal", 1, editChange},
		{"aмazon", "amazon", 1, editChange},
		{"", "abc", 3, ""},
	} {
		d := osa([]rune(tc.a), []rune(tc.b))
		if d != tc.d {
			t.Errorf("osa(%q, %q) = %d, want %d", tc.a, tc.b, d, tc.d)
			continue
		}
		if tc.kind != "" {
			if k := editKind([]rune(tc.a), []rune(tc.b), d); k != tc.kind {
				t.Errorf("editKind(%q, %q) = %q, want %q", tc.a, tc.b, k, tc.kind)
			}
		}
	}
}

func TestEditAllowed(t *testing.T) {
	a := embedded(t)
	for _, tc := range []struct {
		p, label string
		want     bool
	}{
		{"ebya", "ebay", true},     // swap
		{"ebbay", "ebay", true},    // doubled
		{"ebays", "ebay", true},    // added, not a word
		{"wiser", "wise", false},   // added, a word
		{"wbay", "ebay", true},     // neighbouring key
		{"ebpy", "ebay", false},    // not a typo squatters make
		{"wide", "wise", false},    // neighbouring key, but a word
		{"eby", "ebay", false},     // missing: a 3-letter acronym
		{"wse", "wise", false},     // missing
		{"amazom", "amazon", true}, // one letter changed
		{"amazpon", "amazon", true},
		{"amaozm", "amazon", false}, // two edits
		{"payoneeer", "payoneer", true},
		{"paoneerr", "payoneer", true}, // two edits, 8 letters
		{"ba", "ab", false},
	} {
		p, l := []rune(tc.p), []rune(tc.label)
		d := osa(p, l)
		if got := a.editAllowed(p, l, d, editKind(p, l, d)); got != tc.want {
			t.Errorf("editAllowed(%q, %q) = %v", tc.p, tc.label, got)
		}
	}
}

func TestFoldLabel(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		swaps    []piece
	}{
		{"amazon", "amazon", nil},
		{"amaz0n", "amazon", []piece{{"0", "o"}}},
		{"arnaz0n", "amazon", []piece{{"rn", "m"}, {"0", "o"}}},
		{"transfervvise", "transferwise", []piece{{"vv", "w"}}},
		{"paypa1", "paypal", []piece{{"1", "l"}}},
		{"PayPal", "paypal", nil},
		{"aṁazoꞑ", "amazon", []piece{{"ṁ", "m"}, {"ꞑ", "n"}}},
		{"аmazon", "amazon", []piece{{"а", "a"}}}, // Cyrillic
		{"ebαy", "ebay", []piece{{"α", "a"}}},     // Greek
		{"ａｍａｚｏｎ", "amazon", nil},                 // full width (filled below)
		{"ᴍ", "m", []piece{{"ᴍ", "m"}}},           // small capital
		{"ɑmɑzon", "amazon", []piece{{"ɑ", "a"}, {"ɑ", "a"}}},
		{"7emu", "temu", []piece{{"7", "t"}}},
		{"e8ay", "ebay", []piece{{"8", "b"}}},
		{"ama-zon", "ama-zon", nil},
		{"straße", "strasse", []piece{{"ß", "ss"}}},
		{"楽天", "楽天", nil},
		{"", "", nil},
	} {
		want := tc.swaps
		if tc.in == "ａｍａｚｏｎ" {
			want = nil
			for _, r := range tc.in {
				want = append(want, piece{string(r), string(r - 0xFF41 + 'a')})
			}
		}
		f := foldLabel(tc.in)
		if f.key != tc.want || !reflect.DeepEqual(f.swaps, want) {
			t.Errorf("foldLabel(%q) = %q %q, want %q %q", tc.in, f.key, f.swaps, tc.want, want)
		}
	}
}

func TestSkeleton(t *testing.T) {
	for _, s := range []string{"аmazon", "αmazon", "arnazon"} {
		if skeleton(s) != skeleton("amazon") {
			t.Errorf("skeleton(%q) = %q, skeleton(amazon) = %q", s, skeleton(s), skeleton("amazon"))
		}
	}
	if skeleton("еbау") != "ebay" {
		t.Errorf("skeleton(еbау) = %q", skeleton("еbау"))
	}
}

func TestMixedScripts(t *testing.T) {
	for _, tc := range []struct {
		label string
		want  []string
	}{
		{"amazon", nil},
		{"аmazon", []string{"Cyrillic", "Latin"}},
		{"ebαy", []string{"Latin", "Greek"}},
		{"амазон", nil},   // one script: judged by skeleton only
		{"bücher", nil},   // Latin with a combining mark
		{"楽天market", nil}, // Han with Latin: allowed
		{"アマゾンshop", nil}, // Katakana with Latin: allowed
		{"쿠팡shop", nil},   // Hangul with Latin: allowed
		{"アマゾン쿠팡", []string{"Katakana", "Hangul"}},
		{"shop-24", nil},
	} {
		if got := mixedScripts(tc.label); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("mixedScripts(%q) = %q, want %q", tc.label, got, tc.want)
		}
	}
}

func TestContainsAligned(t *testing.T) {
	for _, tc := range []struct {
		s, d string
		want bool
	}{
		{"sellercentral.amazon.com", "amazon.com", true},
		{"amazon.com", "amazon.com", true},
		{"sellercentral-amazon.de", "amazon.de", true},
		{"myamazon.com", "amazon.com", false},
		{"amazon.community", "amazon.com", false},
		{"amazon.comx.amazon.com", "amazon.com", true},
	} {
		if got := containsAligned(tc.s, tc.d, isHostSep); got != tc.want {
			t.Errorf("containsAligned(%q, %q) = %v", tc.s, tc.d, got)
		}
	}
}

func TestParseHost(t *testing.T) {
	for _, tc := range []struct {
		in                         string
		ascii, uni                 string
		ip, mapped, punycode, fail bool
	}{
		{in: "Amazon.COM.", ascii: "amazon.com", uni: "amazon.com"},
		{in: "аmazon.com", ascii: "xn--mazon-3ve.com", uni: "аmazon.com"},
		{in: "xn--mazon-3ve.com", ascii: "xn--mazon-3ve.com", uni: "аmazon.com", punycode: true},
		{in: "ａｍａｚｏｎ.com", ascii: "amazon.com", uni: "amazon.com", mapped: true},
		{in: "192.0.2.1", ascii: "192.0.2.1", uni: "192.0.2.1", ip: true},
		{in: "2001:DB8::1", ascii: "2001:db8::1", uni: "2001:db8::1", ip: true},
		{in: "0x7f.1", ascii: "0x7f.1", uni: "0x7f.1", ip: true},
		{in: "under_score.example", ascii: "under_score.example", uni: "under_score.example"},
		{in: "", fail: true},
		{in: ".", fail: true},
		{in: "a..b", fail: true},
		{in: "exa mple.com", fail: true},
		{in: "\xff.com", fail: true},
	} {
		h, err := parseHost(tc.in)
		if tc.fail {
			if err == nil {
				t.Errorf("parseHost(%q) = %+v, want an error", tc.in, h)
			}
			continue
		}
		want := host{ascii: tc.ascii, uni: tc.uni, ip: tc.ip, mapped: tc.mapped, punycode: tc.punycode}
		if err != nil || h != want {
			t.Errorf("parseHost(%q) = %+v, %v; want %+v", tc.in, h, err, want)
		}
	}
}

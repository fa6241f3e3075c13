package redact

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// allLengths lets every length through.
var allLengths = func() (t [numClasses][maxFormLen + 1]bool) {
	for c := range t {
		for i := range t[c] {
			t[c][i] = true
		}
	}
	return t
}()

// candidateSpan is a candidate as tests see it.
type candidateSpan struct {
	start, end int
	form       string
}

// extract returns the candidates of b of the classes, in the order the
// extractor produces them: numbers and IBANs, then tokens, each in order.
func extract(b []byte, classes uint8) []candidateSpan {
	x := &extractor{classes: classes, lens: &allLengths}
	var hits []hit
	words(b, &hits, x)
	x.tokens(b)
	out := make([]candidateSpan, 0, len(x.cands))
	for _, c := range x.cands {
		out = append(out, candidateSpan{int(c.start), int(c.end), string(x.form(c))})
	}
	return out
}

func forms(cs []candidateSpan) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.form)
	}
	return out
}

func TestCandidates(t *testing.T) {
	all := uint8(clsExact | clsLower | clsNumber | clsIBAN)
	for _, c := range []struct {
		in   string
		want []string // among the forms
		not  []string // not among them
	}{
		{`pw "Tr0ub4dor&3!".`, []string{"Tr0ub4dor&3!", `"Tr0ub4dor&3!".`, "Tr0ub4dor&3"}, nil},
		{`(pw:Tr0ub4dor&3!)`, []string{"Tr0ub4dor&3!", "pw:Tr0ub4dor&3!"}, nil},
		{"“Hunter22”", []string{"Hunter22", "hunter22"}, nil},
		{"<OPS-US@ACME.EXAMPLE>,", []string{"ops-us@acme.example"}, nil},
		{"mailto:Ops@Acme.Example?subject=x", []string{"ops@acme.example"}, nil},
		{"a@b", nil, []string{"a@b"}},
		{"+1 (415) 555-0100", []string{"+14155550100", "4155550100"}, nil},
		{"(415) 555-0100", []string{"4155550100", "5550100"}, []string{"415555"}},
		{"415.555.0100", []string{"4155550100"}, nil},
		{"1-415-555-0100", []string{"+14155550100"}, nil},
		{"0044 7700 900123", []string{"+447700900123"}, nil},
		{"07700 900123", []string{"07700900123", "7700900123"}, nil},
		{"+44 (0)20 7183 8750", []string{"+442071838750", "2071838750"}, nil},
		{"call 415 555 0100 2 lines", []string{"4155550100"}, nil},
		{"SKU12345678 12345678abc", nil, []string{"12345678"}},
		{"iban de89 3704 0044 0532 0130 00 ok", []string{"DE89370400440532013000"}, nil},
		{"DE88 3704 0044 0532 0130 00", nil, []string{"DE88370400440532013000"}},
		{"abc", nil, []string{"abc"}},
	} {
		got := forms(extract([]byte(c.in), all))
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: no candidate %q among %q", c.in, w, got)
			}
		}
		for _, w := range c.not {
			if slices.Contains(got, w) {
				t.Errorf("%q: candidate %q among %q", c.in, w, got)
			}
		}
	}
}

func TestCandidateClasses(t *testing.T) {
	in := []byte("Acme-US 4155550100 DE89370400440532013000 ops@acme.example")
	if got := forms(extract(in, clsNumber)); !slices.Equal(got, []string{"4155550100", "+4155550100"}) && !slices.Equal(got, []string{"4155550100"}) {
		t.Errorf("numbers only: %q", got)
	}
	for _, f := range forms(extract(in, clsLower)) {
		if f != "acme-us" && f != "ops@acme.example" && f != "4155550100" && f != "de89370400440532013000" {
			t.Errorf("lower only: unexpected %q", f)
		}
	}
	x := &extractor{classes: clsExact, lens: new([numClasses][maxFormLen + 1]bool)}
	x.lens[classBit(clsExact)][7] = true
	x.tokens(in)
	if got := len(x.cands); got != 1 || string(x.form(x.cands[0])) != "Acme-US" {
		t.Errorf("length filter 7: %d candidates", got)
	}
}

// With lengths by kind, a candidate is hashed only for a kind that has
// values of its length: fewer Transit HMACs, the same findings.
func TestIndexByKindHashesLess(t *testing.T) {
	h := newFakeHasher()
	store, pw := "acme-us", "Zq8rT2vW9xY4bN6mK3pL"
	kinds := map[string]string{h.one(store): KindStore, h.one(pw): KindPassword}
	text := "Secret7 and abcdefghijklmnopqrst, then acme-us and " + pw + "\n"
	run := func(x *Index) Stats {
		var out strings.Builder
		st, err := Redact(context.Background(), strings.NewReader(text), &out, Options{Hasher: h, Index: x})
		if err != nil {
			t.Fatal(err)
		}
		if want := "Secret7 and abcdefghijklmnopqrst, then [REDACTED:store] and [REDACTED:password]\n"; out.String() != want {
			t.Fatalf("got %q", out.String())
		}
		return st
	}
	flat := run(NewIndex(kinds, []int{len(store), len(pw)}))
	byKind := run(NewIndexByKind(kinds, map[string][]int{KindStore: {len(store)}, KindPassword: {len(pw)}}))
	if byKind.Hashed >= flat.Hashed {
		t.Errorf("by kind hashed %d forms, flat %d: want fewer", byKind.Hashed, flat.Hashed)
	}
	// "abcdefghijklmnopqrst" has the password's length but not its shape.
	shaped := run(NewIndexShaped(kinds, []FormInfo{{KindStore, len(store), Shape(store)}, {KindPassword, len(pw), Shape(pw)}}))
	if shaped.Hashed >= byKind.Hashed {
		t.Errorf("shaped hashed %d forms, by kind %d: want fewer", shaped.Hashed, byKind.Hashed)
	}
}

package redact

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/redact/redacttest"
)

// twoAudiences are a store's group (its password and name, under the
// store's key) and the managers (contacts and payout data, under theirs).
func twoAudiences() (store, managers Audience) {
	hs, hm := newFakeHasherKey("store acme-us"), newFakeHasherKey("managers")
	store = Audience{Name: "acme-us", Hasher: hs, Index: buildIndex(hs, []secret{
		{KindPassword, "Tr0ub4dor&3!"},
		{KindStore, "acme-us"},
	})}
	managers = Audience{Name: "managers", Hasher: hm, Index: buildIndex(hm, []secret{
		{KindEmail, "ops-us@acme.example"},
		{KindIBAN, "DE02120300000000202051"},
		{KindAccount, "000123456789"},
	})}
	return store, managers
}

func TestAudiences(t *testing.T) {
	store, managers := twoAudiences()
	in := "acme-us: pw Tr0ub4dor&3! login OPS-US@ACME.EXAMPLE iban de02 1203 0000 0000 2020 51x acct 0001 2345 6789\n"
	want := "[REDACTED:store]: pw [REDACTED:password] login [REDACTED:email] iban de02 1203 0000 0000 2020 51x acct [REDACTED:account-number]\n"
	for _, cs := range []int{0, 16, 40} {
		got, fs, st := redactScan(t, in, Options{Audiences: []Audience{store, managers}, ChunkSize: cs})
		if got != want {
			t.Errorf("chunk %d: got\n%s\nwant\n%s", cs, got, want)
		}
		if len(fs) != 4 {
			t.Errorf("chunk %d: findings %+v", cs, fs)
		}
		if st.HasherCalls > 2*st.Chunks {
			t.Errorf("chunk %d: %d hasher calls for %d chunks", cs, st.HasherCalls, st.Chunks)
		}
	}
	// A member of the store only: the managers' values stay (but for
	// what patterns find).
	got, _, _ := redactScan(t, in, Options{Audiences: []Audience{store}})
	if want := "[REDACTED:store]: pw [REDACTED:password] login OPS-US@ACME.EXAMPLE iban de02 1203 0000 0000 2020 51x acct 0001 2345 6789\n"; got != want {
		t.Errorf("store only: got\n%s\nwant\n%s", got, want)
	}
	// An empty audience needs no hasher and costs no call.
	_, _, st := redactScan(t, in, Options{Audiences: []Audience{{Name: "empty"}, store, {Name: "nil", Index: NewIndex(nil, nil)}}})
	if st.HasherCalls != 1 {
		t.Errorf("with empty audiences: %d hasher calls", st.HasherCalls)
	}
}

func TestAudienceKeysApart(t *testing.T) {
	store, managers := twoAudiences()
	in := "pw Tr0ub4dor&3! for acme-us\n"
	// The store's index hashed with the managers' key matches nothing.
	crossed := Audience{Name: "crossed", Index: store.Index, Hasher: managers.Hasher}
	if got, _, _ := redactScan(t, in, Options{Audiences: []Audience{crossed}}); got != in {
		t.Errorf("store index, managers' key: %q", got)
	}
	// Each audience's HMACs are looked up in its own index only: the
	// managers' HMAC of the password, put in the store's index, is not
	// found through the managers' audience.
	hm := managers.Hasher.(*fakeHasher)
	planted := map[string]string{hm.one("Tr0ub4dor&3!"): KindPassword}
	a := Audience{Name: "a", Hasher: store.Hasher, Index: NewIndex(planted, nil)}
	b := Audience{Name: "b", Hasher: hm, Index: managers.Index}
	if got, _, _ := redactScan(t, in, Options{Audiences: []Audience{a, b}}); got != in {
		t.Errorf("index of one audience, HMAC of another: %q", got)
	}
}

func TestAudienceFirstKind(t *testing.T) {
	// The same value in two audiences under two kinds: the first
	// audience's kind.
	h1, h2 := newFakeHasherKey("one"), newFakeHasherKey("two")
	a1 := Audience{Name: "one", Hasher: h1, Index: buildIndex(h1, []secret{{KindStore, "acme-us"}})}
	a2 := Audience{Name: "two", Hasher: h2, Index: buildIndex(h2, []secret{{KindPassword, "acme-us"}})}
	for _, c := range []struct {
		as   []Audience
		want string
	}{{[]Audience{a1, a2}, "[REDACTED:store]"}, {[]Audience{a2, a1}, "[REDACTED:password]"}} {
		if got, _, _ := redactScan(t, "acme-us", Options{Audiences: c.as}); got != c.want {
			t.Errorf("%s first: %q", c.as[0].Name, got)
		}
	}
}

func TestAudienceHasherCalls(t *testing.T) {
	// Three audiences over a text of many chunks: no more Hasher calls
	// than 64 KiB blocks of text.
	r := rand.New(rand.NewPCG(3, 4))
	var all []secret
	for _, s := range redacttest.Secrets(r, 300) {
		all = append(all, secret{s.Kind, s.Value})
	}
	var as []Audience
	for i := range 3 {
		h := newFakeHasherKey("audience " + string(rune('a'+i)))
		var part []secret
		for j := i; j < len(all); j += 3 {
			part = append(part, all[j])
		}
		as = append(as, Audience{Name: string(rune('a' + i)), Hasher: h, Index: buildIndex(h, part)})
	}
	text := redacttest.Chat(r, 700<<10, asTest(all[:100]))
	_, _, st := redactScan(t, text, Options{Audiences: as})
	blocks := (len(text) + DefaultChunkSize - 1) / DefaultChunkSize
	if st.HasherCalls > blocks || st.Chunks < 2 {
		t.Errorf("%d hasher calls in %d chunks for %d bytes (%d blocks of 64 KiB)", st.HasherCalls, st.Chunks, len(text), blocks)
	}
	calls := 0
	for _, a := range as {
		calls += a.Hasher.(*fakeHasher).calls
	}
	if calls != 2*st.HasherCalls { // Redact and Scan each
		t.Errorf("stats say %d calls, the hashers saw %d", st.HasherCalls, calls)
	}
	t.Logf("%d bytes, %+v", len(text), st)
}

func TestAudienceErrors(t *testing.T) {
	ctx := context.Background()
	store, managers := twoAudiences()
	run := func(o Options) error {
		_, err := Redact(ctx, strings.NewReader("pw Tr0ub4dor&3! for acme-us"), &strings.Builder{}, o)
		return err
	}
	// One failing hasher fails the run, and says which audience.
	broken := Audience{Name: "finance", Index: managers.Index, Hasher: failingHasher{}}
	err := run(Options{Audiences: []Audience{store, broken}})
	if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), `"finance"`) {
		t.Errorf("failing hasher: %v", err)
	}
	short := Audience{Name: "finance", Index: managers.Index, Hasher: failingHasher{short: true}}
	if err := run(Options{Audiences: []Audience{short, store}}); err == nil {
		t.Error("short answer: no error")
	}
	// An audience with entries needs a hasher.
	if err := run(Options{Audiences: []Audience{store, {Name: "finance", Index: managers.Index}}}); !errors.Is(err, errNoHasher) || !strings.Contains(err.Error(), "finance") {
		t.Errorf("no hasher: %v", err)
	}
	// Audiences, or Index and Hasher: not both.
	if err := run(Options{Audiences: []Audience{store}, Index: managers.Index}); !errors.Is(err, errIndexAndAudiences) {
		t.Errorf("both: %v", err)
	}
	if err := run(Options{Audiences: []Audience{store}, Hasher: managers.Hasher}); !errors.Is(err, errIndexAndAudiences) {
		t.Errorf("both: %v", err)
	}
	// Patterns only needs none of them.
	if err := run(Options{Audiences: []Audience{{Name: "x", Index: managers.Index}}, PatternsOnly: true}); err != nil {
		t.Errorf("patterns only: %v", err)
	}
}

func TestAudienceChunkSize(t *testing.T) {
	// Chunks grow with the number of audiences with entries.
	store, managers := twoAudiences()
	text := strings.Repeat("shipped 12 boxes to the warehouse today\n", 200)
	_, _, one := redactScan(t, text, Options{Audiences: []Audience{store}, ChunkSize: 1000})
	_, _, two := redactScan(t, text, Options{Audiences: []Audience{store, {Name: "empty"}, managers}, ChunkSize: 1000})
	if one.Chunks < 2*two.Chunks-1 || two.Chunks < 2 {
		t.Errorf("one audience: %d chunks; two: %d", one.Chunks, two.Chunks)
	}
}

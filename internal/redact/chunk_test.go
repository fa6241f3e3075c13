package redact

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// applyFindings replaces the findings in s the way Redact does.
func applyFindings(s string, fs []Finding) string {
	var b strings.Builder
	pos := 0
	for _, f := range fs {
		b.WriteString(s[pos:f.Start])
		b.WriteString(Marker(f.Kind))
		pos = f.End
	}
	b.WriteString(s[pos:])
	return b.String()
}

// redactScan runs Redact and Scan on s and checks that they agree.
func redactScan(t *testing.T, s string, o Options) (string, []Finding, Stats) {
	t.Helper()
	var out bytes.Buffer
	st, err := Redact(context.Background(), strings.NewReader(s), &out, o)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Scan(context.Background(), strings.NewReader(s), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := applyFindings(s, fs); got != out.String() {
		t.Errorf("Scan and Redact disagree:\nscan   %q\nredact %q", got, out.String())
	}
	if st.Findings != len(fs) {
		t.Errorf("Redact counts %d findings, Scan has %d", st.Findings, len(fs))
	}
	for i, f := range fs {
		if f.Start >= f.End || i > 0 && fs[i-1].End > f.Start {
			t.Errorf("finding %d %+v out of order or overlapping", i, f)
		}
	}
	return out.String(), fs, st
}

func TestChunkBoundaries(t *testing.T) {
	h := newFakeHasher()
	idx := buildIndex(h, team)
	want, _, _ := redactScan(t, chat, Options{Hasher: h, Index: idx})
	for _, cs := range []int{16, 33, 64, 65, 200} {
		h.calls, h.sizes = 0, nil
		got, _, st := redactScan(t, chat, Options{Hasher: h, Index: idx, ChunkSize: cs})
		if got != want {
			t.Errorf("chunk %d: got\n%s\nwant\n%s", cs, got, want)
		}
		if st.HasherCalls > st.Chunks || h.calls != 2*st.HasherCalls { // Redact and Scan each
			t.Errorf("chunk %d: %d hasher calls (hasher saw %d) for %d chunks", cs, st.HasherCalls, h.calls, st.Chunks)
		}
		if st.Chunks > len(chat)/max(cs, minChunkSize)+1 || st.Chunks < 2 {
			t.Errorf("chunk %d: %d chunks for %d bytes", cs, st.Chunks, len(chat))
		}
	}
}

func TestLongLine(t *testing.T) {
	// One line of 2 KB: chunks are cut at spaces, not inside a number,
	// an IBAN or a grouped seed.
	filler := strings.Repeat("lorem ipsum dolor sit amet, ", 8)
	line := filler + "call +1 415 555 0100 now " + filler + "iban DE89 3704 0044 0532 0130 00 ok " +
		filler + "seed jbsw y3dp ehpk 3pxp end " + filler + "card 4111 1111 1111 1111 exp " + filler
	h := newFakeHasher()
	idx := buildIndex(h, team)
	want := strings.NewReplacer("+1 415 555 0100", "[REDACTED:phone]", "DE89 3704 0044 0532 0130 00", "[REDACTED:iban]",
		"jbsw y3dp ehpk 3pxp", "[REDACTED:totp-seed]", "4111 1111 1111 1111", "[REDACTED:card-number]").Replace(line)
	for _, cs := range []int{0, 64, 100} {
		got, _, st := redactScan(t, line, Options{Hasher: h, Index: idx, ChunkSize: cs})
		if got != want {
			t.Errorf("chunk %d: got\n%s\nwant\n%s", cs, got, want)
		}
		if st.Findings != 4 {
			t.Errorf("chunk %d: %d findings", cs, st.Findings)
		}
	}
}

func TestPrivateKeyAcrossChunks(t *testing.T) {
	in := "here it is:\n" + rsaKey + "\nand the unterminated one:\n" + strings.TrimSuffix(rsaKey, "-----END RSA PRIVATE KEY-----") + "thanks, bye!\n"
	want := "here it is:\n[REDACTED:private-key]\nand the unterminated one:\n[REDACTED:private-key]\nthanks, bye!\n"
	for _, cs := range []int{0, 16, 64, 100, 300} {
		got, fs, _ := redactScan(t, in, Options{PatternsOnly: true, ChunkSize: cs})
		if got != want {
			t.Errorf("chunk %d: got\n%s\nwant\n%s", cs, got, want)
			continue
		}
		if len(fs) != 2 || fs[0].Line != 2 || fs[0].Column != 1 || fs[1].Line != 12 {
			t.Errorf("chunk %d: findings %+v", cs, fs)
		}
	}
}

func TestScanPositions(t *testing.T) {
	in := "héllo wörld\r\n\tkey → JBSWY3DPEHPK3PXP\n\n€ card 4111 1111 1111 1111\n\xff\xfe s.Ak2uY9mVXNgn5pNu2Ld2yK3p"
	_, fs, _ := redactScan(t, in, Options{PatternsOnly: true, ChunkSize: 20})
	want := []Finding{
		{Line: 2, Column: 8, Kind: KindTOTPSeed},
		{Line: 4, Column: 8, Kind: KindCard},
		{Line: 5, Column: 4, Kind: KindVaultToken},
	}
	if len(fs) != len(want) {
		t.Fatalf("findings %+v", fs)
	}
	for i, f := range fs {
		if f.Line != want[i].Line || f.Column != want[i].Column || f.Kind != want[i].Kind {
			t.Errorf("finding %d: %+v, want line %d column %d %s", i, f, want[i].Line, want[i].Column, want[i].Kind)
		}
	}
	if got := in[fs[1].Start:fs[1].End]; got != "4111 1111 1111 1111" {
		t.Errorf("card finding spans %q", got)
	}
}

func TestBytesKept(t *testing.T) {
	in := "a\x00b\r\n\xff\xfe\xfd card 4111111111111111\r\n\xe2\x82 end\xc3"
	got, _, _ := redactScan(t, in, Options{PatternsOnly: true, ChunkSize: 16})
	if want := "a\x00b\r\n\xff\xfe\xfd card [REDACTED:card-number]\r\n\xe2\x82 end\xc3"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestHasherCalls(t *testing.T) {
	h := newFakeHasher()
	idx := buildIndex(h, team)
	// No candidate at all: no call.
	h.calls = 0
	_, _, st := redactScan(t, "a b c\nok\n", Options{Hasher: h, Index: idx})
	if st.HasherCalls != 0 || h.calls != 0 {
		t.Errorf("short words: %d hasher calls", h.calls)
	}
	// The same words in every chunk: one call, then the cache.
	text := strings.Repeat("shipped packets to Glasgow\n", 100)
	_, _, st = redactScan(t, text, Options{Hasher: h, Index: idx, ChunkSize: 64})
	if st.HasherCalls != 1 || st.Chunks < 20 {
		t.Errorf("repeated words: %d hasher calls in %d chunks", st.HasherCalls, st.Chunks)
	}
	// Candidates within a call are distinct.
	h.sizes = nil
	_, _, st = redactScan(t, "acme-us acme-us ACME-US Acme-us\n", Options{Hasher: h, Index: idx})
	if st.Hashed != 3 || st.Candidates != 6 {
		t.Errorf("duplicates: %+v", st)
	}
}

type failingHasher struct{ short bool }

func (f failingHasher) HMAC(_ context.Context, values []string) ([]string, error) {
	if f.short {
		return values[1:], nil
	}
	return nil, errors.New("transit: permission denied")
}

func TestErrors(t *testing.T) {
	idx := buildIndex(newFakeHasher(), team)
	ctx := context.Background()
	if _, err := Redact(ctx, strings.NewReader("hello world"), &bytes.Buffer{}, Options{Index: idx}); !errors.Is(err, errNoHasher) {
		t.Errorf("no hasher: %v", err)
	}
	if _, err := Redact(ctx, strings.NewReader("shipped packets"), &bytes.Buffer{}, Options{Index: idx, Hasher: failingHasher{}}); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("failing hasher: %v", err)
	}
	if _, err := Scan(ctx, strings.NewReader("shipped packets"), Options{Index: idx, Hasher: failingHasher{short: true}}); err == nil {
		t.Error("short answer: no error")
	}
	// Patterns only needs no hasher, even with an index.
	if _, err := Redact(ctx, strings.NewReader("hello world"), &bytes.Buffer{}, Options{Index: idx, PatternsOnly: true}); err != nil {
		t.Errorf("patterns only: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Scan(cctx, strings.NewReader("hello world"), Options{PatternsOnly: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestWholeRunes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{{"abc", 3}, {"ab\xc3", 2}, {"ab\xe2\x82", 2}, {"ab\xe2\x82\xac", 5}, {"ab\xff", 3}, {"\xe2\x82", 2}, {"", 0}} {
		if got := wholeRunes([]byte(c.in)); got != c.want {
			t.Errorf("wholeRunes(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestHugeWord(t *testing.T) {
	// A word of three chunks is cut where it must be, the bytes survive
	// and what can be found is.
	word := strings.Repeat("é", 100) // 200 bytes, 2-byte runes
	in := "card 4111 1111 1111 1111 " + word + " iban DE89370400440532013000\n"
	want := "card [REDACTED:card-number] " + word + " iban [REDACTED:iban]\n"
	for _, cs := range []int{16, 33, 64} {
		got, fs, _ := redactScan(t, in, Options{PatternsOnly: true, ChunkSize: cs})
		if got != want {
			t.Errorf("chunk %d: got %q", cs, got)
		}
		if len(fs) == 2 && fs[1].Column != utf8.RuneCountInString(in[:fs[1].Start])+1 {
			t.Errorf("chunk %d: IBAN at column %d", cs, fs[1].Column)
		}
	}
}

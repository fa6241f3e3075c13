package repo_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/redact/redacttest"
)

// BenchmarkRedactTransit measures `sellervault redact` as a member runs
// it: an index of 10,000 values whose HMACs Vault's Transit engine made
// (on the in-process dev Vault), about 4 MiB of chat text with 200 of
// the values in it, and Transit computing the candidates' HMACs, one
// request per 64 KiB chunk at most. The patterns-only sub-benchmark, on
// the same text, needs no Vault.
//
//	go test -run '^$' -bench RedactTransit -benchtime 5x ./internal/repo/
func BenchmarkRedactTransit(b *testing.B) {
	ctx := context.Background()
	r, _, _ := newRepo(b)
	rnd := rand.New(rand.NewPCG(7, 11))
	secrets := redacttest.Secrets(rnd, 10000)

	// The index, as the repository keeps it: forms, Transit HMACs, lengths.
	var forms, kinds []string
	for _, s := range secrets {
		for _, f := range redact.IndexForms(s.Kind, s.Value) {
			forms, kinds = append(forms, f), append(kinds, s.Kind)
		}
	}
	hmacs := map[string]string{}
	var shapes []redact.FormInfo
	for start := 0; start < len(forms); start += 2000 {
		end := min(start+2000, len(forms))
		out, err := r.Hasher().HMAC(ctx, forms[start:end])
		if err != nil {
			b.Fatal(err)
		}
		for i, h := range out {
			hmacs[h] = kinds[start+i]
			shapes = append(shapes, redact.FormInfo{Kind: kinds[start+i], Length: len(forms[start+i]), Shape: redact.Shape(forms[start+i])})
		}
	}
	index := redact.NewIndexShaped(hmacs, shapes)
	sprinkled := make([]redacttest.Secret, 200)
	for i := range sprinkled {
		sprinkled[i] = secrets[rnd.IntN(len(secrets))]
	}
	text := []byte(redacttest.Chat(rnd, 4<<20, sprinkled))

	b.Run("indexed", func(b *testing.B) {
		var out bytes.Buffer
		st, err := redact.Redact(ctx, bytes.NewReader(text), &out, redact.Options{Index: index, Hasher: r.Hasher()})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range sprinkled {
			if strings.Contains(out.String(), s.Value) {
				b.Fatalf("a %s is left in the output", s.Kind)
			}
		}
		b.SetBytes(int64(len(text)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if st, err = redact.Redact(ctx, bytes.NewReader(text), io.Discard, redact.Options{Index: index, Hasher: r.Hasher()}); err != nil {
				b.Fatal(err)
			}
		}
		per64K := float64(st.Bytes) / (64 << 10)
		b.ReportMetric(float64(st.HasherCalls)/per64K, "transit-requests/64KiB")
		b.ReportMetric(float64(st.Hashed)/per64K, "hmacs/64KiB")
		b.ReportMetric(float64(st.Findings), "findings")
	})
	b.Run("patterns-only", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for i := 0; i < b.N; i++ {
			if _, err := redact.Redact(ctx, bytes.NewReader(text), io.Discard, redact.Options{PatternsOnly: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

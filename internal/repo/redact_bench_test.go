package repo_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/redact/redacttest"
	"github.com/sellervault/sellervault/internal/vault"
)

// BenchmarkRedactTransit measures `sellervault redact` as a member of
// one store runs it: that store's index of 10,000 values whose HMACs
// Vault's Transit engine made with the store's key (on the in-process
// dev Vault), about 4 MiB of chat text with 200 of the values in it, and
// Transit computing the candidates' HMACs, one request per 64 KiB chunk
// at most. In each iteration the same text also goes through
// patterns-only redaction (no Vault), the baseline: indexed/patterns is
// what the index costs on top.
//
//	go test -run '^$' -bench RedactTransit -benchtime 5x ./internal/repo/
func BenchmarkRedactTransit(b *testing.B) {
	ctx := context.Background()
	r, _, _ := newRepo(b)
	audience := vault.StoreAudience("acme-us")
	hasher := r.Index().Hasher(audience)
	rnd := rand.New(rand.NewPCG(7, 11))
	secrets := redacttest.Secrets(rnd, 10000)

	// The index, as the repository keeps it: forms, Transit HMACs, and
	// the filter (kind, length, shape).
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
		out, err := hasher.HMAC(ctx, forms[start:end])
		if err != nil {
			b.Fatal(err)
		}
		for i, h := range out {
			hmacs[h] = kinds[start+i]
			shapes = append(shapes, redact.FormInfo{Kind: kinds[start+i], Length: len(forms[start+i]), Shape: redact.Shape(forms[start+i])})
		}
	}
	opts := redact.Options{Audiences: []redact.Audience{{Name: audience, Index: redact.NewIndexShaped(hmacs, shapes), Hasher: hasher}},
		TeamDomains: []string{"acme.example"}}
	sprinkled := make([]redacttest.Secret, 200)
	for i := range sprinkled {
		sprinkled[i] = secrets[rnd.IntN(len(secrets))]
	}
	text := []byte(redacttest.Chat(rnd, 4<<20, sprinkled))

	var out bytes.Buffer
	st, err := redact.Redact(ctx, bytes.NewReader(text), &out, opts)
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
	var indexed, patterns time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if st, err = redact.Redact(ctx, bytes.NewReader(text), io.Discard, opts); err != nil {
			b.Fatal(err)
		}
		indexed += time.Since(start)
		start = time.Now()
		if _, err := redact.Redact(ctx, bytes.NewReader(text), io.Discard, redact.Options{PatternsOnly: true, TeamDomains: opts.TeamDomains}); err != nil {
			b.Fatal(err)
		}
		patterns += time.Since(start)
	}
	mbps := func(d time.Duration) float64 { return float64(len(text)) * float64(b.N) / d.Seconds() / 1e6 }
	per64K := float64(st.Bytes) / (64 << 10)
	b.ReportMetric(mbps(indexed), "indexed-MB/s")
	b.ReportMetric(mbps(patterns), "patterns-MB/s")
	b.ReportMetric(patterns.Seconds()/indexed.Seconds(), "indexed/patterns")
	b.ReportMetric(float64(st.HasherCalls)/per64K, "transit-requests/64KiB")
	b.ReportMetric(float64(st.Hashed)/per64K, "hmacs/64KiB")
	b.ReportMetric(float64(st.Findings), "findings")
}

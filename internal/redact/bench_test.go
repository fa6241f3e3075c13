package redact

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/sellervault/sellervault/internal/redact/redacttest"
)

// benchIndexSize is the number of values in the benchmark's index.
const benchIndexSize = 10000

// benchTextSize is about how long the benchmark's chat text is.
const benchTextSize = 4 << 20

type benchSet struct {
	idx       *Index
	h         *fakeHasher
	text      string
	sprinkled []secret
}

var benchData = sync.OnceValue(func() benchSet {
	r := rand.New(rand.NewPCG(7, 11))
	var secrets []secret
	for _, s := range redacttest.Secrets(r, benchIndexSize) {
		secrets = append(secrets, secret{s.Kind, s.Value})
	}
	h := newFakeHasher()
	idx := buildIndex(h, secrets)
	sprinkled := make([]secret, 0, 200)
	for i := 0; i < 200; i++ {
		sprinkled = append(sprinkled, secrets[r.IntN(len(secrets))])
	}
	return benchSet{idx, h, redacttest.Chat(r, benchTextSize, asTest(sprinkled)), sprinkled}
})

func asTest(secrets []secret) []redacttest.Secret {
	out := make([]redacttest.Secret, len(secrets))
	for i, s := range secrets {
		out[i] = redacttest.Secret{Kind: s.kind, Value: s.value}
	}
	return out
}

func BenchmarkRedactIndexed(b *testing.B) {
	d := benchData()
	idx, h, sprinkled := d.idx, d.h, d.sprinkled
	in := []byte(d.text)
	// Once: every sprinkled secret that made it into the text is gone.
	var out bytes.Buffer
	if _, err := Redact(context.Background(), bytes.NewReader(in), &out, Options{Hasher: h, Index: idx}); err != nil {
		b.Fatal(err)
	}
	for _, s := range sprinkled {
		if v := redacttest.Spell(rand.New(rand.NewPCG(0, 0)), redacttest.Secret{Kind: s.kind, Value: s.value}); strings.Contains(out.String(), s.value) {
			b.Fatalf("%s %q (%q) left in the output", s.kind, s.value, v)
		}
	}
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	defer reportCPU(b, len(in))()
	var st Stats
	for i := 0; i < b.N; i++ {
		var err error
		st, err = Redact(context.Background(), bytes.NewReader(in), io.Discard, Options{Hasher: h, Index: idx})
		if err != nil {
			b.Fatal(err)
		}
	}
	per64K := float64(st.Bytes) / (64 << 10)
	b.ReportMetric(float64(st.HasherCalls)/per64K, "hashercalls/64KiB")
	b.ReportMetric(float64(st.Hashed)/per64K, "hashed/64KiB")
	b.ReportMetric(float64(st.Candidates)/per64K, "candidates/64KiB")
	b.ReportMetric(float64(st.Findings), "findings")
}

func BenchmarkRedactPatternsOnly(b *testing.B) {
	in := []byte(benchData().text)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	defer reportCPU(b, len(in))()
	for i := 0; i < b.N; i++ {
		if _, err := Redact(context.Background(), bytes.NewReader(in), io.Discard, Options{PatternsOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU starts measuring CPU time; the function it returns reports
// the throughput per second of the process's CPU time ("cpu-MB/s",
// garbage collection included). It is above the wall-clock MB/s when
// other processes kept the benchmark off the CPU, below it when garbage
// collection ran alongside. Call it deferred, after ResetTimer.
func reportCPU(b *testing.B, n int) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && end > start {
			b.ReportMetric(float64(n)*float64(b.N)/1e6/(end-start).Seconds(), "cpu-MB/s")
		}
	}
}

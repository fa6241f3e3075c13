package redact

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

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

// benchAudiences is the benchmark's index split between three
// audiences, each with its own key: about 3,334 values each.
var benchAudiences = sync.OnceValue(func() []Audience {
	r := rand.New(rand.NewPCG(7, 11))
	var parts [3][]secret
	for i, s := range redacttest.Secrets(r, benchIndexSize) {
		parts[i%3] = append(parts[i%3], secret{s.Kind, s.Value})
	}
	var as []Audience
	for i, part := range parts {
		h := newFakeHasherKey("audience " + strconv.Itoa(i))
		as = append(as, Audience{Name: strconv.Itoa(i), Index: buildIndex(h, part), Hasher: h})
	}
	return as
})

func BenchmarkRedactIndexed(b *testing.B) {
	d := benchData()
	benchRedact(b, Options{Hasher: d.h, Index: d.idx})
}

// BenchmarkRedactAudiences is BenchmarkRedactIndexed with the index
// split between three audiences.
func BenchmarkRedactAudiences(b *testing.B) {
	benchRedact(b, Options{Audiences: benchAudiences()})
}

// benchRedact redacts the benchmark's chat text with o, checking once
// that every sprinkled secret is gone, and reports the throughput beside
// the baseline's, the Hasher calls, forms hashed and candidates per
// 64 KiB of text, and the findings.
func benchRedact(b *testing.B, o Options) {
	d := benchData()
	in := []byte(d.text)
	// Once: every sprinkled secret that made it into the text is gone.
	var out bytes.Buffer
	if _, err := Redact(context.Background(), bytes.NewReader(in), &out, o); err != nil {
		b.Fatal(err)
	}
	for _, s := range d.sprinkled {
		if v := redacttest.Spell(rand.New(rand.NewPCG(0, 0)), redacttest.Secret{Kind: s.kind, Value: s.value}); strings.Contains(out.String(), s.value) {
			b.Fatalf("%s %q (%q) left in the output", s.kind, s.value, v)
		}
	}
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	stop := reportCPU(b, len(in))
	start := time.Now()
	var st Stats
	for i := 0; i < b.N; i++ {
		var err error
		st, err = Redact(context.Background(), bytes.NewReader(in), io.Discard, o)
		if err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	stop()
	b.StopTimer()
	reportBaseline(b, in, elapsed)
	per64K := float64(st.Bytes) / (64 << 10)
	b.ReportMetric(float64(st.HasherCalls)/per64K, "hashercalls/64KiB")
	b.ReportMetric(float64(st.Hashed)/per64K, "hashed/64KiB")
	b.ReportMetric(float64(st.Candidates)/per64K, "candidates/64KiB")
	b.ReportMetric(float64(st.Findings), "findings")
}

func BenchmarkRedactPatternsOnly(b *testing.B) {
	in := []byte(benchData().text)
	o := Options{PatternsOnly: true, TeamDomains: []string{"store1.example", "acme.example"}}
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	stop := reportCPU(b, len(in))
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := Redact(context.Background(), bytes.NewReader(in), io.Discard, o); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	stop()
	b.StopTimer()
	reportBaseline(b, in, elapsed)
}

// reportBaseline measures, in the same run and as many times, the
// baseline: copying the text split into words (bytes.Fields, 64 KiB at
// a time, the words joined by spaces into a buffer; at least 5 times,
// after a garbage collection), the least a filter that looks at words
// can do. It reports the throughput of both
// ("redact-MB/s", "baseline-MB/s") and their ratio ("redact/baseline"),
// which, unlike MB/s, does not depend much on how fast or busy the
// machine is. Call it with the timer stopped.
func reportBaseline(b *testing.B, in []byte, redactTime time.Duration) {
	runtime.GC() // not the redaction's garbage
	n := max(b.N, 5)
	var buf []byte
	start := time.Now()
	for i := 0; i < n; i++ {
		buf = splitCopy(buf[:0], in)
		if _, err := io.Discard.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	base := time.Since(start)
	mb := float64(len(in)) / 1e6
	redact, baseline := mb*float64(b.N)/redactTime.Seconds(), mb*float64(n)/base.Seconds()
	b.ReportMetric(redact, "redact-MB/s")
	b.ReportMetric(baseline, "baseline-MB/s")
	b.ReportMetric(redact/baseline, "redact/baseline")
}

// splitCopy appends the words of in (bytes.Fields of each 64 KiB), each
// followed by a space, to dst.
func splitCopy(dst, in []byte) []byte {
	for len(in) > 0 {
		n := min(len(in), DefaultChunkSize)
		for _, w := range bytes.Fields(in[:n]) {
			dst = append(append(dst, w...), ' ')
		}
		in = in[n:]
	}
	return dst
}

// reportCPU starts measuring CPU time; the function it returns reports
// the throughput per second of the process's CPU time ("cpu-MB/s",
// garbage collection included). It is above the wall-clock MB/s when
// other processes kept the benchmark off the CPU, below it when garbage
// collection ran alongside. Call it after ResetTimer, and the function
// right after the loop.
func reportCPU(b *testing.B, n int) func() {
	start, ok := cpuTime()
	return func() {
		end, _ := cpuTime()
		if ok && end > start {
			b.ReportMetric(float64(n)*float64(b.N)/1e6/(end-start).Seconds(), "cpu-MB/s")
		}
	}
}

package redact

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// benchIndexSize is the number of values in the benchmark's index.
const benchIndexSize = 10000

// benchTextSize is about how long the benchmark's chat text is.
const benchTextSize = 4 << 20

// germanIBAN returns a valid German IBAN for an 18-digit BBAN.
func germanIBAN(bban string) string {
	r := 0
	for _, c := range bban + "131400" { // D=13, E=14, check digits 00
		r = (r*10 + int(c-'0')) % 97
	}
	return fmt.Sprintf("DE%02d%s", 98-r, bban)
}

// benchSecrets makes n values of a team (a big one, or many teams): a
// third passwords, the rest e-mail addresses, phones, IBANs, account and
// routing numbers and store names.
func benchSecrets(r *rand.Rand, n int) []secret {
	var out []secret
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	for i := 0; len(out) < n; i++ {
		switch i % 9 {
		case 0, 1, 2:
			p := make([]byte, 9+r.IntN(16))
			for j := range p {
				p[j] = byte(r.Uint32())
			}
			out = append(out, secret{KindPassword, base64.RawURLEncoding.EncodeToString(p)})
		case 3:
			out = append(out, secret{KindEmail, fmt.Sprintf("ops-%d@store%d.example", i, r.IntN(1000))})
		case 4:
			out = append(out, secret{KindPhone, "+1415" + digits(7)})
		case 5:
			out = append(out, secret{KindPhone, "+4477009" + digits(5)})
		case 6:
			out = append(out, secret{KindIBAN, germanIBAN(digits(18))})
		case 7:
			out = append(out, secret{KindAccount, digits(8 + r.IntN(6))})
		case 8:
			if i%2 == 0 {
				out = append(out, secret{KindRouting, digits(9)})
			} else {
				out = append(out, secret{KindStore, fmt.Sprintf("shop-%d", i)})
			}
		}
	}
	return out
}

// spell writes a secret the way people do in chat.
func spell(r *rand.Rand, s secret) string {
	v := s.value
	switch s.kind {
	case KindEmail:
		if r.IntN(2) == 0 {
			return strings.ToUpper(v)
		}
		return "<" + v + ">"
	case KindPhone:
		d := v[len(v)-10:]
		switch r.IntN(3) {
		case 0:
			return "(" + d[:3] + ") " + d[3:6] + "-" + d[6:]
		case 1:
			return v[:len(v)-10] + " " + d[:3] + " " + d[3:6] + " " + d[6:]
		}
		return d[:3] + "." + d[3:6] + "." + d[6:]
	case KindIBAN:
		var b strings.Builder
		for i := 0; i < len(v); i += 4 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(v[i:min(i+4, len(v))])
		}
		return b.String()
	case KindPassword:
		return `"` + v + `"`
	}
	return v
}

var chatWords = strings.Fields(`the a to and of for is in it on that this we you ok
	thanks please order orders shipped shipping label return refund customer buyer
	listing price stock inventory warehouse pallet carrier tracking update today
	tomorrow monday asap done checked fixed sent received pending approved case
	ticket seller central account payout balance fees report sales ads campaign
	budget sku asin fba fbm restock box boxes units pcs weight dims invoice`)

var chatNames = []string{"maria", "olga", "tom", "farid", "li", "sam"}

// benchChat writes about size bytes of chat in which the given secrets
// appear (each once), among order numbers, prices, dates, tracking
// numbers and SKUs that change from line to line.
func benchChat(r *rand.Rand, size int, secrets []secret) string {
	var b strings.Builder
	next := 0
	for b.Len() < size {
		fmt.Fprintf(&b, "[%02d:%02d] %s: ", r.IntN(24), r.IntN(60), chatNames[r.IntN(len(chatNames))])
		n := 4 + r.IntN(16)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			switch k := r.IntN(40); {
			case k == 0:
				fmt.Fprintf(&b, "%03d-%07d-%07d", 100+r.IntN(900), r.IntN(10000000), r.IntN(10000000))
			case k == 1:
				fmt.Fprintf(&b, "$%d.%02d", r.IntN(500), r.IntN(100))
			case k == 2:
				fmt.Fprintf(&b, "2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28))
			case k == 3:
				fmt.Fprintf(&b, "1Z%06X%010d", r.IntN(1<<24), r.IntN(1e9))
			case k == 4:
				fmt.Fprintf(&b, "ACME-%s-%d", strings.ToUpper(chatWords[r.IntN(len(chatWords))]), r.IntN(100))
			case k == 5:
				fmt.Fprintf(&b, "B0%08X", r.Uint32())
			case k == 6 && next < len(secrets) && r.IntN(20) == 0:
				b.WriteString(spell(r, secrets[next]))
				next++
			default:
				w := chatWords[r.IntN(len(chatWords))]
				if r.IntN(10) == 0 {
					w = strings.ToUpper(w[:1]) + w[1:]
				}
				b.WriteString(w)
			}
		}
		if r.IntN(4) == 0 {
			b.WriteString(".")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

type benchSet struct {
	idx       *Index
	h         *fakeHasher
	text      string
	sprinkled []secret
}

var benchData = sync.OnceValue(func() benchSet {
	r := rand.New(rand.NewPCG(7, 11))
	secrets := benchSecrets(r, benchIndexSize)
	h := newFakeHasher()
	idx := buildIndex(h, secrets)
	sprinkled := make([]secret, 0, 200)
	for i := 0; i < 200; i++ {
		sprinkled = append(sprinkled, secrets[r.IntN(len(secrets))])
	}
	return benchSet{idx, h, benchChat(r, benchTextSize, sprinkled), sprinkled}
})

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
		if v := spell(rand.New(rand.NewPCG(0, 0)), s); strings.Contains(out.String(), s.value) {
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

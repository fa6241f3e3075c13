package mailcheck

import (
	"fmt"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchBudget is what checking the benchmark's message may take.
const benchBudget = 50 * time.Millisecond

// benchMessage is a 1 MB message with 200 links: a newsletter-like
// multipart/alternative message (plain text and HTML, quoted-printable,
// English and Chinese paragraphs), 100 links in each part, most to
// Seller Central and the rest to 20 other domains, signed with the test
// key and carrying the receiving server's Authentication-Results.
var benchMessage = sync.OnceValue(func() []byte {
	r := rand.New(rand.NewPCG(17, 4))
	words := strings.Fields("the seller account order listing inventory shipment buyer review payment report fee refund " +
		"campaign advertising brand registry storefront performance notice update policy customer return catalog")
	zh := []string{"您的店铺本周订单量有所增长。", "请及时处理买家的退货请求。", "广告活动的预算即将用完。", "库存报告已经生成，可以下载。"}
	link := func(i int) string {
		if i%10 < 7 {
			return fmt.Sprintf("https://sellercentral.amazon.com/orders-v3/order/%03d-%07d?ref_=xx_%d", i, r.IntN(1e7), i)
		}
		return fmt.Sprintf("https://news%d.shop-example.com/track/%d?u=%x", i%20, i, r.Uint64())
	}
	paragraph := func(b *strings.Builder, n int) {
		for i := 0; i < n; i++ {
			b.WriteString(words[r.IntN(len(words))])
			if i%12 == 11 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(zh[r.IntN(len(zh))])
	}
	var text, html strings.Builder
	for i := 0; text.Len() < 420<<10; i++ {
		paragraph(&text, 60)
		if i < 100 {
			text.WriteString(" " + link(i) + " ")
		}
		text.WriteString("\n\n")
	}
	html.WriteString("<html><head><style>p{margin:0}</style></head><body>\n")
	for i := 0; html.Len() < 560<<10; i++ {
		html.WriteString("<p>")
		paragraph(&html, 60)
		if i < 100 {
			fmt.Fprintf(&html, ` <a href="%s">see the order</a>`, link(100+i))
		}
		html.WriteString("</p>\n")
	}
	html.WriteString("</body></html>\n")
	qp := func(s string) string {
		var b strings.Builder
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	msg := "Authentication-Results: mx.example-mail.com; dkim=pass header.d=amazon.com; spf=pass smtp.mailfrom=bounces.amazon.com; dmarc=pass header.from=amazon.com\n" +
		"From: \"Amazon Seller Central\" <seller-notification@amazon.com>\nTo: ops@acme-store.com\nSubject: Your weekly selling report\n" +
		"Date: Mon, 26 Jan 2026 08:00:00 +0000\nMessage-ID: <bench@amazon.com>\nMIME-Version: 1.0\n" +
		"Content-Type: multipart/alternative; boundary=\"bench-boundary\"\n\n" +
		"--bench-boundary\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(text.String()) +
		"\n--bench-boundary\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + qp(html.String()) +
		"\n--bench-boundary--\n"
	return sign(&testing.T{}, []byte(msg), "amazon.com")
})

// BenchmarkCheckMail checks the 1 MB message with 200 links, beside the
// baseline of parsing it alone, and reports each check's time as a share
// of benchBudget (of-budget). Run:
//
//	go test -run '^$' -bench CheckMail ./internal/mailcheck/
func BenchmarkCheckMail(b *testing.B) {
	raw := benchMessage()
	rep, err := Check(raw, Options{Allowlist: allowlist(), LookupTXT: testLookup("amazon.com")})
	if err != nil {
		b.Fatal(err)
	}
	links := 0
	for _, l := range rep.Links {
		links += l.Count
	}
	if links != 200 || len(raw) < 1<<20 || len(rep.Signatures) != 1 || rep.Signatures[0].Result != "pass" {
		b.Fatalf("the benchmark's message: %d bytes, %d links, signatures %+v", len(raw), links, rep.Signatures)
	}
	run := func(name string, budget time.Duration, f func() error) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
			// the budget is reported as a ratio, not asserted (a loaded
			// machine is no failure of the code): under 1 is within it
			if per := time.Since(start) / time.Duration(b.N); budget > 0 {
				b.ReportMetric(float64(per)/float64(budget), "of-budget")
			}
		})
	}
	run("parse", 0, func() error { _, err := Parse(raw); return err })
	run("check", benchBudget, func() error {
		_, err := Check(raw, Options{Allowlist: allowlist(), LookupTXT: testLookup("amazon.com")})
		return err
	})
	run("check-offline", benchBudget, func() error { _, err := Check(raw, Options{Allowlist: allowlist()}); return err })
}

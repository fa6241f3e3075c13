package phish

import (
	"net/url"
	"testing"
	"time"
)

// benchURLs are a mix of genuine, look-alike and unknown links, a third
// each, as a mail filter would see them.
var benchURLs = []string{
	// genuine
	"https://sellercentral.amazon.com/home?ref=xx_sc_home",
	"https://www.paypal.com/signin",
	"https://www.ebay.de/sh/ovw",
	"https://sellercentral-europe.amazon.com/orders-v3",
	"https://login.payoneer.com/",
	"https://www.mercadolivre.com.br/vendas",
	"https://seller.walmart.com/home",
	"https://wise.com/login",
	// look-alikes
	"https://xn--aazo-gd5ax007g.com/signin",
	"https://ama.zon.com/ap/signin",
	"https://amazon-seller-support.co/verify",
	"https://sellercentral.amazon.com.evil.net/",
	"https://paypa1.com/cgi-bin/webscr",
	"https://ebya.com/",
	"https://" + punycode("раураl.com") + "/",
	"https://wwwebay.com/login",
	// unknown
	"https://github.com/sellervault/sellervault",
	"https://www.google.com/search?q=x",
	"https://en.wikipedia.org/wiki/Typosquatting",
	"https://stackoverflow.com/questions/1",
	"https://www.bbc.co.uk/news",
	"https://wiser.com/",
	"https://docs.example.com/guide/setup",
	"https://shipstation.com/",
}

// BenchmarkCheckURL measures CheckURL on the mix, beside two baselines
// that only parse the same links (net/url, and CheckURL's own parsing,
// which also normalises the host with IDNA), and reports the checks a
// second (checks/s) and their share of the 10,000 asked for (x-target).
func BenchmarkCheckURL(b *testing.B) {
	a := embedded(b)
	for _, u := range benchURLs { // warm the character cache
		if _, err := a.CheckURL(u); err != nil {
			b.Fatalf("%s: %v", u, err)
		}
	}
	b.Run("baseline-url.Parse", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := url.Parse(benchURLs[i%len(benchURLs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline-parseWebURL", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := parseWebURL(benchURLs[i%len(benchURLs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, part := range []struct {
		name string
		urls []string
	}{
		{"genuine", benchURLs[:8]},
		{"lookalike", benchURLs[8:16]},
		{"unknown", benchURLs[16:]},
		{"mix", benchURLs},
	} {
		b.Run(part.name, func(b *testing.B) {
			start := time.Now()
			n := 0
			for i := 0; b.Loop(); i++ {
				if _, err := a.CheckURL(part.urls[i%len(part.urls)]); err != nil {
					b.Fatal(err)
				}
				n++
			}
			perSec := float64(n) / time.Since(start).Seconds()
			b.ReportMetric(perSec, "checks/s")
			// the issue asks for 10,000 a second: reported, not asserted
			// (a loaded machine is no failure of the code)
			b.ReportMetric(perSec/10000, "x-target")
		})
	}
}

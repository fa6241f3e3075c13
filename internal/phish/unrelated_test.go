package phish

import "testing"

// unrelatedDomains are ordinary domains that have nothing to do with the
// allowlisted brands, among them short words one letter from a short
// brand (wiser, wide, wire for wise; bay for ebay; emu for temu) and
// words that end in a brand's name (otherwise, moneywise).
var unrelatedDomains = []string{
	"wikipedia.org", "github.com", "gmail.com", "bbc.co.uk", "example.com",
	"stackoverflow.com", "google.com", "youtube.com", "microsoft.com",
	"apple.com", "netflix.com", "reddit.com", "nytimes.com", "spiegel.de",
	"lemonde.fr", "elpais.es", "corriere.it", "nu.nl", "dhl.com",
	"ups.com", "fedex.com", "usps.com", "royalmail.com", "dpd.com",
	"linkedin.com", "slack.com", "dropbox.com", "zoom.us", "canva.com",
	"notion.so", "atlassian.com", "gitlab.com", "cloudflare.com",
	"mozilla.org", "golang.org", "debian.org", "wordpress.org",
	"medium.com", "outlook.com", "icloud.com", "yahoo.com", "ikea.com",
	"booking.com", "airbnb.com", "spotify.com", "quickbooks.com",
	"xero.com", "shipstation.com", "helium10.com", "junglescout.com",
	"static.com", "static.example.net", "cdn.jsdelivr.net",
	"wiser.com", "wises.com", "wide.com", "wire.com", "wine.com",
	"wipe.com", "vise.com", "bay.com", "ebb.com", "easy.com", "emu.com",
	"menu.com", "temp.com", "item.com", "team.com", "tempo.com",
	"betsy.com", "tipsy.com", "ets.org", "otherwise.com", "likewise.com",
	"moneywise.com", "streetwise.com", "clockwise.com", "safewise.com",
	"wiseman.com", "amazing.com", "paypoint.com",
	"paysafe.com", "alibi.com", "walmer.com", "mercado.com", "pingdom.com",
	"airwave.com", "world.com", "first.com", "lian.com",
}

// TestUnrelatedUnknown: a domain that looks like none of the brands is
// unknown, not suspicious.
func TestUnrelatedUnknown(t *testing.T) {
	a := embedded(t)
	for _, d := range unrelatedDomains {
		r, err := a.CheckURL("https://" + d + "/")
		if err != nil || r.Verdict != Unknown {
			t.Errorf("%s: %s %q, %v; want unknown", d, r.Verdict, r.Reasons, err)
		}
	}
	// An allowlisted domain among ordinary ones stays ok.
	if r, err := a.CheckURL("https://zalando.de/"); err != nil || r.Verdict != OK {
		t.Errorf("zalando.de: %+v, %v", r, err)
	}
}

// nearBrandWords are ordinary words one edit from a brand of 5 letters or
// more: still reported, with the edit, because a name that close is how
// squatters imitate a longer brand (see editAllowed).
var nearBrandWords = map[string]string{
	"strip.com":   "looks like stripe.com: one letter missing",
	"stripes.com": "looks like stripe.com: one letter added",
	"strive.com":  "looks like stripe.com: one letter changed",
}

func TestNearBrandWords(t *testing.T) {
	a := embedded(t)
	for d, want := range nearBrandWords {
		r, err := a.CheckURL("https://" + d + "/")
		if err != nil || r.Verdict != Suspicious || !hasReason(r, want) {
			t.Errorf("%s: %s %q, %v; want suspicious, %q", d, r.Verdict, r.Reasons, err, want)
		}
	}
}

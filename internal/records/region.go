package records

import (
	"strings"
	"sync"

	"github.com/sellervault/sellervault/internal/iso3166"
)

// marketplaceList is the known marketplaces, space-separated; Marketplaces
// is the same list for callers. Lookups use this constant, so a caller
// that changes Marketplaces changes nothing here.
const marketplaceList = "amazon ebay shopify walmart etsy tiktok-shop mercadolibre rakuten " +
	"allegro bol zalando cdiscount otto kaufland noon flipkart other"

// Marketplaces lists the marketplaces that ParseMarketplace accepts, in
// the order help text shows them; "other" is for any marketplace not
// listed. It is for display and completion: do not modify it.
var Marketplaces = []string{
	"amazon", "ebay", "shopify", "walmart", "etsy", "tiktok-shop", "mercadolibre", "rakuten",
	"allegro", "bol", "zalando", "cdiscount", "otto", "kaufland", "noon", "flipkart", "other",
}

// ParseMarketplace checks a marketplace name against Marketplaces, after
// trimming surrounding spaces and lower-casing it, and returns it. For an
// unknown name the error lists the known ones (and suggests one when the
// input is a known name spelled with spaces, underscores or a domain).
func ParseMarketplace(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if isMarketplace(s) {
		return s, nil
	}
	known := strings.ReplaceAll(marketplaceList, " ", ", ")
	if s == "" {
		return "", invalidf("marketplace is empty; use one of %s", known)
	}
	q := quoteInput(s)
	if sug := suggestMarketplace(s); sug != "" {
		return "", invalidf("marketplace %s is not known; use %q", q, sug)
	}
	if domain, _, ok := strings.Cut(s, "."); ok && isMarketplace(domain) {
		return "", invalidf("marketplace %s is a web site; use %q and set the store's region (like us, de, uk)", q, domain)
	}
	return "", invalidf("marketplace %s is not known; use one of %s", q, known)
}

// isMarketplace reports whether s is one of marketplaceList.
func isMarketplace(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || c == '-') {
			return false // also keeps spaces out of the lookup below
		}
	}
	return strings.Contains(" "+marketplaceList+" ", " "+s+" ")
}

// suggestMarketplace returns the known marketplace that s names with
// other separators ("tiktok shop", "mercado_libre"), or "".
func suggestMarketplace(s string) string {
	squash := strings.NewReplacer(" ", "", "_", "", "-", "")
	want := squash.Replace(s)
	if want == "" {
		return ""
	}
	for _, m := range strings.Fields(marketplaceList) {
		if squash.Replace(m) == want {
			return m
		}
	}
	return ""
}

// regionCodes is every officially assigned ISO 3166-1 alpha-2 code (the
// list of package iso3166: 249 codes, as of ISO 3166-1:2020 and its
// newsletters to date), lower case, each surrounded by spaces. Built once,
// from the one shared list, on first use.
var regionCodes = sync.OnceValue(func() string {
	return " " + strings.ToLower(iso3166.Alpha2) + " "
})

// ParseRegion checks a region, after trimming surrounding spaces and
// lower-casing it, and returns it. It accepts the officially assigned
// ISO 3166-1 alpha-2 country codes ("us", "de", "jp" ...), "uk" (the name
// Amazon and others use for gb; kept as given, not turned into "gb"),
// "eu" for a pan-European account and "global".
func ParseRegion(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "uk" || s == "eu" || s == "global":
		return s, nil
	case len(s) == 2 && 'a' <= s[0] && s[0] <= 'z' && 'a' <= s[1] && s[1] <= 'z' &&
		strings.Contains(regionCodes(), " "+s+" "):
		return s, nil
	case s == "":
		return "", invalidf("region is empty; use a two-letter country code (like us, de, jp), uk, eu or global")
	case len(s) == 2:
		return "", invalidf("region %s is not an assigned country code; use a two-letter ISO 3166-1 code (like us, de, jp), uk, eu or global", quoteInput(s))
	default:
		return "", invalidf("region %s is not known; use a two-letter country code (like us, de, jp), uk, eu or global", quoteInput(s))
	}
}

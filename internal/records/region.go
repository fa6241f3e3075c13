package records

import (
	"strings"
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

// regionCodes is every officially assigned ISO 3166-1 alpha-2 code, lower
// case, each surrounded by spaces (249 codes, as of ISO 3166-1:2020 and
// its newsletters to date). One string, so it costs nothing at start-up.
const regionCodes = " " +
	"ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be " +
	"bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd " +
	"cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm " +
	"do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd ge gf " +
	"gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu " +
	"id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn " +
	"kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me " +
	"mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na " +
	"nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm " +
	"pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si " +
	"sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk " +
	"tl tm tn to tr tt tv tw tz ua ug um us uy uz va vc ve vg vi " +
	"vn vu wf ws ye yt za zm zw "

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
		strings.Contains(regionCodes, " "+s+" "):
		return s, nil
	case s == "":
		return "", invalidf("region is empty; use a two-letter country code (like us, de, jp), uk, eu or global")
	case len(s) == 2:
		return "", invalidf("region %s is not an assigned country code; use a two-letter ISO 3166-1 code (like us, de, jp), uk, eu or global", quoteInput(s))
	default:
		return "", invalidf("region %s is not known; use a two-letter country code (like us, de, jp), uk, eu or global", quoteInput(s))
	}
}

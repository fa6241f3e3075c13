package phish

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"go.mau.fi/util/confusable"
	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// A typosquatting generator in the manner of dnstwist: every class of
// look-alike name that squatters register, applied to one allowlisted
// domain. The detector must not share its tables: the glyphs, keyboard
// and words here are written out independently of lookalike.go and
// fold.go (except the "uts39" homoglyphs, which are read from the Unicode
// confusables table on purpose, as the standard's own list).

// squat is one generated name.
type squat struct {
	class string
	host  string // as generated; Unicode for homoglyphs
}

// Generator classes, in report order.
var squatClasses = []string{
	"addition", "insertion", "omission", "repetition", "replacement",
	"transposition", "vowel-swap", "hyphenation", "bitsquatting",
	"homoglyph", "homoglyph-uts39", "ascii-homoglyph", "subdomain-split",
	"join", "brand-words", "dictionary", "foreign-subdomain", "tld-swap",
}

// qwertyNeighbours are the keys around each key of a QWERTY keyboard,
// with the digit row.
var qwertyNeighbours = map[byte]string{
	'1': "2q", '2': "3wq1", '3': "4ew2", '4': "5re3", '5': "6tr4", '6': "7yt5", '7': "8uy6", '8': "9iu7", '9': "0oi8", '0': "po9",
	'q': "12wa", 'w': "3esaq2", 'e': "4rdsw3", 'r': "5tfde4", 't': "6ygfr5", 'y': "7uhgt6", 'u': "8ijhy7", 'i': "9okju8", 'o': "0plki9", 'p': "lo0",
	'a': "qwsz", 's': "edxzaw", 'd': "rfcxse", 'f': "tgvcdr", 'g': "yhbvft", 'h': "ujnbgy", 'j': "ikmnhu", 'k': "olmji", 'l': "kop",
	'z': "asx", 'x': "zsdc", 'c': "xdfv", 'v': "cfgb", 'b': "vghn", 'n': "bhjm", 'm': "njk",
}

// glyphs are hand-picked look-alikes of each letter from several
// scripts: Latin letters with diacritics, hooks and strokes, Latin small
// capitals, Cyrillic, Greek, Armenian.
var glyphs = map[rune]string{
	'a': "àáâãäåāăąǎȁȃȧạảḁấɑαаӓӑ",
	'b': "ḃḅḇƀɓƅьʙ",
	'c': "çćĉċčƈȼсϲᴄ",
	'd': "ďđḋḍḏḑḓɗɖԁժ",
	'e': "èéêëēĕėęěȅȇẹẻẽḙḛеёҽɇ",
	'f': "ḟƒꞙ",
	'g': "ĝğġģǧǵḡɡɠցǥ",
	'h': "ĥħḣḥḧḩḫẖһհɦ",
	'i': "ìíîïĩīĭįǐȉȋịỉıіїɩιɨ",
	'j': "ĵǰȷјɉʝ",
	'k': "ķǩḱḳḵƙκкⱪ",
	'l': "ĺļľŀłḷḹḻḽƚɫɬɭӏ",
	'm': "ḿṁṃɱмᴍ",
	'n': "ñńņňṅṇṉṋǹɲƞꞑηпոռ",
	'o': "òóôõöøōŏőơǒȍȏȯọỏοоօӧɵᴏ",
	'p': "ṕṗƥρр",
	'q': "ʠԛգզɋ",
	'r': "ŕŗřȑȓṙṛṟɍɽɾгꞃ",
	's': "śŝşšșṡṣʂѕꜱȿ",
	't': "ţťŧțṫṭṯṱƫƭʈᴛ",
	'u': "ùúûüũūŭůűųưǔǖȕȗụủυսʋᴜ",
	'v': "ṽṿνѵᴠ",
	'w': "ŵẁẃẅẇẉẘԝѡաᴡ",
	'x': "ẋẍхҳ",
	'y': "ýÿŷẏỳỵỷỹƴɏуγүʏ",
	'z': "źżžẑẓẕƶȥʐʑᴢ",
}

// asciiGlyphs are dnstwist's ASCII look-alikes, and digits for letters.
var asciiGlyphs = map[byte][]string{
	'a': {"4"}, 'b': {"d", "lb", "ib", "6", "8"}, 'd': {"b", "cl", "dl"},
	'e': {"3"}, 'g': {"q", "9"}, 'h': {"lh", "ih"}, 'i': {"1", "l"},
	'k': {"lk", "ik", "lc"}, 'l': {"1", "i"}, 'm': {"n", "nn", "rn"},
	'n': {"m", "r"}, 'o': {"0"}, 'q': {"g"}, 's': {"5"}, 't': {"7"},
	'u': {"v"}, 'v': {"u"}, 'w': {"vv"}, 'z': {"2"},
}

// uts39Glyphs are the lower-case characters of every script that the
// Unicode confusables table maps to one ASCII letter, and that a
// registry would accept.
var uts39Glyphs = sync.OnceValue(func() map[rune][]rune {
	out := map[rune][]rune{}
	for r := rune(0x80); r <= 0x1FFFF; r++ {
		if !unicode.IsLetter(r) || unicode.ToLower(r) != r {
			continue
		}
		rep := confusable.GetReplacement(r)
		if rep == "" {
			continue
		}
		rep = strings.ToLower(norm.NFD.String(rep))
		rep = strings.Map(func(x rune) rune {
			if unicode.Is(unicode.Mn, x) {
				return -1
			}
			return x
		}, rep)
		if len(rep) != 1 || rep[0] < 'a' || rep[0] > 'z' {
			continue
		}
		if _, err := idna.Registration.ToASCII("x" + string(r) + "x"); err != nil {
			continue
		}
		out[rune(rep[0])] = append(out[rune(rep[0])], r)
	}
	return out
})

// squatWords are words that squatters add to a brand: dnstwist's
// dictionary of phishing words and more.
var squatWords = []string{
	"account", "login", "secure", "support", "verify", "update", "billing",
	"payment", "service", "help", "center", "online", "shop", "store",
	"seller", "team", "refund", "alert", "security", "mail", "web",
	"portal", "app", "official", "customer", "care", "gift", "card",
	"order", "delivery", "tracking", "bonus", "reward", "prime", "deals",
	"sale", "promo", "winner", "survey", "auth", "access", "unlock",
	"confirm", "recovery", "password", "signin", "wallet", "pay", "cash",
	"invoice", "claim", "dispute", "notice", "info", "contact", "desk",
	"hub", "zone", "world", "live", "now", "best", "free", "new", "my",
	"get", "the", "club", "express", "direct", "plus", "pro", "usa",
}

// squatTLDs are top-level and second-level suffixes for TLD swaps.
var squatTLDs = []string{
	"com", "net", "org", "info", "biz", "co", "io", "xyz", "online",
	"site", "shop", "store", "top", "club", "app", "us", "co.uk", "uk",
	"de", "fr", "it", "es", "nl", "cn", "ru", "in", "me", "cc", "tk",
	"pw", "ws", "vip", "live", "support", "services", "email", "link",
	"click", "com.co", "com.br", "ca", "eu", "info.pl", "com.au", "ch",
}

// foreignDomains are registrable domains that squatters own, for names
// that put a brand in front of them.
var foreignDomains = []string{"evil-host.net", "secure-login.info", "account-check.xyz", "mailer.co.uk", "cdn-files.top"}

// generateSquats makes the look-alikes of an allowlisted domain, whose
// second-level label is label and public suffix suffix.
func generateSquats(domain, label, suffix string) []squat {
	var out []squat
	seen := map[string]bool{} // class and name
	add := func(class, l, suf string) {
		h := l + "." + suf
		if l == "" || seen[class+" "+h] || h == domain {
			return
		}
		seen[class+" "+h] = true
		out = append(out, squat{class, h})
	}
	n := len(label)
	for i := 0; i <= n; i++ {
		for c := byte('a'); c <= 'z'; c++ {
			add("addition", label[:i]+string(c)+label[i:], suffix)
		}
	}
	for i := 0; i < n; i++ {
		for _, k := range qwertyNeighbours[label[i]] {
			add("insertion", label[:i]+string(k)+label[i:], suffix)
			add("insertion", label[:i+1]+string(k)+label[i+1:], suffix)
		}
		add("omission", label[:i]+label[i+1:], suffix)
		add("repetition", label[:i+1]+label[i:], suffix)
		for _, k := range qwertyNeighbours[label[i]] {
			add("replacement", label[:i]+string(k)+label[i+1:], suffix)
		}
		if i+1 < n {
			add("transposition", label[:i]+string(label[i+1])+string(label[i])+label[i+2:], suffix)
		}
		if strings.IndexByte("aeiou", label[i]) >= 0 {
			for _, v := range "aeiou" {
				add("vowel-swap", label[:i]+string(v)+label[i+1:], suffix)
			}
		}
		if i > 0 {
			add("hyphenation", label[:i]+"-"+label[i:], suffix)
			add("subdomain-split", label[:i]+"."+label[i:], suffix)
		}
		for bit := 0; bit < 8; bit++ {
			c := label[i] ^ 1<<bit
			if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
				add("bitsquatting", label[:i]+string(c)+label[i+1:], suffix)
			}
		}
		for _, g := range asciiGlyphs[label[i]] {
			add("ascii-homoglyph", label[:i]+g+label[i+1:], suffix)
		}
	}
	runes := []rune(label)
	for i, r := range runes {
		for _, g := range glyphs[r] {
			add("homoglyph", string(runes[:i])+string(g)+string(runes[i+1:]), suffix)
		}
		for _, g := range uts39Glyphs()[r] {
			add("homoglyph-uts39", string(runes[:i])+string(g)+string(runes[i+1:]), suffix)
		}
		// Two letters replaced, with glyphs picked deterministically.
		for j := i + 1; j < len(runes); j++ {
			gi, gj := []rune(glyphs[r]), []rune(glyphs[runes[j]])
			if len(gi) == 0 || len(gj) == 0 {
				continue
			}
			v := append([]rune(nil), runes...)
			v[i], v[j] = gi[(i*7+j)%len(gi)], gj[(i+j*5)%len(gj)]
			add("homoglyph", string(v), suffix)
		}
	}
	// Every letter that has a Cyrillic look-alike replaced by it.
	cyr := strings.NewReplacer("a", "а", "c", "с", "e", "е", "o", "о", "p", "р", "x", "х", "y", "у", "i", "і", "j", "ј", "s", "ѕ", "h", "һ", "d", "ԁ")
	add("homoglyph", cyr.Replace(label), suffix)

	flat := strings.ReplaceAll(suffix, ".", "")
	for _, pre := range []string{"www", "sellercentral", "seller", "vendorcentral", "login", "secure", "signin", "account", "my", "mail"} {
		add("join", pre+label, suffix)
	}
	add("join", label+flat, suffix)
	add("join", "www"+label+flat, suffix)
	add("join", label+"-"+strings.ReplaceAll(suffix, ".", "-"), suffix)
	add("join", "www-"+label, suffix)

	for _, w := range [][]string{{"", "seller", "support"}, {"secure", ""}, {"", "login"}, {"", "verify", "account"}, {"my", "", "account"}, {"", "payments"}, {"", "help", "center"}, {"service", ""}} {
		parts := append([]string(nil), w...)
		for i, p := range parts {
			if p == "" {
				parts[i] = label
			}
		}
		for _, suf := range []string{"com", "co", "net", "info", suffix} {
			add("brand-words", strings.Join(parts, "-"), suf)
		}
	}
	for _, w := range squatWords {
		add("dictionary", label+w, suffix)
		add("dictionary", w+label, suffix)
		add("dictionary", label+"-"+w, "com")
		add("dictionary", w+"-"+label, "net")
	}
	for _, f := range foreignDomains {
		add("foreign-subdomain", domain, f)
		add("foreign-subdomain", label, f)
		add("foreign-subdomain", "sellercentral."+domain, f)
		add("foreign-subdomain", "login."+label, f)
		add("foreign-subdomain", label+"-"+strings.ReplaceAll(suffix, ".", "-"), f)
	}
	for _, t := range squatTLDs {
		if t != suffix {
			add("tld-swap", label, t)
		}
	}
	return out
}

// squatASCII is a generated name as a registry stores it: punycode, as
// encoded by golang.org/x/net/idna with the registration rules, or the
// lookup rules when those refuse it. ok is false for a name that no
// registry or browser would take (a label that starts with a hyphen, a
// character IDNA disallows).
func squatASCII(host string) (string, bool) {
	for _, l := range strings.Split(host, ".") {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") || utf8.RuneCountInString(l) > 63 {
			return "", false
		}
		if len(l) >= 4 && l[2:4] == "--" && isASCII(l) {
			return "", false
		}
	}
	if a, err := idna.Registration.ToASCII(host); err == nil {
		return a, true
	}
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		return a, true
	}
	return "", false
}

package phish

import (
	"bufio"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// Allowlist is a parsed allowlist (policies/domains.conf): brands and
// their registrable domains. It is read-only once parsed and safe for
// concurrent use.
type Allowlist struct {
	domains map[string]string // registrable domain -> brand
	// shared are second-level domains whose owner sells names under them
	// to anyone ("suffix: com.be" lines): treated as public suffixes, so
	// that one name under them (amazon.com.be) is a registrable domain of
	// its own and nothing else under them is trusted.
	shared  []string
	entries []entry      // in file order
	byLen   []entry      // longest domain first, for finding one inside a host
	labels  []*labelInfo // distinct second-level labels, in file order
	tokens  []token      // brand names and labels, longest first

	// Look-alike keys of the labels (see labelKeys), the first label
	// with each key, and the tokens by their folded key.
	byFlat, byLoose, bySkel map[string]*labelInfo
	tokenByKey              map[string]token
	// suffixWords are the allowlisted public suffixes written as one word
	// ("com", "couk"), which squatters run into a name (ebaycom).
	suffixWords map[string]bool
}

// entry is one allowlisted domain.
type entry struct {
	brand, domain, label, suffix string
}

// labelInfo is a second-level label of allowlisted domains ("amazon" of
// amazon.com and amazon.co.uk), with its look-alike keys.
type labelInfo struct {
	label   string
	brand   string
	domains []entry
	labelKeys
}

// token is a name that points at a brand when it appears in a host,
// display name or user name: a brand's name or one of its labels.
type token struct {
	text, brand string
	key, skel   string // foldLabel(text).key, skeleton(text)
}

// Limits of the allowlist format.
const (
	maxBrandLen = 40
	// minSubstringToken is how long a brand name or label must be to be
	// found inside a longer word ("amazonsupport"); shorter ones ("ebay",
	// "wise") count only as a whole word or hyphen-separated part.
	minSubstringToken = 5
)

// ParseAllowlist reads an allowlist: lines of a brand followed by one or
// more registrable domains, separated by spaces or tabs; "#" starts a
// comment. See the package documentation for the rules. The error names
// the line of the first problem.
func ParseAllowlist(text string) (*Allowlist, error) {
	a := &Allowlist{domains: map[string]string{}}
	if err := a.readShared(text); err != nil {
		return nil, err
	}
	lineOf := map[string]int{}
	labelIdx := map[string]*labelInfo{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(raw)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("allowlist line %d: want a brand and its domains, like \"amazon amazon.com\"", line)
		}
		if f[0] == sharedSuffixWord {
			continue // read first, below
		}
		brand := f[0]
		if problem := brandProblem(brand); problem != "" {
			return nil, fmt.Errorf("allowlist line %d: brand %s %s", line, inputerr.Quote(brand), problem)
		}
		for _, d := range f[1:] {
			e, problem := a.parseEntry(brand, d)
			if problem != "" {
				return nil, fmt.Errorf("allowlist line %d: domain %s %s", line, inputerr.Quote(d), problem)
			}
			if prev, dup := lineOf[d]; dup {
				return nil, fmt.Errorf("allowlist line %d: domain %s is already listed on line %d", line, d, prev)
			}
			li := labelIdx[e.label]
			if li == nil {
				li = &labelInfo{label: e.label, brand: brand, labelKeys: newLabelKeys(e.label)}
				labelIdx[e.label] = li
				a.labels = append(a.labels, li)
			} else if li.brand != brand {
				return nil, fmt.Errorf("allowlist line %d: domain %s has the name %q of brand %s; one name belongs to one brand", line, d, e.label, li.brand)
			}
			li.domains = append(li.domains, e)
			lineOf[d] = line
			a.domains[d] = brand
			a.entries = append(a.entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("allowlist: %w", err)
	}
	if len(a.entries) == 0 {
		return nil, fmt.Errorf("allowlist has no domains; add lines like \"amazon amazon.com\"")
	}
	if err := a.buildTokens(); err != nil {
		return nil, err
	}
	a.indexKeys()
	a.byLen = append([]entry(nil), a.entries...)
	sort.SliceStable(a.byLen, func(i, j int) bool { return len(a.byLen[i].domain) > len(a.byLen[j].domain) })
	return a, nil
}

// buildTokens collects brand names and labels; one text belongs to one
// brand.
func (a *Allowlist) buildTokens() error {
	owner := map[string]string{}
	add := func(text, brand string) error {
		if b, ok := owner[text]; ok {
			if b != brand {
				return fmt.Errorf("allowlist: %q is the name of brand %s and of a domain of brand %s; one name belongs to one brand", text, b, brand)
			}
			return nil
		}
		owner[text] = brand
		a.tokens = append(a.tokens, token{text: text, brand: brand, key: foldLabel(text).key, skel: skeleton(text)})
		return nil
	}
	for _, e := range a.entries {
		if err := add(e.brand, e.brand); err != nil {
			return err
		}
	}
	for _, li := range a.labels {
		if err := add(li.label, li.brand); err != nil {
			return err
		}
	}
	sort.SliceStable(a.tokens, func(i, j int) bool { return len(a.tokens[i].text) > len(a.tokens[j].text) })
	return nil
}

// indexKeys fills the look-alike key maps and the suffix words.
func (a *Allowlist) indexKeys() {
	a.byFlat, a.byLoose, a.bySkel = map[string]*labelInfo{}, map[string]*labelInfo{}, map[string]*labelInfo{}
	a.suffixWords = map[string]bool{}
	a.tokenByKey = map[string]token{}
	for _, t := range a.tokens {
		if _, ok := a.tokenByKey[t.key]; !ok {
			a.tokenByKey[t.key] = t
		}
	}
	first := func(m map[string]*labelInfo, k string, li *labelInfo) {
		if m[k] == nil {
			m[k] = li
		}
	}
	for _, li := range a.labels {
		first(a.byFlat, li.flat, li)
		first(a.byLoose, li.loose, li)
		first(a.bySkel, li.skel, li)
		for _, e := range li.domains {
			a.suffixWords[strings.ReplaceAll(e.suffix, ".", "")] = true
		}
	}
}

// brandProblem says what is wrong with a brand name, or "".
func brandProblem(b string) string {
	if len(b) < 2 || len(b) > maxBrandLen {
		return fmt.Sprintf("must be 2 to %d characters long", maxBrandLen)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9' && i > 0:
		case c == '-' && i > 0 && i < len(b)-1 && b[i-1] != '-':
		default:
			return "must be lower-case letters and digits, with hyphens inside, starting with a letter"
		}
	}
	return ""
}

// parseEntry checks an allowlisted domain and splits it into its label
// and public suffix; problem says what is wrong, as words that follow
// "domain X".
func (a *Allowlist) parseEntry(brand, d string) (e entry, problem string) {
	for _, r := range d {
		if r >= 'A' && r <= 'Z' {
			return e, "must be written in lower case"
		}
		if r >= 0x80 {
			return e, "must be written in ASCII: write an international domain in punycode (xn--...)"
		}
	}
	if strings.HasSuffix(d, ".") || !validASCIIHost(d) || strings.Contains(d, "_") {
		return e, "is not a domain name: labels of letters, digits and hyphens, separated by dots"
	}
	for _, l := range strings.Split(d, ".") {
		if l[0] == '-' || l[len(l)-1] == '-' {
			return e, "is not a domain name: a label starts or ends with a hyphen"
		}
	}
	if _, err := idna.Registration.ToUnicode(d); err != nil {
		return e, "is not a valid international domain name"
	}
	if endsInNumber(d) {
		return e, "is a number, not a domain name"
	}
	suffix, icann := a.publicSuffix(d)
	if suffix == d {
		return e, "is a public suffix: anyone can register names under it, so it cannot be allowlisted"
	}
	if !icann && !strings.Contains(suffix, ".") {
		return e, fmt.Sprintf("has the unknown top-level domain %q", suffix)
	}
	reg, err := a.registrable(d)
	if err != nil {
		return e, "is not a registrable domain"
	}
	if reg != d {
		return e, fmt.Sprintf("is a subdomain of %s: list %s, which covers its subdomains", reg, reg)
	}
	label := strings.TrimSuffix(d, "."+suffix)
	return entry{brand: brand, domain: d, label: label, suffix: suffix}, ""
}

// Brands returns the allowlist's brands, sorted.
func (a *Allowlist) Brands() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range a.entries {
		if !seen[e.brand] {
			seen[e.brand] = true
			out = append(out, e.brand)
		}
	}
	sort.Strings(out)
	return out
}

// Domains returns a brand's allowlisted domains in the allowlist's order,
// or nil for a brand it does not have.
func (a *Allowlist) Domains(brand string) []string {
	var out []string
	for _, e := range a.entries {
		if e.brand == brand {
			out = append(out, e.domain)
		}
	}
	return out
}

// example is the allowlisted domain to name for a label: the one with the
// given suffix if there is one, else the first listed.
func (li *labelInfo) example(suffix string) string {
	for _, e := range li.domains {
		if e.suffix == suffix {
			return e.domain
		}
	}
	return li.domains[0].domain
}

// brandOfDomain returns the allowlisted registrable domain of an ASCII
// host and its brand, if it is allowlisted exactly or as a subdomain.
func (a *Allowlist) brandOfDomain(ascii string) (reg, brand string, ok bool) {
	reg, err := a.registrable(ascii)
	if err != nil {
		return "", "", false
	}
	brand, ok = a.domains[reg]
	return reg, brand, ok
}

// sharedSuffixWord starts a line naming a shared second-level domain.
const sharedSuffixWord = "suffix:"

// readShared reads the "suffix: DOMAIN" lines: each names a second-level
// domain that is not on the Public Suffix List but whose owner sells
// names under it to anyone (com.be), so that one name under it can be
// listed without trusting the rest.
func (a *Allowlist) readShared(text string) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		raw, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(raw)
		if len(f) == 0 || f[0] != sharedSuffixWord {
			continue
		}
		if len(f) != 2 {
			return fmt.Errorf("allowlist line %d: want one domain after %s, like \"%s com.be\"", line, sharedSuffixWord, sharedSuffixWord)
		}
		d := f[1]
		reg, err := publicsuffix.EffectiveTLDPlusOne(d)
		if err != nil || reg != d || !validASCIIHost(d) || strings.ToLower(d) != d {
			return fmt.Errorf("allowlist line %d: %s %s must be a registrable domain in lower case (like com.be), not a public suffix or a subdomain", line, sharedSuffixWord, inputerr.Quote(d))
		}
		a.shared = append(a.shared, d)
	}
	return sc.Err()
}

// publicSuffix is the Public Suffix List's suffix of d, or the shared
// second-level domain d is under (which counts as an ICANN suffix).
func (a *Allowlist) publicSuffix(d string) (suffix string, icann bool) {
	for _, s := range a.shared {
		if d == s || strings.HasSuffix(d, "."+s) {
			return s, true
		}
	}
	return publicsuffix.PublicSuffix(d)
}

// Registrable is host's registrable domain as the allowlist sees it: the
// Public Suffix List's, except under a shared second-level domain of a
// "suffix:" line, where it is the name under that domain (amazon.com.be,
// not com.be). Anything that compares domains for a check (alignment of
// a mail's senders and signatures) must use it, so that two names under
// a shared domain are never taken for one site.
func (a *Allowlist) Registrable(host string) (string, error) { return a.registrable(host) }

// registrable is d's registrable domain: the label before its suffix
// (publicSuffix) and the suffix.
func (a *Allowlist) registrable(d string) (string, error) {
	for _, s := range a.shared {
		if rest, ok := strings.CutSuffix(d, "."+s); ok {
			return rest[strings.LastIndexByte(rest, '.')+1:] + "." + s, nil
		}
		if d == s {
			return "", fmt.Errorf("%s is a shared suffix", d)
		}
	}
	return publicsuffix.EffectiveTLDPlusOne(d)
}

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
	entries []entry           // in file order
	byLen   []entry           // longest domain first, for finding one inside a host
	labels  []*labelInfo      // distinct second-level labels, in file order
	tokens  []token           // brand names and labels, longest first
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
	fold    string // foldASCII(label)
	skel    string // skeleton(label)
}

// token is a name that points at a brand when it appears in a host,
// display name or user name: a brand's name or one of its labels.
type token struct {
	text, brand string
	fold, skel  string // foldASCII(text), skeleton(text)
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
		brand := f[0]
		if problem := brandProblem(brand); problem != "" {
			return nil, fmt.Errorf("allowlist line %d: brand %s %s", line, inputerr.Quote(brand), problem)
		}
		for _, d := range f[1:] {
			e, problem := parseEntry(brand, d)
			if problem != "" {
				return nil, fmt.Errorf("allowlist line %d: domain %s %s", line, inputerr.Quote(d), problem)
			}
			if prev, dup := lineOf[d]; dup {
				return nil, fmt.Errorf("allowlist line %d: domain %s is already listed on line %d", line, d, prev)
			}
			li := labelIdx[e.label]
			if li == nil {
				li = &labelInfo{label: e.label, brand: brand, fold: foldASCII(e.label).folded, skel: skeleton(e.label)}
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
		a.tokens = append(a.tokens, token{text: text, brand: brand, fold: foldASCII(text).folded, skel: skeleton(text)})
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
func parseEntry(brand, d string) (e entry, problem string) {
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
	suffix, icann := publicsuffix.PublicSuffix(d)
	if suffix == d {
		return e, "is a public suffix: anyone can register names under it, so it cannot be allowlisted"
	}
	if !icann && !strings.Contains(suffix, ".") {
		return e, fmt.Sprintf("has the unknown top-level domain %q", suffix)
	}
	reg, err := publicsuffix.EffectiveTLDPlusOne(d)
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
	reg, err := publicsuffix.EffectiveTLDPlusOne(ascii)
	if err != nil {
		return "", "", false
	}
	brand, ok = a.domains[reg]
	return reg, brand, ok
}

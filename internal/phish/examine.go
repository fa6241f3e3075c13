package phish

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// hostReport is what a host says on its own.
type hostReport struct {
	h     host
	reg   string // the allowlisted registrable domain, or ""
	brand string // its brand
	fs    findings
}

// examineHost compares a host with the allowlist.
func (a *Allowlist) examineHost(h host) hostReport {
	r := hostReport{h: h}
	if h.ip {
		if strings.Contains(h.ascii, ":") || strings.Count(h.ascii, ".") == 3 && isDecimalDotted(h.ascii) {
			r.fs.add("", fmt.Sprintf("%s is a raw IP address, not a domain name: marketplaces and payout providers use their names", h.ascii))
		} else {
			r.fs.add("", fmt.Sprintf("%s is a number that browsers read as an IP address, not a domain name", h.ascii))
		}
		return r
	}
	if reg, brand, ok := a.brandOfDomain(h.ascii); ok {
		r.reg, r.brand = reg, brand
		if h.mapped {
			r.fs.add(brand, fmt.Sprintf("the name is written with look-alike characters that turn into %s", h.ascii))
		}
		return r
	}
	reg, err := a.registrable(h.ascii)
	if err != nil {
		// A public suffix or a single name (localhost): nothing that can
		// be registered to imitate a brand.
		return r
	}
	regU := toUnicode(reg)
	_, suffix, _ := strings.Cut(reg, ".")
	labels := strings.Split(h.ascii, ".")
	nSub := len(labels) - strings.Count(reg, ".") - 1

	subCovered := false
	sub := strings.Join(labels[:nSub], ".")
	for _, e := range a.byLen {
		reason := ""
		switch {
		case nSub > 0 && containsAligned(sub, e.domain, isHostSep):
			reason = fmt.Sprintf("%s is used as a subdomain of %s: the address belongs to %s, not to %s", e.domain, regU, regU, e.brand)
		case containsAligned(h.ascii, e.domain, isHostSep) && !strings.HasSuffix(h.ascii, e.domain):
			// amazon.com-verify.net, amazon.com.be; not my-amazon.com,
			// which the label check reports.
			reason = fmt.Sprintf("%s is written into %s: the address belongs to %s, not to %s", e.domain, h.uni, regU, e.brand)
		}
		if reason != "" {
			r.fs.add(e.brand, reason)
			subCovered = true
			break
		}
	}
	if len(labels) > 2 {
		// A name split by dots, perhaps into the suffix (amaz.on.ca).
		uni := make([]string, len(labels))
		for i, l := range labels {
			uni[i] = toUnicode(l)
		}
		if f, ok := a.splitFinding(uni, nSub+1, regU); ok {
			r.fs.add(f.brand, f.reason)
		}
	}
	if hit, ok := a.labelHit(toUnicode(labels[nSub]), suffix); ok {
		r.fs.add(hit.brand, hit.sentence(regU, false))
	}
	if !subCovered {
		for _, l := range labels[:nSub] {
			if hit, ok := a.labelHit(toUnicode(l), suffix); ok {
				r.fs.add(hit.brand, hit.sentence(regU, true))
			}
		}
	}
	for _, l := range labels[:nSub+1] {
		u := toUnicode(l)
		if scripts := mixedScripts(u); scripts != nil {
			r.fs.add("", fmt.Sprintf("the label %q mixes %s letters", u, joinAnd(scripts)))
		}
	}
	if len(r.fs) > 0 && h.punycode {
		for _, l := range labels {
			if u := toUnicode(l); u != l {
				r.fs.add("", fmt.Sprintf("the punycode label %q stands for %q", l, u))
			}
		}
	}
	return r
}

// toUnicode decodes a punycode label or name, or returns it unchanged.
func toUnicode(s string) string {
	u, err := idna.Punycode.ToUnicode(s)
	if err != nil {
		return s
	}
	return u
}

func isDecimalDotted(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

func isHostSep(b byte) bool { return b == '.' || b == '-' }

// containsAligned reports whether d occurs in s between separators (or
// the ends of s).
func containsAligned(s, d string, sep func(byte) bool) bool {
	for from := 0; from <= len(s)-len(d); {
		i := strings.Index(s[from:], d)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(d)
		if (i == 0 || sep(s[i-1])) && (end == len(s) || sep(s[end])) {
			return true
		}
		from = i + 1
	}
	return false
}

// Kinds of label hit.
const (
	hitName      = iota // the label is a brand's name or label
	hitLookalike        // the label, or a hyphen-separated part, imitates an allowlisted label
	hitContains         // a brand's name is inside the label
)

// hit is a label that points at a brand.
type hit struct {
	kind   int
	brand  string
	label  string // the label as examined (Unicode)
	name   string // the brand name or label found (hitName, hitContains)
	like   string // the allowlisted domain imitated (hitLookalike)
	how    string // how it imitates (hitLookalike)
	part   string // the part that imitates, when not the whole label
	folded bool   // the name was found only after folding look-alike letters
}

// labelHit checks one label (lower-case Unicode) of a host that is not
// allowlisted; suffix is the host's public suffix, to name the closest
// allowlisted domain.
func (a *Allowlist) labelHit(label, suffix string) (hit, bool) {
	for _, t := range a.tokens {
		if label == t.text {
			return hit{kind: hitName, brand: t.brand, label: label, name: t.text}, true
		}
	}
	if la, ok := a.imitates(label); ok {
		return hit{kind: hitLookalike, brand: la.li.brand, label: label, like: la.li.example(suffix), how: la.how}, true
	}
	parts := strings.Split(label, "-")
	if len(parts) > 1 {
		for _, p := range parts {
			for _, t := range a.tokens {
				if p == t.text {
					return hit{kind: hitContains, brand: t.brand, label: label, name: t.text}, true
				}
			}
		}
		for _, p := range parts {
			if len(p) < 3 {
				continue
			}
			if la, ok := a.imitates(p); ok {
				return hit{kind: hitLookalike, brand: la.li.brand, label: label, like: la.li.example(suffix), how: la.how, part: p}, true
			}
		}
	}
	if t, folded, ok := a.containsToken(label); ok {
		return hit{kind: hitContains, brand: t.brand, label: label, name: t.text, folded: folded}, true
	}
	if t, ok := a.shortTokenInside(label); ok {
		return hit{kind: hitContains, brand: t.brand, label: label, name: t.text}, true
	}
	return hit{}, false
}

// containsToken finds a brand name or label of at least
// minSubstringToken characters inside s, as written or after folding
// look-alike letters.
func (a *Allowlist) containsToken(s string) (t token, folded, ok bool) {
	for _, t := range a.tokens {
		if len(t.text) >= minSubstringToken && strings.Contains(s, t.text) {
			return t, false, true
		}
	}
	sk, fo := skeleton(s), noHyphens(foldLabel(s).key)
	for _, t := range a.tokens {
		if len(t.text) >= minSubstringToken && (strings.Contains(sk, t.skel) || strings.Contains(fo, t.key)) {
			return t, true, true
		}
	}
	return token{}, false, false
}

// sentence phrases a hit; reg is the host's registrable domain (Unicode)
// and sub tells whether the label is one of its subdomains.
func (h hit) sentence(reg string, sub bool) string {
	switch h.kind {
	case hitLookalike:
		shown := fmt.Sprintf("%q", h.label)
		switch {
		case h.part != "" && sub:
			shown = fmt.Sprintf("%q in the subdomain %q of %s", h.part, h.label, reg)
		case h.part != "":
			shown = fmt.Sprintf("%q in %s", h.part, reg)
		case sub:
			shown = fmt.Sprintf("%q in a subdomain of %s", h.label, reg)
		}
		return fmt.Sprintf("looks like %s: %s (%s)", h.like, h.how, shown)
	case hitName:
		if sub {
			return fmt.Sprintf("the subdomain %q is the name of %s, but the address belongs to %s", h.label, h.brand, reg)
		}
		return fmt.Sprintf("%s carries the name %q but is not an allowlisted %s domain", reg, h.name, h.brand)
	default:
		written := ""
		if h.folded {
			written = ", written with look-alike letters,"
		}
		if sub {
			return fmt.Sprintf("the subdomain %q has the name %q%s in it, but the address belongs to %s", h.label, h.name, written, reg)
		}
		return fmt.Sprintf("%s has the name %q%s in it but is not an allowlisted %s domain", reg, h.name, written, h.brand)
	}
}

package mailcheck

import (
	"bytes"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Auth is what the receiving server recorded in the topmost
// Authentication-Results header (RFC 8601): the results of SPF, DKIM and
// DMARC ("pass", "fail", "softfail", "none" …), "" when it recorded none.
type Auth struct {
	// Server is the header's authserv-id, the name of the server that
	// checked ("mx.google.com"); "" when the header has none (Microsoft's).
	Server string `json:"server,omitempty"`
	SPF    string `json:"spf,omitempty"`
	DKIM   string `json:"dkim,omitempty"`
	DMARC  string `json:"dmarc,omitempty"`
	// Found: the message has an Authentication-Results header that could be read.
	Found bool `json:"found"`

	spfDomain  string
	dkims      []authDKIM
	dmarcFrom  string
	compauth   string // Microsoft's composite authentication
	unreadable bool
}

type authDKIM struct{ value, domain string }

// readAuth reads the topmost Authentication-Results header: the one the
// receiving server added last. Headers below it may have come with the
// message, written by whoever sent it, and are not read.
func readAuth(h Header) Auth {
	values := h.Values("Authentication-Results")
	if len(values) == 0 {
		return Auth{}
	}
	v := stripComments(values[0])
	first, _, _ := strings.Cut(v, ";")
	if f := strings.Fields(first); len(f) > 0 && strings.Contains(f[0], "=") {
		v = "; " + v // Microsoft 365 writes no authserv-id
	}
	id, results, err := authres.Parse(v)
	a := Auth{Server: id, Found: err == nil}
	if err != nil {
		a.unreadable = true
		return a
	}
	for _, r := range results {
		switch r := r.(type) {
		case *authres.SPFResult:
			a.SPF = worst(a.SPF, string(r.Value))
			a.spfDomain = r.From
			if _, d, ok := strings.Cut(r.From, "@"); ok {
				a.spfDomain = d
			}
		case *authres.DKIMResult:
			d := r.Domain
			if d == "" {
				_, d, _ = strings.Cut(r.Identifier, "@")
			}
			a.dkims = append(a.dkims, authDKIM{string(r.Value), strings.ToLower(d)})
			a.DKIM = best(a.DKIM, string(r.Value))
		case *authres.DMARCResult:
			a.DMARC = worst(a.DMARC, string(r.Value))
			a.dmarcFrom = strings.ToLower(r.From)
		case *authres.GenericResult:
			if r.Method == "compauth" {
				a.compauth = string(r.Value)
			}
		}
	}
	return a
}

// best and worst combine results of one method: a DKIM pass of any
// signature is a pass; one SPF or DMARC failure is a failure.
func best(prev, v string) string {
	if prev == "pass" || v == "" {
		return prev
	}
	return v
}

func worst(prev, v string) string {
	if prev == "" || v == "fail" || v == "softfail" {
		return v
	}
	return prev
}

// stripComments removes (comments) from a structured header value,
// outside quoted strings, as RFC 5322 section 3.2.2 reads them.
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
			if depth > 0 {
				continue
			}
		case r == '\\' && (quoted || depth > 0):
			escaped = true
			if depth > 0 {
				continue
			}
		case r == '"' && depth == 0:
			quoted = !quoted
		case r == '(' && !quoted:
			depth++
			continue
		case r == ')' && !quoted && depth > 0:
			depth--
			b.WriteByte(' ')
			continue
		case depth > 0:
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Signature is the outcome of verifying one DKIM signature here.
type Signature struct {
	Domain string `json:"domain"` // the signing domain, d=
	// Result: pass; fail (the signature does not match the message: it
	// was changed after signing, or forged); temperror (the key could not
	// be fetched now); permerror (the signature or its key cannot be
	// used: no key published, expired, a weak or insecure form).
	Result string `json:"result"`
	Detail string `json:"detail,omitempty"`
}

// maxSignatures bounds the signatures verified, and so the DNS lookups.
const maxSignatures = 5

// verifyDKIM verifies the message's DKIM signatures with keys from lookup.
func verifyDKIM(raw []byte, lookup func(string) ([]string, error)) []Signature {
	verifs, _ := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: maxSignatures})
	var out []Signature
	for _, v := range verifs {
		if v == nil {
			continue
		}
		s := Signature{Domain: strings.ToLower(v.Domain), Result: "pass"}
		if v.Err != nil {
			s.Detail = strings.TrimPrefix(v.Err.Error(), "dkim: ")
			switch {
			case dkim.IsTempFail(v.Err):
				s.Result = "temperror"
			case strings.HasPrefix(s.Detail, "body hash did not verify"), strings.HasPrefix(s.Detail, "signature did not verify"):
				s.Result = "fail"
			default:
				s.Result = "permerror"
			}
		}
		out = append(out, s)
	}
	return out
}

// pslSite is a domain's registrable domain by the Public Suffix List
// (amazon.co.uk for sellercentral.amazon.co.uk), in lower-case ASCII;
// the domain itself when it has none.
func pslSite(domain string) string {
	d := normalDomain(domain)
	if reg, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return reg
	}
	return d
}

func normalDomain(domain string) string {
	d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		d = a
	}
	return d
}

// site is a domain's registrable domain as the allowlist sees it: under
// a shared second-level domain (com.be), the name under it, so that
// attacker.com.be is never the same site as amazon.com.be.
func (c *checker) site(domain string) string {
	d := normalDomain(domain)
	if reg, err := c.list.Registrable(d); err == nil {
		return reg
	}
	return d
}

// aligned reports whether two domains have the same registrable domain
// (DMARC's relaxed alignment).
func (c *checker) aligned(a, b string) bool {
	return a != "" && b != "" && c.site(a) == c.site(b)
}

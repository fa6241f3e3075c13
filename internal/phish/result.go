package phish

import "fmt"

// Verdict is the outcome of a check: OK, Suspicious or Unknown.
type Verdict string

// The three verdicts.
const (
	// OK: the domain is allowlisted (exactly or as a subdomain) and nothing
	// else about the address is odd.
	OK Verdict = "ok"
	// Suspicious: the address imitates an allowlisted brand, or uses a
	// trick (a raw IP address, a user name before the host, letters from
	// mixed scripts). Reasons says why.
	Suspicious Verdict = "suspicious"
	// Unknown: the domain is not allowlisted and nothing points at a brand.
	Unknown Verdict = "unknown"
)

// Result is what a check found.
type Result struct {
	Input string `json:"input"`
	// Domain is the host examined, lower-cased: its Unicode form for
	// display followed by its ASCII (punycode) form in parentheses when
	// they differ, e.g. "аmazon.com (xn--mazon-3ve.com)"; an IP address as
	// written.
	Domain  string  `json:"domain"`
	Verdict Verdict `json:"verdict"`
	// Brand is the allowlisted brand the address belongs to (OK) or
	// imitates (Suspicious), e.g. "amazon"; empty when no brand is
	// involved.
	Brand string `json:"brand,omitempty"`
	// Reasons are sentences that explain the verdict, most important
	// first. A Suspicious result always has at least one.
	Reasons []string `json:"reasons,omitempty"`
}

// finding is one odd thing about an address: the brand it points at (may
// be empty) and the sentence that explains it.
type finding struct {
	brand, reason string
}

// findings collects findings in order, without repeating a sentence.
type findings []finding

func (fs *findings) add(brand, reason string) {
	for _, f := range *fs {
		if f.reason == reason {
			return
		}
	}
	*fs = append(*fs, finding{brand, reason})
}

// brand is the first brand named by a finding, or "".
func (fs findings) brand() string {
	for _, f := range fs {
		if f.brand != "" {
			return f.brand
		}
	}
	return ""
}

func (fs findings) reasons() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.reason
	}
	return out
}

// result turns a host's report and all findings about the address (the
// host's among them), most important first, into a Result.
func (a *Allowlist) result(input string, r hostReport, fs findings) Result {
	var all findings
	for _, f := range fs {
		all.add(f.brand, f.reason)
	}
	res := Result{Input: input, Domain: r.h.display()}
	switch {
	case len(all) > 0:
		res.Verdict = Suspicious
		res.Brand = all.brand()
		if res.Brand == "" {
			res.Brand = r.brand
		}
		res.Reasons = all.reasons()
	case r.reg != "" && r.reg == r.h.ascii:
		res.Verdict, res.Brand = OK, r.brand
		res.Reasons = []string{fmt.Sprintf("%s is an allowlisted %s domain", r.reg, r.brand)}
	case r.reg != "":
		res.Verdict, res.Brand = OK, r.brand
		res.Reasons = []string{fmt.Sprintf("%s is under %s, an allowlisted %s domain", r.h.ascii, r.reg, r.brand)}
	default:
		res.Verdict = Unknown
		res.Reasons = []string{fmt.Sprintf("%s is not in the allowlist and looks like none of its domains", r.h.display())}
	}
	return res
}

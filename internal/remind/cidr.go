package remind

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// MaxBindCIDRs bounds --bind-cidr: a job runs on a host or a few.
const MaxBindCIDRs = 32

// ParseBindCIDRs checks the --bind-cidr values and returns them in
// canonical form without duplicates. A bare address is taken as a block
// of one address.
func ParseBindCIDRs(values []string) ([]string, error) {
	if len(values) > MaxBindCIDRs {
		return nil, fmt.Errorf("--bind-cidr: %d address blocks, at most %d", len(values), MaxBindCIDRs)
	}
	out := make([]string, 0, len(values))
	for _, v := range values {
		p, err := ParseBindCIDR(v)
		if err != nil {
			return nil, err
		}
		if s := p.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// ParseBindCIDR checks one --bind-cidr value: an address block, or a
// bare address taken as a block of one.
func ParseBindCIDR(value string) (netip.Prefix, error) {
	s := strings.TrimSpace(value)
	if s == "" {
		return netip.Prefix{}, errors.New("--bind-cidr is empty: give the job host's address block, e.g. 192.0.2.10/32")
	}
	bad := fmt.Errorf("--bind-cidr %q: not an IP address block; write it as 192.0.2.0/24, 192.0.2.10/32 or 2001:db8::/64", value)
	var p netip.Prefix
	if strings.Contains(s, "/") {
		var err error
		if p, err = netip.ParsePrefix(s); err != nil {
			return p, bad
		}
	} else {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return p, bad
		}
		if a.Zone() != "" {
			return p, fmt.Errorf("--bind-cidr %q: an address with a zone (%%%s) cannot be bound; leave the zone out", value, a.Zone())
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	a := p.Addr()
	switch {
	case a.Is4In6():
		hint := ""
		if p.Bits() >= 96 {
			hint = fmt.Sprintf(" (%s)", netip.PrefixFrom(a.Unmap(), p.Bits()-96).Masked())
		}
		return p, fmt.Errorf("--bind-cidr %q: an IPv4 address in IPv6 form; write it as IPv4%s", value, hint)
	case p.Bits() == 0:
		return p, fmt.Errorf("--bind-cidr %q: matches every address, so it binds nothing; give the job host's addresses", value)
	case p.IsSingleIP() && (a.IsUnspecified() || a.IsMulticast()):
		return p, fmt.Errorf("--bind-cidr %q: no connection comes from this address; give the job host's addresses", value)
	case p != p.Masked():
		return p, fmt.Errorf("--bind-cidr %q: bits after the /%d are set; did you mean %s (the block) or %s (the one address)?",
			value, p.Bits(), p.Masked(), netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

package remind

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseBindCIDRs(t *testing.T) {
	tests := []struct {
		name   string
		in     []string
		want   []string
		errHas string
	}{
		{name: "none", in: nil, want: []string{}},
		{name: "ipv4 block", in: []string{"10.9.9.0/24"}, want: []string{"10.9.9.0/24"}},
		{name: "one address", in: []string{"127.0.0.1/32"}, want: []string{"127.0.0.1/32"}},
		{name: "bare ipv4 address", in: []string{"192.0.2.10"}, want: []string{"192.0.2.10/32"}},
		{name: "bare ipv6 address", in: []string{"2001:DB8::1"}, want: []string{"2001:db8::1/128"}},
		{name: "ipv6 block", in: []string{"2001:db8::/64"}, want: []string{"2001:db8::/64"}},
		{name: "spaces", in: []string{" 10.0.0.0/8 "}, want: []string{"10.0.0.0/8"}},
		{name: "several, duplicates once, order kept", in: []string{"127.0.0.1", "10.9.9.0/24", "127.0.0.1/32"},
			want: []string{"127.0.0.1/32", "10.9.9.0/24"}},

		{name: "empty", in: []string{""}, errHas: "empty"},
		{name: "blank", in: []string{"  "}, errHas: "empty"},
		{name: "host name", in: []string{"job-host.example"}, errHas: "not an IP address block"},
		{name: "short ipv4", in: []string{"10.0.0"}, errHas: "not an IP address block"},
		{name: "leading zeros", in: []string{"010.0.0.1/32"}, errHas: "not an IP address block"},
		{name: "prefix too long", in: []string{"10.0.0.0/33"}, errHas: "not an IP address block"},
		{name: "negative prefix", in: []string{"10.0.0.0/-1"}, errHas: "not an IP address block"},
		{name: "two slashes", in: []string{"10.0.0.0/8/8"}, errHas: "not an IP address block"},
		{name: "no prefix length", in: []string{"10.0.0.0/"}, errHas: "not an IP address block"},
		{name: "zone in block", in: []string{"fe80::1%eth0/64"}, errHas: "not an IP address block"},
		{name: "zone", in: []string{"fe80::1%eth0"}, errHas: "zone"},
		{name: "host bits set", in: []string{"10.9.9.5/24"}, errHas: "did you mean 10.9.9.0/24 (the block) or 10.9.9.5/32"},
		{name: "every ipv4 address", in: []string{"0.0.0.0/0"}, errHas: "matches every address"},
		{name: "every ipv6 address", in: []string{"::/0"}, errHas: "matches every address"},
		{name: "unspecified", in: []string{"0.0.0.0"}, errHas: "no connection comes from"},
		{name: "multicast", in: []string{"224.0.0.1/32"}, errHas: "no connection comes from"},
		{name: "ipv4 in ipv6 form", in: []string{"::ffff:10.9.9.0/120"}, errHas: "write it as IPv4 (10.9.9.0/24)"},
		{name: "one bad among good", in: []string{"127.0.0.1/32", "nope"}, errHas: `"nope"`},
		{name: "too many", in: slices.Repeat([]string{"127.0.0.1/32"}, MaxBindCIDRs+1), errHas: "at most 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBindCIDRs(tt.in)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("ParseBindCIDRs(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.errHas)
				}
				if !strings.HasPrefix(err.Error(), "--bind-cidr") {
					t.Errorf("error %q does not name the flag", err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseBindCIDRs(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// FuzzParseBindCIDR: whatever is typed, the parser does not panic, and
// what it accepts is a canonical block that Vault reads the same way,
// binds something, and parses again to itself.
func FuzzParseBindCIDR(f *testing.F) {
	for _, s := range []string{"10.9.9.0/24", "127.0.0.1", "2001:db8::/64", "10.9.9.5/24", "0.0.0.0/0",
		"::ffff:10.0.0.1/128", "fe80::1%eth0", " 1.2.3.4 ", "1.2.3.4/32/", "", "::", "::1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseBindCIDR(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--bind-cidr") {
				t.Errorf("error %q does not name the flag", err)
			}
			return
		}
		out := p.String()
		back, err := netip.ParsePrefix(out)
		if err != nil || back != p {
			t.Fatalf("%q -> %q, which parses to %v, %v", s, out, back, err)
		}
		if p != p.Masked() || p.Bits() == 0 || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			t.Fatalf("%q -> %q: not a canonical, binding block", s, out)
		}
		again, err := ParseBindCIDR(out)
		if err != nil || again != p {
			t.Fatalf("%q -> %q -> %v, %v", s, out, again, err)
		}
		got, err := ParseBindCIDRs([]string{s, out})
		if err != nil || !slices.Equal(got, []string{out}) {
			t.Fatalf("ParseBindCIDRs(%q, %q) = %q, %v; want [%q]", s, out, got, err, out)
		}
	})
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		720 * time.Hour:               "720h",
		8760 * time.Hour:              "8760h",
		90 * time.Minute:              "1h30m",
		2 * time.Minute:               "2m",
		90 * time.Second:              "1m30s",
		time.Hour + 5*time.Second:     "1h0m5s",
		45 * time.Second:              "45s",
		2*time.Hour + time.Nanosecond: "2h0m0.000000001s",
	} {
		if got := ShortDuration(d); got != want {
			t.Errorf("ShortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}

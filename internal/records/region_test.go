package records

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMarketplace(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		errHas   string
	}{
		{in: "amazon", want: "amazon"},
		{in: " Amazon ", want: "amazon"},
		{in: "EBAY", want: "ebay"},
		{in: "tiktok-shop", want: "tiktok-shop"},
		{in: "mercadolibre", want: "mercadolibre"},
		{in: "other", want: "other"},
		{in: "", errHas: "marketplace is empty; use one of amazon, ebay, shopify"},
		{in: "amazn", errHas: `marketplace "amazn" is not known; use one of amazon, ebay, shopify, walmart, etsy, tiktok-shop, mercadolibre, rakuten, allegro, bol, zalando, cdiscount, otto, kaufland, noon, flipkart, other`},
		{in: "TikTok Shop", errHas: `marketplace "tiktok shop" is not known; use "tiktok-shop"`},
		{in: "tiktok_shop", errHas: `use "tiktok-shop"`},
		{in: "mercado-libre", errHas: `use "mercadolibre"`},
		{in: "amazon.de", errHas: `is a web site; use "amazon" and set the store's region`},
		{in: "ebay shopify", errHas: "is not known; use one of"},
		{in: "shop", errHas: "is not known; use one of"},
		{in: "-", errHas: "is not known"},
		{in: "amazon\n", want: "amazon"},
		{in: "amazon\x00", errHas: `"amazon\x00" is not known`},
	} {
		got, err := ParseMarketplace(tc.in)
		call := "ParseMarketplace(" + quoteInput(tc.in) + ")"
		if tc.errHas == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s = %q, %v; want %q", call, got, err, tc.want)
			}
			continue
		}
		checkParseError(t, call, err, tc.errHas)
		if got != "" {
			t.Errorf("%s returned %q with an error", call, got)
		}
	}
}

func TestMarketplacesIsTheAcceptedList(t *testing.T) {
	if !slices.Equal(Marketplaces, strings.Fields(marketplaceList)) {
		t.Fatalf("Marketplaces %v differs from marketplaceList %q", Marketplaces, marketplaceList)
	}
	for _, m := range Marketplaces {
		if got, err := ParseMarketplace(m); err != nil || got != m {
			t.Errorf("ParseMarketplace(%q) = %q, %v", m, got, err)
		}
		if !nameChars.MatchString(m) {
			t.Errorf("marketplace %q is not a safe name", m)
		}
	}
	// A caller that changes the exported list changes nothing.
	saved := Marketplaces[0]
	Marketplaces[0] = "evil"
	defer func() { Marketplaces[0] = saved }()
	if _, err := ParseMarketplace("evil"); err == nil {
		t.Error("changing Marketplaces changed what ParseMarketplace accepts")
	}
}

func TestParseRegion(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		errHas   string
	}{
		{in: "us", want: "us"},
		{in: "DE", want: "de"},
		{in: " jp ", want: "jp"},
		{in: "gb", want: "gb"},
		{in: "uk", want: "uk"},
		{in: "UK", want: "uk"},
		{in: "eu", want: "eu"},
		{in: "Global", want: "global"},
		{in: "ss", want: "ss"}, // South Sudan, 2011
		{in: "sx", want: "sx"},
		{in: "ax", want: "ax"},
		{in: "", errHas: "region is empty; use a two-letter country code (like us, de, jp), uk, eu or global"},
		{in: "xx", errHas: `region "xx" is not an assigned country code; use a two-letter ISO 3166-1 code`},
		{in: "xk", errHas: "is not an assigned country code"}, // Kosovo: user-assigned, not ISO
		{in: "an", errHas: "is not an assigned country code"}, // Netherlands Antilles, withdrawn 2010
		{in: "yu", errHas: "is not an assigned country code"},
		{in: "el", errHas: "is not an assigned country code"},
		{in: "usa", errHas: `region "usa" is not known; use a two-letter country code`},
		{in: "u", errHas: "is not known"},
		{in: "de ", want: "de"},
		{in: "d e", errHas: "is not known"},
		{in: "ad ae", errHas: "is not known"},
		{in: "europe", errHas: "is not known"},
		{in: "ｕｓ", errHas: "is not known"},
	} {
		got, err := ParseRegion(tc.in)
		call := "ParseRegion(" + quoteInput(tc.in) + ")"
		if tc.errHas == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s = %q, %v; want %q", call, got, err, tc.want)
			}
			continue
		}
		checkParseError(t, call, err, tc.errHas)
		if got != "" {
			t.Errorf("%s returned %q with an error", call, got)
		}
	}
}

// The region table: 249 officially assigned codes (ISO 3166-1, as in
// Debian's iso-codes 4.15), two lower-case letters each, sorted, no
// repeats.
func TestRegionCodes(t *testing.T) {
	codes := strings.Fields(regionCodes())
	if len(codes) != 249 {
		t.Errorf("%d region codes, want 249", len(codes))
	}
	if !slices.IsSorted(codes) || len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("region codes are not sorted or have repeats")
	}
	for _, c := range codes {
		if len(c) != 2 || strings.Trim(c, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("bad region code %q", c)
		}
		if got, err := ParseRegion(strings.ToUpper(c)); err != nil || got != c {
			t.Errorf("ParseRegion(%q) = %q, %v", strings.ToUpper(c), got, err)
		}
	}
}

func FuzzParseRegion(f *testing.F) {
	for _, s := range []string{"us", "UK", "eu", "global", "xx", "", "ad ae", "usa", "ｕｓ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseRegion(s)
		if err != nil {
			checkParseError(t, "ParseRegion", err, "")
			return
		}
		if again, err := ParseRegion(got); err != nil || again != got {
			t.Fatalf("ParseRegion(%q) = %q, which re-parses as %q, %v", s, got, again, err)
		}
		if got != "uk" && got != "eu" && got != "global" && !strings.Contains(regionCodes(), " "+got+" ") {
			t.Fatalf("ParseRegion(%q) = %q, not a known region", s, got)
		}
	})
}

func FuzzParseMarketplace(f *testing.F) {
	for _, s := range []string{"amazon", "EBAY", "tiktok shop", "amazon.de", "ebay shopify", "", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseMarketplace(s)
		if err != nil {
			checkParseError(t, "ParseMarketplace", err, "")
			return
		}
		if !slices.Contains(Marketplaces, got) {
			t.Fatalf("ParseMarketplace(%q) = %q, not in Marketplaces", s, got)
		}
	})
}

package payout

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/iso3166"
)

// The registry table: 89 countries, sorted, each line adding up (4 +
// the BBAN structure's length = the IBAN length), each country an ISO
// 3166 code or XK.
func TestRegistry(t *testing.T) {
	formats := ibanFormats()
	if len(formats) != 89 {
		t.Errorf("%d registry countries, want 89 (Release 100)", len(formats))
	}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(ibanRegistry), "\n") {
		order = append(order, strings.Fields(line)[0])
	}
	if !slices.IsSorted(order) || len(slices.Compact(slices.Clone(order))) != len(order) {
		t.Error("registry lines are not sorted or have repeats")
	}
	for cc, f := range formats {
		sum := 4
		for _, seg := range f.segments {
			sum += seg.count
		}
		if sum != f.length {
			t.Errorf("%s: structure %s adds up to %d, length is %d", cc, f.structure, sum, f.length)
		}
		if f.length < 15 || f.length > maxIBANLen {
			t.Errorf("%s: length %d out of range", cc, f.length)
		}
		if cc != "XK" && !iso3166.Assigned(cc) {
			t.Errorf("%s is not an ISO 3166 code", cc)
		}
	}
	for parent, list := range ibanTerritories {
		if _, ok := formats[parent]; !ok {
			t.Errorf("territory parent %s is not in the registry", parent)
		}
		for _, cc := range strings.Fields(list) {
			if !iso3166.Assigned(cc) || formats[cc] != nil {
				t.Errorf("territory %s of %s is not an ISO 3166 code or is itself in the registry", cc, parent)
			}
			if !usesIBAN(cc) || !ibanCountryMatches(parent, cc) || ibanCountryMatches(cc, parent) {
				t.Errorf("territory %s of %s is not handled", cc, parent)
			}
		}
	}
	// Spot checks against the registry's text.
	for cc, want := range map[string]string{
		"DE": "22 8!n10!n", "GB": "22 4!a6!n8!n", "FR": "27 5!n5!n11!c2!n", "NO": "15 4!n6!n1!n",
		"RU": "33 9!n5!n15!c", "LC": "32 4!a24!c", "EE": "20 2!n14!n", "HN": "28 4!a20!n", "MU": "30 4!a2!n2!n12!n3!n3!a",
	} {
		f := formats[cc]
		if f == nil || strings.Fields(want)[1] != f.structure || strings.Fields(want)[0] != strconv.Itoa(f.length) {
			t.Errorf("%s: registry says %s, table has %+v", cc, want, f)
		}
	}
}

func TestParseStructure(t *testing.T) {
	for _, bad := range []string{"", "8n", "8!x", "!n", "8!", "0!n", "8!n10", "8!n!n", "99999999999999999999!n", "8!N"} {
		if segs, ok := parseStructure(bad); ok {
			t.Errorf("parseStructure(%q) = %v, want refused", bad, segs)
		}
	}
	segs, ok := parseStructure("4!a6!n8!c")
	if !ok || !slices.Equal(segs, []ibanSegment{{4, 'a'}, {6, 'n'}, {8, 'c'}}) {
		t.Errorf("parseStructure(4!a6!n8!c) = %v, %v", segs, ok)
	}
}

// Every example IBAN of the registry is valid, every registry country has
// one, and its print format (lower-cased, with the "IBAN" prefix of a
// statement) normalises to it.
func TestRegistryExamples(t *testing.T) {
	if len(registryExamples) < 60 {
		t.Fatalf("only %d example IBANs", len(registryExamples))
	}
	seen := map[string]bool{}
	for _, iban := range registryExamples {
		if err := ValidateIBAN(iban); err != nil {
			t.Errorf("ValidateIBAN(%s) = %v", iban, err)
		}
		seen[iban[:2]] = true
		printed := "IBAN " + strings.ToLower(grouped(iban))
		if got := NormalizeIBAN(printed); got != iban {
			t.Errorf("NormalizeIBAN(%q) = %q, want %q", printed, got, iban)
		}
		r := Record{Holder: "Acme GmbH", IBAN: printed}.Normalize()
		if err := r.Validate(); err != nil || r.Country != iban[:2] {
			t.Errorf("record with IBAN %s: country %q, %v", iban, r.Country, err)
		}
	}
	for cc := range ibanFormats() {
		if !seen[cc] {
			t.Errorf("no example IBAN for %s", cc)
		}
	}
}

// grouped prints an IBAN in groups of four, as on paper.
func grouped(s string) string {
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// knownSwapCollisions are the mutations of the examples below that are
// valid IBANs all the same: a digit and a letter swapped where the
// structure allows both. MOD 97-10 counts a letter as two digits, so it
// cannot catch every such swap; the test pins the list so that any new
// escape is seen.
var knownSwapCollisions = map[string]bool{
	"RO49AAAAB131007593840000": true, // RO49AAAA1B31…: "1B" swapped, in the 16!c part
}

// Mutations of every registry example: each digit changed to every other
// digit, each letter to every other letter, each pair of neighbouring
// different characters swapped, each character removed, a digit inserted
// at each place. All are refused.
func TestIBANMutations(t *testing.T) {
	const digits, letters = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	tried := 0
	refused := func(kind, from, m string) {
		t.Helper()
		tried++
		err := ValidateIBAN(m)
		if err == nil {
			if kind == "swap" && knownSwapCollisions[m] {
				if ibanMod97(m) != 1 {
					t.Errorf("known collision %s does not pass mod 97", m)
				}
				return
			}
			t.Errorf("%s of %s: %s accepted", kind, from, m)
			return
		}
		checkErr(t, "ValidateIBAN(mutation)", err, "iban")
		if strings.Contains(err.Error(), m) || strings.Contains(err.Error(), from) {
			t.Errorf("error shows the IBAN in clear: %q", err)
		}
	}
	for _, iban := range registryExamples {
		for i := range len(iban) {
			c := iban[i]
			alphabet := letters
			if isDigit(c) {
				alphabet = digits
			}
			for _, d := range []byte(alphabet) {
				if d != c {
					refused("change", iban, iban[:i]+string(d)+iban[i+1:])
				}
			}
			if i+1 < len(iban) && iban[i] != iban[i+1] {
				refused("swap", iban, iban[:i]+string(iban[i+1])+string(iban[i])+iban[i+2:])
			}
			refused("removal", iban, iban[:i]+iban[i+1:])
			for _, d := range []byte(digits) {
				refused("insertion", iban, iban[:i]+string(d)+iban[i:])
			}
		}
		refused("insertion", iban, iban+"0")
	}
	t.Logf("%d mutations of %d IBANs refused", tried, len(registryExamples))
}

func TestValidateIBANErrors(t *testing.T) {
	for _, tc := range []struct{ in, errHas string }{
		{"", "iban is empty; give it as printed"},
		{"de89370400440532013000", "iban has a lower-case letter at position 1; IBANs are upper case"},
		{"DE89 370400440532013000", "iban has a space at position 5"},
		{"DE89370400440532013000\n", "iban has a control character at position 23"},
		{"DE8937040044053201300Ä", "the non-ASCII character 'Ä' at position 22"},
		{"DE89-370400440532013000", "iban has '-' at position 5"},
		{"D", "iban does not start with a two-letter country code"},
		{"1289370400440532013000", "does not start with a two-letter country code"},
		{"US89370400440532013000", "iban starts with US, a country that does not use IBANs"},
		{"GP7630006000011234567890189", "iban starts with GP, but accounts in GP have FR IBANs"},
		{"XX89370400440532013000", "iban starts with XX, which is not a country code"},
		{"DE", "iban DE has no check digits"},
		{"DEAB370400440532013000", "iban DEAB **** **** **** **30 00 has no check digits after the country code"},
		{"DE8937040044053201300", "iban DE89 **** **** **** *130 0 has 21 characters, but IBANs of DE have 22; a character is missing or extra"},
		{"DE893704004405320130000", "has 23 characters, but IBANs of DE have 22"},
		{"DE89A70400440532013000", "iban DE89 **** **** **** **30 00 has a letter at position 5 where the DE format (8!n10!n) needs a digit"},
		{"GB29NW1K60161331926819", "has a digit at position 7 where the GB format (4!a6!n8!n) needs a letter"},
		{"DE00370400440532013000", "has check digits 00, which are never issued"},
		{"DE01370400440532013000", "has check digits 01"},
		{"DE99370400440532013000", "has check digits 99"},
		{"DE88370400440532013000", "iban DE88 **** **** **** **30 00 fails the check-digit test (mod 97)"},
		{"GB29NWBK60161331926818", "fails the check-digit test"},
		{strings.Repeat("A", 35), "iban is 35 characters long; an IBAN has at most 34"},
	} {
		err := ValidateIBAN(tc.in)
		call := "ValidateIBAN(" + quoteInput(tc.in) + ")"
		checkErr(t, call, err, tc.errHas)
		if len(tc.in) >= 9 && strings.Contains(err.Error(), tc.in) {
			t.Errorf("%s: error shows the IBAN: %q", call, err)
		}
	}
}

func TestNormalizeIBAN(t *testing.T) {
	const de = "DE89370400440532013000"
	for _, tc := range []struct{ in, want string }{
		{"iban de89 3704 0044 0532 0130 00", de},
		{"IBAN: DE89 3704 0044 0532 0130 00", de},
		{"IBAN:DE89370400440532013000", de},
		{"  DE89 3704 0044 0532 0130 00  ", de},
		{"DE89-3704-0044-0532-0130-00", de},
		{"DE89.3704.0044.0532.0130.00", de},
		{"DE89\u00a03704\u202f0044\t0532\u20090130\u200b00\ufeff", de}, // no-break, narrow, thin and zero-width spaces
		{"\ufeffDE89370400440532013000", de},
		{"IBAN IBAN DE89 3704 0044 0532 0130 00", de},
		{de, de},
		{"gb29 nwbk 6016 1331 9268 19", "GB29NWBK60161331926819"},
		{"", ""},
		{"IBAN", ""},
		// Only ASCII letters change case: look-alikes stay and fail.
		{"de89 3704 0044 0532 0130 0\u0131", "DE8937040044053201300\u0131"},
		{"ＤＥ89", "ＤＥ89"},
		{"DE89/3704", "DE89/3704"},
		{"\xffde", "\xffDE"},
	} {
		got := NormalizeIBAN(tc.in)
		if got != tc.want {
			t.Errorf("NormalizeIBAN(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := NormalizeIBAN(got); again != got {
			t.Errorf("NormalizeIBAN is not idempotent on %q: %q then %q", tc.in, got, again)
		}
	}
}

func FuzzValidateIBAN(f *testing.F) {
	for _, s := range registryExamples {
		f.Add(s)
	}
	for _, s := range []string{"", "DE88370400440532013000", "iban de89 3704 0044 0532 0130 00", "DE00370400440532013000", "GP76", "XK", "DE\x00", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateIBAN(s)
		if err != nil {
			checkErr(t, "ValidateIBAN", err, "iban")
			if len(s) >= 9 && strings.Trim(s, digitsAndUpper) == "" && strings.Contains(err.Error(), s) {
				t.Fatalf("error shows the IBAN %q: %q", s, err)
			}
			return
		}
		fm, ok := ibanFormatOf(s[:2])
		switch {
		case !ok:
			t.Fatalf("ValidateIBAN accepted %q of a country not in the registry", s)
		case len(s) != fm.length:
			t.Fatalf("ValidateIBAN accepted %q of length %d, registry says %d", s, len(s), fm.length)
		case ibanMod97(s) != 1:
			t.Fatalf("ValidateIBAN accepted %q, mod 97 = %d", s, ibanMod97(s))
		case strings.Trim(s, digitsAndUpper) != "" || NormalizeIBAN(s) != s:
			t.Fatalf("ValidateIBAN accepted %q, not normalised", s)
		case s[2:4] < "02" || s[2:4] > "98":
			t.Fatalf("ValidateIBAN accepted %q with check digits %s", s, s[2:4])
		}
		want := s[:4] + strings.Repeat("*", len(s)-8) + s[len(s)-4:]
		if m := MaskIBAN(s); strings.ReplaceAll(m, " ", "") != want {
			t.Fatalf("MaskIBAN(%q) = %q, want %q grouped", s, m, want)
		}
	})
}

const digitsAndUpper = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

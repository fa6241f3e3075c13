package redact

import (
	"strings"
	"testing"
)

const phoneMark = "[REDACTED:phone]"

func TestPhonePattern(t *testing.T) {
	positives := []string{
		// E.164, with or without grouping.
		"+447700900123",
		"+44 7700 900123",
		"+44 (0)7700 900123",
		"+44 (0)20 7183 8750",
		"+1 (415) 555-0100",
		"+1-415-555-0100",
		"+1 415 555 0100",
		"+1.415.555.0100",
		"+14155550100",
		"+49 30 1234567",
		"+49 (30) 1234567",
		"+33 1 23 45 67 89",
		"+44\u00a07700\u00a0900123",
		// With 00.
		"0044 7700 900123",
		"00447700900123",
		"00 44 7700 900123",
		"0049-30-1234567",
		"001 415 555 0100",
		// National, with a trunk 0.
		"07700 900123",
		"07700-900123",
		"030 1234567",
		"030/1234567",
		"030 / 1234567",
		"0171 123 4567",
		"(030) 1234567",
		"(0171)1234567",
		"020 7183 8750",
		"(0)20 7183 8750",
		"01 23 45 67 89",
		"0800 123 4567",
		// North American.
		"(415) 555-0100",
		"(415)555-0100",
		"(415) 555 0100",
		"415-555-0100",
		"415.555.0100",
		"415 555 0100",
		"415 555-0100",
		"1-415-555-0100",
		"1 (415) 555-0100",
		"1.415.555.0100",
	}
	contexts := []struct{ before, after string }{
		{"", ""},
		{"call ", " now"},
		{"tel: ", "."},
		{"(", ")"},
		{"“", "”,"},
		{"phone=", "\n"},
		{"<", ">"},
	}
	for _, p := range positives {
		for _, c := range contexts {
			in := c.before + p + c.after
			if got, want := patterns(t, in), c.before+phoneMark+c.after; got != want {
				t.Errorf("%q:\n got %q\nwant %q", in, got, want)
			}
		}
	}
	// Several in a line, apart or in one run.
	runPatternCases(t, []patternCase{
		{"UK +44 7700 900123 / 0044 7700 900123, US (415) 555-0100 or 415.555.0100.",
			"UK " + phoneMark + " / " + phoneMark + ", US " + phoneMark + " or " + phoneMark + "."},
		{"415 555 0100 415 555 0101", phoneMark + " " + phoneMark},
		{"07700 900123 07700 900124", phoneMark + " " + phoneMark},
		{"030 1234567 - 0171 1234567", phoneMark + " - " + phoneMark},
		{"+1 415 555 0100 or 0044 7700 900123", phoneMark + " or " + phoneMark},
	})
}

func TestPhoneNegatives(t *testing.T) {
	for _, in := range []string{
		// Amazon order numbers, tracking numbers, ASINs, SKUs.
		"order 114-3941689-8772232",
		"order 026-1234567-1234567",
		"114-3941689-8772232 and 302-1234567-7654321",
		"1Z999AA10123456784",
		"B07XJ8C8F5",
		"SKU ACME-0171-1234567",
		"9400 1000 0000 0000 0000 00",
		"00340434161094015324",
		// Long digit runs without phone grouping, "+" or "00".
		"4155550100",
		"07700900123",
		"0301234567",
		"123456789012",
		"021000021",
		"000123456789",
		"0001 2345 6789",
		// Dates and times.
		"2026-12-07",
		"07.12.2026",
		"12/07/2026",
		"07/12/2026 10:30",
		"07-12-2026 10",
		"05.12.2026 14:30",
		"2026-12-07 10:30:15",
		"10:30 - 11:45",
		"0800-1700",
		// Prices and quantities.
		"1,234.56",
		"$1,234.56",
		"€ 1.234,56",
		"+1234567.89",
		"+12.5%",
		"0.99",
		"ordered 12 pcs",
		// IBANs (right or wrong), cards, IPs, versions.
		"DE89 3704 0044 0532 0130 00",
		"DE89 3704 0044 0532 0130 0",
		"DE88 0044 0532 0130 0000 00",
		"GB29 NWBK 6016 1331 9268 19",
		"4111 1111 1111 1112",
		"3782 822463 10005",
		"192.168.100.200",
		"10.0.0.1",
		"10.0.19041.1234",
		"v1.22.3",
		"1.2.3.4567",
		// Too short, unknown calling code, +1 of the wrong length,
		// North American area code or exchange starting with 0 or 1.
		"+44 7700",
		"+999 1234 5678",
		"+1 415 555 010",
		"+1 415 555 01000",
		"(115) 555-0100",
		"415-155-0100",
		"555-0100",
		"415-555-0100-22",
		"415.555-0100",
		// A number glued to letters.
		"x07700 900123",
		"07700 900123abc",
		"tel415-555-0100",
	} {
		if got := patterns(t, in); strings.Contains(got, phoneMark) {
			t.Errorf("%q: %q", in, got)
		}
	}
}

func TestPhoneWithIndex(t *testing.T) {
	// A phone found by pattern and by the index is one finding.
	h := newFakeHasher()
	idx := buildIndex(h, team)
	got, fs, _ := redactScan(t, "call +44 (0)7700 900123 or 07700 900123.\n", Options{Hasher: h, Index: idx})
	if want := "call " + phoneMark + " or " + phoneMark + ".\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(fs) != 2 {
		t.Errorf("findings %+v", fs)
	}
}

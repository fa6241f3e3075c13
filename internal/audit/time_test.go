package audit

import (
	"testing"
	"time"
)

// TestParseTime: the fast path reads what time.Parse reads, the same.
func TestParseTime(t *testing.T) {
	base := []string{"2026-03-02T10:00:00Z", "2026-03-02T10:00:00.1Z", "2026-03-02T10:00:00.123456789Z",
		"2024-02-29T23:59:59.5Z", "2026-03-02T10:00:00+01:00", "2026-03-02T10:00:00.5-07:00", "", "yesterday",
		"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z", "2026-03-00T10:00:00Z", "2026-03-02T24:00:00Z",
		"2026-03-02T10:60:00Z", "2026-03-02T10:00:60Z", "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00.1234567890Z",
		"2026-03-02T10:00:0xZ", "2026-03-02T10:00:00,5Z", "2026-03-02t10:00:00z", "+026-03-02T10:00:00Z"}
	inputs := append([]string{}, base...)
	for _, s := range base[:4] { // every byte of good ones changed
		for i := range s {
			for _, c := range []byte{'0', '9', 'x', '.', '-', ':', 'Z'} {
				inputs = append(inputs, s[:i]+string(c)+s[i+1:])
			}
		}
	}
	for _, s := range inputs {
		want, err := time.Parse(time.RFC3339Nano, s)
		got, ok := parseTime([]byte(s))
		if ok != (err == nil) || ok && !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse: %v, %v", s, got, ok, want, err)
		}
	}
}

func TestParseSince(t *testing.T) {
	now := t0
	for in, want := range map[string]time.Time{
		"7d": now.Add(-7 * 24 * time.Hour), "2w": now.Add(-14 * 24 * time.Hour), "36h": now.Add(-36 * time.Hour),
		"90m": now.Add(-90 * time.Minute), "1h30m": now.Add(-90 * time.Minute), "2026-03-01": time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		"2026-03-01T09:00:00+01:00": time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC),
	} {
		if got, err := ParseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "7", "-7d", "0d", "+7d", "7x", "last week", "3651d", "1000000h", "-5m", "0s"} {
		if got, err := ParseSince(in, now); err == nil {
			t.Errorf("ParseSince(%q) = %v", in, got)
		}
	}
}

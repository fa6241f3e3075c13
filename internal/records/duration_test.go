package records

import (
	"strings"
	"testing"
	"time"
)

func TestParseInterval(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		in     string
		want   time.Duration
		form   string // FormatInterval(want)
		errHas string
	}{
		{in: "90d", want: 90 * day, form: "90d"},
		{in: "12w", want: 84 * day, form: "12w"},
		{in: "14d", want: 14 * day, form: "2w"},
		{in: "1d", want: day, form: "1d"},
		{in: "24h", want: day, form: "1d"},
		{in: "36h", want: 36 * time.Hour, form: "36h"},
		{in: "168h", want: 7 * day, form: "1w"},
		{in: " 90D ", want: 90 * day, form: "90d"},
		{in: "090d", want: 90 * day, form: "90d"},
		{in: "3650d", want: 3650 * day, form: "3650d"},
		{in: "87600h", want: 3650 * day, form: "3650d"},
		{in: "521w", want: 521 * 7 * day, form: "521w"},
		// Bad.
		{in: "", errHas: "rotation interval is empty; use a number of days or weeks, like 90d or 12w"},
		{in: "0", errHas: `rotation interval "0" is zero; the shortest is 1d`},
		{in: "0d", errHas: "is zero"},
		{in: "000w", errHas: "is zero"},
		{in: "6mo", errHas: "months are not a unit because their length varies; use days or weeks, like 180d or 26w"},
		{in: "6 months", errHas: "use one whole number and one unit"},
		{in: "6m", errHas: "m could mean minutes or months"},
		{in: "1y", errHas: "years are not a unit; use days, like 365d"},
		{in: "90days", errHas: "write the unit as one letter, like 90d"},
		{in: "90", errHas: "has no unit; use 90d for days or 90w for weeks"},
		{in: "12h", errHas: "is shorter than a day; use at least 1d (or 24h)"},
		{in: "23h", errHas: "is shorter than a day"},
		{in: "3651d", errHas: "is longer than 3650 days; use at most 3650d"},
		{in: "522w", errHas: "is longer than 3650 days"},
		{in: "87601h", errHas: "is longer than 3650 days"},
		{in: "99999999999999999999999d", errHas: "is longer than 3650 days"},
		{in: "1000000000w", errHas: "is longer than 3650 days"},
		{in: "-90d", errHas: "is negative"},
		{in: "+90d", errHas: "does not start with a number"},
		{in: "d", errHas: "does not start with a number"},
		{in: "1.5d", errHas: "is not a whole number; use whole days or hours, like 36h"},
		{in: "2w3d", errHas: "use one whole number and one unit, d (days), w (weeks) or h (hours)"},
		{in: "90 d", errHas: "use one whole number and one unit"},
		{in: "2160h0m0s", errHas: "use one whole number and one unit"},
		{in: "٩٠d", errHas: "does not start with a number"},
	} {
		got, err := ParseInterval(tc.in)
		call := "ParseInterval(" + quoteInput(tc.in) + ")"
		if tc.errHas == "" {
			if err != nil || got != tc.want {
				t.Errorf("%s = %v, %v; want %v", call, got, err, tc.want)
			}
			if f := FormatInterval(got); f != tc.form {
				t.Errorf("FormatInterval(%v) = %q, want %q", got, f, tc.form)
			}
			continue
		}
		checkParseError(t, call, err, tc.errHas)
		if got != 0 {
			t.Errorf("%s returned %v with an error", call, got)
		}
	}
}

func TestFormatIntervalOutsideParse(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{-24 * time.Hour, "-24h0m0s"},
		{90 * time.Minute, "1h30m0s"},
		{time.Hour, "1h"},
		{7000 * 24 * time.Hour, "1000w"},
	} {
		if got := FormatInterval(tc.in); got != tc.want {
			t.Errorf("FormatInterval(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"90d", "12w", "36h", "0", "6mo", "1y", "3650d", "3651d", "521w", "522w", "87600h",
		"24h", "23h", "-1d", "1.5d", "99999999999999999999d", " 7D ", "2w3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseInterval(s)
		if err != nil {
			checkParseError(t, "ParseInterval", err, "")
			return
		}
		if d < minInterval || d > maxInterval || d%time.Hour != 0 {
			t.Fatalf("ParseInterval(%q) = %v, outside 1d..3650d or not whole hours", s, d)
		}
		form := FormatInterval(d)
		if again, err := ParseInterval(form); err != nil || again != d {
			t.Fatalf("ParseInterval(%q) = %v, formatted %q, which re-parses as %v, %v", s, d, form, again, err)
		}
		if len(form) > len(s) {
			t.Fatalf("FormatInterval(%v) = %q, longer than the input %q", d, form, s)
		}
	})
}

func TestParseIntervalHugeInputGivesShortError(t *testing.T) {
	for _, in := range []string{strings.Repeat("9", 1<<20), strings.Repeat("9", 1<<20) + "d", strings.Repeat("9", 1<<20) + "days"} {
		_, err := ParseInterval(in)
		checkParseError(t, "ParseInterval(1 MiB of 9s)", err, "rotation interval")
	}
}

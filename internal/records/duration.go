package records

import (
	"strconv"
	"strings"
	"time"
)

// Bounds of a rotation interval, and its units.
const (
	intervalDay  = 24 * time.Hour
	intervalWeek = 7 * intervalDay
	minInterval  = intervalDay        // 1d
	maxInterval  = 3650 * intervalDay // 3650d, about ten years
)

// ParseInterval parses a rotation interval: a whole number and one unit,
// d (days), w (weeks) or h (hours), like "90d", "12w" or "36h". Surrounding
// spaces are trimmed and the unit may be upper case. The interval must be
// from 1 day to 3650 days (so hours must be at least 24); "0" is refused.
// Months and years are not units because their length varies: the error
// says to use days or weeks.
func ParseInterval(s string) (time.Duration, error) {
	const example = "90d or 12w"
	s = strings.ToLower(strings.TrimSpace(s))
	q := quoteInput(s)
	if s == "" {
		return 0, invalidf("rotation interval is empty; use a number of days or weeks, like %s", example)
	}
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	num, unit := s[:i], s[i:]
	switch {
	case strings.HasPrefix(s, "-"):
		return 0, invalidf("rotation interval %s is negative; use a number of days or weeks, like %s", q, example)
	case num == "":
		return 0, invalidf("rotation interval %s does not start with a number; use a number and d, w or h, like %s", q, example)
	case strings.HasPrefix(unit, ".") || strings.HasPrefix(unit, ","):
		return 0, invalidf("rotation interval %s is not a whole number; use whole days or hours, like 36h", q)
	}
	n := -1 // too big to count: refused as too long below
	if len(num) <= 9 {
		n, _ = strconv.Atoi(num)
	}
	if n == 0 {
		return 0, invalidf("rotation interval %s is zero; the shortest is 1d", q)
	}
	var per time.Duration
	switch unit {
	case "d":
		per = intervalDay
	case "w":
		per = intervalWeek
	case "h":
		per = time.Hour
	case "":
		if len(num) > 4 {
			return 0, invalidf("rotation interval %s has no unit; use a number and d, w or h, like %s", q, example)
		}
		return 0, invalidf("rotation interval %s has no unit; use %sd for days or %sw for weeks", q, num, num)
	case "m":
		return 0, invalidf("rotation interval %s: m could mean minutes or months; use days or weeks, like 180d or 26w", q)
	case "mo", "mos", "month", "months":
		return 0, invalidf("rotation interval %s: months are not a unit because their length varies; use days or weeks, like 180d or 26w", q)
	case "y", "yr", "yrs", "year", "years":
		return 0, invalidf("rotation interval %s: years are not a unit; use days, like 365d", q)
	case "day", "days", "week", "weeks", "hour", "hours":
		if len(num) > 4 {
			num = "90"
		}
		return 0, invalidf("rotation interval %s: write the unit as one letter, like %s%c", q, num, unit[0])
	default:
		return 0, invalidf("rotation interval %s: use one whole number and one unit, d (days), w (weeks) or h (hours), like %s", q, example)
	}
	// Compare counts, not durations, so that a huge count cannot overflow.
	if n < 0 || n > int(maxInterval/per) {
		return 0, invalidf("rotation interval %s is longer than 3650 days; use at most 3650d", q)
	}
	d := time.Duration(n) * per
	if d < minInterval {
		return 0, invalidf("rotation interval %s is shorter than a day; use at least 1d (or 24h)", q)
	}
	return d, nil
}

// FormatInterval renders a rotation interval in its shortest form, the one
// ParseInterval reads back: whole weeks as "2w", whole days as "90d",
// whole hours as "36h". A duration that is not a whole number of hours, or
// not positive, cannot come from ParseInterval; it is rendered by
// time.Duration.String.
func FormatInterval(d time.Duration) string {
	switch {
	case d <= 0 || d%time.Hour != 0:
		return d.String()
	case d%intervalWeek == 0:
		return strconv.FormatInt(int64(d/intervalWeek), 10) + "w"
	case d%intervalDay == 0:
		return strconv.FormatInt(int64(d/intervalDay), 10) + "d"
	default:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
}

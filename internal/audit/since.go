package audit

import (
	"strconv"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/inputerr"
)

// maxSince is the longest look-back --since takes: ten years.
const maxSince = 3650 * 24 * time.Hour

// ParseSince reads --since: a look-back from now ("7d", "2w", "36h",
// "90m", or any Go duration like "1h30m"), a date ("2026-03-01", UTC
// midnight) or an RFC 3339 time ("2026-03-01T09:00:00+01:00").
func ParseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, inputerr.Errorf("--since is empty; use a look-back like 7d or 36h, or a date like 2026-03-01")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	d, err := ParseWindow(s)
	if err != nil {
		return time.Time{}, inputerr.Errorf("--since %s: use a look-back like 7d, 2w or 36h, or a date like 2026-03-01", inputerr.Quote(s))
	}
	if d > maxSince {
		return time.Time{}, inputerr.Errorf("--since %s: look back at most 3650d", inputerr.Quote(s))
	}
	return now.Add(-d), nil
}

// ParseWindow reads a positive duration: a whole number of days or weeks
// ("7d", "2w"), or a Go duration ("5m", "90s", "1h30m").
func ParseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n >= 2 && (s[n-1] == 'd' || s[n-1] == 'w') {
		count, err := strconv.Atoi(s[:n-1])
		if err != nil || count <= 0 || count > 3650 || s[0] == '+' {
			return 0, inputerr.Errorf("duration %s: use a whole number of days or weeks, like 7d or 2w", inputerr.Quote(s))
		}
		unit := 24 * time.Hour
		if s[n-1] == 'w' {
			unit *= 7
		}
		return time.Duration(count) * unit, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, inputerr.Errorf("duration %s: use a positive duration like 5m, 36h or 7d", inputerr.Quote(s))
	}
	return d, nil
}

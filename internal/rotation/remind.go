package rotation

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultQuietPeriod is how long a reminder is not repeated unchanged.
const DefaultQuietPeriod = 72 * time.Hour

// Reminder is what one person is reminded of: their records that are
// overdue or due soon. Person is "" for records nobody is assigned to
// and nobody owns (payout verification is finance's, not one person's).
type Reminder struct {
	Person string
	Items  []Result
	// Digest names the reminder's content (records and their states, not
	// dates): the same digest is the same reminder.
	Digest string
}

// Reminders groups the due results by person: a record goes to each of
// its assignees, or to its owner when it has none. People come out in
// name order; each person's items keep the results' order (overdue
// first).
func Reminders(results []Result) []Reminder {
	byPerson := map[string][]Result{}
	for _, r := range results {
		if r.State == OK {
			continue
		}
		people := r.Assignees
		if len(people) == 0 {
			people = []string{r.Owner}
		}
		seen := map[string]bool{}
		for _, p := range people {
			if !seen[p] {
				seen[p] = true
				byPerson[p] = append(byPerson[p], r)
			}
		}
	}
	out := make([]Reminder, 0, len(byPerson))
	for p, items := range byPerson {
		out = append(out, Reminder{Person: p, Items: items, Digest: digest(items)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Person < out[j].Person })
	return out
}

func digest(items []Result) string {
	lines := make([]string, 0, len(items))
	for _, it := range items {
		lines = append(lines, it.Kind+"\x00"+it.ID+"\x00"+it.State)
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Note is what a channel last sent a person, and when.
type Note struct {
	SentAt time.Time
	Digest string
}

// Repeats tells whether sending rm now would repeat the note within the
// quiet period: same content, sent less than period ago. A reminder whose
// content changed (a record newly due, or one turned overdue) is never a
// repeat.
func (rm Reminder) Repeats(last Note, now time.Time, period time.Duration) bool {
	return !last.SentAt.IsZero() && last.Digest == rm.Digest && now.Sub(last.SentAt) < period
}

// maxQuietPeriod bounds the quiet period: a reminder muted longer than
// this is no reminder.
const maxQuietPeriod = 90 * 24 * time.Hour

// ParseQuietPeriod reads a quiet period: whole days ("3d") or a Go
// duration ("20h", "90m"); "0" means every run reminds. At most 90 days.
func ParseQuietPeriod(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > int(maxQuietPeriod/(24*time.Hour)) {
			return 0, fmt.Errorf("quiet period %q: use whole days up to 90d, or hours like 20h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("quiet period %q: use days like 3d or hours like 20h", s)
		}
	}
	if d < 0 || d > maxQuietPeriod {
		return 0, fmt.Errorf("quiet period %q: use from 0 to 90d", s)
	}
	return d, nil
}

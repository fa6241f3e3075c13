package rotation

import (
	"testing"
	"time"

	"github.com/sellervault/sellervault/policies"
)

func defaults(t *testing.T) Defaults {
	t.Helper()
	d, err := ParseDefaults(policies.RotationDefaults())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestShippedDefaults(t *testing.T) {
	d := defaults(t)
	day := 24 * time.Hour
	if d[KindCredential] != 90*day || d[KindMailbox] != 180*day || d[KindPhone] != 365*day || d[KindPayout] != 30*day {
		t.Fatalf("defaults %v", d)
	}
}

func TestParseDefaultsRefusesBadInput(t *testing.T) {
	for _, text := range []string{
		"credential\n", "credential 90x\n", "credential 90d\ncredential 30d\n",
		"credential 90d\nmailbox 180d\nphone 365d\n", // payout missing
	} {
		if _, err := ParseDefaults(text); err == nil {
			t.Errorf("accepted %q", text)
		}
	}
}

func FuzzParseDefaults(f *testing.F) {
	f.Add(policies.RotationDefaults())
	f.Add("credential 1d\nmailbox 1w\nphone 24h\npayout-verification 3650d\n")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := ParseDefaults(text)
		if err != nil {
			return
		}
		for k, v := range d {
			if v < 24*time.Hour || v > 3650*24*time.Hour {
				t.Fatalf("%s: %v out of range", k, v)
			}
		}
	})
}

func TestEvaluate(t *testing.T) {
	d := defaults(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	window := 14 * day
	for _, tc := range []struct {
		name  string
		item  Item
		state string
		due   time.Time
	}{
		{"rotated long ago", Item{Kind: KindCredential, LastRotated: now.Add(-100 * day)}, Overdue, now.Add(-10 * day)},
		{"due in a week", Item{Kind: KindCredential, LastRotated: now.Add(-83 * day)}, DueSoon, now.Add(7 * day)},
		{"fresh", Item{Kind: KindCredential, LastRotated: now.Add(-1 * day)}, OK, now.Add(89 * day)},
		{"own interval wins", Item{Kind: KindCredential, Every: 30 * day, LastRotated: now.Add(-31 * day)}, Overdue, now.Add(-day)},
		{"marked due", Item{Kind: KindPhone, LastRotated: now, DueSince: now.Add(-time.Hour)}, Overdue, now.Add(-time.Hour)},
		{"never rotated", Item{Kind: KindMailbox}, Overdue, now},
		{"exactly at the window", Item{Kind: KindCredential, LastRotated: now.Add(-76 * day)}, DueSoon, now.Add(14 * day)},
	} {
		r := Evaluate(tc.item, d, now, window)
		if r.State != tc.state || !r.Due.Equal(tc.due) {
			t.Errorf("%s: %s due %v, want %s due %v", tc.name, r.State, r.Due, tc.state, tc.due)
		}
	}
	rep := Report([]Item{{ID: "ok", Kind: KindCredential, LastRotated: now}, {ID: "late", Kind: KindCredential}}, d, now, window)
	if rep[0].ID != "late" || rep[0].State != Overdue {
		t.Fatalf("report order %+v", rep)
	}
}

// An item read from a stale mirror says so, after any other reason.
func TestEvaluateStaleMirror(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	d := Defaults{KindCredential: 90 * 24 * time.Hour}
	r := Evaluate(Item{Kind: KindCredential, ID: "acme-us/ads", MirrorStale: true}, d, now, 0)
	if r.Reason != "never rotated; "+StaleReason {
		t.Errorf("reason %q", r.Reason)
	}
	r = Evaluate(Item{Kind: KindCredential, ID: "acme-us/ads", LastRotated: now, MirrorStale: true}, d, now, 0)
	if r.Reason != StaleReason || r.State != OK {
		t.Errorf("reason %q, state %s", r.Reason, r.State)
	}
	if r := Evaluate(Item{Kind: KindCredential, ID: "acme-us/ads", LastRotated: now}, d, now, 0); r.Reason != "" {
		t.Errorf("a fresh mirror's reason %q", r.Reason)
	}
}

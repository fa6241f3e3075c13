package rotation

import (
	"testing"
	"time"
)

func TestReminders(t *testing.T) {
	day := 24 * time.Hour
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	results := []Result{
		{Kind: KindCredential, ID: "acme-us/a", Owner: "maria", Assignees: []string{"olga", "tom", "olga"}, State: Overdue, Due: now.Add(-day)},
		{Kind: KindCredential, ID: "acme-us/b", Owner: "maria", State: DueSoon, Due: now.Add(day)},
		{Kind: KindCredential, ID: "acme-us/c", Owner: "maria", Assignees: []string{"olga"}, State: OK},
		{Kind: KindPayout, ID: "acme-de", State: Overdue},
	}
	got := Reminders(results)
	want := map[string][]string{"": {"acme-de"}, "maria": {"acme-us/b"}, "olga": {"acme-us/a"}, "tom": {"acme-us/a"}}
	if len(got) != len(want) {
		t.Fatalf("got %d reminders, want %d: %+v", len(got), len(want), got)
	}
	for i, rm := range got {
		if i > 0 && got[i-1].Person >= rm.Person {
			t.Errorf("not in name order: %q before %q", got[i-1].Person, rm.Person)
		}
		var ids []string
		for _, it := range rm.Items {
			ids = append(ids, it.ID)
		}
		if w := want[rm.Person]; len(ids) != len(w) || ids[0] != w[0] {
			t.Errorf("%q: items %v, want %v", rm.Person, ids, w)
		}
		if len(rm.Digest) != 32 {
			t.Errorf("%q: digest %q", rm.Person, rm.Digest)
		}
	}
	if got[2].Digest != got[3].Digest {
		t.Errorf("olga and tom have the same items but different digests")
	}
	if got[1].Digest == got[2].Digest {
		t.Errorf("different items, same digest")
	}
}

func TestDigestFollowsStateNotDate(t *testing.T) {
	a := []Result{{Kind: KindCredential, ID: "s/a", State: DueSoon, Due: time.Unix(100, 0)}}
	b := []Result{{Kind: KindCredential, ID: "s/a", State: DueSoon, Due: time.Unix(200, 0)}}
	c := []Result{{Kind: KindCredential, ID: "s/a", State: Overdue, Due: time.Unix(100, 0)}}
	if digest(a) != digest(b) {
		t.Error("the due date changed the digest")
	}
	if digest(a) == digest(c) {
		t.Error("the state did not change the digest")
	}
}

func TestRepeats(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	rm := Reminder{Person: "olga", Digest: "d1"}
	cases := []struct {
		name string
		last Note
		want bool
	}{
		{"never sent", Note{}, false},
		{"same, an hour ago", Note{SentAt: now.Add(-time.Hour), Digest: "d1"}, true},
		{"same, just inside", Note{SentAt: now.Add(-DefaultQuietPeriod + time.Second), Digest: "d1"}, true},
		{"same, period over", Note{SentAt: now.Add(-DefaultQuietPeriod), Digest: "d1"}, false},
		{"changed, an hour ago", Note{SentAt: now.Add(-time.Hour), Digest: "d0"}, false},
	}
	for _, tc := range cases {
		if got := rm.Repeats(tc.last, now, DefaultQuietPeriod); got != tc.want {
			t.Errorf("%s: Repeats = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestParseQuietPeriod(t *testing.T) {
	good := map[string]time.Duration{"3d": 72 * time.Hour, " 20h ": 20 * time.Hour, "0": 0, "0d": 0, "90m": 90 * time.Minute, "90d": 90 * 24 * time.Hour}
	for in, want := range good {
		if got, err := ParseQuietPeriod(in); err != nil || got != want {
			t.Errorf("ParseQuietPeriod(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "-1d", "-5h", "91d", "2161h", "3 days", "1.5d", "soon"} {
		if _, err := ParseQuietPeriod(in); err == nil {
			t.Errorf("ParseQuietPeriod(%q): no error", in)
		}
	}
}

func FuzzParseQuietPeriod(f *testing.F) {
	for _, s := range []string{"3d", "20h", "0", "-1d", "91d", "1h30m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseQuietPeriod(s)
		if err == nil && (d < 0 || d > maxQuietPeriod) {
			t.Fatalf("ParseQuietPeriod(%q) = %v, outside 0..90d", s, d)
		}
	})
}

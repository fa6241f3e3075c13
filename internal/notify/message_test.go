package notify

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{sampleMessage(), "sellervault: 3 overdue, 2 due soon (team sellervault)"},
		{Message{}, "sellervault: nothing due"},
		{Message{Team: "acme", Groups: []Group{{Items: []Item{{State: StateDueSoon}}}}}, "sellervault: 0 overdue, 1 due soon (team acme)"},
		{Message{Team: "a\r\nBcc: x@evil.example"}, "sellervault: nothing due (team a\uFFFD\uFFFDBcc: x@evil.example)"},
	} {
		if got := tc.m.Title(); got != tc.want {
			t.Errorf("Title() = %q, want %q", got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	want := `sellervault: 3 overdue, 2 due soon (team sellervault)

olga
  overdue  acme-us/seller-central  credential  due 2026-10-01 (marked due)
  due-soon  ops-us@acme.example  mailbox  due 2026-10-20

j.smith
  overdue  acme-de  payout-verification  due 2026-09-01

(no assignee)
  overdue  +14155550100  phone (never rotated)
  due-soon  acme-uk/ebay  credential  due 2026-10-12`
	if got := sampleMessage().Text(0); got != want {
		t.Errorf("Text(0) =\n%s\nwant\n%s", got, want)
	}
	if got := sampleMessage().Text(len(want)); got != want {
		t.Errorf("Text(exact length) was cut:\n%s", got)
	}
}

func TestMarkdown(t *testing.T) {
	want := "#### sellervault: 3 overdue, 2 due soon (team sellervault)\n" +
		"\n**olga**\n\n" +
		"- overdue  `acme-us/seller-central`  credential  due 2026-10-01 (marked due)\n" +
		"- due-soon  `ops-us@acme.example`  mailbox  due 2026-10-20\n" +
		"\n**j.smith**\n\n" +
		"- overdue  `acme-de`  payout-verification  due 2026-09-01\n" +
		"\n**(no assignee)**\n\n" +
		"- overdue  `+14155550100`  phone (never rotated)\n" +
		"- due-soon  `acme-uk/ebay`  credential  due 2026-10-12"
	if got := sampleMessage().Markdown(0); got != want {
		t.Errorf("Markdown(0) =\n%s\nwant\n%s", got, want)
	}
}

func TestMarkdownEscapes(t *testing.T) {
	m := Message{Groups: []Group{{Person: "*boss*", Items: []Item{
		{Record: "a`b](http://evil.example)", Kind: "<font>", State: StateOverdue, Reason: "[click](x)"},
	}}}}
	got := m.Markdown(0)
	for _, want := range []string{`**\*boss\***`, "`a'b](http://evil.example)`", `\<font\>`, `\[click\](x)`} {
		if !strings.Contains(got, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, got)
		}
	}
}

func TestSlackText(t *testing.T) {
	m := sampleMessage()
	m.Groups[0].Person = "a<b>&c"
	got := m.slackText(0)
	for _, want := range []string{
		"*sellervault: 3 overdue, 2 due soon (team sellervault)*",
		"*a&lt;b&gt;&amp;c*",
		"• overdue  `acme-us/seller-central`  credential  due 2026-10-01 (marked due)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("slack text lacks %q:\n%s", want, got)
		}
	}
}

// A field cannot add a line, or reorder one.
func TestFieldsAreCleaned(t *testing.T) {
	m := Message{Groups: []Group{{Person: "olga\n  overdue  fake", Items: []Item{
		{Record: "acme\nus\u202e\u200b\xff", Kind: "credential", State: StateOverdue, Reason: strings.Repeat("x", 300)},
	}}}}
	for _, s := range []string{m.Text(0), m.Markdown(0), m.slackText(0)} {
		lines := strings.Split(s, "\n")
		if strings.Contains(s, "\u202e") || strings.Contains(s, "\u200b") || !utf8.ValidString(s) {
			t.Errorf("format character or bad UTF-8 left in %q", s)
		}
		if !strings.Contains(s, "acme\uFFFDus\uFFFD\uFFFD\uFFFD") {
			t.Errorf("record not cleaned as expected: %q", s)
		}
		if strings.Contains(s, strings.Repeat("x", 201)) || !strings.Contains(s, "x…") {
			t.Errorf("long reason not cut: %q", s)
		}
		// title, blank, person, item (plus a blank line in Markdown)
		if len(lines) != 4 && len(lines) != 5 {
			t.Errorf("%d lines in %q", len(lines), s)
		}
	}
}

func manyItems(n int) Message {
	m := Message{Team: "sellervault", Now: testNow}
	for p := 0; p < 3; p++ {
		g := Group{Person: fmt.Sprintf("person-%d", p)}
		for i := 0; i < n; i++ {
			g.Items = append(g.Items, Item{Record: fmt.Sprintf("store-%d/cred-%d", p, i), Kind: "credential", State: StateOverdue, Due: day(2026, 9, 1+i%28)})
		}
		m.Groups = append(m.Groups, g)
	}
	return m
}

func TestTruncation(t *testing.T) {
	m := manyItems(20)
	for _, render := range []struct {
		name string
		f    func(int) string
	}{{"text", m.Text}, {"markdown", m.Markdown}, {"slack", m.slackText}} {
		full := render.f(0)
		fullLines := map[string]bool{}
		for _, l := range strings.Split(full, "\n") {
			fullLines[l] = true
		}
		for _, limit := range []int{1, 5, 15, 40, 100, 300, 1000, 2000, len(full) - 1} {
			got := render.f(limit)
			if len(got) > limit {
				t.Errorf("%s(%d): %d bytes", render.name, limit, len(got))
			}
			if !utf8.ValidString(got) {
				t.Errorf("%s(%d): invalid UTF-8 %q", render.name, limit, got)
			}
			if limit < 100 {
				continue // the title alone is cut
			}
			lines := strings.Split(got, "\n")
			last := lines[len(lines)-1]
			var n int
			if _, err := fmt.Sscanf(last, "… and %d more", &n); err != nil {
				t.Fatalf("%s(%d): last line %q", render.name, limit, last)
			}
			shown := 0
			for _, l := range lines[:len(lines)-1] {
				if !fullLines[l] {
					t.Errorf("%s(%d): line %q is not a whole line", render.name, limit, l)
				}
				if strings.Contains(l, "store-") {
					shown++
				}
			}
			if shown+n != 60 {
				t.Errorf("%s(%d): %d shown + %d more != 60", render.name, limit, shown, n)
			}
			// A person's header is never the last line shown.
			if prev := strings.TrimSpace(lines[len(lines)-2]); strings.Contains(prev, "person-") && !strings.Contains(prev, "store-") {
				t.Errorf("%s(%d): header without items at the end:\n%s", render.name, limit, got)
			}
		}
	}
}

func TestTruncationExample(t *testing.T) {
	m := sampleMessage()
	got := m.Text(200)
	want := `sellervault: 3 overdue, 2 due soon (team sellervault)

olga
  overdue  acme-us/seller-central  credential  due 2026-10-01 (marked due)
… and 4 more`
	if got != want {
		t.Errorf("Text(200) =\n%s\nwant\n%s", got, want)
	}
}

func FuzzText(f *testing.F) {
	f.Add("olga", "acme-us/seller-central", "overdue", "marked due", 100)
	f.Add("", "a\nb", "due-soon", "\xff\u202e", 3)
	f.Fuzz(func(t *testing.T, person, record, state, reason string, limit int) {
		limit %= 5000
		m := Message{Team: person, Groups: []Group{
			{Person: person, Items: []Item{{Record: record, State: state, Reason: reason, Due: testNow}}},
			{Person: record, Items: []Item{{Record: reason, State: state, Kind: person}, {Record: record}}},
		}}
		for _, s := range []string{m.Text(limit), m.Markdown(limit), m.slackText(limit)} {
			if limit > 0 && len(s) > limit {
				t.Fatalf("%d bytes over the limit %d: %q", len(s), limit, s)
			}
			if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\t\x00") {
				t.Fatalf("bad output %q", s)
			}
		}
		if strings.ContainsAny(m.Title(), "\n") {
			t.Fatalf("title with a line break: %q", m.Title())
		}
		if full := m.Text(0); strings.Count(full, "\n") != 7 {
			t.Fatalf("a field added or removed lines:\n%s", full)
		}
	})
}

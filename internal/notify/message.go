package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Item is one record due for rotation: names and dates, never values.
type Item struct {
	Record string    // e.g. "acme-us/seller-central", "ops-us@acme.example", "+14155550100", "acme-de"
	Kind   string    // "credential", "mailbox", "phone", "payout-verification"
	State  string    // "overdue" or "due-soon"
	Due    time.Time // the zero time when there is no due date
	Reason string    // optional: "marked due", "never rotated"
}

// Group is one person's items. Person "" means unassigned and is rendered
// as "(no assignee)".
type Group struct {
	Person string
	Items  []Item
}

// Message is one reminder run's message.
type Message struct {
	Team   string // mount prefix / team name, shown in the title
	Now    time.Time
	Groups []Group
}

// The states an Item counts as in the title.
const (
	StateOverdue = "overdue"
	StateDueSoon = "due-soon"
)

// noAssignee is how a Group without a person is shown.
const noAssignee = "(no assignee)"

// maxField is the most bytes of one field (record, kind, person …) a
// message shows; a longer one is cut and ends with "…".
const maxField = 200

// Title is the one-line summary: "sellervault: 3 overdue, 2 due soon (team
// sellervault)", or "sellervault: nothing due" when the message holds no
// items. It never holds a control character, so it is safe as an e-mail
// subject.
func (m Message) Title() string {
	overdue, soon, total := m.counts()
	var b strings.Builder
	if total == 0 {
		b.WriteString("sellervault: nothing due")
	} else {
		fmt.Fprintf(&b, "sellervault: %d overdue, %d due soon", overdue, soon)
	}
	if team := clean(m.Team); team != "" {
		fmt.Fprintf(&b, " (team %s)", team)
	}
	return b.String()
}

func (m Message) counts() (overdue, soon, total int) {
	for _, g := range m.Groups {
		for _, it := range g.Items {
			total++
			switch it.State {
			case StateOverdue:
				overdue++
			case StateDueSoon:
				soon++
			}
		}
	}
	return overdue, soon, total
}

// Text is the message as plain text: the title, then one block per person,
// one line per item:
//
//	sellervault: 1 overdue, 1 due soon (team sellervault)
//
//	olga
//	  overdue  acme-us/seller-central  credential  due 2026-10-01 (marked due)
//
//	(no assignee)
//	  due-soon  +14155550100  phone  due 2026-10-20
//
// When the text is longer than limit bytes, whole lines are left out from
// the end and the text ends with "… and N more" (N items left out); it is
// then at most limit bytes long. A limit of 0 or less means no limit.
func (m Message) Text(limit int) string {
	return m.render(textStyle, limit)
}

// Markdown is the message as Markdown, the subset that DingTalk and WeCom
// render: a heading, the person in bold, one list item per item with the
// record name as code. Truncation is as in Text.
func (m Message) Markdown(limit int) string {
	return m.render(markdownStyle, limit)
}

// slackText is the message in Slack's mrkdwn (bold is *x*, and &, <, >
// are escaped as Slack asks).
func (m Message) slackText(limit int) string {
	return m.render(slackStyle, limit)
}

// style is one way of rendering a message. Each function gets fields that
// went through clean already.
type style struct {
	title  func(title string) string
	person func(person string) string
	item   func(state, record, kind, due, reason string) string
	footer func(n int) string
}

func itemWords(state, record, kind, due, reason string) string {
	parts := make([]string, 0, 4)
	for _, p := range []string{state, record, kind, due} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s := strings.Join(parts, "  ")
	if reason != "" {
		s += " (" + reason + ")"
	}
	return s
}

var textStyle = style{
	title: func(t string) string { return t },
	person: func(p string) string {
		return "\n" + p
	},
	item: func(state, record, kind, due, reason string) string {
		return "  " + itemWords(state, record, kind, due, reason)
	},
	footer: func(n int) string { return fmt.Sprintf("… and %d more", n) },
}

var markdownStyle = style{
	title: func(t string) string { return "#### " + mdEscape(t) },
	person: func(p string) string {
		return "\n**" + mdEscape(p) + "**\n"
	},
	item: func(state, record, kind, due, reason string) string {
		return "- " + itemWords(mdEscape(state), mdCode(record), mdEscape(kind), due, mdEscape(reason))
	},
	footer: func(n int) string { return fmt.Sprintf("\n… and %d more", n) },
}

var slackStyle = style{
	title: func(t string) string { return "*" + slackEscape(t) + "*" },
	person: func(p string) string {
		return "\n*" + slackEscape(p) + "*"
	},
	item: func(state, record, kind, due, reason string) string {
		return "• " + itemWords(slackEscape(state), "`"+slackEscape(strings.ReplaceAll(record, "`", "'"))+"`",
			slackEscape(kind), due, slackEscape(reason))
	},
	footer: func(n int) string { return fmt.Sprintf("… and %d more", n) },
}

// chunk is one piece of a rendered message: a line, or a person's header
// (which may span lines). Chunks are joined with "\n".
type chunk struct {
	text  string
	items int // 1 for an item's line
	// header: the chunk is only worth showing with the chunk after it.
	header bool
}

func (m Message) render(st style, limit int) string {
	chunks := []chunk{{text: st.title(m.Title())}}
	total := 0
	for _, g := range m.Groups {
		if len(g.Items) == 0 {
			continue
		}
		person := clean(g.Person)
		if person == "" {
			person = noAssignee
		}
		chunks = append(chunks, chunk{text: st.person(person), header: true})
		for _, it := range g.Items {
			due := ""
			if !it.Due.IsZero() {
				due = "due " + it.Due.Format(time.DateOnly)
			}
			chunks = append(chunks, chunk{
				text:  st.item(clean(it.State), clean(it.Record), clean(it.Kind), due, clean(it.Reason)),
				items: 1,
			})
			total++
		}
	}
	return fit(chunks, total, limit, st.footer)
}

// fit joins chunks with "\n" into at most limit bytes (no limit when limit
// <= 0), leaving out whole chunks from the end and then ending with
// footer(number of items left out).
func fit(chunks []chunk, total, limit int, footer func(int) string) string {
	size := 0
	for i, c := range chunks {
		if i > 0 {
			size++
		}
		size += len(c.text)
	}
	if limit <= 0 || size <= limit {
		var b strings.Builder
		b.Grow(size)
		for i, c := range chunks {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(c.text)
		}
		return b.String()
	}

	var b strings.Builder
	left := total // items not (yet) shown
	for i, c := range chunks {
		need := len(c.text)
		if i > 0 {
			need++ // the newline before it
		}
		after := left - c.items
		// A header goes in only with the line after it.
		if c.header && i+1 < len(chunks) {
			next := chunks[i+1]
			need += 1 + len(next.text)
			after -= next.items
		}
		// What follows in the end: "\n" + the footer, with at most
		// `after` items left out (fewer once more chunks fit).
		if b.Len()+need+1+len(footer(after)) > limit {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c.text)
		left -= c.items
	}
	f := footer(left)
	if b.Len() == 0 {
		// Not even the title fits with the footer: cut the title.
		title := cutBytes(chunks[0].text, limit-1-len(f))
		if title == "" {
			return cutBytes(f, limit)
		}
		b.WriteString(title)
	}
	b.WriteByte('\n')
	b.WriteString(f)
	return b.String()
}

// cutBytes returns the longest prefix of s of at most n bytes that ends on
// a character boundary.
func cutBytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// clean makes one field safe to show on one line: control characters,
// Unicode format characters (bidirectional overrides, zero-width
// characters) and bytes that are not UTF-8 become U+FFFD, and the field is
// cut to maxField bytes, ending with "…".
func clean(s string) string {
	ok := len(s) <= maxField
	if ok {
		for _, r := range s {
			if r == utf8.RuneError || r < ' ' || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			r = utf8.RuneError
		}
		if b.Len()+utf8.RuneLen(r) > maxField-len("…") {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdEscape escapes what Markdown would read as markup in a field.
func mdEscape(s string) string {
	if !strings.ContainsAny(s, "\\`*[]<>#|~") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*[]<>#|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode shows a field as inline code; backticks in it become quotes.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

// slackEscape escapes the three characters Slack reads as markup.
var slackReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackReplacer.Replace(s) }

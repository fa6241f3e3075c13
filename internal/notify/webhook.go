package notify

import "time"

// The generic webhook's JSON. Its keys are part of sellervault's
// interface: they are never renamed or removed.
type webhookJSON struct {
	Title       string             `json:"title"`
	Team        string             `json:"team"`
	GeneratedAt string             `json:"generated_at"`
	Groups      []webhookGroupJSON `json:"groups"`
	Text        string             `json:"text"`
}

type webhookGroupJSON struct {
	Person string            `json:"person"`
	Items  []webhookItemJSON `json:"items"`
}

type webhookItemJSON struct {
	Record string `json:"record"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Due    string `json:"due"`
	Reason string `json:"reason"`
}

// webhookPayload is the generic webhook's body: the whole message as data,
// and as plain text. An unassigned group has the person "" (the text says
// "(no assignee)").
func webhookPayload(m Message) webhookJSON {
	p := webhookJSON{
		Title:  m.Title(),
		Team:   clean(m.Team),
		Groups: []webhookGroupJSON{},
		Text:   m.Text(0),
	}
	if !m.Now.IsZero() {
		p.GeneratedAt = m.Now.Format(time.RFC3339)
	}
	for _, g := range m.Groups {
		if len(g.Items) == 0 {
			continue
		}
		jg := webhookGroupJSON{Person: clean(g.Person), Items: []webhookItemJSON{}}
		for _, it := range g.Items {
			jg.Items = append(jg.Items, webhookItemJSON{
				Record: clean(it.Record),
				Kind:   clean(it.Kind),
				State:  clean(it.State),
				Due:    formatDue(it.Due),
				Reason: clean(it.Reason),
			})
		}
		p.Groups = append(p.Groups, jg)
	}
	return p
}

// formatDue is a due date for JSON: "2026-10-01" when it is a whole day,
// RFC 3339 when it has a time of day, "" when there is none.
func formatDue(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0:
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}

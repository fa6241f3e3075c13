package remind

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/notify"
	"github.com/sellervault/sellervault/internal/rotation"
)

// ErrUndelivered means at least one channel did not take its reminder.
var ErrUndelivered = errors.New("reminders were not delivered")

// Store is what the job reads and records.
type Store interface {
	// Items is every rotation item the caller may see ("" store: all).
	Items(ctx context.Context, store string) ([]rotation.Item, error)
	ReminderNote(ctx context.Context, channel, person string) (rotation.Note, error)
	SetReminderNote(ctx context.Context, channel, person string, n rotation.Note) error
}

// Options are one run's.
type Options struct {
	Team     string // the team's mount prefix, named in the messages
	Window   time.Duration
	Defaults rotation.Defaults
	Quiet    time.Duration
	DryRun   bool
	Channels []notify.Channel // none: only Preview is filled
	Now      time.Time
}

// Outcome is one channel's line in the job's report; its JSON keys are
// stable.
type Outcome struct {
	Channel string `json:"channel"`
	Type    string `json:"type"`
	Result  string `json:"result"` // sent, quiet, nothing-due, would-send, failed
	People  int    `json:"people"`
	Items   int    `json:"items"`
	Error   string `json:"error,omitempty"`
}

// Result is what a run did.
type Result struct {
	// Preview is the message, when there are no channels (a dry run
	// that only shows it).
	Preview *notify.Message
	// Outcomes has one line per channel, in the order given.
	Outcomes []Outcome
	// Unrecorded are channels whose reminders were sent but not noted
	// (so the next run repeats them), with why.
	Unrecorded []error
}

// Run works out the reminders and, unless a dry run, sends them.
func Run(ctx context.Context, st Store, o Options) (Result, error) {
	items, err := st.Items(ctx, "")
	if err != nil {
		return Result{}, err
	}
	reminders := rotation.Reminders(rotation.Report(items, o.Defaults, o.Now, o.Window))
	if len(o.Channels) == 0 {
		m := Message(o.Team, o.Now, reminders)
		return Result{Preview: &m}, nil
	}

	res := Result{Outcomes: make([]Outcome, len(o.Channels))}
	msgs := map[string]notify.Message{}
	sending := map[string][]rotation.Reminder{}
	for i, ch := range o.Channels {
		out := &res.Outcomes[i]
		*out = Outcome{Channel: ch.Name(), Type: ch.Type(), Result: "nothing-due"}
		var fresh []rotation.Reminder
		for _, rm := range reminders {
			last, err := st.ReminderNote(ctx, ch.Name(), rm.Person)
			if err != nil {
				return Result{}, err
			}
			if rm.Repeats(last, o.Now, o.Quiet) {
				out.Result = "quiet"
				continue
			}
			fresh = append(fresh, rm)
		}
		if len(fresh) == 0 {
			continue
		}
		out.Result, out.People = "would-send", len(fresh)
		for _, rm := range fresh {
			out.Items += len(rm.Items)
		}
		sending[ch.Name()] = fresh
		msgs[ch.Name()] = Message(o.Team, o.Now, fresh)
	}
	if o.DryRun {
		return res, nil
	}

	failed := 0
	index := map[string]int{}
	for i, ch := range o.Channels {
		index[ch.Name()] = i
	}
	for _, sent := range notify.SendAll(ctx, o.Channels, msgs) {
		out := &res.Outcomes[index[sent.Channel]]
		if sent.Err != nil {
			out.Result, out.Error = "failed", sent.Err.Error()
			var ne *notify.Error
			if errors.As(sent.Err, &ne) {
				out.Error = ne.Detail // the channel is named in its own column
			}
			failed++
			continue
		}
		out.Result = "sent"
		for _, rm := range sending[sent.Channel] {
			if err := st.SetReminderNote(ctx, sent.Channel, rm.Person, rotation.Note{SentAt: o.Now, Digest: rm.Digest}); err != nil {
				res.Unrecorded = append(res.Unrecorded,
					fmt.Errorf("sent on %s, but could not record it, so the next run repeats it: %w", sent.Channel, err))
				break
			}
		}
	}
	switch {
	case failed > 0:
		return res, fmt.Errorf("%d of %d channels failed: %w", failed, len(o.Channels), ErrUndelivered)
	case len(res.Unrecorded) > 0:
		return res, fmt.Errorf("%d channels' reminders were sent but not recorded", len(res.Unrecorded))
	}
	return res, nil
}

// Message turns reminders into a channel's message: record names,
// kinds, states and dates only.
func Message(team string, now time.Time, reminders []rotation.Reminder) notify.Message {
	m := notify.Message{Team: team, Now: now}
	for _, rm := range reminders {
		g := notify.Group{Person: rm.Person}
		for _, it := range rm.Items {
			g.Items = append(g.Items, notify.Item{Record: it.ID, Kind: it.Kind, State: it.State, Due: it.Due, Reason: it.Reason})
		}
		m.Groups = append(m.Groups, g)
	}
	return m
}

package repo

import (
	"context"
	"errors"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/rotation"
	"github.com/sellervault/sellervault/internal/vault"
)

// The reminder job's notes live in the reminders mount: one metadata
// entry (no data) per channel and person, saying when that channel last
// reminded that person and of what. The reminder policy may write there
// and nowhere else, and nothing else lives there.

// unassigned stands for "" (records nobody holds) in a note's path.
const unassigned = "_unassigned"

func reminderPath(channel, person string) string {
	if person == "" {
		person = unassigned
	}
	return records.ReminderNotePath(channel, person)
}

// ReminderNote reads what channel last sent person; never sent is the
// zero Note.
func (f Rotation) ReminderNote(ctx context.Context, channel, person string) (rotation.Note, error) {
	r := f.r
	meta, err := r.c.KV().Metadata(ctx, r.layout.Reminders(), reminderPath(channel, person))
	if errors.Is(err, vault.ErrNotFound) {
		return rotation.Note{}, nil
	}
	if err != nil {
		return rotation.Note{}, err
	}
	sent, _ := time.Parse(time.RFC3339, meta.CustomMetadata["sent_at"])
	return rotation.Note{SentAt: sent, Digest: meta.CustomMetadata["digest"]}, nil
}

// SetReminderNote records that channel reminded person.
func (f Rotation) SetReminderNote(ctx context.Context, channel, person string, n rotation.Note) error {
	r := f.r
	return r.c.KV().SetCustomMetadata(ctx, r.layout.Reminders(), reminderPath(channel, person), map[string]string{
		"sent_at": n.SentAt.UTC().Format(time.RFC3339), "digest": n.Digest,
	})
}

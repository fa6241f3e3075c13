package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/vault"
)

// An import's progress (importer.Progress: what each run of one import
// wrote, for the report of a re-run; package importrun reads and records
// it) lives at backup.ImportDir + its ID. It holds addresses, outcomes
// and times, never a value; managers only (the records mount), and
// backups leave it out.

// importProgressRecord is the progress as stored.
type importProgressRecord struct {
	Runs int                      `json:"runs"`
	Done map[string]importer.Done `json:"done"`
}

// LoadProgress reads the progress of the import of addrs (none
// yet: an empty one) and numbers this run.
func (f Imports) LoadProgress(ctx context.Context, addrs []string) (*importer.Progress, error) {
	r := f.r
	p := importer.NewProgress(addrs)
	rec, err := r.c.KV().Get(ctx, r.mount, backup.ImportDir+p.ID)
	if errors.Is(err, vault.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the import's progress: %w", err)
	}
	raw, _ := rec.Data["progress"].(string)
	var stored importProgressRecord
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, fmt.Errorf("the import's progress (%s%s) is unreadable: %w", backup.ImportDir, p.ID, err)
	}
	p.Version, p.Run = rec.Version, stored.Runs+1
	for addr, d := range stored.Done {
		p.Done[addr] = d
	}
	return p, nil
}

// SaveProgress writes the progress with this run counted
// (check-and-set: two runs of one import at once do not both count); it
// may be saved more than once in a run.
func (f Imports) SaveProgress(ctx context.Context, p *importer.Progress) error {
	r := f.r
	raw, err := json.Marshal(importProgressRecord{Runs: p.Run, Done: p.Done})
	if err != nil {
		return err
	}
	v, err := r.c.KV().Put(ctx, r.mount, backup.ImportDir+p.ID, map[string]interface{}{"progress": string(raw)}, p.Version)
	if err != nil {
		return fmt.Errorf("record the import's progress: %w", err)
	}
	p.Version = v
	return nil
}

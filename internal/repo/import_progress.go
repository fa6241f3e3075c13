package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/vault"
)

// An import's progress: what each run of one import wrote, so that the
// report of a re-run (after a run that stopped: a failover, a lost
// connection) lists every credential, including those an earlier run
// wrote and this one skips because they exist. It lives at
// backup.ImportDir + ID, where ID is a digest of the addresses
// (STORE/NAME) the import names: the same file imported again, or
// another holding the same credentials, continues the same progress. It
// holds addresses, outcomes and times, never a value; managers only
// (the records mount), and backups leave it out.

// ImportProgress is one import's progress, loaded by Imports().LoadProgress.
type ImportProgress struct {
	id      string
	version int
	// Run is this run's number: 1 for the first.
	Run  int
	done map[string]ImportDone
}

// ImportDone is what a run did to one credential.
type ImportDone struct {
	Outcome ImportOutcome `json:"outcome"`
	Run     int           `json:"run"`
	At      time.Time     `json:"at"`
}

// importProgressRecord is the progress as stored.
type importProgressRecord struct {
	Runs int                   `json:"runs"`
	Done map[string]ImportDone `json:"done"`
}

// ImportID names the import of these addresses (in any order).
func ImportID(addrs []string) string {
	sorted := slices.Clone(addrs)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return hex.EncodeToString(sum[:12])
}

// LoadProgress reads the progress of the import of addrs (none
// yet: an empty one) and numbers this run.
func (f Imports) LoadProgress(ctx context.Context, addrs []string) (*ImportProgress, error) {
	r := f.r
	p := &ImportProgress{id: ImportID(addrs), Run: 1, done: map[string]ImportDone{}}
	rec, err := r.c.KV().Get(ctx, r.mount, backup.ImportDir+p.id)
	if errors.Is(err, vault.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the import's progress: %w", err)
	}
	raw, _ := rec.Data["progress"].(string)
	var stored importProgressRecord
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		return nil, fmt.Errorf("the import's progress (%s%s) is unreadable: %w", backup.ImportDir, p.id, err)
	}
	p.version, p.Run = rec.Version, stored.Runs+1
	for addr, d := range stored.Done {
		p.done[addr] = d
	}
	return p, nil
}

// ImportStarted is the outcome recorded before a run's writes: a
// credential this run set out to write. A run that stopped may have
// written it (its data, perhaps without its metadata): a later run that
// finds it there reports it as that run's.
const ImportStarted ImportOutcome = "started"

// Start notes, before this run writes, the credentials it sets out to
// write (those no earlier run finished); save it before the writes.
func (p *ImportProgress) Start(addrs []string, at time.Time) {
	for _, a := range addrs {
		if d, ok := p.done[a]; !ok || d.Outcome == ImportStarted {
			p.done[a] = ImportDone{Outcome: ImportStarted, Run: p.Run, At: at.UTC()}
		}
	}
}

// Record notes what this run did to the credential at addr.
func (p *ImportProgress) Record(addr string, outcome ImportOutcome, at time.Time) {
	p.done[addr] = ImportDone{Outcome: outcome, Run: p.Run, At: at.UTC()}
}

// Earlier is what an earlier run did to the credential at addr, if any.
func (p *ImportProgress) Earlier(addr string) (ImportDone, bool) {
	d, ok := p.done[addr]
	return d, ok && d.Run < p.Run
}

// SaveProgress writes the progress with this run counted
// (check-and-set: two runs of one import at once do not both count); it
// may be saved more than once in a run.
func (f Imports) SaveProgress(ctx context.Context, p *ImportProgress) error {
	r := f.r
	raw, err := json.Marshal(importProgressRecord{Runs: p.Run, Done: p.done})
	if err != nil {
		return err
	}
	v, err := r.c.KV().Put(ctx, r.mount, backup.ImportDir+p.id, map[string]interface{}{"progress": string(raw)}, p.version)
	if err != nil {
		return fmt.Errorf("record the import's progress: %w", err)
	}
	p.version = v
	return nil
}

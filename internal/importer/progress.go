package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// An import's progress is what each run of one import wrote, so that the
// report of a re-run (after a run that stopped: a failover, a lost
// connection) lists every credential, including those an earlier run
// wrote and this one skips because they exist. The store keeps it under
// an ID that is a digest of the addresses (STORE/NAME) the import names:
// the same file imported again, or another holding the same credentials,
// continues the same progress. It holds addresses, outcomes and times,
// never a value. Package importrun reads and records it; the store
// (package repo) only loads and saves it.

// Outcome is what an import did, or set out to do, to one credential.
type Outcome string

// The outcomes. A write ends added, updated, unchanged, failed or not
// tried; the progress records added, updated and started.
const (
	OutcomeAdded     Outcome = "added"
	OutcomeUpdated   Outcome = "updated"
	OutcomeUnchanged Outcome = "unchanged" // an update that changed nothing: nothing written
	OutcomeFailed    Outcome = "failed"
	OutcomeNotTried  Outcome = "not tried" // the import stopped first
	// OutcomeStarted is recorded before a run's writes: a credential the
	// run set out to write. A run that stopped may have written it (its
	// data, perhaps without its metadata): a later run that finds it
	// there reports it as that run's.
	OutcomeStarted Outcome = "started"
)

// Done is what a run did to one credential, as the progress stores it.
type Done struct {
	Outcome Outcome   `json:"outcome"`
	Run     int       `json:"run"`
	At      time.Time `json:"at"`
}

// Progress is one import's progress, as loaded for a run.
type Progress struct {
	// ID names the import: ProgressID of the addresses it names.
	ID string
	// Version is the stored record's version, kept by the store for the
	// check-and-set of the next save (0: none stored yet).
	Version int
	// Run is this run's number: 1 for the first.
	Run int
	// Done is, by address (STORE/NAME), what the last run that wrote the
	// credential did to it.
	Done map[string]Done
}

// ProgressID names the import of these addresses (in any order).
func ProgressID(addrs []string) string {
	sorted := slices.Clone(addrs)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return hex.EncodeToString(sum[:12])
}

// NewProgress is the progress of a first run of the import of addrs.
func NewProgress(addrs []string) *Progress {
	return &Progress{ID: ProgressID(addrs), Run: 1, Done: map[string]Done{}}
}

// Start notes, before this run writes, the credentials it sets out to
// write (those no earlier run finished); save it before the writes.
func (p *Progress) Start(addrs []string, at time.Time) {
	for _, a := range addrs {
		if d, ok := p.Done[a]; !ok || d.Outcome == OutcomeStarted {
			p.Done[a] = Done{Outcome: OutcomeStarted, Run: p.Run, At: at.UTC()}
		}
	}
}

// Record notes what this run did to the credential at addr.
func (p *Progress) Record(addr string, outcome Outcome, at time.Time) {
	p.Done[addr] = Done{Outcome: outcome, Run: p.Run, At: at.UTC()}
}

// Earlier is what an earlier run did to the credential at addr, if any.
func (p *Progress) Earlier(addr string) (Done, bool) {
	d, ok := p.Done[addr]
	return d, ok && d.Run < p.Run
}

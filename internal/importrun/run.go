package importrun

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/records"
)

// Report is what a run did, item by item, for the command's table.
type Report struct {
	// Items are the plan's, in its order, each with what was done and
	// why. A written item's Row (which holds its password) is cleared.
	Items []importer.Item
	// Counts counts Items by action.
	Counts map[importer.Action]int
	// Run is this run's number of the import (1 for the first); 0 when
	// the earlier runs' progress could not be read.
	Run int
	// Failed is how many writes failed or were not tried.
	Failed int
	// Stale: a write, or a repair, left the redaction index or the
	// credential listing behind (`sellervault redact --reindex` rebuilds
	// them).
	Stale bool
}

// Run carries out a valid plan (importer.Plan.Valid): it records what
// this run sets out to write in the import's progress, writes the adds
// and updates (Import), repairs the metadata of the credentials it skips
// when an interrupted run left it behind their data, records what it
// wrote, and reports every item, crediting to an earlier run of the same
// import what that run wrote.
//
// The error, when writes failed or were not tried, says how many and
// wraps the first write's error (else the context's); the report is
// complete either way.
func Run(ctx context.Context, d Deps, plan *importer.Plan, o Options) (Report, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now().UTC().Truncate(time.Second)
	}
	writes, at := planWrites(plan, now)
	runs := loadRuns(ctx, d.Progress, plan.Items, writes, now, o.Warn)
	results := Import(ctx, d.Store, writes, o)
	if o.AfterWrites != nil {
		o.AfterWrites()
	}

	rep := Report{Items: append([]importer.Item(nil), plan.Items...), Counts: map[importer.Action]int{}}
	firstErr := rep.merge(results, at, o.Stale)
	rep.repair(ctx, d.Mirrors)
	rep.Run = recordRuns(ctx, d.Progress, runs, rep.Items, results, at, now, o.Warn)
	for _, it := range rep.Items {
		rep.Counts[it.Action]++
	}
	if rep.Failed == 0 {
		return rep, nil
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr == nil {
		firstErr = errors.New("the import stopped")
	}
	return rep, fmt.Errorf("%d of %d credentials were not imported (listed above): %w", rep.Failed, len(writes), firstErr)
}

// planWrites are the plan's writes, in its order, and the plan item of
// each.
func planWrites(plan *importer.Plan, now time.Time) (writes []Write, at []int) {
	for i, it := range plan.Items {
		row := it.Row
		switch it.Action {
		case importer.ActionAdd:
			writes = append(writes, Write{Cred: row.Credential(now)})
		case importer.ActionUpdate:
			writes = append(writes, Write{Cred: records.Credential{Store: row.Store, Name: row.Name},
				Update: func(cur records.Credential) (records.Credential, bool, error) { return row.Merge(cur, now) }})
		default:
			continue
		}
		at = append(at, i)
	}
	return writes, at
}

// merge puts the writes' results into the items they came from and
// returns the first write's error.
func (rep *Report) merge(results []Result, at []int, stale error) (firstErr error) {
	for k, out := range results {
		it := &rep.Items[at[k]]
		it.Row = nil
		switch out.Outcome {
		case importer.OutcomeUnchanged:
			it.Action, it.Reason = importer.ActionSkip, "unchanged: it holds what the file gives"
		case importer.OutcomeFailed, importer.OutcomeNotTried:
			rep.Failed++
			it.Action, it.Reason = importer.ActionError, "not imported: the import stopped before it"
			if out.Err != nil {
				it.Reason = "not imported: " + out.Err.Error()
				if firstErr == nil {
					firstErr = out.Err
				}
			}
		}
		if out.Err != nil && stale != nil && errors.Is(out.Err, stale) {
			rep.Stale = true
			it.Reason = strings.TrimPrefix(it.Reason+"; saved, but the redaction index or the credential listing was not updated", "; ")
		}
	}
	return firstErr
}

// repair is for what an interrupted run left: a credential written
// without its metadata is skipped now (it exists, or holds what the file
// gives), so its metadata is written again from its data. Only a run
// whose writes all went through repairs.
func (rep *Report) repair(ctx context.Context, m Mirrors) {
	var skipped []int
	var addrs []string
	for i, it := range rep.Items {
		if it.Action == importer.ActionSkip && it.Address != "" && rep.Failed == 0 {
			skipped, addrs = append(skipped, i), append(addrs, it.Address)
		}
	}
	repaired, err := m.RepairMirrors(ctx, addrs)
	if err != nil {
		rep.Stale = true
	}
	for k, i := range skipped {
		if k < len(repaired) && len(repaired[k]) > 0 {
			rep.Items[i].Reason += "; its metadata was behind its data (an interrupted import): repaired"
		}
	}
}

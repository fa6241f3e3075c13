package importrun

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/importer"
)

// loadRuns reads what earlier runs of this import did and records, before
// any write, what this run sets out to write; nil, told to warn, when it
// cannot be read or written: this run's report then covers this run
// only.
func loadRuns(ctx context.Context, p Progress, items []importer.Item, writes []Write, now time.Time, warn func(error)) *importer.Progress {
	var addrs, starting []string
	for _, it := range items {
		if it.Address != "" {
			addrs = append(addrs, it.Address)
		}
	}
	for _, w := range writes {
		starting = append(starting, w.Cred.Address())
	}
	runs, err := p.LoadProgress(ctx, addrs)
	if err == nil {
		runs.Start(starting, now)
		err = p.SaveProgress(ctx, runs)
	}
	if err != nil {
		say(warn, fmt.Errorf("the report covers this run only: %w", err))
		return nil
	}
	return runs
}

// recordRuns records what this run wrote in the import's progress and
// marks each credential this run skipped because an earlier run of the
// same import wrote it, so that the report covers every run. It returns
// this run's number (0 without a progress).
func recordRuns(ctx context.Context, p Progress, runs *importer.Progress, items []importer.Item,
	results []Result, at []int, now time.Time, warn func(error)) int {
	if runs == nil {
		return 0
	}
	for k, out := range results {
		if out.Outcome == importer.OutcomeAdded || out.Outcome == importer.OutcomeUpdated {
			runs.Record(items[at[k]].Address, out.Outcome, now)
		}
	}
	for i, it := range items {
		d, ok := runs.Earlier(it.Address)
		if it.Action != importer.ActionSkip || !ok {
			continue
		}
		items[i].Action = importer.ActionAdd
		if d.Outcome == importer.OutcomeUpdated {
			items[i].Action = importer.ActionUpdate
		}
		items[i].Reason = fmt.Sprintf("%s by run %d of this import", d.Outcome, d.Run)
		if d.Outcome == importer.OutcomeStarted { // written by a run that stopped before it could say so
			items[i].Reason = fmt.Sprintf("added by run %d of this import, which stopped part way", d.Run)
		}
		if _, repair, ok := strings.Cut(it.Reason, "; "); ok {
			items[i].Reason += "; " + repair // its metadata repaired by this run
		}
	}
	if err := p.SaveProgress(ctx, runs); err != nil {
		say(warn, fmt.Errorf("the next run's report will not cover this one: %w", err))
	}
	return runs.Run
}

func say(warn func(error), err error) {
	if warn != nil {
		warn(err)
	}
}

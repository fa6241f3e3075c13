package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/vault"
)

// offboardProgress is what an offboarding's runs have done, kept in the
// records mount at _meta/offboarding/NAME (managers only; no value, only
// the names of records and steps). Each run adds what it did, step by step
// and item by item, so the report of the run that finishes covers every
// run, including items a run did before it failed.
//
// A step writes its list of items to Pending before its first change, and
// moves them to Done after. A run cut off between a change and that second
// write (Vault lost, the process killed) leaves items Pending; the next
// run's step lists what is still to do, and a pending item no longer on
// that list was done by the earlier run: it moves to Done. Steps check the
// state before they act, so this holds for every item.
type offboardProgress struct {
	version int // the record's KV version; 0: none yet

	HandedTo  string              `json:"handed_to"`
	StartedAt string              `json:"started_at"`
	StartedBy string              `json:"started_by"`
	Runs      int                 `json:"runs"`
	Done      map[string][]string `json:"done"`    // step title: items done, in order
	Pending   map[string][]string `json:"pending"` // step title: items a run set out to do
}

func offboardProgressPath(name string) string { return backup.OffboardDir + name }

// loadOffboardProgress reads the progress of name's offboarding; an empty
// one when none has run.
func (r *Repo) loadOffboardProgress(ctx context.Context, name string) (*offboardProgress, error) {
	p := &offboardProgress{Done: map[string][]string{}, Pending: map[string][]string{}}
	rec, err := r.c.KV().Get(ctx, r.mount, offboardProgressPath(name))
	if errors.Is(err, vault.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(rec.Data)
	if err == nil {
		err = json.Unmarshal(raw, p)
	}
	if err != nil {
		return nil, fmt.Errorf("offboarding progress of %s: %w", name, err)
	}
	if p.Done == nil {
		p.Done = map[string][]string{}
	}
	if p.Pending == nil {
		p.Pending = map[string][]string{}
	}
	p.version = rec.Version
	return p, nil
}

// plan records what step is about to do (todo: what is left of it now);
// it reports whether the progress changed and must be saved.
func (p *offboardProgress) plan(step string, todo []string) bool {
	changed := false
	for _, it := range p.Pending[step] {
		if !slices.Contains(todo, it) {
			changed = p.done(step, it) || changed
		}
	}
	if !slices.Equal(p.Pending[step], todo) {
		p.setPending(step, slices.Clone(todo))
		changed = true
	}
	return changed
}

// finish records the items step did; complete is a step that did its
// whole plan, which leaves nothing pending. It reports whether the
// progress changed.
func (p *offboardProgress) finish(step string, did []string, complete bool) bool {
	changed := false
	for _, it := range did {
		changed = p.done(step, it) || changed
	}
	left := slices.DeleteFunc(slices.Clone(p.Pending[step]), func(it string) bool {
		return complete || slices.Contains(did, it)
	})
	if len(left) != len(p.Pending[step]) {
		p.setPending(step, left)
		changed = true
	}
	return changed
}

func (p *offboardProgress) done(step, item string) bool {
	if slices.Contains(p.Done[step], item) {
		return false
	}
	p.Done[step] = append(p.Done[step], item)
	return true
}

func (p *offboardProgress) setPending(step string, items []string) {
	if len(items) == 0 {
		delete(p.Pending, step)
		return
	}
	p.Pending[step] = items
}

// save writes the progress (check-and-set on the version read).
func (r *Repo) saveOffboardProgress(ctx context.Context, name string, p *offboardProgress) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var data map[string]interface{}
	if err := json.Unmarshal(raw, &data); err != nil {
		return err
	}
	v, err := r.c.KV().Put(ctx, r.mount, offboardProgressPath(name), data, p.version)
	if err != nil {
		return fmt.Errorf("record the offboarding's progress: %w", err)
	}
	p.version = v
	return nil
}

package offboard

import (
	"slices"

	"github.com/sellervault/sellervault/internal/staff"
)

// The progress (staff.OffboardProgress) keeps what each run did, so that
// the report of the run that finishes covers every run, including items
// a run did before it failed. A step plans its list of items (Pending)
// before its first change and finishes them (Done) after. A run cut off
// between a change and that second write (Vault lost, the process
// killed) leaves items pending; the next run's step lists what is still
// to do, and a pending item no longer on that list was done by the
// earlier run: plan moves it to Done. Steps check the state before they
// act, so this holds for every item.

// plan records what step is about to do (todo: what is left of it now);
// it reports whether the progress changed and must be saved.
func plan(p *staff.OffboardProgress, step string, todo []string) bool {
	changed := false
	for _, it := range p.Pending[step] {
		if !slices.Contains(todo, it) {
			changed = done(p, step, it) || changed
		}
	}
	if !slices.Equal(p.Pending[step], todo) {
		setPending(p, step, slices.Clone(todo))
		changed = true
	}
	return changed
}

// finish records the items step did; complete is a step that did its
// whole plan, which leaves nothing pending. It reports whether the
// progress changed.
func finish(p *staff.OffboardProgress, step string, did []string, complete bool) bool {
	changed := false
	for _, it := range did {
		changed = done(p, step, it) || changed
	}
	left := slices.DeleteFunc(slices.Clone(p.Pending[step]), func(it string) bool {
		return complete || slices.Contains(did, it)
	})
	if len(left) != len(p.Pending[step]) {
		setPending(p, step, left)
		changed = true
	}
	return changed
}

func done(p *staff.OffboardProgress, step, item string) bool {
	if slices.Contains(p.Done[step], item) {
		return false
	}
	p.Done[step] = append(p.Done[step], item)
	return true
}

func setPending(p *staff.OffboardProgress, step string, items []string) {
	if len(items) == 0 {
		delete(p.Pending, step)
		return
	}
	p.Pending[step] = items
}

package audit

import (
	"sort"
	"strings"
	"time"
)

// burstState is one person's recent record reads.
type burstState struct {
	times  []time.Time
	events []int    // their events' indexes, -1 if filtered out
	stores []string // the stores read
	head   int
	done   int // reads before this index belong to a burst already reported
	last   time.Time
	active *Flag // the open burst, nil if none
}

func (a *Analyzer) burst(person, role string, at time.Time, store string, idx int) {
	b := a.bursts[person]
	if b == nil {
		b = &burstState{}
		a.bursts[person] = b
	}
	if at.Before(b.last) { // requests in flight together are logged a little out of order
		at = b.last
	}
	b.last = at
	for b.head < len(b.times) && b.times[b.head].Before(at.Add(-a.opts.BurstWindow)) {
		b.head++
	}
	if b.head > 1024 && b.head*2 > len(b.times) {
		n := copy(b.times, b.times[b.head:])
		copy(b.events, b.events[b.head:])
		copy(b.stores, b.stores[b.head:])
		b.times, b.events, b.stores = b.times[:n], b.events[:n], b.stores[:n]
		b.done = max(b.done-b.head, 0)
		b.head = 0
	}
	b.times = append(b.times, at)
	b.events = append(b.events, idx)
	b.stores = append(b.stores, store)
	// An open burst goes on while the window holds more than BurstReads
	// reads; a new one needs that many reads that were in no burst yet.
	switch {
	case b.active != nil && len(b.times)-b.head <= a.opts.BurstReads:
		a.closeBurst(b)
		b.done = len(b.times) - 1 // this read came after the burst
		return
	case b.active == nil && len(b.times)-max(b.head, b.done) <= a.opts.BurstReads:
		return
	}
	if b.active == nil {
		from := max(b.head, b.done)
		b.active = &Flag{Kind: FlagBurst, Time: b.times[from], Person: person, Role: role}
		for i := from; i < len(b.times)-1; i++ {
			a.markBurst(b.events[i])
			b.active.addStore(b.stores[i])
			b.active.Count++
		}
	}
	a.markBurst(idx)
	b.active.addStore(store)
	b.active.Count++
	b.active.Until = at
}

func (f *Flag) addStore(store string) {
	if store != "" && !containsString(f.stores, store) {
		f.stores = append(f.stores, store)
	}
}

func (a *Analyzer) markBurst(idx int) {
	if idx >= 0 && !containsString(a.events[idx].Flags, FlagBurst) {
		a.events[idx].Flags = append(a.events[idx].Flags, FlagBurst)
	}
}

func (a *Analyzer) closeBurst(b *burstState) {
	f := *b.active
	b.active = nil
	sort.Strings(f.stores)
	f.Detail = formatCount(f.Count) + " record reads in " + f.Until.Sub(f.Time).Round(time.Second).String() +
		" (more than " + formatCount(a.opts.BurstReads) + " within " + formatWindow(a.opts.BurstWindow) + ")"
	if len(f.stores) > 0 {
		f.Detail += "; stores " + strings.Join(f.stores, ",")
	}
	if !a.staffMatch(f.Person) {
		return
	}
	if a.opts.Store != "" && !containsString(f.stores, a.opts.Store) {
		return
	}
	a.flags = append(a.flags, f)
}

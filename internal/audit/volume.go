package audit

import (
	"sort"
	"strings"
	"time"
)

// volumeState is one person's recent Transit HMAC requests: when, how
// many inputs each, and the running total (cum[i] is the inputs of the
// requests before i).
type volumeState struct {
	times  []time.Time
	counts []int
	keys   []string
	cum    []int
	head   int
	done   int // requests before this index belong to an episode already reported
	last   time.Time
	active *Flag
}

// total is the inputs of requests from..len.
func (v *volumeState) total(from int) int {
	n := len(v.counts)
	return v.cum[n-1] + v.counts[n-1] - v.cum[from]
}

// volume counts one HMAC request of a person's. An episode is flagged
// when the window holds more than HMACInputs inputs, and goes on while
// it does; a new one needs that many inputs of its own (as bursts do).
func (a *Analyzer) volume(person, role string, at time.Time, inputs int, key string) {
	v := a.volumes[person]
	if v == nil {
		v = &volumeState{}
		a.volumes[person] = v
	}
	if at.Before(v.last) {
		at = v.last
	}
	v.last = at
	for v.head < len(v.times) && v.times[v.head].Before(at.Add(-a.opts.HMACWindow)) {
		v.head++
	}
	if v.head > 1024 && v.head*2 > len(v.times) {
		base := v.cum[v.head]
		n := copy(v.times, v.times[v.head:])
		copy(v.counts, v.counts[v.head:])
		copy(v.keys, v.keys[v.head:])
		copy(v.cum, v.cum[v.head:])
		v.times, v.counts, v.keys, v.cum = v.times[:n], v.counts[:n], v.keys[:n], v.cum[:n]
		for i := range v.cum {
			v.cum[i] -= base
		}
		v.done = max(v.done-v.head, 0)
		v.head = 0
	}
	prev := 0
	if n := len(v.counts); n > 0 {
		prev = v.cum[n-1] + v.counts[n-1]
	}
	v.times = append(v.times, at)
	v.counts = append(v.counts, inputs)
	v.keys = append(v.keys, key)
	v.cum = append(v.cum, prev)
	switch {
	case v.active != nil && v.total(v.head) <= a.opts.HMACInputs:
		a.closeVolume(v)
		v.done = len(v.times) - 1
		return
	case v.active == nil && v.total(max(v.head, v.done)) <= a.opts.HMACInputs:
		return
	}
	if v.active == nil {
		from := max(v.head, v.done)
		v.active = &Flag{Kind: FlagHMACVolume, Time: v.times[from], Person: person, Role: role, RecordKind: KindTransitHMAC}
		for i := from; i < len(v.times)-1; i++ {
			v.active.addStore(v.keys[i])
			v.active.Count += v.counts[i]
		}
	}
	v.active.addStore(key)
	v.active.Count += inputs
	v.active.Until = at
}

func (a *Analyzer) closeVolume(v *volumeState) {
	f := *v.active
	v.active = nil
	sort.Strings(f.stores)
	f.Detail = formatCount(f.Count) + " Transit HMAC inputs in " + f.Until.Sub(f.Time).Round(time.Second).String() +
		" (more than " + formatCount(a.opts.HMACInputs) + " within " + formatWindow(a.opts.HMACWindow) +
		"): guesses against the redaction index?; keys " + strings.Join(f.stores, ",")
	f.stores = nil
	if !a.staffMatch(f.Person) || a.opts.Store != "" {
		return // no store: kept only in a report of every store
	}
	a.flags = append(a.flags, f)
}

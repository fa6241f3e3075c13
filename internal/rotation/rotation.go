// Package rotation decides when secrets are due for rotation. It is pure
// Go: the records come in, states and due dates come out.
//
// Every kind of record has a default interval (policies/rotation.conf,
// reviewed like the ACL policies); a record may have its own
// (--rotate-every). A record is due at its last rotation plus its
// interval; one marked due by hand or by an offboarding is due since that
// moment; one never rotated is due now.
package rotation

import (
	"bufio"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

// Kinds of rotation item.
const (
	KindCredential = "credential"
	KindMailbox    = "mailbox"
	KindPhone      = "phone"
	KindPayout     = "payout-verification"
)

// States of an item, worst first.
const (
	Overdue = "overdue"
	DueSoon = "due-soon"
	OK      = "ok"
)

// Defaults are the default intervals by kind.
type Defaults map[string]time.Duration

// ParseDefaults reads rotation.conf: "kind interval" lines, # comments.
func ParseDefaults(text string) (Defaults, error) {
	d := Defaults{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(strings.SplitN(sc.Text(), "#", 2)[0])
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("rotation defaults line %d: want \"kind interval\"", line)
		}
		every, err := records.ParseInterval(f[1])
		if err != nil {
			return nil, fmt.Errorf("rotation defaults line %d: %w", line, err)
		}
		if _, dup := d[f[0]]; dup {
			return nil, fmt.Errorf("rotation defaults line %d: %s given twice", line, f[0])
		}
		d[f[0]] = every
	}
	for _, k := range []string{KindCredential, KindMailbox, KindPhone, KindPayout} {
		if d[k] == 0 {
			return nil, fmt.Errorf("rotation defaults: no interval for %s", k)
		}
	}
	return d, nil
}

// Item is a record as far as rotation is concerned (from metadata).
type Item struct {
	Kind        string
	ID          string // STORE/NAME, an address, a number, a store
	Store       string
	Owner       string
	Assignees   []string
	Every       time.Duration // the record's own interval, or 0
	LastRotated time.Time
	DueSince    time.Time
	// MirrorStale: read from metadata behind the record's data by a
	// caller who may not read the data (records.Credential.MirrorStale).
	MirrorStale bool
}

// StaleReason is the Reason of a result read from a stale mirror.
const StaleReason = "changed outside sellervault: run `sellervault doctor`"

// Result is an item's rotation state.
type Result struct {
	Kind      string    `json:"kind"`
	ID        string    `json:"record"`
	Owner     string    `json:"owner"`
	Assignees []string  `json:"assignees"`
	Interval  string    `json:"interval"`
	Due       time.Time `json:"due"`
	State     string    `json:"state"`
	Reason    string    `json:"reason,omitempty"`
}

// Evaluate works out one item's due date and state at now; due-soon means
// due within the window.
func Evaluate(it Item, d Defaults, now time.Time, window time.Duration) Result {
	every := it.Every
	if every == 0 {
		every = d[it.Kind]
	}
	r := Result{Kind: it.Kind, ID: it.ID, Owner: it.Owner, Assignees: it.Assignees, Interval: records.FormatInterval(every)}
	if r.Assignees == nil {
		r.Assignees = []string{}
	}
	switch {
	case !it.DueSince.IsZero():
		r.Due, r.Reason = it.DueSince, "marked due"
	case it.LastRotated.IsZero():
		r.Due, r.Reason = now, "never rotated"
	default:
		r.Due = it.LastRotated.Add(every)
	}
	switch {
	case !r.Due.After(now):
		r.State = Overdue
	case !r.Due.After(now.Add(window)):
		r.State = DueSoon
	default:
		r.State = OK
	}
	if it.MirrorStale {
		r.Reason = strings.TrimPrefix(r.Reason+"; "+StaleReason, "; ")
	}
	return r
}

// Report evaluates every item and sorts them: overdue first, then by due
// date.
func Report(items []Item, d Defaults, now time.Time, window time.Duration) []Result {
	out := make([]Result, 0, len(items))
	for _, it := range items {
		out = append(out, Evaluate(it, d, now, window))
	}
	rank := map[string]int{Overdue: 0, DueSoon: 1, OK: 2}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].State] != rank[out[j].State] {
			return rank[out[i].State] < rank[out[j].State]
		}
		return out[i].Due.Before(out[j].Due)
	})
	return out
}

package payoutchange

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
)

// Statuses of a change request.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
	StatusFailed   = "failed" // approved, but the payout record could not be written
)

// Request is a proposed payout change. Everything shown about it comes
// from what the requester cannot bend: the change is computed from the
// proposed record against the payout version it was made against, the
// requester is the entity whose signature it carries, and the request
// time is Vault's record of when it was created.
type Request struct {
	ID          string        `json:"id"`
	Store       string        `json:"store"`
	Status      string        `json:"status"`
	RequestedBy string        `json:"requested_by"`
	RequestedAt string        `json:"requested_at"` // Vault's clock: when the request record was created
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   string        `json:"decided_at,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Diff        []string      `json:"diff"`            // masked, old → new, computed from the records
	BaseVersion int           `json:"base_version"`    // the payout version it changes (0: none yet)
	Signed      bool          `json:"signed"`          // the requester's signature checks
	Stale       bool          `json:"stale,omitempty"` // the payout version it changes is gone
	Record      payout.Record `json:"-"`
	Base        payout.Record `json:"-"` // the payout record at BaseVersion
	requesterID string
	checked     bool // the reader could check the signature (managers)
}

// errNoRequest: no request has the ID given.
var errNoRequest = kindError{"no such record", failure.ErrNotFound}

func nowUTC(now func() time.Time) time.Time { return now().UTC().Truncate(time.Second) }

func newRequestID(at time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return at.Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

// requestIDPattern is the form newRequestID makes.
var requestIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`) })

// load reads a request, the payout version it changes and its decision.
func (c Control) load(ctx context.Context, store, id string) (*Request, error) {
	p, err := c.d.Proposals.Get(ctx, store, id)
	if err != nil {
		return nil, err
	}
	// What is shown, checked and applied is the normal form (sellervault
	// proposes it so; a request written otherwise is shown as it will be
	// stored).
	q := &Request{ID: id, Store: store, Status: StatusPending, RequestedBy: requesterName(p),
		RequestedAt: p.CreatedAt.UTC().Truncate(time.Second).Format(time.RFC3339), BaseVersion: p.BaseVersion,
		Signed: p.Signed, Record: p.Record.Normalize(), requesterID: p.Entity, checked: p.Checked}
	switch q.Base, err = c.d.Payouts.GetVersion(ctx, store, q.BaseVersion); {
	case errors.Is(err, failure.ErrNotFound):
		// Gone (a restore writes current versions only): the request is
		// stale, and an approval fails its check-and-set anyway.
		q.Base, q.Stale = payout.Record{}, true
	case err != nil:
		return nil, err
	}
	q.Diff = payout.Diff(q.Base, q.Record)
	d, err := c.d.Proposals.Decision(ctx, store, id)
	if err != nil {
		return nil, err
	}
	if d != nil {
		q.Status, q.DecidedBy, q.DecidedAt, q.Reason = d.Status, d.By, d.At, d.Reason
	}
	return q, nil
}

// requesterName names a request's author: the signing entity's name in
// Vault when the reader may check signatures and read it, else the name
// the author wrote, marked "(unproven)" when the signature does not
// check. Only managers may check signatures: finance sees the name the
// requester wrote.
func requesterName(p *payout.Proposal) string {
	switch {
	case !p.Checked:
		return p.ClaimedBy
	case !p.Signed:
		return p.ClaimedBy + " (unproven)"
	case p.SignerName != "":
		return p.SignerName
	}
	return p.ClaimedBy
}

// Requests lists change requests, newest first; store "" lists every
// store's. Each request is read in full, with its decision.
func (c Control) Requests(ctx context.Context, store string) ([]*Request, error) {
	addrs, err := c.d.Proposals.List(ctx, store)
	if err != nil {
		return nil, err
	}
	var out []*Request
	for _, a := range addrs {
		s, id, _ := strings.Cut(a, "/")
		q, err := c.load(ctx, s, id)
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// FindRequest reads a request by ID, or by STORE/ID. IDs are made
// unique, but a finance member can create a request under another store
// with the same ID: an ID found under more than one store is refused, and
// the error asks for STORE/ID.
func (c Control) FindRequest(ctx context.Context, id string) (*Request, error) {
	if store, rest, ok := strings.Cut(id, "/"); ok {
		if _, err := records.ParseStoreName(store); err != nil || !requestIDPattern().MatchString(rest) {
			return nil, fmt.Errorf("payout change %q: give ID or STORE/ID", id)
		}
		return c.load(ctx, store, rest)
	}
	if !requestIDPattern().MatchString(id) {
		return nil, fmt.Errorf("payout change %q: an ID looks like 20260101-120000-a1b2c3", id)
	}
	found, err := c.d.Proposals.StoresWith(ctx, id)
	if err != nil {
		return nil, err
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("payout change %s: %w", id, errNoRequest)
	case 1:
		return c.load(ctx, found[0], id)
	}
	return nil, fmt.Errorf("payout change %s exists under %d stores (%s): someone made a second one; give STORE/ID and check each: %w",
		id, len(found), strings.Join(found, ", "), failure.ErrConflict)
}

package repo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/repo"
)

// A request changed after it was proposed (here by root, standing in for
// anyone with write access) is refused, and the payout record stays as
// it was: the approver approves what was proposed or nothing.
func TestApproveRefusesModifiedRequest(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	rec := payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000", Currency: "EUR"}.Normalize()
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	q, err := r.ProposePayout(ctx, "acme-us", rec, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	path := "proposals/payout/acme-us/" + q.ID
	tampered := map[string]interface{}{"holder": "Mallory", "iban": "GB29NWBK60161331926819", "currency": "GBP"}
	if _, err := c.KVPut(ctx, l.KV(), path, tampered, 1); err != nil {
		t.Fatal(err)
	}
	_, err = r.ApprovePayout(ctx, q.ID, func() time.Time { return time.Now().Add(48 * time.Hour) })
	if err == nil {
		t.Fatal("a modified request was approved")
	}
	if _, err := r.GetPayout(ctx, "acme-us"); err == nil {
		t.Fatal("the payout record was written")
	}
	// Root has no identity: it cannot approve even an untouched request.
	q2, err := r.ProposePayout(ctx, "acme-us", rec, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.ApprovePayout(ctx, q2.ID, func() time.Time { return time.Now().Add(48 * time.Hour) }); !errors.Is(err, repo.ErrNoIdentity) {
		t.Fatalf("root approving: %v, want ErrNoIdentity", err)
	}
}

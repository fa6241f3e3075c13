package repo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Two rotations racing on one record: only one becomes pending, and of
// two confirmations only one lands; the current password is never lost.
func TestRotationsRace(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "current"}); err != nil {
		t.Fatal(err)
	}
	race := func(f func(i int) error) (ok, conflicts int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := f(i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, vault.ErrConflict), errors.Is(err, vault.ErrNotFound):
					conflicts++ // refused: changed meanwhile, or nothing left pending
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		return ok, conflicts
	}
	if ok, _ := race(func(i int) error {
		return r.Rotation().Start(ctx, "acme-us", "sc", []string{"new-a", "new-b"}[i], time.Now())
	}); ok != 1 {
		t.Fatalf("%d rotations became pending", ok)
	}
	c, _, _ := r.Creds().Get(ctx, "acme-us", "sc")
	if c.Password != "current" || (c.Pending != "new-a" && c.Pending != "new-b") {
		t.Fatalf("after the start: password %q pending %q", c.Password, c.Pending)
	}
	pending := c.Pending
	if ok, refused := race(func(int) error { return r.Rotation().Confirm(ctx, "acme-us", "sc", time.Now()) }); ok != 1 || refused != 1 {
		t.Fatalf("confirmations: %d landed, %d refused; want exactly one each", ok, refused)
	}
	c, _, _ = r.Creds().Get(ctx, "acme-us", "sc")
	if c.Password != pending || c.Pending != "" {
		t.Fatalf("after confirm: password %q pending %q", c.Password, c.Pending)
	}
}

// Marking due by hand keeps the first mark; recording a rotation of a
// mailbox or phone clears it, sets last-rotated and keeps the new secret.
func TestMarkDueAndContactRotated(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.Contacts().AddMailbox(ctx, records.Mailbox{Address: "ops@acme.example", Password: "old-box", Assignee: "olga"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Contacts().AddPhone(ctx, records.Phone{Number: "+14155550100", PIN: "1234"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	targets := []records.Target{
		{Kind: records.TargetMailbox, Address: "ops@acme.example"},
		{Kind: records.TargetPhone, Number: "+14155550100"},
		{Kind: records.TargetCredential, Store: "acme-us", Name: "sc"},
	}
	for _, tg := range targets {
		if marked, err := r.Rotation().MarkDue(ctx, tg, first); err != nil || !marked {
			t.Fatalf("mark %s: %v, %v", tg, marked, err)
		}
		if marked, err := r.Rotation().MarkDue(ctx, tg, first.Add(time.Hour)); err != nil || marked {
			t.Fatalf("mark %s again: %v, %v", tg, marked, err)
		}
	}
	items, err := r.Rotation().Items(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	due := 0
	for _, it := range items {
		if it.DueSince.Equal(first) {
			due++
		}
	}
	if due != 3 {
		t.Fatalf("%d items due since the first mark, want 3: %+v", due, items)
	}
	if _, err := r.Rotation().MarkDue(ctx, records.Target{Kind: records.TargetMailbox, Address: "nobody@acme.example"}, first); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("marking a missing mailbox: %v", err)
	}

	now := first.Add(48 * time.Hour)
	if err := r.Rotation().MarkDone(ctx, targets[0], "new-box", now); err != nil {
		t.Fatal(err)
	}
	m, _, _ := r.Contacts().GetMailbox(ctx, "ops@acme.example")
	if m.Password != "new-box" || !m.Rotation.LastRotated.Equal(now) || !m.Rotation.DueSince.IsZero() || m.Assignee != "olga" {
		t.Errorf("mailbox after rotation: %+v", m)
	}
	if err := r.Rotation().MarkDone(ctx, targets[1], "9876", now); err != nil {
		t.Fatal(err)
	}
	p, _, _ := r.Contacts().GetPhone(ctx, "+14155550100")
	if p.PIN != "9876" || !p.Rotation.LastRotated.Equal(now) || !p.Rotation.DueSince.IsZero() {
		t.Errorf("phone after rotation: %+v", p)
	}
}

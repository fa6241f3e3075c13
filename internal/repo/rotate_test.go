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
	if err := r.AddCredential(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "current"}); err != nil {
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
		return r.StartRotation(ctx, "acme-us", "sc", []string{"new-a", "new-b"}[i], time.Now())
	}); ok != 1 {
		t.Fatalf("%d rotations became pending", ok)
	}
	c, _, _ := r.GetCredential(ctx, "acme-us", "sc")
	if c.Password != "current" || (c.Pending != "new-a" && c.Pending != "new-b") {
		t.Fatalf("after the start: password %q pending %q", c.Password, c.Pending)
	}
	pending := c.Pending
	if ok, refused := race(func(int) error { return r.ConfirmRotation(ctx, "acme-us", "sc", time.Now()) }); ok != 1 || refused != 1 {
		t.Fatalf("confirmations: %d landed, %d refused; want exactly one each", ok, refused)
	}
	c, _, _ = r.GetCredential(ctx, "acme-us", "sc")
	if c.Password != pending || c.Pending != "" {
		t.Fatalf("after confirm: password %q pending %q", c.Password, c.Pending)
	}
}

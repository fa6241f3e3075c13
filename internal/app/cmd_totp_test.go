package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeCodes is a TOTP key whose code changes with each 30-second period.
type fakeCodes struct {
	now   *time.Time
	calls int
	err   error
}

func (f *fakeCodes) Code(_ context.Context, store, name string) (string, int, error) {
	f.calls++
	if f.err != nil {
		return "", 0, f.err
	}
	return fmt.Sprintf("%s/%s@%d", store, name, f.now.Unix()/30), 30, nil
}

// codeRun is what one run of `totp code` printed, copied, slept and said.
type codeRun struct {
	printed, copied string
	remaining       int
	slept           time.Duration
	said            []string
	calls           int
}

// runTOTPCode runs `totp code` at second sec of a 30-second period, with
// fakes around it; cancelled ends its context first.
func runTOTPCode(t *testing.T, sec int, next, copy bool, cancelled bool) (codeRun, error) {
	t.Helper()
	now := time.Unix(30*1000+int64(sec), 0)
	codes := &fakeCodes{now: &now}
	var out codeRun
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cancelled {
		cancel()
	}
	err := totpCodeRun(ctx, totpCodeOptions{
		Store: "acme-us", Name: "seller-central", Next: next, Copy: copy, ClearAfter: time.Minute,
		Codes: codes, Now: func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			out.slept += d
			now = now.Add(d)
			return nil
		},
		Clip: func(code string, clearAfter time.Duration) error {
			if clearAfter != time.Minute {
				t.Errorf("clear after %s, want the option's 1m", clearAfter)
			}
			out.copied = code
			return nil
		},
		Say: func(format string, args ...interface{}) { out.said = append(out.said, fmt.Sprintf(format, args...)) },
		Print: func(id, code string, remaining int) error {
			if id != "acme-us/seller-central" {
				t.Errorf("printed for %q", id)
			}
			out.printed, out.remaining = code, remaining
			return nil
		},
	})
	out.calls = codes.calls
	return out, err
}

func TestTOTPCodeRun(t *testing.T) {
	const this, following = "acme-us/seller-central@1000", "acme-us/seller-central@1001"
	for _, tc := range []struct {
		name       string
		sec        int
		next, copy bool
		want       string
		remaining  int
		slept      time.Duration
		calls      int
	}{
		{"plenty left", 10, false, false, this, 20, 0, 1},
		{"nearly spent, no --next", 27, false, false, this, 3, 0, 1},
		{"nearly spent, --next waits", 27, true, false, following, 30, 3200 * time.Millisecond, 2},
		{"exactly the threshold is kept", 30 - nextThreshold, true, false, this, nextThreshold, 0, 1},
		{"--copy copies and prints nothing", 10, false, true, this, 20, 0, 1},
		{"--copy --next copies the next", 28, true, true, following, 0, 2200 * time.Millisecond, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runTOTPCode(t, tc.sec, tc.next, tc.copy, false)
			if err != nil {
				t.Fatal(err)
			}
			if got.slept != tc.slept || got.calls != tc.calls {
				t.Errorf("slept %s in %d reads, want %s in %d", got.slept, got.calls, tc.slept, tc.calls)
			}
			if tc.copy {
				if got.copied != tc.want || got.printed != "" {
					t.Errorf("copied %q, printed %q; want %q copied only", got.copied, got.printed, tc.want)
				}
				if len(got.said) == 0 || !strings.Contains(got.said[len(got.said)-1], "copied the code of acme-us/seller-central") {
					t.Errorf("said %q", got.said)
				}
				return
			}
			if got.printed != tc.want || got.remaining != tc.remaining || got.copied != "" {
				t.Errorf("printed %q (%d s left), copied %q; want %q (%d s left)", got.printed, got.remaining, got.copied, tc.want, tc.remaining)
			}
		})
	}
}

func TestTOTPCodeRunStops(t *testing.T) {
	// Interrupted while waiting for the next code: aborted, nothing shown.
	got, err := runTOTPCode(t, 27, true, false, true)
	if !errors.Is(err, errAborted) || got.printed != "" || got.calls != 1 {
		t.Errorf("err %v, printed %q after %d reads; want errAborted, nothing, 1 read", err, got.printed, got.calls)
	}
}

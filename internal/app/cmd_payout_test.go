package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
)

const canaryIBAN = "DE89370400440532013000" // the new IBAN: never said whole

// fakeChanges is a payout change control with one pending request.
type fakeChanges struct {
	q          *payoutchange.Request
	refuse     error  // CanApprove's answer
	approvedBy string // the confirmation ApproveRequest got; "-" when not called
}

func (f *fakeChanges) FindRequest(_ context.Context, id string) (*payoutchange.Request, error) {
	if id != f.q.ID && id != f.q.Store+"/"+f.q.ID {
		return nil, errors.New("no such record")
	}
	return f.q, nil
}

func (f *fakeChanges) CanApprove(context.Context, *payoutchange.Request, func() time.Time) error {
	return f.refuse
}

func (f *fakeChanges) ApproveRequest(_ context.Context, q *payoutchange.Request, confirm string, _ func() time.Time) (*payoutchange.Request, error) {
	f.approvedBy = confirm
	if !payout.ConfirmsLast4(q.Record, confirm) {
		return nil, errors.New("the last four characters do not match")
	}
	return q, nil
}

type approveRun struct {
	said  []string
	asked []string
	err   error
}

func runApprove(t *testing.T, f *fakeChanges, flag string, terminal bool, typed string) approveRun {
	t.Helper()
	var r approveRun
	f.approvedBy = "-"
	r.err = payoutApproveRun(context.Background(), payoutApproveOptions{
		ID: "acme-us/20260601-090000-abcdef", ConfirmLast4: flag, Terminal: terminal, Changes: f, Now: time.Now,
		Say: func(format string, args ...interface{}) { r.said = append(r.said, fmt.Sprintf(format, args...)) },
		Ask: func(prompt string) (string, error) { r.asked = append(r.asked, prompt); return typed, nil },
	})
	for _, line := range append(append([]string{}, r.said...), r.asked...) {
		if strings.Contains(line, canaryIBAN) {
			t.Errorf("the new IBAN said whole: %q", line)
		}
	}
	return r
}

func pendingChange(rec payout.Record) *fakeChanges {
	return &fakeChanges{q: &payoutchange.Request{ID: "20260601-090000-abcdef", Store: "acme-us", RequestedBy: "farid",
		RequestedAt: "2026-06-01T09:00:00Z", BaseVersion: 3, Record: rec, Diff: []string{"iban: DE…3000 → DE…3000"}}}
}

func TestPayoutApproveRun(t *testing.T) {
	withIBAN := payout.Record{IBAN: canaryIBAN, Holder: "Acme GmbH"}
	for _, tc := range []struct {
		name     string
		rec      payout.Record
		refuse   error
		flag     string
		terminal bool
		typed    string
		asked    bool   // a prompt was shown
		approved string // what ApproveRequest got; "-": not called
		usage    bool   // a usage error (exit 2)
	}{
		{"asked on a terminal, typed with spaces", withIBAN, nil, "", true, " 3000\n", true, "3000", false},
		{"--confirm-last4 is not asked again", withIBAN, nil, "3000", true, "", false, "3000", false},
		{"no terminal and no flag: refused before approving", withIBAN, nil, "", false, "", false, "-", true},
		{"wrong characters reach the check, which refuses", withIBAN, nil, "", true, "0000", true, "0000", false},
		{"a record without IBAN or account needs nothing", payout.Record{Holder: "Acme GmbH"}, nil, "", false, "", false, "", false},
		{"CanApprove refuses: nothing shown, asked or approved", withIBAN, errors.New("you requested this change"), "", true, "3000", false, "-", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := pendingChange(tc.rec)
			f.refuse = tc.refuse
			r := runApprove(t, f, tc.flag, tc.terminal, tc.typed)
			if (len(r.asked) > 0) != tc.asked || f.approvedBy != tc.approved {
				t.Errorf("asked %q, approved with %q; want asked=%v, approved with %q", r.asked, f.approvedBy, tc.asked, tc.approved)
			}
			if tc.asked && !strings.Contains(r.asked[0], "the new iban") {
				t.Errorf("prompt %q does not name the field", r.asked[0])
			}
			var usage usageError
			if errors.As(r.err, &usage) != tc.usage {
				t.Errorf("err %v; usage error: %v", r.err, tc.usage)
			}
			if tc.refuse != nil {
				if !errors.Is(r.err, tc.refuse) || len(r.said) != 0 {
					t.Errorf("err %v, said %q; want the refusal and nothing said", r.err, r.said)
				}
				return
			}
			if len(r.said) < 2 || !strings.Contains(r.said[1], "DE…3000") {
				t.Errorf("the masked change was not shown: %q", r.said)
			}
			wantOK := tc.approved != "-" && payout.ConfirmsLast4(tc.rec, tc.approved)
			if done := r.err == nil && strings.HasPrefix(r.said[len(r.said)-1], "approved payout change"); done != wantOK {
				t.Errorf("approved: %v (err %v), want %v", done, r.err, wantOK)
			}
		})
	}
}

package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/rotation"
)

const canary = "CANARY-export-7Q"

func inventory(now time.Time) *records.Inventory {
	day := 24 * time.Hour
	return &records.Inventory{
		Stores: []records.Store{{Name: "acme-us", Marketplace: "amazon", Region: "us", Notes: canary},
			{Name: "hidden-brand", Marketplace: "ebay", Region: "de", Sensitive: true}},
		Credentials: []records.Credential{
			{Store: "acme-us", Name: "seller-central", Login: canary + "@acme.example", Password: canary, Pending: canary,
				RecoveryEmail: "ops-us@acme.example", RecoveryPhone: "+14155550100", Owner: "maria", Assignees: []string{"olga"},
				Rotation: records.Rotation{LastRotated: now.Add(-100 * day)}, TOTPKey: "acme-us.seller-central", Notes: canary},
			{Store: "acme-us", Name: "=HYPERLINK(evil)", Owner: "-maria", Rotation: records.Rotation{LastRotated: now.Add(-80 * day)}},
			{Store: "hidden-brand", Name: "login", Rotation: records.Rotation{LastRotated: now}},
		},
		Mailboxes: []records.Mailbox{{Address: "ops-us@acme.example", Password: canary, Assignee: "olga",
			Rotation: records.Rotation{LastRotated: now.Add(-day)}}},
		Phones: []records.Phone{{Number: "+14155550100", PIN: canary, Assignee: "olga", Personal: true}},
		Payouts: []records.PayoutFacts{{Store: "acme-us", Scheme: "aba", Country: "US", Currency: "USD", Provider: "amazon",
			ApprovedBy: "maria", ApprovedAt: now.Add(-40 * day)}},
	}
}

func TestRows(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	defaults, err := rotation.ParseDefaults("credential 90d\nmailbox 180d\nphone 365d\npayout-verification 30d\n")
	if err != nil {
		t.Fatal(err)
	}
	rows := Rows(inventory(now), defaults, now, 14*24*time.Hour)
	want := []struct{ kind, record, state, due string }{
		{"store", "acme-us", "", ""},
		{"store", "h**********d", "", ""},
		{"credential", "acme-us/=HYPERLINK(evil)", "due-soon", "2026-12-02"},
		{"credential", "acme-us/seller-central", "overdue", "2026-11-12"},
		{"credential", "h**********d/login", "ok", "2027-02-20"},
		{"payout", "acme-us", "overdue", "2026-11-12"},
		{"mailbox", "op***s@a***.example", "ok", "2027-05-20"},
		{"phone", "+1********00", "overdue", "2026-11-22"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Kind != w.kind || r.Record != w.record || r.State != w.state || r.Due != w.due {
			t.Errorf("row %d = %s %s %s %s; want %+v", i, r.Kind, r.Record, r.State, r.Due, w)
		}
	}
	sc := rows[3]
	if !sc.TOTP || sc.RecoveryEmail != "op***s@a***.example" || sc.RecoveryPhone != "+1********00" || sc.Marketplace != "amazon" {
		t.Errorf("seller-central row: %+v", sc)
	}
	if rows[7].OwnedBy != "personal" || rows[5].Details != "aba US USD amazon" {
		t.Errorf("phone or payout row: %+v, %+v", rows[7], rows[5])
	}

	var csvOut, jsonOut bytes.Buffer
	if err := WriteCSV(&csvOut, rows); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&jsonOut, rows); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"csv": csvOut.String(), "json": jsonOut.String()} {
		for _, leak := range []string{canary, "ops-us@acme.example", "4155550100", "hidden-brand"} {
			if strings.Contains(out, leak) {
				t.Errorf("%s export contains %q:\n%s", name, leak, out)
			}
		}
	}
	recs, err := csv.NewReader(&csvOut).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(Header, ",") || len(recs) != len(rows)+1 {
		t.Fatalf("csv header %v, %d lines", recs[0], len(recs))
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("csv cell %q would be a spreadsheet formula", cell)
			}
		}
	}
	var back []Row
	if err := json.Unmarshal(jsonOut.Bytes(), &back); err != nil || len(back) != len(rows) {
		t.Fatalf("json: %v, %d rows", err, len(back))
	}
}

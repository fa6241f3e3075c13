package repo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/demo"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// Every secret of the demo team, pasted into a chat message in its usual
// spellings, comes out redacted, and the rest of the message survives;
// a staff member of one store, who can read none of the other's values,
// redacts them all the same.
func TestRedactDemoTeamRoundTrip(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	if err := demo.Load(ctx, c, l, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The messages: each known value in several spellings.
	var values []string
	for _, store := range []string{"acme-us", "acme-de"} {
		creds, err := root.ListCredentials(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		for _, cr := range creds {
			full, _, err := root.GetCredential(ctx, cr.Store, cr.Name)
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, full.Password, full.Login, strings.ToUpper(full.Login))
		}
	}
	boxes, err := root.ListMailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range boxes {
		full, _, err := root.GetMailbox(ctx, b.Address)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, full.Password, strings.Title(b.Address)) //nolint:staticcheck // a spelling people type
	}
	values = append(values,
		"+14155550100", "+1 (415) 555-0100", "(415) 555-0100", "415.555.0100", "415-555-0100",
		"+447700900123", "+44 7700 900123", "07700 900123", "07700900123",
		"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "de89 3704 0044 0532 0130 00")

	var chat strings.Builder
	tail := func(i int) string { return " for that (step " + string(rune('a'+i%26)) + ")" }
	for i, v := range values {
		chat.WriteString("hey, use " + v + tail(i) + "\n")
	}

	// A staff member of acme-us only.
	if _, err := setup.EnsurePerson(ctx, c, l, setup.Person{Name: "red-olga", Role: "staff", Stores: []string{"acme-us"}}, "pw-red-olga-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := c.UserpassLogin(ctx, vault.UserpassMount, "red-olga", "pw-red-olga-1")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	staff := repo.New(sc, l)
	if _, _, err := staff.GetCredential(ctx, "acme-de", "seller-central"); err == nil {
		t.Fatal("the staff member can read another store's credential")
	}
	index, err := staff.RedactIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	stats, err := redact.Redact(ctx, strings.NewReader(chat.String()), &out, redact.Options{Index: index, Hasher: staff.Hasher()})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(out.String(), "\n")
	for i, v := range values {
		kind := "[REDACTED:"
		if strings.HasPrefix(strings.ToLower(v), "de89") {
			kind = "[REDACTED:iban]"
		}
		if !strings.HasPrefix(got[i], "hey, use "+kind) || !strings.HasSuffix(got[i], "]"+tail(i)) || strings.Contains(got[i], v) {
			t.Errorf("%q came out as %q", v, got[i])
		}
	}
	if stats.HasherCalls != 1 {
		t.Errorf("%d Transit requests for %d bytes, want 1", stats.HasherCalls, stats.Bytes)
	}
}

// A replaced value leaves the index; a new one enters it.
func TestRedactIndexFollowsWrites(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.AddCredential(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "seller-login", Password: "first-Secret-1"}); err != nil {
		t.Fatal(err)
	}
	find := func(text string) []string {
		index, err := r.RedactIndex(ctx)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := redact.Scan(ctx, strings.NewReader(text), redact.Options{Index: index, Hasher: r.Hasher()})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, f := range findings {
			kinds = append(kinds, f.Kind)
		}
		return kinds
	}
	if got := find("first-Secret-1 and seller-login"); strings.Join(got, ",") != "password,login" {
		t.Fatalf("before: %v", got)
	}
	if err := r.MarkRotated(ctx, "acme-us", "sc", "second-Secret-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := find("first-Secret-1 second-Secret-2"); strings.Join(got, ",") != "password" {
		t.Fatalf("after: %v", got)
	}
	if got := find("first-Secret-1"); len(got) != 0 {
		t.Fatalf("the replaced password is still in the index: %v", got)
	}
	rep, err := r.Reindex(ctx)
	if err != nil || rep.Records != 1 || rep.Entries != 2 {
		t.Fatalf("reindex: %+v, %v", rep, err)
	}
	if got := find("second-Secret-2 seller-login"); len(got) != 2 {
		t.Fatalf("after reindex: %v", got)
	}
}

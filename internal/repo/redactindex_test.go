package repo_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/demo"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// Every secret of the demo team, pasted into a chat message in its usual
// spellings, comes out redacted for a member of its audience, and the
// rest of the message survives. A staff member of acme-us redacts that
// store's values through its index, and phone numbers, IBANs and the
// team's addresses by pattern; the values of acme-de and the mailboxes'
// passwords, which they may not read, pass through untouched: their
// redaction confirms nothing. A manager, in every audience, redacts all.
func TestRedactDemoTeamRoundTrip(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	if err := demo.Load(ctx, c, l, time.Now()); err != nil {
		t.Fatal(err)
	}
	var own, others []string // values for the staff member: own audience (or pattern), others'
	for _, store := range []string{"acme-us", "acme-de"} {
		creds, err := root.Creds().List(ctx, store)
		if err != nil {
			t.Fatal(err)
		}
		for _, cr := range creds {
			full, _, err := root.Creds().Get(ctx, cr.Store, cr.Name)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case store == "acme-us":
				own = append(own, full.Password, full.Login, strings.ToUpper(full.Login))
			case strings.HasSuffix(full.Login, "@acme.example"): // the team's domain: a pattern
				own = append(own, full.Login)
				others = append(others, full.Password)
			default:
				others = append(others, full.Password, full.Login)
			}
		}
	}
	for _, addr := range []string{"ops-us@acme.example", "ops-de@acme.example"} {
		full, _, err := root.Contacts().GetMailbox(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		own = append(own, strings.Title(addr)) //nolint:staticcheck // a spelling people type
		others = append(others, full.Password)
	}
	own = append(own,
		"+14155550100", "+1 (415) 555-0100", "(415) 555-0100", "415.555.0100", "415-555-0100",
		"+447700900123", "+44 7700 900123", "07700 900123",
		"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "de89 3704 0044 0532 0130 00")

	tail := func(i int) string { return " for that (step " + string(rune('a'+i%26)) + ")" }
	chat := func(values []string) string {
		var b strings.Builder
		for i, v := range values {
			b.WriteString("hey, use " + v + tail(i) + "\n")
		}
		return b.String()
	}
	redacted := func(r *repo.Repo, values []string) ([]string, redact.Stats) {
		t.Helper()
		o, err := r.Index().RedactOptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		stats, err := redact.Redact(ctx, strings.NewReader(chat(values)), &out, o)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(out.String(), "\n"), stats
	}
	check := func(who string, got []string, values []string, want bool) {
		t.Helper()
		for i, v := range values {
			hidden := strings.HasPrefix(got[i], "hey, use [REDACTED:") && strings.HasSuffix(got[i], "]"+tail(i)) && !strings.Contains(got[i], v)
			if hidden != want || (!want && got[i] != "hey, use "+v+tail(i)) {
				t.Errorf("%s: %q came out as %q (redaction wanted: %v)", who, v, got[i], want)
			}
		}
	}

	// A staff member of acme-us only.
	if _, err := access.EnsurePerson(ctx, c, l, access.Person{Name: "red-olga", Role: "staff", Stores: []string{"acme-us"}}, "pw-red-olga-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	token, err := c.Userpass().Login(ctx, vault.UserpassMount, "red-olga", "pw-red-olga-1")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := c.WithToken(token)
	if err != nil {
		t.Fatal(err)
	}
	staff := repo.New(sc, l)
	if _, _, err := staff.Creds().Get(ctx, "acme-de", "seller-central"); err == nil {
		t.Fatal("the staff member can read another store's credential")
	}
	got, stats := redacted(staff, own)
	check("staff", got, own, true)
	if stats.HasherCalls != 1 {
		t.Errorf("staff: %d Transit requests for %d bytes and one audience, want 1", stats.HasherCalls, stats.Bytes)
	}
	got, _ = redacted(staff, others)
	check("staff", got, others, false)

	// The manager (root here) is in every audience.
	all := append(append([]string{}, own...), others...)
	got, stats = redacted(root, all)
	check("manager", got, all, true)
	if want := 4; stats.HasherCalls > want { // acme-us, acme-de, payout, contacts
		t.Errorf("manager: %d Transit requests for %d bytes, want at most %d", stats.HasherCalls, stats.Bytes, want)
	}
}

// A replaced value leaves the index; a new one enters it (a rebuild of
// the index finds the same: package reindex).
func TestRedactIndexFollowsWrites(t *testing.T) {
	ctx := context.Background()
	r, _, _ := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "seller-login", Password: "first-Secret-1"}); err != nil {
		t.Fatal(err)
	}
	find := func(text string) []string {
		o, err := r.Index().RedactOptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		findings, err := redact.Scan(ctx, strings.NewReader(text), o)
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
	if err := r.Rotation().MarkRotated(ctx, "acme-us", "sc", "second-Secret-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := find("first-Secret-1 second-Secret-2"); strings.Join(got, ",") != "password" {
		t.Fatalf("after: %v", got)
	}
	if got := find("first-Secret-1"); len(got) != 0 {
		t.Fatalf("the replaced password is still in the index: %v", got)
	}
	if got := find("second-Secret-2 seller-login"); len(got) != 2 {
		t.Fatalf("after the rotation: %v", got)
	}
	// A deleted credential's values leave the index (someone who joins
	// the store later may not read them); undeleted, they come back.
	if err := r.Creds().Delete(ctx, "acme-us", "sc"); err != nil {
		t.Fatal(err)
	}
	if got := find("second-Secret-2 seller-login"); len(got) != 0 {
		t.Fatalf("after delete: %v", got)
	}
	if err := r.Creds().Undelete(ctx, "acme-us", "sc"); err != nil {
		t.Fatal(err)
	}
	if got := find("second-Secret-2 seller-login"); len(got) != 2 {
		t.Fatalf("after undelete: %v", got)
	}
}

// A manager who rotates an audience's Transit key (the manager policy's
// glob allows it) changes nothing: every redaction HMAC is of the key's
// first version, so the index still matches and records are still found
// by their values.
func TestRedactSurvivesKeyRotation(t *testing.T) {
	ctx := context.Background()
	r, _, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "rotation-Secret-1"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Contacts().AddMailbox(ctx, records.Mailbox{Address: "rot@acme.example", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	srv, _ := devvault.Shared()
	hc := &http.Client{Transport: vaulttest.CATransport(t, srv.CACertFile)}
	for _, a := range []string{vault.StoreAudience("acme-us"), vault.AudienceContacts} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/"+l.Transit()+"/keys/"+l.RedactKey(a)+"/rotate", nil)
		req.Header.Set("X-Vault-Token", srv.RootToken)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
			t.Fatalf("rotate %s: %s", a, resp.Status)
		}
	}
	o, err := r.Index().RedactOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := redact.Scan(ctx, strings.NewReader("it is rotation-Secret-1 now"), o)
	if err != nil || len(findings) != 1 {
		t.Errorf("after a key rotation: %+v, %v", findings, err)
	}
	if _, _, err := r.Contacts().GetMailbox(ctx, "rot@acme.example"); err != nil {
		t.Errorf("the mailbox by its address after a key rotation: %v", err)
	}
}

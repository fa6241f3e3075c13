package payoutchange_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/internal/vaulttest"
)

// The record store's facets are what change control works through.
var (
	_ payoutchange.Payouts   = repo.Payouts{}
	_ payoutchange.Proposals = repo.Proposals{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	devvault.StopShared()
	os.Exit(code)
}

// changes is change control over r's records, with r's token.
func changes(r *repo.Repo) payoutchange.Control {
	return connect.PayoutChanges(r)
}

// newRepo initialises a fresh team (mount prefix payoutchangeN) on the
// shared Vault, with one store, and returns a repository on it as root.
func newRepo(t testing.TB) (*repo.Repo, *vault.Client, vault.Layout) {
	t.Helper()
	return vaulttest.TeamWithStore(t, "payoutchange")
}

var later = func() time.Time { return time.Now().Add(48 * time.Hour) }

func last4(rec payout.Record) string {
	_, v := payout.ConfirmationField(rec)
	return v[len(v)-4:]
}

func validRecord(t *testing.T, rec payout.Record) payout.Record {
	t.Helper()
	rec = rec.Normalize()
	if err := rec.Validate(); err != nil {
		t.Fatal(err)
	}
	return rec
}

// A request changed after it was proposed (here by root, standing in for
// anyone with write access) is refused, and the payout record stays as
// it was: the approver approves what was proposed or nothing.
func TestApproveRefusesModifiedRequest(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	finance, _ := vaulttest.Member(t, c, l, "finance")
	manager, _ := vaulttest.Member(t, c, l, "manager")
	rec := validRecord(t, payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000", Currency: "EUR"})
	q, err := changes(finance).Propose(ctx, "acme-us", rec, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	tampered := map[string]interface{}{"holder": "Mallory", "iban": "GB29NWBK60161331926819", "currency": "GBP"}
	if _, err := c.KV().Put(ctx, l.Proposals(), records.ProposalPath("acme-us", q.ID), tampered, 1); err != nil {
		t.Fatal(err)
	}
	if _, err = changes(manager).Approve(ctx, q.ID, "6819", later); err == nil {
		t.Fatal("a modified request was approved")
	}
	if _, err := root.Payouts().Get(ctx, "acme-us"); err == nil {
		t.Fatal("the payout record was written")
	}
	// Root has no identity: it can neither propose (nothing to sign with)
	// nor approve.
	if _, err := changes(root).Propose(ctx, "acme-us", rec, time.Now, false); !errors.Is(err, vault.ErrDenied) {
		t.Fatalf("root proposing: %v, want a refusal", err)
	}
	q2, err := changes(finance).Propose(ctx, "acme-us", rec, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := changes(root).Approve(ctx, q2.ID, last4(rec), later); !errors.Is(err, payoutchange.ErrNoIdentity) {
		t.Fatalf("root approving: %v, want ErrNoIdentity", err)
	}
}

// The approver sees the change computed from the records, never the
// requester's words; approving needs the new account's last four
// characters; and a request that does not carry its requester's
// signature, or claims another requester, cannot be approved.
func TestApprovalShowsTheRealChange(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	finance, financeClient := vaulttest.Member(t, c, l, "finance")
	manager, _ := vaulttest.Member(t, c, l, "manager")
	other, _ := vaulttest.Member(t, c, l, "manager")
	if err := root.Payouts().SetCoolingOff(ctx, 0); err != nil {
		t.Fatal(err)
	}
	first := validRecord(t, payout.Record{Holder: "Acme Inc", Routing: "021000021", Account: "000123456789", AccountType: "checking", Bank: "JPMorgan Chase", Currency: "USD", Country: "US"})
	q, err := changes(finance).Propose(ctx, "acme-us", first, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	if !q.Signed {
		t.Fatal("a request made with sellervault is not signed")
	}
	if _, err := changes(manager).Approve(ctx, q.ID, "0000", later); !errors.Is(err, payoutchange.ErrConfirmation) {
		t.Fatalf("approving with the wrong last four: %v", err)
	}
	if _, err := root.Payouts().Get(ctx, "acme-us"); err == nil {
		t.Fatal("a refused approval wrote the payout record")
	}
	if _, err := changes(manager).Approve(ctx, q.ID, "6789", later); err != nil {
		t.Fatal(err)
	}

	// Finance, with curl, writes a request that replaces the account
	// number while its own summary speaks of the bank's name only.
	swapped := first
	swapped.Account, swapped.Bank = "000999888777", "JPMorgan Chase Bank NA"
	id := "20260101-000000-abcdef"
	data := map[string]interface{}{"kind": "payout-request", "holder": swapped.Holder, "routing": swapped.Routing,
		"account": swapped.Account, "account_type": swapped.AccountType, "bank": swapped.Bank, "currency": swapped.Currency,
		"country": swapped.Country, "base_version": "1", "requested_by": "userpass-someone-else",
		"diff": "bank: JPMorgan Chase → JPMorgan Chase Bank NA"}
	if _, err := financeClient.KV().Put(ctx, l.Proposals(), records.ProposalPath("acme-us", id), data, 0); err != nil {
		t.Fatal(err)
	}
	got, err := changes(manager).FindRequest(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	shown := strings.Join(got.Diff, "\n")
	if !strings.Contains(shown, "account:") || !strings.Contains(shown, "8777") || strings.Contains(shown, "summary") {
		t.Fatalf("the change shown hides the account:\n%s", shown)
	}
	if got.Signed || !strings.Contains(got.RequestedBy, "unproven") {
		t.Fatalf("an unsigned request is shown as signed by %q", got.RequestedBy)
	}
	if _, err := changes(manager).Approve(ctx, id, "8777", later); !errors.Is(err, payoutchange.ErrUnsigned) {
		t.Fatalf("approving an unsigned request: %v, want ErrUnsigned", err)
	}

	// A manager proposes, then claims another manager wrote it (to approve
	// it alone): the signature does not check, so it cannot be approved.
	own, err := changes(manager).Propose(ctx, "acme-us", swapped, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := changes(manager).Approve(ctx, own.ID, "8777", later); !errors.Is(err, payoutchange.ErrSelfApproval) {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := changes(other).Approve(ctx, own.ID, "8777", later); err != nil {
		t.Fatalf("another manager approving: %v", err)
	}
	p, err := root.Payouts().Get(ctx, "acme-us")
	if err != nil || p.Record.Account != swapped.Account {
		t.Fatalf("payout after the approval: %+v, %v", p, err)
	}
}

// A verification's time is when Vault wrote it, whatever the verifier
// wrote in it.
func TestVerificationTimeIsVaults(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	finance, financeClient := vaulttest.Member(t, c, l, "finance")
	manager, _ := vaulttest.Member(t, c, l, "manager")
	if err := root.Payouts().SetCoolingOff(ctx, 0); err != nil {
		t.Fatal(err)
	}
	rec := validRecord(t, payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000", Currency: "EUR"})
	q, err := changes(finance).Propose(ctx, "acme-us", rec, time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := changes(manager).Approve(ctx, q.ID, last4(rec), later); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	if _, err := financeClient.KV().Put(ctx, l.Verifications(), records.VerificationPath("acme-us"),
		map[string]interface{}{"verified_at": "2099-01-01T00:00:00Z", "verified_by": "userpass-the-manager"}, 0); err != nil {
		t.Fatal(err)
	}
	inv, err := root.Rotation().Inventory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Payouts) != 1 {
		t.Fatalf("payouts %+v", inv.Payouts)
	}
	at := inv.Payouts[0].VerifiedAt
	if at.Before(before) || at.After(time.Now().Add(time.Minute)) {
		t.Fatalf("verified at %s: the verifier's own date was used", at)
	}
	if err := finance.Payouts().RecordVerification(ctx, "acme-us", "iban", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if inv, err = root.Rotation().Inventory(ctx); err != nil || inv.Payouts[0].VerifiedAt.Year() == 2099 {
		t.Fatalf("verified at %v, %v", inv.Payouts[0].VerifiedAt, err)
	}
}

// signAs makes a request signature with a raw Transit call, as a member
// with curl would: entityField is what the request will claim.
func signAs(t *testing.T, c *vault.Client, l vault.Layout, key, store, id string, rec payout.Record) string {
	t.Helper()
	fields := []string{"sellervault/v1", "payout-request", store, id, "0", rec.Holder, rec.IBAN, rec.BIC, rec.Routing,
		rec.Account, rec.AccountType, rec.Bank, rec.Country, rec.Currency, rec.Provider}
	msg, _ := json.Marshal(fields)
	sig, err := c.Transit().Sign(context.Background(), l.Transit(), key, string(msg))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func requestData(rec payout.Record, entity, name, sig string) map[string]interface{} {
	return map[string]interface{}{"kind": "payout-request", "holder": rec.Holder, "iban": rec.IBAN, "bic": rec.BIC,
		"routing": rec.Routing, "account": rec.Account, "account_type": rec.AccountType, "bank": rec.Bank,
		"country": rec.Country, "currency": rec.Currency, "provider": rec.Provider, "base_version": "0",
		"requested_by_entity": entity, "requested_by": name, "signature": sig}
}

// A manager signs a request with their own key but names their entity as
// "ID/sha2-256" (another route to the same Transit key, and a string
// unequal to their ID), then approves it alone: refused. And a second
// request made with an existing ID under another store makes the ID
// ambiguous: refused until STORE/ID is given.
func TestRequesterCannotBeForged(t *testing.T) {
	ctx := context.Background()
	root, c, l := newRepo(t)
	if err := root.Stores().Add(ctx, records.Store{Name: "acme-de", Marketplace: "amazon", Region: "de"}); err != nil {
		t.Fatal(err)
	}
	if err := root.Payouts().SetCoolingOff(ctx, 0); err != nil {
		t.Fatal(err)
	}
	manager, managerClient := vaulttest.Member(t, c, l, "manager")
	finance, financeClient := vaulttest.Member(t, c, l, "finance")
	rec := validRecord(t, payout.Record{Holder: "Mallory", IBAN: "GB29NWBK60161331926819", Currency: "GBP"})
	self, err := managerClient.Tokens().LookupSelf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := managerClient.Transit().CreateKey(ctx, l.Transit(), l.PersonKey(self.EntityID)); err != nil {
		t.Fatal(err)
	}
	id := "20260101-000000-aaaaaa"
	sig := signAs(t, managerClient, l, l.PersonKey(self.EntityID), "acme-us", id, rec)
	data := requestData(rec, self.EntityID+"/sha2-256", "userpass-someone-in-finance", sig)
	if _, err := managerClient.KV().Put(ctx, l.Proposals(), records.ProposalPath("acme-us", id), data, 0); err != nil {
		t.Fatal(err)
	}
	q, err := changes(manager).FindRequest(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if q.Signed || !strings.Contains(q.RequestedBy, "unproven") {
		t.Fatalf("a request naming %q is shown as signed by %q", self.EntityID+"/sha2-256", q.RequestedBy)
	}
	if _, err := changes(manager).Approve(ctx, id, "6819", later); !errors.Is(err, payoutchange.ErrUnsigned) {
		t.Fatalf("a manager approving their own request alone: %v, want ErrUnsigned", err)
	}
	if _, err := root.Payouts().Get(ctx, "acme-us"); err == nil {
		t.Fatal("the payout record was written")
	}

	// The same ID under another store.
	real, err := changes(finance).Propose(ctx, "acme-us", validRecord(t, payout.Record{Holder: "Acme", IBAN: "DE89370400440532013000", Currency: "EUR"}), time.Now, false)
	if err != nil {
		t.Fatal(err)
	}
	fin, err := financeClient.Tokens().LookupSelf(ctx)
	if err != nil {
		t.Fatal(err)
	}
	twinSig := signAs(t, financeClient, l, l.PersonKey(fin.EntityID), "acme-de", real.ID, rec)
	if _, err := financeClient.KV().Put(ctx, l.Proposals(), records.ProposalPath("acme-de", real.ID), requestData(rec, fin.EntityID, "x", twinSig), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := changes(manager).FindRequest(ctx, real.ID); !errors.Is(err, vault.ErrConflict) {
		t.Fatalf("an ID under two stores: %v, want a conflict", err)
	}
	if _, err := changes(manager).Approve(ctx, real.ID, "3000", later); err == nil {
		t.Fatal("an ambiguous ID was approved")
	}
	got, err := changes(manager).FindRequest(ctx, "acme-us/"+real.ID)
	if err != nil || got.Store != "acme-us" || got.Record.IBAN != "DE89370400440532013000" {
		t.Fatalf("STORE/ID: %+v, %v", got, err)
	}
	if _, err := changes(manager).Approve(ctx, "acme-us/"+real.ID, "3000", later); err != nil {
		t.Fatalf("approving by STORE/ID: %v", err)
	}
}

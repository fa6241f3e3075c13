// Package demo loads the example team that `sellervault-dev --demo` shows:
// a small seller business, Acme Outdoor, selling on Amazon in the US and
// Germany. Every value is fake: the names, the addresses (example.com and
// .example domains), and the passwords, which are random and never shown.
//
// Each capability of sellervault adds its part of the team here, so the
// tour in scripts/tour.sh can show it working.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

// Stores are the example team's stores.
var Stores = []records.Store{
	{Name: "acme-us", Marketplace: "amazon", Region: "us", Notes: "Amazon.com seller account"},
	{Name: "acme-de", Marketplace: "amazon", Region: "de", Notes: "Amazon.de seller account"},
}

// Phones use numbers reserved for fiction: 555-01xx in North America and
// 07700 900xxx in the UK.
var phones = []records.Phone{
	{Number: "+14155550100", Carrier: "Example Mobile", Assignee: "olga"},
	{Number: "+447700900123", Carrier: "Example Mobile UK", Assignee: "tom"},
}

var mailboxes = []records.Mailbox{
	{Address: "ops-us@acme.example", Assignee: "olga", RecoveryPhone: "+14155550100"},
	{Address: "ops-de@acme.example", Assignee: "tom", RecoveryPhone: "+447700900123"},
	{Address: "tom.private@example.com", Assignee: "tom", Personal: true},
}

var credentials = []records.Credential{
	{Store: "acme-us", Name: "seller-central", Login: "ops-us@acme.example", URL: "https://sellercentral.amazon.com",
		RecoveryEmail: "ops-us@acme.example", RecoveryPhone: "+14155550100", Owner: "maria", Assignees: []string{"olga"}},
	{Store: "acme-us", Name: "advertising", Login: "ops-us@acme.example", URL: "https://advertising.amazon.com",
		RecoveryEmail: "ops-us@acme.example", Owner: "maria", Assignees: []string{"olga"}},
	{Store: "acme-de", Name: "seller-central", Login: "ops-de@acme.example", URL: "https://sellercentral.amazon.de",
		RecoveryEmail: "ops-de@acme.example", RecoveryPhone: "+447700900123", Owner: "maria", Assignees: []string{"tom"}},
	{Store: "acme-de", Name: "shipping", Login: "tom.private@example.com", URL: "https://shipping.example.com",
		RecoveryEmail: "tom.private@example.com", Owner: "tom", Assignees: []string{"tom"}},
}

// loadRecords adds the stores, phones, mailboxes and credentials, each
// with a random (fake) secret; existing ones are kept.
func loadRecords(ctx context.Context, r *repo.Repo, now time.Time) error {
	keep := func(err error) error {
		if errors.Is(err, repo.ErrExists) {
			return nil
		}
		return err
	}
	day := 24 * time.Hour
	ago := func(days int) time.Time { return now.UTC().Add(-time.Duration(days) * day).Truncate(time.Second) }
	rotated := records.Rotation{LastRotated: ago(30)}
	// Rotation as a real team has it: one login overdue, one due soon,
	// the rest rotated a month ago.
	schedules := map[string]records.Rotation{
		"acme-us/advertising":    {LastRotated: ago(120)},
		"acme-de/seller-central": {Every: 45 * day, LastRotated: ago(38)},
		"ops-de@acme.example":    {LastRotated: ago(170)},
	}
	schedule := func(id string) records.Rotation {
		if r, ok := schedules[id]; ok {
			return r
		}
		return rotated
	}
	for _, s := range Stores {
		if err := keep(r.Stores().Add(ctx, s)); err != nil {
			return fmt.Errorf("demo store %s: %w", s.Name, err)
		}
	}
	for _, p := range phones {
		p.PIN, p.Rotation = "", schedule(p.Number)
		if err := keep(r.Contacts().AddPhone(ctx, p)); err != nil {
			return fmt.Errorf("demo phone %s: %w", p.Number, err)
		}
	}
	for _, m := range mailboxes {
		var err error
		if m.Password, err = randomPassword(); err != nil {
			return err
		}
		m.Rotation = schedule(m.Address)
		if err := keep(r.Contacts().AddMailbox(ctx, m)); err != nil {
			return fmt.Errorf("demo mailbox %s: %w", m.Address, err)
		}
	}
	for _, c := range credentials {
		var err error
		if c.Password, err = randomPassword(); err != nil {
			return err
		}
		c.Rotation = schedule(c.Address())
		if err := keep(r.Creds().Add(ctx, c)); err != nil {
			return fmt.Errorf("demo credential %s: %w", c.Address(), err)
		}
	}
	// The US Seller Central login has 2-step verification in Vault.
	seed := make([]byte, 20)
	if _, err := rand.Read(seed); err != nil {
		return err
	}
	key := totp.Key{Secret: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed),
		Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon", Account: "ops-us@acme.example"}
	if _, err := r.TOTP().Add(ctx, "acme-us", "seller-central", key, false, time.Now); keep(err) != nil {
		return fmt.Errorf("demo totp: %w", err)
	}
	return nil
}

// People are the example team: a manager, a finance person and two
// operations staff, each assigned to one store and holding its company
// mailbox and phone. Each is onboarded as a real member: an identity, a
// login and a staff record.
var People = []staff.Member{
	{Name: "maria", Role: staff.RoleManager},
	{Name: "farid", Role: staff.RoleFinance},
	{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}, Email: "ops-us@acme.example", Phone: "+14155550100"},
	{Name: "tom", Role: staff.RoleOps, Stores: []string{"acme-de"}, Email: "ops-de@acme.example", Phone: "+447700900123"},
}

// Load adds the example team to an initialised Vault. It is idempotent:
// records that exist already are left as they are.
func Load(ctx context.Context, c *vault.Client, l vault.Layout, now time.Time) error {
	_, err := LoadWithLogins(ctx, c, l, now)
	return err
}

// LoadWithLogins is Load, and returns a fresh Vault token of each person
// (by name), for a dev server that lets the tour act as them. Their
// passwords are random and thrown away.
func LoadWithLogins(ctx context.Context, c *vault.Client, l vault.Layout, now time.Time) (map[string]string, error) {
	r := repo.New(c, l)
	if err := loadRecords(ctx, r, now); err != nil {
		return nil, err
	}
	tokens := map[string]string{}
	logins := map[string]*vault.Client{}
	for _, m := range People {
		if _, err := r.Members().Onboard(ctx, m, time.Minute, func() time.Time { return now }); err != nil && !errors.Is(err, repo.ErrExists) {
			return nil, fmt.Errorf("demo person %s: %w", m.Name, err)
		}
		password, err := randomPassword()
		if err != nil {
			return nil, err
		}
		p := access.Person{Name: m.Name, Role: staff.PersonRole(m.Role), Stores: m.Stores}
		if _, err := access.EnsurePerson(ctx, c, l, p, password, now); err != nil {
			return nil, fmt.Errorf("demo person %s: %w", m.Name, err)
		}
		if tokens[m.Name], err = c.Userpass().Login(ctx, vault.UserpassMount, m.Name, password); err != nil {
			return nil, fmt.Errorf("demo login %s: %w", m.Name, err)
		}
		if logins[m.Name], err = c.WithToken(tokens[m.Name]); err != nil {
			return nil, err
		}
	}
	return tokens, loadPayout(ctx, repo.New(logins["farid"], l), repo.New(logins["maria"], l))
}

// payoutChanges is payout change control over r's records.
func payoutChanges(r *repo.Repo) payoutchange.Control {
	return connect.PayoutChanges(r)
}

// loadPayout gives acme-de an approved payout record and one pending
// change, through the real two-person flow: farid (finance) proposes,
// maria (manager) approves. The demo lifts the cooling-off for that one
// approval rather than wait a day, then puts it back.
func loadPayout(ctx context.Context, finance, manager *repo.Repo) error {
	if _, err := finance.Payouts().Get(ctx, "acme-de"); err == nil || !errors.Is(err, vault.ErrNotFound) {
		return err // there already, or a real error
	}
	propose := func(rec payout.Record) (*payoutchange.Request, error) {
		rec = rec.Normalize()
		if err := rec.Validate(); err != nil {
			return nil, fmt.Errorf("demo payout: %w", err)
		}
		return payoutChanges(finance).Propose(ctx, "acme-de", rec, time.Now, false)
	}
	// IBANs from the IBAN registry's published examples: valid, not real.
	q, err := propose(payout.Record{Holder: "Acme Outdoor GmbH", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
		Bank: "Commerzbank", Currency: "EUR", Provider: "payoneer"})
	if err != nil {
		return err
	}
	cooling, err := manager.Payouts().CoolingOff(ctx)
	if err != nil {
		return err
	}
	if err := manager.Payouts().SetCoolingOff(ctx, 0); err != nil {
		return err
	}
	_, newAccount := payout.ConfirmationField(q.Record)
	if _, err := payoutChanges(manager).Approve(ctx, q.ID, newAccount[len(newAccount)-4:], time.Now); err != nil {
		return fmt.Errorf("demo payout approval: %w", err)
	}
	if err := manager.Payouts().SetCoolingOff(ctx, cooling); err != nil {
		return err
	}
	_, err = propose(payout.Record{Holder: "Acme Outdoor GmbH", IBAN: "DE02120300000000202051", BIC: "BYLADEM1001",
		Bank: "Deutsche Kreditbank", Currency: "EUR", Provider: "payoneer"})
	return err
}

func randomPassword() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

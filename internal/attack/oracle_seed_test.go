package attack

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// payStores are stores added through the repository (repo.Stores().Add) for
// the no-oracle tests, each with a payout record that went through the
// product's own payout change flow (finance proposes, a manager
// approves): one paid to an IBAN, one to a US routing and account
// number. Nobody is assigned to them.
var payStores = []string{"pay-eu", "pay-us"}

// oracleCanaries are the true values the no-oracle tests try to learn.
// They are random per run and written through internal/repo, so the
// paths, metadata and index entries are the product's own.
type oracleCanaries struct {
	passUS, passDE string // a password of acme-us, one of acme-de
	// reused is the password of acme-us/reuse, acme-de/reuse and of the
	// company mailbox: one value in three audiences.
	reused string
	// mailbox is a company mailbox (its recovery phone is phone);
	// personal someone's own, with personalPass as password. mailbox and
	// phone are also acme-de/recovery's recovery factors.
	mailbox, personal, personalPass string
	phone, personalPhone            string // E.164
	iban, ibanAccount               string // pay-eu: the IBAN and the account number in it
	routing, account                string // pay-us
	// the credentials' names
	credUS, credDE, reuse string
}

// value is one canary value with the audiences who may read it (whose
// index holds it) and the redaction kind it is indexed under ("" when it
// is indexed only as part of another value: the account number inside an
// IBAN).
type value struct {
	what      string
	v         string
	kind      string
	audiences []string
}

// values lists every canary value with its audiences.
func (o oracleCanaries) values() []value {
	us, de := vault.StoreAudience(storeUS), vault.StoreAudience(storeDE)
	return []value{
		{"acme-us's password", o.passUS, records.RedactPassword, []string{us}},
		{"acme-de's password", o.passDE, records.RedactPassword, []string{de}},
		{"the reused password", o.reused, records.RedactPassword, []string{us, de, vault.AudienceContacts}},
		{"the company mailbox's address", o.mailbox, records.RedactEmail, []string{vault.AudienceContacts}},
		{"the personal mailbox's address", o.personal, records.RedactEmail, []string{vault.AudienceContacts}},
		{"the personal mailbox's password", o.personalPass, records.RedactPassword, []string{vault.AudienceContacts}},
		{"the company phone number", o.phone, records.RedactPhone, []string{vault.AudienceContacts}},
		{"the personal phone number", o.personalPhone, records.RedactPhone, []string{vault.AudienceContacts}},
		{"pay-eu's IBAN", o.iban, records.RedactIBAN, []string{vault.AudiencePayout}},
		{"the account number in pay-eu's IBAN", o.ibanAccount, "", []string{vault.AudiencePayout}},
		{"pay-us's routing number", o.routing, records.RedactRouting, []string{vault.AudiencePayout}},
		{"pay-us's account number", o.account, records.RedactAccount, []string{vault.AudiencePayout}},
	}
}

// in says whether the value is one of the audience's values.
func (v value) in(audience string) bool {
	for _, a := range v.audiences {
		if a == audience {
			return true
		}
	}
	return false
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err)
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// germanIBAN is a valid German IBAN of a known bank code and account.
func germanIBAN(bank, account string) string {
	bban := bank + account
	n, _ := new(big.Int).SetString(bban+"131400", 10) // "DE00" moved to the end, letters as numbers
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("DE%02d%s", check, bban)
}

// abaRouting completes 8 digits with the ABA check digit.
func abaRouting(d8 string) string {
	d := func(i int) int { return int(d8[i] - '0') }
	sum := 3*(d(0)+d(3)+d(6)) + 7*(d(1)+d(4)+d(7)) + d(2) + d(5)
	return d8 + fmt.Sprint((10-sum%10)%10)
}

// repoAs is the product's repository with a member's token.
func (tm *team) repoAs(role string) (*repo.Repo, error) {
	c, err := vault.New(vault.Options{Address: tm.srv.URL, Token: tm.members[role].token})
	if err != nil {
		return nil, err
	}
	return repo.New(c, tm.l), nil
}

// seedByRepo writes the no-oracle canaries through the product's own
// repository, the way `sellervault` does: credentials in acme-us and
// acme-de, mailboxes and phones (under their IDs), and two stores with
// payout records proposed by finance and approved by the manager. Each
// record is then a seeded record too (byRepo), so the generated attacks
// aim at it: its data canary is a unique value in its data, and a
// "canary" key is added to its custom metadata with root.
func (tm *team) seedByRepo(ctx context.Context) error {
	mgr, err := tm.repoAs(roleManager)
	if err != nil {
		return err
	}
	fin, err := tm.repoAs(roleFinance)
	if err != nil {
		return err
	}
	o := &tm.oracle
	o.passUS = "Sommer" + randomDigits(4) + "!" + randomHex(3)
	o.passDE = "Winter" + randomDigits(4) + "?" + randomHex(3)
	o.reused = "Herbst" + randomDigits(4) + "#" + randomHex(3)
	o.mailbox = "ops.oracle" + randomHex(3) + "@acme-mail.example"
	o.personal = "jane.doe" + randomHex(3) + "@gmail.example"
	o.personalPass = "Fruehling" + randomDigits(4) + "%" + randomHex(3)
	o.phone = "+49151" + randomDigits(8)
	o.personalPhone = "+49170" + randomDigits(8)
	o.ibanAccount = "9" + randomDigits(9)
	o.iban = germanIBAN("37040044", o.ibanAccount)
	o.routing = abaRouting("02" + randomDigits(6))
	o.account = "7" + randomDigits(11)
	o.credUS, o.credDE, o.reuse = "oracle-us", "oracle-de", "reuse"

	P := tm.l.KV()
	var added []*record
	canary := func() string { return fmt.Sprintf("cnry%srepo%02dd", tm.runID, len(added)) }
	note := func(mount, key, class, store, dataCanary string) {
		added = append(added, &record{mount: mount, key: key, class: class, store: store, byRepo: true, dataCanary: dataCanary})
	}
	creds := []records.Credential{
		{Store: storeUS, Name: o.credUS, Login: "ops@" + storeUS + ".example", Password: o.passUS},
		{Store: storeDE, Name: o.credDE, Login: "ops@" + storeDE + ".example", Password: o.passDE,
			RecoveryEmail: o.mailbox, RecoveryPhone: o.phone},
		{Store: storeUS, Name: o.reuse, Login: "shared@" + storeUS + ".example", Password: o.reused},
		{Store: storeDE, Name: o.reuse, Login: "shared@" + storeDE + ".example", Password: o.reused},
	}
	for _, c := range creds {
		c.Notes = canary()
		if err := mgr.Creds().Add(ctx, c); err != nil {
			return fmt.Errorf("credential %s: %w", c.Address(), err)
		}
		note(P, records.CredPath(c.Store, c.Name), clsCred, c.Store, c.Notes)
	}
	phones := []records.Phone{
		{Number: o.phone, Carrier: "Telekom"}, // onboarding gives it to its holder, below
		{Number: o.personalPhone, Carrier: "Vodafone", Assignee: "ops", Personal: true},
	}
	for _, p := range phones {
		if err := mgr.Contacts().AddPhone(ctx, p); err != nil {
			return fmt.Errorf("phone: %w", err)
		}
		key, err := tm.contactKey(records.KindPhone, p.Number)
		if err != nil {
			return err
		}
		note(P, key, clsPhone, "", p.Number)
	}
	mailboxes := []records.Mailbox{
		{Address: o.mailbox, Password: o.reused, RecoveryPhone: o.phone},
		{Address: o.personal, Password: o.personalPass, Assignee: "ops", Personal: true},
	}
	for _, m := range mailboxes {
		if err := mgr.Contacts().AddMailbox(ctx, m); err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
		key, err := tm.contactKey(records.KindMailbox, m.Address)
		if err != nil {
			return err
		}
		note(P, key, clsMailbox, "", m.Address)
	}
	// A person onboarded with the company mailbox and phone: their staff
	// record names both (and its metadata, which the reminder job reads,
	// must not).
	holder := "holder-" + tm.runID
	if _, err := mgr.Members().Onboard(ctx, staff.Member{Name: holder, Role: staff.RoleOps, Stores: []string{storeUS},
		Email: o.mailbox, Phone: o.phone}, time.Minute, time.Now); err != nil {
		return fmt.Errorf("onboarding the mailbox's holder: %w", err)
	}
	cooling, err := mgr.Payouts().CoolingOff(ctx)
	if err != nil {
		return err
	}
	later := func() time.Time { return time.Now().Add(cooling + time.Hour) }
	payouts := []payout.Record{
		{Holder: "Acme EU GmbH", IBAN: o.iban, Currency: "EUR"},
		{Holder: "Acme US Inc", Routing: o.routing, Account: o.account, AccountType: "checking", Country: "US", Currency: "USD"},
	}
	for i, s := range payStores {
		profile := records.Store{Name: s, Marketplace: "amazon", Region: "EU", Notes: canary()}
		if err := tm.addStoreAsManager(ctx, mgr, profile); err != nil {
			return fmt.Errorf("store %s: %w", s, err)
		}
		note(P, records.StorePath(s), clsProfile, s, profile.Notes)
		rec := payouts[i].Normalize()
		if err := rec.Validate(); err != nil {
			return fmt.Errorf("payout of %s: %w", s, err)
		}
		q, err := connect.PayoutChanges(fin).Propose(ctx, s, rec, time.Now, false)
		if err != nil {
			return fmt.Errorf("proposing the payout of %s: %w", s, err)
		}
		_, confirm := payout.ConfirmationField(rec)
		if _, err := connect.PayoutChanges(mgr).Approve(ctx, q.ID, confirm[len(confirm)-4:], later); err != nil {
			return fmt.Errorf("approving the payout of %s: %w", s, err)
		}
		dataCanary := rec.IBAN
		if dataCanary == "" {
			dataCanary = rec.Account
		}
		note(P, records.StorePath(s)+"/payout", clsPayout, s, dataCanary)
	}
	for _, r := range added {
		r.metaCanary = fmt.Sprintf("cnry%srepo%02dm", tm.runID, len(tm.records))
		md, err := tm.raw.call(tm.rootTok, "GET", r.mount+"/metadata/"+r.key, nil)
		if err != nil {
			return err
		}
		custom := map[string]string{"canary": r.metaCanary}
		for k, v := range obj(obj(md, "data"), "custom_metadata") {
			custom[k], _ = v.(string)
		}
		if _, err := tm.raw.call(tm.rootTok, "POST", r.mount+"/metadata/"+r.key, map[string]interface{}{"custom_metadata": custom}); err != nil {
			return err
		}
		r.versions = int(obj(md, "data")["current_version"].(float64))
		tm.records = append(tm.records, r)
	}
	return nil
}

// addStoreAsManager adds a store with the manager's repository. When the
// manager may not create the store's redaction key (a gap of the
// policies: TestLayoutComplete reports it), the suite creates the key
// with root and adds the store again, so the rest is still the
// manager's doing.
func (tm *team) addStoreAsManager(ctx context.Context, mgr *repo.Repo, s records.Store) error {
	err := mgr.Stores().Add(ctx, s)
	if err == nil || !errors.Is(err, vault.ErrDenied) {
		return err
	}
	key := tm.l.RedactKey(vault.StoreAudience(s.Name))
	rep := tm.doRaw(tm.members[roleManager].token, post(tm.l.Transit()+"/keys/"+key, map[string]interface{}{}))
	tm.gaps = append(tm.gaps, fmt.Sprintf("a manager cannot add a store: repo.Stores().Add(%s) with the manager's token failed (%v); "+
		"POST /v1/%s/keys/%s with the manager's token answers %d (Transit's keys/NAME takes update, not create); the suite created the key with root",
		s.Name, err, tm.l.Transit(), key, rep.Status))
	if _, err := tm.raw.call(tm.rootTok, "POST", tm.l.Transit()+"/keys/"+key, map[string]interface{}{}); err != nil {
		return err
	}
	return mgr.Stores().Add(ctx, s)
}

// doRaw is raw.do with a transport error as status 0.
func (tm *team) doRaw(token string, req request) reply {
	rep, err := tm.raw.do(token, req)
	if err != nil {
		return reply{Body: []byte(err.Error())}
	}
	return rep
}

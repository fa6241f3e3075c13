// Package vaulttest checks the audit report against logs written by real
// Vault cores' file audit devices: a scripted session of a small team
// working through sellervault, and an attack session of raw HTTP
// requests (attack_session_test.go). Each has its own core (the audit
// device is per core) and needs nothing else.
package vaulttest

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/audit"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

const prefix = "acme"

// session is what the scripted session leaves behind.
type session struct {
	logFile    string
	addr       string
	manager    string // maria's token
	finance    string // farid's token
	proposalID string
	olgaID     string
	tomID      string
	samID      string
}

var shared struct {
	s   *session
	err error
}

func TestMain(m *testing.M) {
	for _, v := range vault.EnvVars {
		os.Unsetenv(v)
	}
	os.Unsetenv("VAULT_TOKEN")
	os.Unsetenv("VAULT_ADDR")
	dir, err := os.MkdirTemp("", "sellervault-audit-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, err := devvault.Start(context.Background(), devvault.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared.s, shared.err = script(context.Background(), srv, filepath.Join(dir, "audit.log"))
	stopAttacks := startAttacks(dir)
	code := m.Run()
	stopAttacks()
	_ = srv.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// script plays the team's session against a fresh core with a file audit
// device: a manager (maria), finance (farid), two operations staff (olga
// for acme-us, tom for acme-de); reads inside and outside their stores, a
// payout proposal and its approval, a burst of reads, and tom's attempts
// after he is offboarded.
func script(ctx context.Context, srv *devvault.Server, logFile string) (s *session, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("scripted session: %v", r)
		}
	}()
	root := must(vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken}))
	l := must(vault.NewLayout(prefix))
	must(setup.Run(ctx, root, setup.Options{Layout: l, AuditFile: logFile}))
	admin := repo.New(root, l)
	for _, st := range []records.Store{{Name: "acme-us", Marketplace: "amazon", Region: "us"}, {Name: "acme-de", Marketplace: "amazon", Region: "de"}} {
		must(0, admin.Stores().Add(ctx, st))
	}
	for _, c := range []records.Credential{
		{Store: "acme-us", Name: "seller-central", Login: "ops-us@acme.example", Password: "pw-us-1"},
		{Store: "acme-us", Name: "advertising", Login: "ops-us@acme.example", Password: "pw-us-2"},
		{Store: "acme-de", Name: "seller-central", Login: "ops-de@acme.example", Password: "pw-de-1"},
	} {
		must(0, admin.Creds().Add(ctx, c))
	}
	must(0, admin.Contacts().AddMailbox(ctx, records.Mailbox{Address: "ops-us@acme.example", Password: "mail-pw"}))
	seed := make([]byte, 20)
	_, _ = rand.Read(seed)
	must(admin.TOTP().Add(ctx, "acme-us", "seller-central", totp.Key{Secret: base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(seed),
		Algorithm: "SHA1", Digits: 6, Period: 30, Issuer: "Amazon", Account: "ops-us@acme.example"}, false, time.Now))

	login := func(m staff.Member) (*repo.Repo, string) {
		wrapped := must(admin.Members().Onboard(ctx, m, time.Hour, time.Now))
		data := must(root.Tokens().Unwrap(ctx, wrapped))
		token := must(root.Userpass().Login(ctx, vault.UserpassMount, m.Name, data["password"].(string)))
		return repo.New(must(root.WithToken(token)), l), token
	}
	maria, mariaToken := login(staff.Member{Name: "maria", Role: staff.RoleManager})
	farid, faridToken := login(staff.Member{Name: "farid", Role: staff.RoleFinance})
	olga, _ := login(staff.Member{Name: "olga", Role: staff.RoleOps, Stores: []string{"acme-us"}})
	tom, _ := login(staff.Member{Name: "tom", Role: staff.RoleOps, Stores: []string{"acme-de"}})
	tomPassword := "not-his-any-more"

	// olga works: a login and a code of her store; then one of another
	// store and a payout record (both refused).
	must2(olga.Creds().Get(ctx, "acme-us", "seller-central"))
	must2(olga.TOTP().Code(ctx, "acme-us", "seller-central"))
	if _, _, err := olga.Creds().Get(ctx, "acme-de", "seller-central"); !isDenied(err) {
		return nil, fmt.Errorf("olga read acme-de: %v", err)
	}
	if _, err := olga.Payouts().Get(ctx, "acme-us"); !isDenied(err) {
		return nil, fmt.Errorf("olga read the payout record: %v", err)
	}

	// farid proposes payout details; maria approves them.
	rec := payout.Record{Holder: "Acme Outdoor Inc", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
		Bank: "Commerzbank", Currency: "EUR", Provider: "payoneer"}.Normalize()
	q := must(connect.PayoutChanges(farid).Propose(ctx, "acme-us", rec, time.Now, false))
	must(0, maria.Payouts().SetCoolingOff(ctx, 0))
	must(connect.PayoutChanges(maria).Approve(ctx, q.ID, rec.IBAN[len(rec.IBAN)-4:], time.Now)) // the approver types the last four
	must(farid.Payouts().Get(ctx, "acme-us"))

	// tom works on acme-de, then is offboarded (his token and login
	// stop working), and tries again.
	must2(tom.Creds().Get(ctx, "acme-de", "seller-central"))
	must(offboard.Run(ctx, connect.OffboardDeps(maria),
		"tom", "olga", false, time.Now))
	if _, _, err := tom.Creds().Get(ctx, "acme-de", "seller-central"); !isDenied(err) {
		return nil, fmt.Errorf("tom after offboarding: %v", err)
	}
	if _, err := root.Userpass().Login(ctx, vault.UserpassMount, "tom", tomPassword); err == nil {
		return nil, fmt.Errorf("tom logged in after offboarding")
	}

	// sam's identity is disabled by hand (no offboarding): his token,
	// not revoked, stops working.
	sam, _ := login(staff.Member{Name: "sam", Role: staff.RoleOps, Stores: []string{"acme-us"}})
	must2(sam.Creds().Get(ctx, "acme-us", "seller-central"))
	must(0, root.Identity().DisableEntity(ctx, "sam"))
	if _, _, err := sam.Creds().Get(ctx, "acme-us", "seller-central"); !isDenied(err) {
		return nil, fmt.Errorf("sam after his identity was disabled: %v", err)
	}

	// zoe was given access by hand (access.EnsurePerson, as the dev
	// server's example team is): no staff record, only groups.
	must(access.EnsurePerson(ctx, root, l, access.Person{Name: "zoe", Role: "staff", Stores: []string{"acme-de"}}, "zoe-password-1234", time.Now()))
	zoe := repo.New(must(root.WithToken(must(root.Userpass().Login(ctx, vault.UserpassMount, "zoe", "zoe-password-1234")))), l)
	must2(zoe.Creds().Get(ctx, "acme-de", "seller-central"))
	if _, _, err := zoe.Creds().Get(ctx, "acme-us", "seller-central"); !isDenied(err) {
		return nil, fmt.Errorf("zoe read acme-us: %v", err)
	}

	// olga reads one login 25 times in a row: a burst.
	for i := 0; i < 25; i++ {
		must2(olga.Creds().Get(ctx, "acme-us", "advertising"))
	}

	olgaID := must(root.Identity().EntityID(ctx, "olga"))
	tomID := must(root.Identity().EntityID(ctx, "tom"))
	samID := must(root.Identity().EntityID(ctx, "sam"))
	// The report reads a copy: every later request (the tests' own
	// directory reads) goes on growing the live log.
	snapshot := strings.TrimSuffix(logFile, ".log") + "-session.log"
	must(0, os.WriteFile(snapshot, must(os.ReadFile(logFile)), 0o600))
	return &session{logFile: snapshot, addr: srv.URL, manager: mariaToken, finance: faridToken, proposalID: q.ID,
		olgaID: olgaID, tomID: tomID, samID: samID}, nil
}

func must2[T, U any](v T, _ U, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func isDenied(err error) bool {
	return err != nil && strings.Contains(err.Error(), "permission denied")
}

func sess(t *testing.T) *session {
	t.Helper()
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.s
}

// analyse runs the report on the session's log with the people read
// through the repository with the manager's token.
func analyse(t *testing.T, opts audit.Options) *audit.Report {
	t.Helper()
	s := sess(t)
	ctx := context.Background()
	c, err := vault.New(vault.Options{Address: s.addr, Token: s.manager})
	if err != nil {
		t.Fatal(err)
	}
	l, _ := vault.NewLayout(prefix)
	people, err := repo.New(c, l).Members().AuditPeople(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opts.Prefix, opts.People = prefix, audit.NewDirectory(people)
	f, err := os.Open(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := audit.Analyze(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

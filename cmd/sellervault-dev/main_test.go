package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/demo"
	"github.com/sellervault/sellervault/internal/vault"
)

func TestCommandModeExitStatusAndEnvironment(t *testing.T) {
	t.Setenv("VAULT_NAMESPACE", "must-not-leak-into-the-command")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--", "sh", "-c", `echo "addr=$VAULT_ADDR ns=$VAULT_NAMESPACE token=${VAULT_TOKEN:+set}"; exit 3`},
		strings.NewReader(""), &stdout, &stderr)
	if code != 3 {
		t.Fatalf("exit status %d, want the command's 3; stderr: %s", code, stderr.String())
	}
	out := stdout.String()
	if !strings.HasPrefix(out, "addr=http://127.0.0.1:") || !strings.Contains(out, "ns= token=set") {
		t.Fatalf("command saw %q", out)
	}
	if strings.Contains(out, "127.0.0.1:8200") {
		t.Fatalf("command mode without --addr should pick a free port: %q", out)
	}
}

func TestCommandNotFound(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"--", "/nonexistent/tool"}, strings.NewReader(""), &stdout, &stderr)
	if code != 127 || !strings.Contains(stderr.String(), "run /nonexistent/tool") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestRefusesNonLoopbackAddress(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"--addr", "0.0.0.0:0", "--", "true"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "not a loopback address") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestStartInitialisesAndLoadsDemo(t *testing.T) {
	ctx := context.Background()
	srv, _, err := start(ctx, options{addr: "127.0.0.1:0", demo: true, mount: "sellervault"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Get(ctx, "sellervault", vault.InitMarkerPath); err != nil {
		t.Fatalf("init marker: %v", err)
	}
	l, _ := vault.NewLayout("sellervault")
	for _, store := range demo.Stores {
		g, err := c.Identity().GroupByName(ctx, l.StoreGroup(store.Name))
		if err != nil {
			t.Fatalf("store group %s: %v", store.Name, err)
		}
		if len(g.MemberEntityIDs) != 1 {
			t.Errorf("store %s has %d members, want 1", store.Name, len(g.MemberEntityIDs))
		}
	}
	// Loading the demo again duplicates nothing.
	if err := demo.Load(ctx, c, l, time.Now()); err != nil {
		t.Fatal(err)
	}
	g, err := c.Identity().GroupByName(ctx, l.RoleGroup("staff"))
	if err != nil || len(g.MemberEntityIDs) != 2 {
		t.Fatalf("staff group after a second load: %+v, %v", g, err)
	}
}

// TestTour runs the README's first quick-start command as written (but
// for `go run`, which the test binary replaces): the dev server with the
// demo team, and the tour script against it.
func TestTour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the sellervault binary")
	}
	tour, err := filepath.Abs("../../scripts/tour.sh")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--demo", "--", "bash", tour}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("tour exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"$ sellervault status", "initialized    yes",
		"sellervault: nothing to change: init has already run",
		"(exit status 6)", "(exit status 4)",
		"sellervault: added credential acme-us/brand-registry",
		"mailbox to***e@e***.com is personal: it leaves with its owner",
		"$ sellervault totp code acme-us/seller-central",
		"DE89 **** **** **** **30 00",
		"userpass-maria",
		"pending",
		"sellervault: 1 record is overdue for rotation", "(exit status 10)",
		"rotated acme-us/advertising: the new password is current",
		"[webhook receiver] got a reminder:",
		"demo-hook  webhook  sent", "demo-hook  webhook  quiet",
		"login [REDACTED:email], code goes to [REDACTED:phone], payout [REDACTED:iban]",
		"kind,record,store,marketplace", "(exit status 12)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tour output lacks %q", want)
		}
	}
	// The made-up token appears once, in the echoed command line, never in
	// sellervault's own output.
	if !regexp.MustCompile(`(?m)^password +\*{8}$`).MatchString(out) {
		t.Errorf("the tour shows no masked password")
	}
	if !regexp.MustCompile(`(?m)^[0-9]{6}  \([0-9]+ s left\)$`).MatchString(out) {
		t.Errorf("the tour shows no TOTP code")
	}
	if strings.Contains(out, "DE89370400440532013000") || strings.Contains(out, "DE02120300000000202051") {
		t.Errorf("the tour shows an IBAN in full")
	}
	if n := strings.Count(out, "hvs.this-token-is-made-up"); n != 1 {
		t.Errorf("the made-up token appears %d times", n)
	}
}

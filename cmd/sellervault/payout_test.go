//go:build linux

package main

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/vault"
)

// payoutFixture is a store with an approved payout record, written
// directly as root (the two-person flow has its own script).
func payoutFixture(t *testing.T, data map[string]interface{}) *canaryEnv {
	t.Helper()
	e := newCanaryEnv(t)
	e.clean(t, 0, "", "init")
	e.clean(t, 0, "", "store", "add", "acme-de", "--marketplace", "amazon", "--region", "de")
	t.Setenv("VAULT_CACERT", e.vars["VAULT_CACERT"])
	c, err := vault.New(vault.Options{Address: e.vars["VAULT_ADDR"], Token: e.vars["VAULT_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.KV().Put(context.Background(), e.vars["SELLERVAULT_MOUNT"], "stores/acme-de/payout", data, 0); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestPayoutCopyDetectsSwappedClipboard: clipboard-hijacking malware
// swaps the IBAN on the clipboard while the user pastes; the walk notices
// when the user confirms, stops, clears the clipboard and exits 8.
func TestPayoutCopyDetectsSwappedClipboard(t *testing.T) {
	e := payoutFixture(t, map[string]interface{}{"holder": "Acme Outdoor GmbH", "iban": "DE89370400440532013000",
		"bic": "COBADEFFXXX", "country": "DE", "currency": "EUR"})
	cmd := exec.Command(e.exe, "payout", "copy", "acme-de", "--clear-after", "30s")
	cmd.Env = e.env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var seen []string
	waitFor := func(prefix string) {
		t.Helper()
		deadline := time.After(leakWait)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("sellervault ended before %q; it said %q", prefix, seen)
				}
				seen = append(seen, line)
				if strings.Contains(line, prefix) {
					return
				}
			case <-deadline:
				t.Fatalf("no %q within %s; seen %q", prefix, leakWait, seen)
			}
		}
	}
	xclip := func(args ...string) *exec.Cmd { return xclipOn(e.vars["DISPLAY"], args...) }
	waitFor("1/")
	stdin.Write([]byte("\n")) // the holder is pasted
	waitFor("2/")             // the IBAN is on the clipboard ...
	swap := xclip("-i")       // ... and malware swaps in its own
	swap.Stdin = strings.NewReader("GB29NWBK60161331926819")
	if err := swap.Run(); err != nil {
		t.Fatal(err)
	}
	// xclip takes the selection in its background process, a moment
	// after the foreground one exits: Enter only once the swap is there.
	swapped := time.Now().Add(leakWait)
	for {
		if got, _ := xclip("-o").Output(); string(got) == "GB29NWBK60161331926819" {
			break
		}
		if time.Now().After(swapped) {
			t.Fatal("the swapped IBAN never reached the clipboard")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stdin.Write([]byte("\n"))
	drainUntilExit(t, cmd, lines, &seen)
	err = cmd.Wait()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	}
	out := strings.Join(seen, "\n")
	if code != 8 || !strings.Contains(out, "the clipboard changed while iban was on it") || !strings.Contains(out, "Do not submit the form") {
		t.Fatalf("exit %d, stderr:\n%s", code, out)
	}
	if got, _ := xclip("-o").Output(); len(got) != 0 {
		t.Fatalf("the clipboard still holds %d bytes after the swap was found", len(got))
	}
	if strings.Contains(out, "DE89370400440532013000") || strings.Contains(out, "GB29NWBK60161331926819") {
		t.Fatal("an IBAN was printed in full")
	}
}

// TestPayoutNumbersNeverShown: a full account number or IBAN never
// appears unmasked in any output (only on the clipboard, when copied).
func TestPayoutNumbersNeverShown(t *testing.T) {
	const account, routing = "987654321012", "021000021"
	e := payoutFixture(t, map[string]interface{}{"holder": "Acme Outdoor Inc", "routing": routing, "account": account,
		"account_type": "checking", "bank": "Example Bank", "country": "US", "currency": "USD"})
	proposal := `{"holder": "Acme Outdoor Inc", "routing": "021000021", "account": "123456789555", "account_type": "savings", "country": "US", "currency": "USD"}`
	for _, args := range [][]string{
		{"payout", "show", "acme-de"},
		{"payout", "show", "acme-de", "--format", "json"},
		{"payout", "propose", "acme-de", "--dry-run"},
		{"payout", "propose", "acme-de", "--format", "json"},
		{"payout", "requests", "--all"},
		{"payout", "requests", "--all", "--format", "json"},
		{"payout", "history", "acme-de"},
		{"payout", "verify", "acme-de", "--field", "account"},
	} {
		stdin := ""
		if args[1] == "propose" {
			stdin = proposal
		}
		if args[1] == "verify" {
			stdin = "1111" + account[4:] + "\n" // close, but not it
		}
		res := e.run(t, e.env, stdin, args...)
		for _, full := range []string{account, "123456789555"} {
			if strings.Contains(res.stdout, full) || strings.Contains(res.stderr, full) {
				t.Errorf("sellervault %s printed the full account number %s", strings.Join(args, " "), full[:4]+"…")
			}
		}
		if args[1] == "show" && !strings.Contains(res.stdout, "****1012") {
			t.Errorf("payout show does not show the masked account:\n%s", res.stdout)
		}
	}
	e.clean(t, 0, "", "payout", "copy", "acme-de", "--field", "account", "--clear-after", "0")
	got, err := exec.Command("sh", "-c", "DISPLAY="+e.vars["DISPLAY"]+" xclip -selection clipboard -o").Output()
	if err != nil || string(got) != account {
		t.Fatalf("the clipboard holds %d bytes, want the account number (%v)", len(got), err)
	}
}

// drainUntilExit collects the lines of a child's stderr until it ends.
// A child still running after leakWait is made to dump its goroutines
// (SIGQUIT), and the test fails with that dump: a hang is reported, not
// waited out.
func drainUntilExit(t *testing.T, cmd *exec.Cmd, lines <-chan string, seen *[]string) {
	t.Helper()
	deadline := time.After(leakWait)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				return
			}
			*seen = append(*seen, line)
		case <-deadline:
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			dump := time.After(3 * time.Second)
			for {
				select {
				case line, ok := <-lines:
					if ok {
						*seen = append(*seen, line)
						continue
					}
				case <-dump:
				}
				break
			}
			t.Fatalf("sellervault did not end within %s after the last input; its stderr and goroutines:\n%s", leakWait, strings.Join(*seen, "\n"))
		}
	}
}

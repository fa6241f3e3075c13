package vaulttest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/app"
	"github.com/sellervault/sellervault/internal/audit"
)

// run runs `sellervault audit ...` in-process with token (none: "").
func run(t *testing.T, token string, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("VAULT_ADDR", sess(t).addr)
	t.Setenv("VAULT_TOKEN", token)
	t.Setenv("SELLERVAULT_MOUNT", prefix)
	var out, errOut bytes.Buffer
	env := &app.Env{Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errOut}
	code = app.Run(context.Background(), append([]string{"sellervault", "audit"}, args...), env)
	return code, out.String(), errOut.String()
}

// runJSON runs the command for its JSON report, which exits 16 when it
// flags anything and 0 when not.
func runJSON(t *testing.T, token string, args ...string) audit.View {
	t.Helper()
	code, out, errOut := run(t, token, nil, append(args, "--format", "json")...)
	if code != app.ExitOK && code != app.ExitFlagged {
		t.Fatalf("audit %v: exit %d: %s", args, code, errOut)
	}
	var v audit.View
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("audit %v: %v\n%s", args, err, out)
	}
	if flagged := len(v.Flags) > 0; flagged != (code == app.ExitFlagged) || flagged != strings.Contains(errOut, "in the report: audit flagged something") {
		t.Fatalf("audit %v: exit %d with %d flags: %s", args, code, len(v.Flags), errOut)
	}
	return v
}

func TestCommand(t *testing.T) {
	s := sess(t)
	want := analyse(t, audit.Options{})
	v := runJSON(t, s.manager, "--log", s.logFile)
	if len(v.Events) != len(want.Events) || len(v.Flags) != len(want.Flags) || v.Summary.Events != len(want.Events) {
		t.Fatalf("json: %d events, %d flags; the library says %d, %d", len(v.Events), len(v.Flags), len(want.Events), len(want.Flags))
	}
	if v.Summary.BurstReads != 20 || v.Summary.BurstWindow != "5m" || v.Summary.Requests != want.Stats.Requests ||
		v.Summary.HMACInputs != 5000 || v.Summary.HMACWindow != "1h" {
		t.Errorf("summary %+v", v.Summary)
	}
	kinds := map[string]int{}
	for _, f := range v.Flags {
		kinds[f.Flag]++
	}
	for _, k := range []string{"outside-stores", "outside-role", "offboarded", "burst", "payout-change", "denied", "not-staff"} {
		if kinds[k] == 0 {
			t.Errorf("json: no %s flag: %v", k, kinds)
		}
	}

	// The table and the CSV say the same; nothing HMAC'd anywhere.
	code, table, errOut := run(t, s.manager, nil, "--log", s.logFile)
	if code != app.ExitFlagged || !strings.Contains(table, "outside-stores") || !strings.Contains(table, "FLAG ") ||
		!strings.Contains(errOut, "lines read") {
		t.Fatalf("table: exit %d\n%s\n%s", code, table, errOut)
	}
	code, out, _ := run(t, s.manager, nil, "--log", s.logFile, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != app.ExitFlagged || err != nil || len(rows) != 1+len(v.Events)+len(v.Flags) || strings.Join(rows[0], ",") != strings.Join(audit.CSVHeader, ",") {
		t.Fatalf("csv: exit %d, %v, %d rows", code, err, len(rows))
	}
	jsonOut, _ := json.Marshal(v)
	for _, text := range []string{table, out, string(jsonOut)} {
		if strings.Contains(text, "hmac-sha256") || strings.Contains(text, "ops-us@acme.example") {
			t.Fatal("the report shows an HMAC or an unmasked address")
		}
	}

	// Filters.
	for _, e := range runJSON(t, s.manager, "--log", s.logFile, "--staff", "olga").Events {
		if e.Person != "olga" {
			t.Fatalf("--staff olga: %+v", e)
		}
	}
	if v := runJSON(t, s.manager, "--log", s.logFile, "--since", "2h"); len(v.Events) != len(want.Events) {
		t.Errorf("--since 2h: %d events", len(v.Events))
	}
	if v := runJSON(t, s.manager, "--log", s.logFile, "--since", "2999-01-01"); len(v.Events) != 0 {
		t.Errorf("--since 2999-01-01: %d events", len(v.Events))
	}
	if v := runJSON(t, s.manager, "--log", s.logFile, "--burst-reads", "5", "--burst-window", "1h"); v.Summary.BurstReads != 5 || v.Summary.BurstWindow != "1h" {
		t.Errorf("burst settings: %+v", v.Summary)
	}

	// A gzip-compressed rotated log, and stdin.
	data, err := os.ReadFile(s.logFile)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	gzPath := filepath.Join(t.TempDir(), "audit.log.1.gz")
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if v := runJSON(t, s.manager, "--log", gzPath); len(v.Events) != len(want.Events) {
		t.Errorf("gzip: %d events", len(v.Events))
	}
	code, out, errOut = run(t, s.manager, data, "--log", "-", "--format", "json")
	if code != app.ExitFlagged || !strings.Contains(out, `"burst"`) {
		t.Errorf("stdin: exit %d: %s", code, errOut)
	}
}

// TestOffline: without Vault, people go by their display names and only
// what needs no directory is flagged.
func TestOffline(t *testing.T) {
	s := sess(t)
	v := runJSON(t, "", "--log", s.logFile, "--offline")
	kinds := map[string]int{}
	for _, f := range v.Flags {
		kinds[f.Flag]++
	}
	if kinds["burst"] != 1 || kinds["payout-change"] == 0 || kinds["denied"] == 0 || kinds["not-staff"]+kinds["outside-stores"]+kinds["offboarded"] != 0 {
		t.Errorf("offline flags: %v", kinds)
	}
	olga := runJSON(t, "", "--log", s.logFile, "--offline", "--staff", "olga")
	if len(olga.Events) < 30 || olga.Events[0].Person != "userpass-olga" {
		t.Errorf("offline --staff olga: %d events, first %+v", len(olga.Events), olga.Events)
	}
}

func TestCommandErrors(t *testing.T) {
	s := sess(t)
	for _, tc := range []struct {
		token string
		args  []string
		code  int
		says  string
	}{
		{s.manager, nil, app.ExitUsage, "log"},
		{s.manager, []string{"--log", filepath.Join(t.TempDir(), "nothing.log")}, app.ExitUsage, "no such file"},
		{s.manager, []string{"--log", s.logFile, "--since", "last tuesday"}, app.ExitUsage, "--since"},
		{s.manager, []string{"--log", s.logFile, "--burst-reads", "0"}, app.ExitUsage, "--burst-reads"},
		{s.manager, []string{"--log", s.logFile, "--burst-window", "-5m"}, app.ExitUsage, "duration"},
		{s.manager, []string{"--log", s.logFile, "--staff", "Olga Smith"}, app.ExitUsage, "person name"},
		{s.manager, []string{"--log", s.logFile, "--store", "acme_us"}, app.ExitUsage, "store name"},
		{s.manager, []string{"--log", s.logFile, "--format", "yaml"}, app.ExitUsage, "csv"},
		{"", []string{"--log", s.logFile}, app.ExitDenied, "not logged in"},
		{s.finance, []string{"--log", s.logFile}, app.ExitDenied, "manager"},
	} {
		code, _, errOut := run(t, tc.token, nil, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.says) {
			t.Errorf("audit %v: exit %d, want %d; stderr %q", tc.args, code, tc.code, errOut)
		}
	}
}

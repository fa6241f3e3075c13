package deploy_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/vault/command/server"
)

// TestVaultConfigs parses every shipped Vault configuration with Vault's
// own parser and checks what the deployment relies on: Raft storage, TLS
// on, HTTPS addresses, and for the cluster three distinct nodes each
// joining the other two.
func TestVaultConfigs(t *testing.T) {
	files, err := filepath.Glob("vault/*.hcl")
	if err != nil || len(files) != 4 {
		t.Fatalf("vault/*.hcl: %v, %v; want single.hcl and three cluster nodes", files, err)
	}
	nodes := map[string]string{} // node_id: its api_addr
	joins := map[string][]string{}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := server.ParseConfig(string(text), f)
		if err != nil {
			t.Fatalf("%s: Vault's parser refuses it: %v", f, err)
		}
		if c.Storage == nil || c.Storage.Type != "raft" || c.Storage.Config["path"] == "" {
			t.Errorf("%s: storage %+v, want raft with a path", f, c.Storage)
			continue
		}
		if len(c.Listeners) != 1 || c.Listeners[0].TLSDisable || c.Listeners[0].TLSCertFile == "" || c.Listeners[0].TLSKeyFile == "" {
			t.Errorf("%s: want one TCP listener with TLS on and its files named", f)
		}
		if !strings.HasPrefix(c.APIAddr, "https://") || !strings.HasPrefix(c.ClusterAddr, "https://") {
			t.Errorf("%s: api_addr %q, cluster_addr %q: want https", f, c.APIAddr, c.ClusterAddr)
		}
		if !c.DisableMlock {
			t.Errorf("%s: Raft storage wants disable_mlock = true", f)
		}
		if !strings.Contains(f, "cluster-node") {
			continue
		}
		id := c.Storage.Config["node_id"]
		nodes[id] = c.APIAddr
		var rj []struct {
			Leader string `json:"leader_api_addr"`
			CA     string `json:"leader_ca_cert_file"`
		}
		if err := json.Unmarshal([]byte(c.Storage.Config["retry_join"]), &rj); err != nil {
			t.Fatalf("%s: retry_join: %v", f, err)
		}
		for _, j := range rj {
			if j.CA == "" {
				t.Errorf("%s: retry_join %s without the CA file", f, j.Leader)
			}
			joins[id] = append(joins[id], j.Leader)
		}
	}
	if len(nodes) != 3 {
		t.Fatalf("cluster node ids %v: want three distinct", nodes)
	}
	for id, self := range nodes {
		var others []string
		for other, addr := range nodes {
			if other != id {
				others = append(others, addr)
			}
		}
		slices.Sort(others)
		got := slices.Sorted(slices.Values(joins[id]))
		if !slices.Equal(got, others) {
			t.Errorf("%s (%s) joins %v, want the other two nodes %v", id, self, got, others)
		}
	}
}

// TestSystemdUnits runs systemd-analyze verify on the units, with their
// programs replaced by stand-ins (the machine has no Vault or sellervault
// installed where the units expect them).
func TestSystemdUnits(t *testing.T) {
	bin := lookPath(t, "systemd-analyze", "apt-get install systemd")
	dir := t.TempDir()
	stand := filepath.Join(dir, "stand-in")
	if err := os.WriteFile(stand, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	units, _ := filepath.Glob("systemd/*")
	if len(units) != 3 {
		t.Fatalf("systemd/: %v, want vault.service and the reminder's service and timer", units)
	}
	var args []string
	for _, u := range units {
		text, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.NewReplacer("/usr/bin/vault ", stand+" ", "/usr/local/bin/sellervault ", stand+" ").Replace(string(text))
		out := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(out, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, out)
	}
	cmd := exec.Command(bin, append([]string{"verify"}, args...)...)
	cmd.Env = append(os.Environ(), "SYSTEMD_LOG_LEVEL=warning")
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestLogrotate rotates a log with the shipped rule (its paths and owner
// changed to a temporary folder and this user): the log is moved aside
// with a date and a new empty one is made with mode 600.
func TestLogrotate(t *testing.T) {
	bin := lookPath(t, "logrotate", "apt-get install logrotate")
	text, err := os.ReadFile("logrotate/vault-audit")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, must := range []string{"/var/log/vault/*.log {", "create 0600 vault vault", "systemctl reload vault"} {
		if !strings.Contains(string(text), must) {
			t.Fatalf("logrotate/vault-audit lacks %q", must)
		}
	}
	s := strings.NewReplacer("/var/log/vault/", dir+"/", "create 0600 vault vault", "create 0600").Replace(string(text))
	conf := filepath.Join(dir, "vault-audit.conf")
	if err := os.WriteFile(conf, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(dir, "sellervault-audit.log")
	if err := os.WriteFile(logFile, []byte(`{"type":"request"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-f", "-s", filepath.Join(dir, "state"), conf).CombinedOutput()
	if err != nil {
		t.Fatalf("logrotate: %v\n%s", err, out)
	}
	rotated, _ := filepath.Glob(logFile + "-*")
	if len(rotated) != 1 {
		t.Fatalf("rotated files %v, want one dated copy", rotated)
	}
	fi, err := os.Stat(logFile)
	if err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the new log: %v, %v; want an empty file with mode 600", fi, err)
	}
}

// lookPath finds a program; a missing one fails the test (never skips).
func lookPath(t *testing.T, name, install string) string {
	t.Helper()
	for _, p := range []string{name, "/usr/sbin/" + name, "/usr/bin/" + name} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatalf("%s is not installed: this test runs it and is never skipped; %s (as .ci/run does)", name, install)
	return ""
}

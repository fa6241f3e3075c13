package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRemindSetupBadFlagsWriteNothing: bad flags are usage errors found
// before Vault is asked anything (VAULT_ADDR points nowhere) and before
// the secret ID file is created.
func TestRemindSetupBadFlagsWriteNothing(t *testing.T) {
	t.Setenv("VAULT_ADDR", "http://127.0.0.1:1")
	t.Setenv("VAULT_TOKEN", "not-a-token")
	t.Setenv("HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "secret-id")
	for _, tt := range []struct {
		args   []string
		errHas string
	}{
		{[]string{"--bind-cidr", "10.9.9.5/24"}, "did you mean 10.9.9.0/24"},
		{[]string{"--bind-cidr", "127.0.0.1/32", "--bind-cidr", "::/0"}, "matches every address"},
		{[]string{"--bind-cidr", "127.0.0.1/32,nope"}, `--bind-cidr "nope"`},
		{[]string{"--secret-id-ttl", "9000h"}, "between 1m and 8760h"},
		{[]string{"--secret-id-ttl", "30s"}, "between 1m and 8760h"},
		{[]string{"--secret-id-ttl", "-1h"}, "between 1m and 8760h"},
		{[]string{"--secret-id-ttl", "soon"}, "secret-id-ttl"},
	} {
		env, stdout, stderr := testEnv()
		args := append([]string{"sellervault", "rotation", "remind-setup", "--secret-id-file", path}, tt.args...)
		if code := Run(context.Background(), args, env); code != ExitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", tt.args, code, ExitUsage, stderr)
		}
		msg := stderr.String()
		if !strings.Contains(msg, tt.errHas) || !strings.HasPrefix(msg, "sellervault: ") || !strings.HasSuffix(msg, "\n") {
			t.Errorf("%q: stderr %q, want a sellervault: line with %q", tt.args, msg, tt.errHas)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: stdout %q, want nothing", tt.args, stdout)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%q: the secret ID file was created (%v)", tt.args, err)
		}
	}
}

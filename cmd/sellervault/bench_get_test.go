package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellervault/sellervault/internal/devvault"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// BenchmarkCredGet runs `sellervault cred get STORE/NAME --field password
// --reveal` as a whole process against a dev Vault (plain HTTP on
// loopback, as sellervault-dev serves), and in the same run a minimal Go
// program that makes the same single KV read with Vault's api module
// (testdata/minimalget). The ratio of the two is the figure that matters:
//
//	go test -run '^$' -bench CredGet -benchtime 200x -count 5 ./cmd/sellervault
func BenchmarkCredGet(b *testing.B) {
	ctx := context.Background()
	srv, err := devvault.Start(ctx, devvault.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := vault.New(vault.Options{Address: srv.URL, Token: srv.RootToken})
	if err != nil {
		b.Fatal(err)
	}
	l, _ := vault.NewLayout("sellervault")
	if _, err := setup.Run(ctx, c, setup.Options{Layout: l}); err != nil {
		b.Fatal(err)
	}
	r := repo.New(c, l)
	if err := r.Stores().Add(ctx, records.Store{Name: "acme-us", Marketplace: "amazon", Region: "us"}); err != nil {
		b.Fatal(err)
	}
	const password = "bench-password-1"
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "seller-central", Login: "ops@acme.example", Password: password}); err != nil {
		b.Fatal(err)
	}

	dir := b.TempDir()
	sellervault, minimal := filepath.Join(dir, "sellervault"), filepath.Join(dir, "minimalget")
	build(b, sellervault, ".")
	build(b, minimal, "./testdata/minimalget")
	env := append(os.Environ(), "VAULT_ADDR="+srv.URL, "VAULT_TOKEN="+srv.RootToken, "HOME="+dir)

	runs := []struct {
		name string
		argv []string
	}{
		{"minimal-api-read", []string{minimal, "sellervault/data/stores/acme-us/creds/seller-central"}},
		{"sellervault-cred-get", []string{sellervault, "cred", "get", "acme-us/seller-central", "--field", "password", "--reveal"}},
	}
	for _, run := range runs {
		b.Run(run.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(run.argv[0], run.argv[1:]...)
				cmd.Env = env
				var out, errOut bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errOut
				if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != password {
					b.Fatalf("%s: %v, stdout %q, stderr %q", run.name, err, out.String(), errOut.String())
				}
			}
		})
	}
}

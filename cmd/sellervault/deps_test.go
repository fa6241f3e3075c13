package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryDoesNotLinkVaultCore pins the licence boundary: the shipped
// binary links only Vault's MPL api module, never its BUSL core (which the
// tests and the dev server use through internal/devvault).
func TestBinaryDoesNotLinkVaultCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	sawAPI := false
	for _, dep := range deps {
		switch {
		case dep == "github.com/hashicorp/vault/vault",
			dep == "github.com/sellervault/sellervault/internal/devvault",
			strings.HasPrefix(dep, "github.com/hashicorp/vault/builtin/"),
			dep == "github.com/hashicorp/vault/http":
			t.Errorf("cmd/sellervault links %s", dep)
		case dep == "github.com/hashicorp/vault/api":
			sawAPI = true
		}
	}
	if !sawAPI {
		t.Fatal("cmd/sellervault does not link github.com/hashicorp/vault/api: is the dependency list right?")
	}
}

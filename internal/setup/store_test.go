package setup_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/sellervault/sellervault/internal/setup"
)

func TestCheckStoreName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"acme-us", true},
		{"a", true},
		{"store2", true},
		{"x1-y2-z3", true},
		{"", false},
		{"Acme-US", false},
		{"-acme", false},
		{"acme-", false},
		{"acme.us", false}, // the dot separates store and key in TOTP names
		{"acme/us", false},
		{"acme us", false},
		{"acme_us", false},
		{"ａcme", false},
		{"a234567890123456789012345678901234567890123456789012345678901234", false}, // 64
		{"a23456789012345678901234567890123456789012345678901234567890123", true},   // 63
	} {
		err := setup.CheckStoreName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckStoreName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

var safeInPaths = regexp.MustCompile(`^[a-z0-9-]{1,63}$`)

func FuzzCheckStoreName(f *testing.F) {
	for _, s := range []string{"acme-us", "", "-", "a.b", "A", "a/b", "x--y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if setup.CheckStoreName(name) != nil {
			return
		}
		if !safeInPaths.MatchString(name) || name[0] == '-' || name[len(name)-1] == '-' {
			t.Fatalf("accepted %q, which is not safe in Vault paths and policy globs", name)
		}
	})
}

func TestEnsureStoreAccessRefusesBadNameAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := rootClient(t)
	l := layout(t, "badstore")
	if err := setup.EnsureStoreAccess(ctx, c, l, "../evil"); err == nil {
		t.Fatal("a store name with a path in it was accepted")
	}
	if _, err := c.Policy(ctx, l.StorePolicy("../evil")); err == nil {
		t.Fatal("a policy was written for the refused name")
	}
}

package repo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/repo"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

// TestVaultCodeEqualsLocalCode imports seeds into Vault's TOTP engine and
// checks that the code Vault returns equals pquerna/otp's for the same
// seed and time step, for each algorithm and digit count.
func TestVaultCodeEqualsLocalCode(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	for i, uri := range []string{
		"otpauth://totp/Amazon:ops?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Amazon",
		"otpauth://totp/eBay:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&algorithm=SHA256&digits=8",
		"otpauth://totp/Shop:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQ&algorithm=SHA512&digits=8&period=60",
	} {
		key, err := totp.Parse(uri)
		if err != nil {
			t.Fatal(err)
		}
		name := []string{"a", "b", "c"}[i]
		if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: name, Login: "x", Password: "p"}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.TOTP().Add(ctx, "acme-us", name, key, false, time.Now); err != nil {
			t.Fatalf("%s: %v", key.Algorithm, err)
		}
		matched := false
		for attempt := 0; attempt < 3 && !matched; attempt++ {
			before := time.Now()
			code, err := c.TOTP().Code(ctx, l.TOTP(), records.TOTPKeyName("acme-us", name))
			after := time.Now()
			if err != nil {
				t.Fatal(err)
			}
			step := int64(key.Period)
			if before.Unix()/step != after.Unix()/step {
				continue // the period turned during the request: ask again
			}
			local, err := totp.Code(key, before)
			if err != nil {
				t.Fatal(err)
			}
			if code != local {
				t.Fatalf("%s/%d digits: vault %s, pquerna/otp %s", key.Algorithm, key.Digits, code, local)
			}
			matched = true
		}
		if !matched {
			t.Fatalf("%s: never got a code within one time step", key.Algorithm)
		}
	}
}

func TestAddTOTPOnUnknownCredentialWritesNothing(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	key, _ := totp.Parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if _, err := r.TOTP().Add(ctx, "acme-us", "nothing", key, false, time.Now); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("TOTP().Add on a missing credential: %v", err)
	}
	keys, err := c.TOTP().Keys(ctx, l.TOTP())
	if err != nil || len(keys) != 0 {
		t.Fatalf("keys after a refused add: %v, %v", keys, err)
	}
}

// A clock far off makes Vault's code disagree with the seed's: the key is
// removed and nothing is linked.
func TestAddTOTPRemovesKeyOnMismatch(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	key, _ := totp.Parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	skewed := func() time.Time { return time.Now().Add(-time.Hour) }
	if _, err := r.TOTP().Add(ctx, "acme-us", "sc", key, false, skewed); !errors.Is(err, repo.ErrCodeMismatch) {
		t.Fatalf("got %v, want a code mismatch", err)
	}
	if keys, _ := c.TOTP().Keys(ctx, l.TOTP()); len(keys) != 0 {
		t.Fatalf("key left behind: %v", keys)
	}
	cred, _, _ := r.Creds().Get(ctx, "acme-us", "sc")
	if cred.TOTPKey != "" {
		t.Fatal("credential linked to a removed key")
	}
}

// A replacement seed that fails the check leaves the working key alone.
func TestReplaceKeepsWorkingKeyOnFailure(t *testing.T) {
	ctx := context.Background()
	r, c, l := newRepo(t)
	if err := r.Creds().Add(ctx, records.Credential{Store: "acme-us", Name: "sc", Login: "x", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	good, _ := totp.Parse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if _, err := r.TOTP().Add(ctx, "acme-us", "sc", good, false, time.Now); err != nil {
		t.Fatal(err)
	}
	other, _ := totp.Parse("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	skewed := func() time.Time { return time.Now().Add(-time.Hour) }
	if _, err := r.TOTP().Add(ctx, "acme-us", "sc", other, true, skewed); !errors.Is(err, repo.ErrCodeMismatch) {
		t.Fatalf("replace with a failing check: %v", err)
	}
	code, _, err := r.TOTP().Code(ctx, "acme-us", "sc")
	if err != nil {
		t.Fatalf("the working key is gone: %v", err)
	}
	if local, _ := totp.Code(good, time.Now()); code != local {
		if prev, _ := totp.Code(good, time.Now().Add(-30*time.Second)); code != prev {
			t.Fatalf("the key changed: vault %s, good seed %s", code, local)
		}
	}
	if keys, _ := c.TOTP().Keys(ctx, l.TOTP()); len(keys) != 1 {
		t.Fatalf("keys after a failed replace: %v", keys)
	}
}

package escrow

import (
	"errors"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/totp"
)

const canary = "JBSWY3DPEHPK3PXQ"

func testKey() totp.Key {
	return totp.Key{Secret: canary, Algorithm: "SHA256", Digits: 8, Period: 60, Issuer: "Amazon", Account: "ops-us@acme.example"}
}

func identity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSealOpen(t *testing.T) {
	a, b := identity(t), identity(t)
	sealed, err := Seal(testKey(), a.Recipient(), b.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, canary) || !strings.HasPrefix(sealed, "-----BEGIN AGE ENCRYPTED FILE-----") {
		t.Fatalf("not an armoured age file, or the seed shows:\n%s", sealed)
	}
	for _, id := range []age.Identity{a, b} {
		k, err := Open(sealed, id)
		if err != nil || k != testKey() {
			t.Fatalf("open: %v, %v", k, err)
		}
	}
	_, err = Open(sealed, identity(t))
	if !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "other recipients") {
		t.Fatalf("another key: %v", err)
	}
	damaged := strings.Replace(sealed, sealed[60:64], "AAAA", 1)
	if _, err := Open(damaged, a); !errors.Is(err, ErrOpen) {
		t.Fatalf("damaged: %v", err)
	}
	if _, err := Seal(testKey()); err == nil {
		t.Fatal("sealed for nobody")
	}
	if _, err := Seal(totp.Key{Secret: "x"}, a.Recipient()); err == nil {
		t.Fatal("sealed an invalid key")
	}
}

func FuzzOpen(f *testing.F) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := Seal(testKey(), id.Recipient())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add("-----BEGIN AGE ENCRYPTED FILE-----\n")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := Open(s, id)
		if err != nil {
			if strings.Contains(err.Error(), canary) {
				t.Fatalf("the error quotes the seed: %v", err)
			}
			return
		}
		if _, err := totp.EncodeKey(k); err != nil {
			t.Fatalf("opened an invalid key: %v", err)
		}
	})
}

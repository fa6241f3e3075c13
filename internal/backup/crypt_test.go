package backup_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
)

func mustIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestBackupSealOpen(t *testing.T) {
	id, other := mustIdentity(t), mustIdentity(t)
	var buf bytes.Buffer
	if err := backup.Seal(&buf, sample(), id.Recipient(), other.Recipient()); err != nil {
		t.Fatal(err)
	}
	sealed := buf.Bytes()
	if bytes.Contains(sealed, []byte(canary)) || bytes.Contains(sealed, []byte("seller-central")) {
		t.Fatal("the sealed file holds a value in clear")
	}
	if !bytes.HasPrefix(sealed, []byte("age-encryption.org/v1\n")) {
		t.Fatal("not an age file")
	}
	for _, who := range []*age.X25519Identity{id, other} {
		d, err := backup.Open(bytes.NewReader(sealed), who)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d, sample()) {
			// sample() is normalised by Marshal inside Seal; compare normalised
			want := sample()
			want.Normalize()
			if !reflect.DeepEqual(d, want) {
				t.Fatalf("opened document differs")
			}
		}
	}

	t.Run("wrong key", func(t *testing.T) {
		_, err := backup.Open(bytes.NewReader(sealed), mustIdentity(t))
		if !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "other recipients") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("passphrase for a keyed file", func(t *testing.T) {
		pid, _ := backup.PassphraseIdentity("hunter2-hunter2")
		_, err := backup.Open(bytes.NewReader(sealed), pid)
		if !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "use --identity") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{len(sealed) - 1, len(sealed) - 17, len(sealed) / 2, 200, 30} {
			_, err := backup.Open(bytes.NewReader(sealed[:n]), id)
			if !errors.Is(err, backup.ErrDamaged) {
				t.Fatalf("cut to %d bytes: got %v", n, err)
			}
		}
	})
	t.Run("flipped byte", func(t *testing.T) {
		bad := bytes.Clone(sealed)
		bad[len(bad)-10] ^= 1
		if _, err := backup.Open(bytes.NewReader(bad), id); !errors.Is(err, backup.ErrDamaged) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("not age", func(t *testing.T) {
		for _, in := range []string{"", "{}", canary + "\n", "-----BEGIN AGE ENCRYPTED FILE-----\nxx"} {
			_, err := backup.Open(strings.NewReader(in), id)
			if !errors.Is(err, backup.ErrNotAge) || strings.Contains(err.Error(), canary) {
				t.Fatalf("%q: got %v", in, err)
			}
		}
	})
	t.Run("sealed plaintext that is not a backup", func(t *testing.T) {
		var buf bytes.Buffer
		w, _ := age.Encrypt(&buf, id.Recipient())
		w.Write([]byte(`{"format":"something-else","version":1}`))
		w.Close()
		if _, err := backup.Open(&buf, id); !errors.Is(err, backup.ErrInvalid) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestBackupPassphrase(t *testing.T) {
	r, err := backup.PassphraseRecipient("correct horse battery staple", 10)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := backup.Seal(&buf, sample(), r); err != nil {
		t.Fatal(err)
	}
	sealed := buf.Bytes()
	good, _ := backup.PassphraseIdentity("correct horse battery staple")
	if _, err := backup.Open(bytes.NewReader(sealed), good); err != nil {
		t.Fatal(err)
	}
	bad, _ := backup.PassphraseIdentity("wrong horse")
	if _, err := backup.Open(bytes.NewReader(sealed), bad); !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "passphrase is wrong") {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := backup.Open(bytes.NewReader(sealed), mustIdentity(t)); err == nil || !strings.Contains(err.Error(), "use --passphrase") {
		t.Fatalf("key for a passphrase file: %v", err)
	}
	if _, err := backup.PassphraseRecipient("", 0); err == nil {
		t.Fatal("empty passphrase accepted")
	}
}

func TestBackupParseKeys(t *testing.T) {
	id := mustIdentity(t)
	pub := id.Recipient().String()
	if _, err := backup.ParseRecipient(pub); err != nil {
		t.Fatal(err)
	}
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := backup.ParseRecipient(pq.Recipient().String()); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{
		"":                   "empty",
		id.String():          "secret key",
		"ssh-ed25519 AAAAC3": "SSH",
		"age1notakey":        "not a valid",
		"gpg:ABCDEF":         "not an age public key",
	}
	for in, want := range refused {
		_, err := backup.ParseRecipient(in)
		if err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, backup.ErrInvalid) {
			t.Errorf("ParseRecipient(%.20q) = %v, want %q", in, err, want)
		}
		if err != nil && in != "" && strings.Contains(err.Error(), in) && len(in) > 12 {
			t.Errorf("ParseRecipient quotes its whole input: %v", err)
		}
	}

	file := "# team keys\n\n" + pub + "\n" + pq.Recipient().String() + "\n"
	recs, err := backup.ParseRecipientsFile(strings.NewReader(file))
	if err != nil || len(recs) != 2 {
		t.Fatalf("recipients file: %d, %v", len(recs), err)
	}
	if _, err := backup.ParseRecipientsFile(strings.NewReader("# nobody\n")); err == nil {
		t.Fatal("empty recipients file accepted")
	}
	if _, err := backup.ParseRecipientsFile(strings.NewReader(pub + "\n" + id.String() + "\n")); err == nil ||
		!strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), id.String()) {
		t.Fatalf("secret key in a recipients file: %v", err)
	}

	keyFile := "# created: 2025-06-01T09:00:00Z\n# public key: " + pub + "\n" + id.String() + "\n" + pq.String() + "\n"
	ids, err := backup.ParseIdentities(strings.NewReader(keyFile))
	if err != nil || len(ids) != 2 {
		t.Fatalf("identity file: %d, %v", len(ids), err)
	}
	if _, err := backup.ParseIdentities(strings.NewReader(pub + "\n")); err == nil || !strings.Contains(err.Error(), "public key") {
		t.Fatalf("public key as identity: %v", err)
	}
	if _, err := backup.ParseIdentities(strings.NewReader("AGE-SECRET-KEY-1NOPE\n")); err == nil || strings.Contains(err.Error(), "NOPE") {
		t.Fatalf("bad secret key: %v", err)
	}
}

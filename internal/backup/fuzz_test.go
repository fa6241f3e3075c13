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

// FuzzDecode: the decoder of outside input never panics; what it accepts
// is valid, encodes again, and decodes to the same document.
func FuzzDecode(f *testing.F) {
	good, err := backup.Marshal(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"sellervault-backup","version":1,"created_at":"2025-06-01T09:00:00Z","team":"sv","records":[],"totp_reenrol":[],"staff":[],"deleted_skipped":0}`))
	f.Add([]byte(`{"format":"sellervault-backup","version":1,"created_at":"2025-06-01T09:00:00Z","team":"sv","records":[{"path":"stores/../x","data":{},"custom_metadata":{}}],"totp_reenrol":[],"staff":[],"deleted_skipped":0}`))
	f.Add([]byte(`{"format":"sellervault-backup","version":1,"created_at":"2025-06-01T09:00:00Z","team":"sv","records":[{"path":"proposals/payout-decisions/a/1","data":{},"custom_metadata":{}}],"totp_reenrol":[],"staff":[],"deleted_skipped":0}`))
	f.Add([]byte(`{"format":"sellervault-backup","version":2,"created_at":"2025-06-01T09:00:00Z","team":"sv","records":[{"path":"verifications/payout/a","data":{},"custom_metadata":{},"version_time":"2025-06-01T09:00:00.5Z"}],"totp_reenrol":[],"staff":[],"deleted_skipped":0}`))
	f.Add([]byte(`{"a":{"a":1,"a":2}}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := backup.Unmarshal(in)
		if err != nil {
			if !errors.Is(err, backup.ErrInvalid) {
				t.Fatalf("refusal %q does not match ErrInvalid", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid document: %v", err)
		}
		// What a restore writes: the current version, valid, each record
		// in one place.
		up := d.Upgrade()
		if err := up.Validate(); err != nil {
			t.Fatalf("upgraded document is invalid: %v", err)
		}
		type place struct {
			m backup.Mount
			p string
		}
		seen := map[place]bool{}
		for _, r := range up.Records {
			m, p := backup.Place(r.Path)
			if seen[place{m, p}] {
				t.Fatalf("two records at %v %s", m, p)
			}
			seen[place{m, p}] = true
			if doc, ok := backup.DocPath(m, p); !ok || doc != r.Path {
				t.Fatalf("place of %s does not map back", r.Path)
			}
		}
		again, err := backup.Marshal(d)
		if err != nil {
			t.Fatalf("accepted document does not encode: %v", err)
		}
		d2, err := backup.Unmarshal(again)
		if err != nil {
			t.Fatalf("re-encoded document refused: %v", err)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("round trip differs")
		}
		if !bytes.Equal(again, mustMarshal(t, d2)) {
			t.Fatalf("encoding is not stable")
		}
	})
}

func mustMarshal(t *testing.T, d *backup.Document) []byte {
	b, err := backup.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzOpen: any file given to restore is refused cleanly, or opens to a
// valid document; opening never panics.
func FuzzOpen(f *testing.F) {
	id, err := age.ParseX25519Identity("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX")
	if err != nil {
		f.Fatal(err)
	}
	var sealed bytes.Buffer
	if err := backup.Seal(&sealed, sample(), id.Recipient()); err != nil {
		f.Fatal(err)
	}
	f.Add(sealed.Bytes())
	f.Add(sealed.Bytes()[:sealed.Len()/2])
	f.Add([]byte("age-encryption.org/v1\n-> X25519 abc\n--- def\n"))
	f.Add([]byte("age-encryption.org/v1\n-> scrypt c2FsdA 30\nYm9keQ\n--- def\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := backup.Open(bytes.NewReader(in), id)
		if err != nil {
			if !errors.Is(err, backup.ErrNotAge) && !errors.Is(err, backup.ErrDamaged) &&
				!errors.Is(err, backup.ErrWrongKey) && !errors.Is(err, backup.ErrInvalid) {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("opened an invalid document: %v", err)
		}
	})
}

// FuzzParseKeys: key files are refused by line number, never quoting a
// line (it may be a secret key).
func FuzzParseKeys(f *testing.F) {
	f.Add([]byte("# created: 2025-06-01\nAGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n"))
	f.Add([]byte("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n"))
	f.Add([]byte("AGE-SECRET-KEY-PQ-1XXXXXXXXXXXXXXXXXXXXXXXXXXXX\nssh-ed25519 AAAA\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_, errIDs := backup.ParseIdentities(bytes.NewReader(in))
		_, errRecs := backup.ParseRecipientsFile(bytes.NewReader(in))
		for _, err := range []error{errIDs, errRecs} {
			if err == nil {
				continue
			}
			for _, line := range strings.Split(string(in), "\n") {
				if line = strings.TrimSpace(line); len(line) >= 16 && strings.Contains(err.Error(), line) {
					t.Fatalf("error %q quotes a line of the key file", err)
				}
			}
		}
	})
}

// Package escrow keeps an off-line recovery copy of a TOTP seed: the
// seed and its parameters, encrypted with age to recipients whose secret
// keys the team keeps off-line (a key on paper or a hardware token in a
// safe, never on a computer that runs sellervault).
//
// Vault's TOTP engine never gives an imported seed back, which is what
// keeps it from staff; the same property means a Vault lost with its
// storage takes every 2-step login with it. With escrow configured
// (`sellervault init --recovery-recipient AGE_PUBLIC_KEY`), `totp add`
// also writes Seal's output to the records mount at escrow/totp/STORE/NAME,
// which only managers may read; `sellervault restore --recovery-identity
// FILE` opens it with the off-line key and imports the seed again.
//
// The copy is an age file in its ASCII armour: a manager who reads it
// learns nothing without the off-line key, and the person who holds that
// key has nothing to decrypt without a manager's read. Without recipients
// configured, nothing is escrowed.
package escrow

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/sellervault/sellervault/internal/totp"
)

// Field is the data field of an escrow record that holds the armoured copy.
const Field = "sealed"

// Dir is the folder of escrow records in the records mount:
// Dir + STORE/NAME.
const Dir = "escrow/totp/"

// maxSealed bounds an armoured copy read back (a key is a few hundred
// bytes; age's header grows with the recipients).
const maxSealed = 64 << 10

// ErrOpen is a copy that could not be opened: another key, or damaged.
var ErrOpen = errors.New("the escrow copy could not be opened with the recovery identity")

// Seal encrypts key to every recipient and returns the armoured age file.
func Seal(key totp.Key, recipients ...age.Recipient) (string, error) {
	if len(recipients) == 0 {
		return "", errors.New("escrow: no recipients")
	}
	plain, err := totp.EncodeKey(key)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	aw := armor.NewWriter(&buf)
	w, err := age.Encrypt(aw, recipients...)
	if err != nil {
		return "", fmt.Errorf("escrow: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return "", fmt.Errorf("escrow: %w", err)
	}
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("escrow: %w", err)
	}
	if err := aw.Close(); err != nil {
		return "", fmt.Errorf("escrow: %w", err)
	}
	return buf.String(), nil
}

// Open decrypts an armoured copy with the identities and checks the key.
// Errors never quote the copy or the key.
func Open(sealed string, identities ...age.Identity) (totp.Key, error) {
	if len(sealed) > maxSealed || !strings.HasPrefix(strings.TrimSpace(sealed), armor.Header) {
		return totp.Key{}, fmt.Errorf("%w: it is not an armoured age file", ErrOpen)
	}
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(sealed)), identities...)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return totp.Key{}, fmt.Errorf("%w: it was sealed for other recipients", ErrOpen)
		}
		return totp.Key{}, fmt.Errorf("%w: it is damaged", ErrOpen)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxSealed))
	if err != nil {
		return totp.Key{}, fmt.Errorf("%w: it is damaged", ErrOpen)
	}
	return totp.DecodeKey(plain)
}

package backup

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"filippo.io/age"
)

// Errors of opening a backup, told apart with errors.Is. Their messages
// never quote the file: a file that is not a backup may hold anything.
var (
	// ErrNotAge: the file is not an age-encrypted file at all.
	ErrNotAge = errors.New("not an age-encrypted file: a sellervault backup starts with \"age-encryption.org/v1\"")
	// ErrWrongKey: none of the identities (or the passphrase) opens the file.
	ErrWrongKey = errors.New("the backup cannot be opened with this key")
	// ErrDamaged: the file's header or contents fail age's checks: it was
	// cut short, changed, or damaged.
	ErrDamaged = errors.New("the backup file is damaged or truncated: its encryption does not authenticate, so nothing in it is used")
)

// ageIntro is the first line of every age file (binary, not armored).
const ageIntro = "age-encryption.org/v1\n"

// Seal writes d to w, encrypted with age to the recipients: the whole
// document is encoded (and validated) first, so nothing is written for a
// document that would not restore. A passphrase recipient (from
// PassphraseRecipient) must be the only one.
func Seal(w io.Writer, d *Document, recipients ...age.Recipient) error {
	if len(recipients) == 0 {
		return errors.New("no recipients: name who can open the backup")
	}
	plain, err := Marshal(d)
	if err != nil {
		return err
	}
	defer wipe(plain)
	enc, err := age.Encrypt(w, recipients...)
	if err != nil {
		return fmt.Errorf("encrypt the backup: %w", err)
	}
	if _, err := enc.Write(plain); err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	return nil
}

// Open decrypts an age file with the identities and decodes (strictly)
// the document inside. The whole file is read and authenticated before
// anything is decoded: a file cut short is ErrDamaged, never a shorter
// backup.
func Open(r io.Reader, identities ...age.Identity) (*Document, error) {
	if len(identities) == 0 {
		return nil, errors.New("no identity: give the key file (--identity) or the passphrase (--passphrase)")
	}
	br := bufio.NewReader(r)
	intro, err := br.Peek(len(ageIntro))
	if err != nil || string(intro) != ageIntro {
		if bytes.HasPrefix(intro, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) {
			return nil, fmt.Errorf("%w: this one is ASCII-armored; restore reads the binary file that `sellervault backup` writes", ErrNotAge)
		}
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		return nil, ErrNotAge
	}
	plainReader, err := age.Decrypt(br, identities...)
	if err != nil {
		return nil, openError(err, identities)
	}
	plain, err := io.ReadAll(io.LimitReader(plainReader, MaxPlaintext+1))
	defer wipe(plain)
	if err != nil {
		return nil, ErrDamaged
	}
	if len(plain) > MaxPlaintext {
		return nil, invalidf("backup document is longer than %d bytes", MaxPlaintext)
	}
	return Unmarshal(plain)
}

// openError says why age did not open a file, with a hint when the file
// was sealed the other way (passphrase versus key).
func openError(err error, identities []age.Identity) error {
	var noMatch *age.NoIdentityMatchError
	if !errors.As(err, &noMatch) {
		if errors.Is(err, age.ErrIncorrectIdentity) {
			return ErrWrongKey
		}
		return ErrDamaged
	}
	passphrase := false
	for _, id := range identities {
		if _, ok := id.(*age.ScryptIdentity); ok {
			passphrase = true
		}
	}
	sealedWithPassphrase := false
	for _, t := range noMatch.StanzaTypes {
		if t == "scrypt" {
			sealedWithPassphrase = true
		}
	}
	switch {
	case sealedWithPassphrase && !passphrase:
		return fmt.Errorf("%w: it is protected by a passphrase; use --passphrase", ErrWrongKey)
	case !sealedWithPassphrase && passphrase:
		return fmt.Errorf("%w: it is encrypted to age keys, not a passphrase; use --identity with a key file it was made for", ErrWrongKey)
	case passphrase:
		return fmt.Errorf("%w: the passphrase is wrong", ErrWrongKey)
	}
	return fmt.Errorf("%w: it was made for other recipients; use --identity with the secret key of a public key named at backup", ErrWrongKey)
}

// ParseRecipient parses one age public key: X25519 ("age1…") or
// post-quantum hybrid ("age1pq1…"). A secret key or an SSH key given by
// mistake is refused with a hint, without quoting it.
func ParseRecipient(s string) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil, invalidf("recipient is empty: give an age public key, like age1…")
	case strings.HasPrefix(strings.ToUpper(s), "AGE-SECRET-KEY-"):
		return nil, invalidf("a recipient must be a public key (age1…), and that is a secret key: never pass it on the command line; `age-keygen -y KEYFILE` prints its public key")
	case strings.HasPrefix(s, "ssh-"):
		return nil, invalidf("SSH keys are not accepted as recipients: use an age key (age-keygen)")
	case strings.HasPrefix(s, "age1pq1"):
		r, err := age.ParseHybridRecipient(s)
		if err != nil {
			return nil, invalidf("recipient %s is not a valid age post-quantum public key", shortKey(s))
		}
		return r, nil
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, invalidf("recipient %s is not a valid age public key", shortKey(s))
		}
		return r, nil
	}
	return nil, invalidf("recipient %s is not an age public key: they start with age1", shortKey(s))
}

// ParseRecipientsFile parses a recipients file: one public key a line;
// empty lines and lines starting with "#" are ignored. Errors name the
// line, never its content.
func ParseRecipientsFile(r io.Reader) ([]age.Recipient, error) {
	var out []age.Recipient
	err := eachLine(r, func(n int, line string) error {
		rec, err := ParseRecipient(line)
		if err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, rec)
		return nil
	})
	if err == nil && len(out) == 0 {
		err = invalidf("no recipients in the file")
	}
	return out, err
}

// ParseIdentities parses an identity (key) file as age-keygen writes it:
// X25519 ("AGE-SECRET-KEY-1…") and hybrid ("AGE-SECRET-KEY-PQ-1…")
// secret keys, one a line; empty lines and "#" comments are ignored.
// Errors name the line, never its content.
func ParseIdentities(r io.Reader) ([]age.Identity, error) {
	var out []age.Identity
	err := eachLine(r, func(n int, line string) error {
		var id age.Identity
		var err error
		switch {
		case strings.HasPrefix(line, "AGE-SECRET-KEY-PQ-1"):
			id, err = age.ParseHybridIdentity(line)
		case strings.HasPrefix(line, "AGE-SECRET-KEY-1"):
			id, err = age.ParseX25519Identity(line)
		case strings.HasPrefix(line, "age1"):
			return invalidf("line %d is a public key: --identity needs the secret key file (it holds AGE-SECRET-KEY-…)", n)
		default:
			return invalidf("line %d is not an age secret key", n)
		}
		if err != nil {
			return invalidf("line %d is not a valid age secret key", n)
		}
		out = append(out, id)
		return nil
	})
	if err == nil && len(out) == 0 {
		err = invalidf("no age secret keys in the file")
	}
	return out, err
}

// maxKeyFile bounds a recipients or identity file.
const maxKeyFile = 1 << 20

func eachLine(r io.Reader, fn func(n int, line string) error) error {
	b, err := io.ReadAll(io.LimitReader(r, maxKeyFile+1))
	defer wipe(b)
	if err != nil {
		return err
	}
	if len(b) > maxKeyFile {
		return invalidf("the key file is longer than %d bytes", maxKeyFile)
	}
	if !utf8.Valid(b) {
		return invalidf("the key file is not UTF-8 text")
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(i+1, line); err != nil {
			return err
		}
	}
	return nil
}

// PassphraseWorkFactor is the scrypt work factor (log2 N) of backups
// sealed with a passphrase: age's default, about a second.
const PassphraseWorkFactor = 18

// PassphraseRecipient seals to a passphrase (age's scrypt recipient).
func PassphraseRecipient(passphrase string, workFactor int) (age.Recipient, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, invalidf("the passphrase is empty")
	}
	if workFactor > 0 {
		r.SetWorkFactor(workFactor)
	}
	return r, nil
}

// PassphraseIdentity opens a backup sealed to a passphrase.
func PassphraseIdentity(passphrase string) (age.Identity, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, invalidf("the passphrase is empty")
	}
	return id, nil
}

// shortKey shows the start of a key for an error: enough to recognise a
// public key, never a whole line.
func shortKey(s string) string {
	if len(s) > 12 {
		s = s[:12] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

// ErrCodeMismatch means Vault's code for an imported seed differs from
// the one computed locally: the key was removed again.
var ErrCodeMismatch = errors.New("vault's code for the imported seed does not match the seed; the key was removed again")

// Add imports a credential's TOTP seed into the TOTP engine, checks
// that Vault's current code matches the seed's, links the key to the
// credential, and returns the current code. An existing key is kept
// unless replace is set. With escrow recipients configured, the seed's
// escrow copy is written before the key is linked (and a failure to write
// it leaves the credential as it was).
func (f TOTP) Add(ctx context.Context, store, name string, key totp.Key, replace bool, now func() time.Time) (string, error) {
	r := f.r
	cred, version, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return "", err
	}
	recipients, err := r.TOTP().RecoveryRecipients(ctx)
	if err != nil {
		return "", err
	}
	keyName := records.TOTPKeyName(store, name)
	if !replace {
		_, err := r.c.TOTP().KeyInfo(ctx, r.layout.TOTP(), keyName)
		switch {
		case err == nil:
			return "", fmt.Errorf("totp key of %s %w (use --replace to import a new seed)", cred.Address(), ErrExists)
		case !errors.Is(err, vault.ErrNotFound):
			return "", err
		}
	}
	// A replacement is imported and checked under a staging name first, so
	// that a seed that fails the check never costs the working one.
	params := vault.TOTPKey{Issuer: key.Issuer, Account: key.Account, Period: key.Period, Algorithm: key.Algorithm, Digits: key.Digits}
	checkName := keyName
	if replace {
		checkName = keyName + ".staged"
	}
	if err := r.c.TOTP().Import(ctx, r.layout.TOTP(), checkName, key.Secret, params); err != nil {
		return "", err
	}
	code, err := r.c.TOTP().Code(ctx, r.layout.TOTP(), checkName)
	if err == nil && !matchesNearby(key, code, now()) {
		err = ErrCodeMismatch
	}
	if err == nil {
		err = r.escrowSeed(ctx, store, name, key, recipients)
	}
	if err != nil {
		_ = r.c.TOTP().Delete(ctx, r.layout.TOTP(), checkName)
		return "", err
	}
	if replace {
		if err := r.c.TOTP().Import(ctx, r.layout.TOTP(), keyName, key.Secret, params); err != nil {
			return "", err
		}
		_ = r.c.TOTP().Delete(ctx, r.layout.TOTP(), checkName)
	}
	cred.TOTPKey, cred.TOTPPeriod = keyName, key.Period
	if err := r.Creds().Update(ctx, cred, version); err != nil {
		return "", fmt.Errorf("the key is imported but not linked to %s: %w", cred.Address(), err)
	}
	return code, nil
}

// matchesNearby allows for a period boundary between Vault's clock and
// ours: the code may be the previous, current or next one.
func matchesNearby(key totp.Key, code string, now time.Time) bool {
	period := time.Duration(key.Period) * time.Second
	for _, t := range []time.Time{now, now.Add(-period), now.Add(period)} {
		if local, err := totp.Code(key, t); err == nil && local == code {
			return true
		}
	}
	return false
}

// Code returns a credential's current code and its key's period. It
// reads the credential (for the link and the period) and the code.
func (f TOTP) Code(ctx context.Context, store, name string) (code string, period int, err error) {
	r := f.r
	cred, _, err := r.Creds().Get(ctx, store, name)
	if err != nil {
		return "", 0, err
	}
	if cred.TOTPKey == "" {
		return "", 0, fmt.Errorf("%s has no totp key: add one with `sellervault totp add %s`: %w", cred.Address(), cred.Address(), vault.ErrNotFound)
	}
	code, err = r.c.TOTP().Code(ctx, r.layout.TOTP(), cred.TOTPKey)
	if errors.Is(err, vault.ErrNotFound) {
		err = fmt.Errorf("the totp key of %s is gone from Vault: %w", cred.Address(), vault.ErrNotFound)
	}
	period = cred.TOTPPeriod
	if period == 0 {
		period = 30
	}
	return code, period, err
}

// KeyInfo reads the issuer and account of TOTP key ref, as a credential
// links to it (vault.ErrNotFound: no such key). Vault never returns a
// seed.
func (f TOTP) KeyInfo(ctx context.Context, ref string) (issuer, account string, err error) {
	info, err := f.r.c.TOTP().KeyInfo(ctx, f.r.layout.TOTP(), ref)
	if err != nil {
		return "", "", err
	}
	return info.Issuer, info.Account, nil
}

// TOTPEntry is a listed TOTP key.
type TOTPEntry struct {
	Credential string `json:"credential"`
	Issuer     string `json:"issuer"`
	Account    string `json:"account"`
	Algorithm  string `json:"algorithm"`
	Digits     int    `json:"digits"`
	Period     int    `json:"period"`
}

// List lists the TOTP engine's keys with their parameters.
func (f TOTP) List(ctx context.Context) ([]TOTPEntry, error) {
	r := f.r
	scope, err := r.Members().Scope(ctx)
	if err != nil {
		return nil, err
	}
	if !scope.All {
		return r.memberTOTP(ctx)
	}
	names, err := r.c.TOTP().Keys(ctx, r.layout.TOTP())
	if err != nil {
		return nil, err
	}
	out := make([]TOTPEntry, 0, len(names))
	for _, n := range names {
		info, err := r.c.TOTP().KeyInfo(ctx, r.layout.TOTP(), n)
		if err != nil {
			return nil, err
		}
		out = append(out, TOTPEntry{Credential: strings.Replace(n, ".", "/", 1), Issuer: info.Issuer, Account: info.Account,
			Algorithm: info.Algorithm, Digits: info.Digits, Period: info.Period})
	}
	return out, nil
}

// memberTOTP lists the TOTP keys of the credentials a member may use,
// from the credentials' metadata (the key name and period): a member may
// get codes, not read the keys' settings (issuer, account, algorithm).
func (r *Repo) memberTOTP(ctx context.Context) ([]TOTPEntry, error) {
	creds, err := r.Creds().List(ctx, "")
	if err != nil {
		return nil, err
	}
	out := []TOTPEntry{}
	for _, c := range creds {
		if c.TOTPKey != "" {
			out = append(out, TOTPEntry{Credential: c.Address(), Period: c.TOTPPeriod}) // digits and the rest: the key's, managers only
		}
	}
	return out, nil
}

// Remove deletes a credential's TOTP key and unlinks it.
func (f TOTP) Remove(ctx context.Context, store, name string) error {
	r := f.r
	keyName := records.TOTPKeyName(store, name)
	if _, err := r.c.TOTP().KeyInfo(ctx, r.layout.TOTP(), keyName); err != nil {
		if errors.Is(err, vault.ErrNotFound) {
			return fmt.Errorf("totp key of %s/%s: %w", store, name, errNoRecord)
		}
		return err
	}
	if err := r.c.TOTP().Delete(ctx, r.layout.TOTP(), keyName); err != nil {
		return err
	}
	if err := r.dropEscrow(ctx, store, name); err != nil {
		return err
	}
	cred, version, err := r.Creds().Get(ctx, store, name)
	if errors.Is(err, vault.ErrNotFound) {
		return nil // the credential went first; nothing to unlink
	}
	if err != nil {
		return err
	}
	cred.TOTPKey, cred.TOTPPeriod = "", 0
	return r.Creds().Update(ctx, cred, version)
}

package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/escrow"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/totp"
	"github.com/sellervault/sellervault/internal/vault"
)

// escrowPath is where a credential's escrowed seed is kept (managers
// only: no other policy grants escrow/).
func escrowPath(store, name string) string { return escrow.Dir + store + "/" + name }

// RecoveryRecipients reads the team's escrow recipients (set by `init
// --recovery-recipient`); none means seeds are not escrowed. A recipient
// that does not parse is an error: escrow never silently stops.
func (f TOTP) RecoveryRecipients(ctx context.Context) ([]age.Recipient, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, setup.SettingsPath)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	list, _ := rec.Data[setup.RecoveryRecipientsKey].(string)
	var out []age.Recipient
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		rcp, err := backup.ParseRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("team setting %s: %w", setup.RecoveryRecipientsKey, err)
		}
		out = append(out, rcp)
	}
	return out, nil
}

// escrowSeed writes the seed's escrow copy for the credential, over any
// earlier one; nothing when no recipients are configured.
func (r *Repo) escrowSeed(ctx context.Context, store, name string, key totp.Key, recipients []age.Recipient) error {
	if len(recipients) == 0 {
		return nil
	}
	sealed, err := escrow.Seal(key, recipients...)
	if err != nil {
		return err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return err
	}
	path := escrowPath(store, name)
	version := 0
	switch meta, err := r.c.KV().Metadata(ctx, r.mount, path); {
	case err == nil:
		version = meta.CurrentVersion
	case !errors.Is(err, vault.ErrNotFound):
		return err
	}
	data := map[string]interface{}{escrow.Field: sealed, "updated_by": who, "sealed_at": time.Now().UTC().Format(time.RFC3339)}
	if _, err := r.c.KV().Put(ctx, r.mount, path, data, version); err != nil {
		return fmt.Errorf("escrow copy of the seed of %s/%s: %w", store, name, err)
	}
	return nil
}

// dropEscrow soft-deletes a credential's escrow copy, if there is one.
func (r *Repo) dropEscrow(ctx context.Context, store, name string) error {
	err := r.c.KV().Delete(ctx, r.mount, escrowPath(store, name))
	if errors.Is(err, vault.ErrNotFound) {
		return nil
	}
	return err
}

// ImportSeed imports a recovered seed (a restore's, from its escrow
// copy) as TOTP key ref and checks that Vault's code matches it, as Add
// does: a key whose code does not match is removed again
// (ErrCodeMismatch).
func (f TOTP) ImportSeed(ctx context.Context, ref string, key totp.Key) error {
	r := f.r
	params := vault.TOTPKey{Issuer: key.Issuer, Account: key.Account, Period: key.Period, Algorithm: key.Algorithm, Digits: key.Digits}
	if err := r.c.TOTP().Import(ctx, r.layout.TOTP(), ref, key.Secret, params); err != nil {
		return err
	}
	code, err := r.c.TOTP().Code(ctx, r.layout.TOTP(), ref)
	if err == nil && !matchesNearby(key, code, time.Now()) {
		err = ErrCodeMismatch
	}
	if err != nil {
		_ = r.c.TOTP().Delete(ctx, r.layout.TOTP(), ref)
	}
	return err
}

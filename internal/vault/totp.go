package vault

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// TOTPKey is what Vault's TOTP engine tells of a key: never its seed.
type TOTPKey struct {
	Issuer    string
	Account   string
	Period    int
	Algorithm string
	Digits    int
}

// Import imports a seed into the TOTP engine at mount with
// generate=false: Vault keeps it and never returns it. The seed (base32)
// travels only in the request body.
func (f TOTP) Import(ctx context.Context, mount, name, seed string, k TOTPKey) error {
	c := f.c
	_, err := c.write(ctx, "import totp key", mount+"/keys/"+name, map[string]interface{}{
		"generate": false, "key": seed, "issuer": k.Issuer, "account_name": k.Account,
		"period": k.Period, "algorithm": k.Algorithm, "digits": k.Digits,
	})
	return err
}

// KeyInfo reads a key's parameters (no seed: the engine has no path
// that returns one for an imported key).
func (f TOTP) KeyInfo(ctx context.Context, mount, name string) (*TOTPKey, error) {
	c := f.c
	data, err := c.read(ctx, "read totp key", mount+"/keys/"+name)
	if err != nil {
		return nil, unknownKey(err)
	}
	return &TOTPKey{Issuer: str(data, "issuer"), Account: str(data, "account_name"),
		Period: int(integer(data, "period")), Algorithm: str(data, "algorithm"), Digits: int(integer(data, "digits"))}, nil
}

// Code asks Vault for the key's current code.
func (f TOTP) Code(ctx context.Context, mount, name string) (string, error) {
	c := f.c
	data, err := c.read(ctx, "read totp code", mount+"/code/"+name)
	if err != nil {
		return "", unknownKey(err)
	}
	code := str(data, "code")
	if code == "" {
		return "", &Error{Op: "read totp code", Path: mount + "/code/" + name, Kind: ErrBadRequest, Detail: "no code in the answer"}
	}
	if _, err := strconv.Atoi(code); err != nil {
		return "", &Error{Op: "read totp code", Path: mount + "/code/" + name, Kind: ErrBadRequest, Detail: "the answer is not a code"}
	}
	return code, nil
}

// Keys lists the TOTP engine's key names.
func (f TOTP) Keys(ctx context.Context, mount string) ([]string, error) {
	c := f.c
	return c.list(ctx, "list totp keys", mount+"/keys")
}

// Delete deletes a key.
func (f TOTP) Delete(ctx context.Context, mount, name string) error {
	c := f.c
	return c.remove(ctx, "delete totp key", mount+"/keys/"+name)
}

// unknownKey: the TOTP engine answers a missing key with a 400 "unknown
// key" rather than a 404; it is ErrNotFound like any missing record.
func unknownKey(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Kind == ErrBadRequest && strings.Contains(strings.ToLower(e.Detail), "unknown key") {
		e.Kind = ErrNotFound
	}
	return err
}

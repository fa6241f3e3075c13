package vault

import (
	"context"
	"encoding/base64"
	"fmt"
)

// HMAC computes the HMAC-SHA256 of each input with a Transit key,
// in one batch request, and returns Vault's "vault:vN:…" strings in input
// order. The key never leaves Vault. Errors never carry an input.
func (f Transit) HMAC(ctx context.Context, mount, key string, inputs []string) ([]string, error) {
	c := f.c
	return c.Transit().HMACAt(ctx, mount, key, 0, inputs)
}

// HMACAt is HMAC with a given version of the key (0: the
// latest), for HMACs that must stay the same when the key is rotated.
func (f Transit) HMACAt(ctx context.Context, mount, key string, version int, inputs []string) ([]string, error) {
	c := f.c
	if len(inputs) == 0 {
		return nil, nil
	}
	batch := make([]interface{}, len(inputs))
	for i, in := range inputs {
		batch[i] = map[string]interface{}{"input": base64.StdEncoding.EncodeToString([]byte(in))}
	}
	path := mount + "/hmac/" + key // the policies grant exactly this path
	body := map[string]interface{}{"algorithm": "sha2-256", "batch_input": batch}
	if version > 0 {
		body["key_version"] = version
	}
	secret, err := c.write(ctx, "compute transit hmac", path, body)
	if err != nil {
		return nil, err
	}
	var results []interface{}
	if secret != nil {
		results, _ = secret.Data["batch_results"].([]interface{})
	}
	if len(results) != len(inputs) {
		return nil, &Error{Op: "compute transit hmac", Path: path, Kind: ErrBadRequest,
			Detail: fmt.Sprintf("%d results for %d inputs", len(results), len(inputs))}
	}
	out := make([]string, len(inputs))
	for i, raw := range results {
		r, _ := raw.(map[string]interface{})
		if msg := str(r, "error"); msg != "" || str(r, "hmac") == "" {
			return nil, &Error{Op: "compute transit hmac", Path: path, Kind: ErrBadRequest,
				Detail: fmt.Sprintf("input %d: no hmac (%s)", i, msg)}
		}
		out[i] = str(r, "hmac")
	}
	return out, nil
}

// Sign computes one HMAC-SHA256 of message with a Transit key, in
// Vault's "vault:vN:…" form. It is how a person signs what they write
// with their own key.
func (f Transit) Sign(ctx context.Context, mount, key, message string) (string, error) {
	c := f.c
	path := mount + "/hmac/" + key
	secret, err := c.write(ctx, "sign with transit key", path, map[string]interface{}{
		"algorithm": "sha2-256", "input": base64.StdEncoding.EncodeToString([]byte(message)),
	})
	if err != nil {
		return "", err
	}
	if secret == nil || str(secret.Data, "hmac") == "" {
		return "", &Error{Op: "sign with transit key", Path: path, Kind: ErrBadRequest, Detail: "no hmac in the answer"}
	}
	return str(secret.Data, "hmac"), nil
}

// Verify reports whether hmac is the HMAC-SHA256 of message with
// a Transit key. A key that does not exist is ErrNotFound.
func (f Transit) Verify(ctx context.Context, mount, key, message, hmac string) (bool, error) {
	c := f.c
	path := mount + "/verify/" + key
	secret, err := c.write(ctx, "verify with transit key", path, map[string]interface{}{
		"algorithm": "sha2-256", "input": base64.StdEncoding.EncodeToString([]byte(message)), "hmac": hmac,
	})
	if err != nil {
		return false, err
	}
	return secret != nil && boolean(secret.Data, "valid"), nil
}

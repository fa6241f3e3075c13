package vault

import (
	"context"
	"encoding/base64"
	"fmt"
)

// TransitHMAC computes the HMAC-SHA256 of each input with a Transit key,
// in one batch request, and returns Vault's "vault:vN:…" strings in input
// order. The key never leaves Vault. Errors never carry an input.
func (c *Client) TransitHMAC(ctx context.Context, mount, key string, inputs []string) ([]string, error) {
	if len(inputs) == 0 {
		return nil, nil
	}
	batch := make([]interface{}, len(inputs))
	for i, in := range inputs {
		batch[i] = map[string]interface{}{"input": base64.StdEncoding.EncodeToString([]byte(in))}
	}
	path := mount + "/hmac/" + key // the policies grant exactly this path
	secret, err := c.write(ctx, "compute transit hmac", path, map[string]interface{}{"algorithm": "sha2-256", "batch_input": batch})
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

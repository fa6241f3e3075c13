package vault

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/vault/api"
)

// read does a logical read and returns the secret's data; a missing path
// is ErrNotFound.
func (c *Client) read(ctx context.Context, op, path string) (map[string]interface{}, error) {
	secret, err := c.readSecret(ctx, op, path)
	if err != nil {
		return nil, err
	}
	return secret.Data, nil
}

func (c *Client) readSecret(ctx context.Context, op, path string) (*api.Secret, error) {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := c.api.Logical().ReadWithContext(ctx, path)
	if err != nil {
		return nil, wrap(op, path, err)
	}
	if secret == nil || secret.Data == nil {
		return nil, notFound(op, path)
	}
	return secret, nil
}

// write does a logical write; the answer may be nil for writes that return
// no data.
func (c *Client) write(ctx context.Context, op, path string, data map[string]interface{}) (*api.Secret, error) {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := c.api.Logical().WriteWithContext(ctx, path, data)
	return secret, wrap(op, path, err)
}

// list does a logical list and returns the keys; a missing path lists
// nothing.
func (c *Client) list(ctx context.Context, op, path string) ([]string, error) {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := c.api.Logical().ListWithContext(ctx, path)
	if err != nil {
		return nil, wrap(op, path, err)
	}
	if secret == nil || secret.Data == nil {
		return nil, nil
	}
	raw, _ := secret.Data["keys"].([]interface{})
	keys := make([]string, 0, len(raw))
	for _, k := range raw {
		if s, ok := k.(string); ok {
			keys = append(keys, s)
		}
	}
	return keys, nil
}

// remove does a logical delete.
func (c *Client) remove(ctx context.Context, op, path string) error {
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	_, err := c.api.Logical().DeleteWithContext(ctx, path)
	return wrap(op, path, err)
}

func str(m map[string]interface{}, key string) string {
	s, _ := m[key].(string)
	return s
}

func stringList(m map[string]interface{}, key string) []string {
	raw, _ := m[key].([]interface{})
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func integer(m map[string]interface{}, key string) int64 {
	switch v := m[key].(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case float64:
		return int64(v)
	case int:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

func boolean(m map[string]interface{}, key string) bool {
	b, _ := m[key].(bool)
	return b
}

func object(m map[string]interface{}, key string) map[string]interface{} {
	o, _ := m[key].(map[string]interface{})
	return o
}

func stringMap(m map[string]interface{}, key string) map[string]string {
	out := map[string]string{}
	for k, v := range object(m, key) {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

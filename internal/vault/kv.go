package vault

import (
	"context"
	"errors"
)

// KVRecord is the current version of a KV v2 secret.
type KVRecord struct {
	Data           map[string]interface{}
	Version        int
	CustomMetadata map[string]string
}

// KVGet reads the current version of path in the KV v2 mount. A missing or
// deleted secret is ErrNotFound.
func (c *Client) KVGet(ctx context.Context, mount, path string) (*KVRecord, error) {
	full := mount + "/data/" + path
	data, err := c.read(ctx, "read record", full)
	if err != nil {
		return nil, err
	}
	values := object(data, "data")
	meta := object(data, "metadata")
	if values == nil {
		return nil, notFound("read record", full)
	}
	return &KVRecord{Data: values, Version: int(integer(meta, "version")), CustomMetadata: stringMap(meta, "custom_metadata")}, nil
}

// KVPut writes a new version of path with check-and-set: cas is the version
// the caller read, 0 for a secret that must not exist yet. A stale cas is
// ErrConflict. It returns the new version.
func (c *Client) KVPut(ctx context.Context, mount, path string, data map[string]interface{}, cas int) (int, error) {
	full := mount + "/data/" + path
	secret, err := c.write(ctx, "write record", full, map[string]interface{}{
		"data": data, "options": map[string]interface{}{"cas": cas},
	})
	if err != nil {
		return 0, err
	}
	if secret == nil {
		return 0, nil
	}
	return int(integer(secret.Data, "version")), nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// KVMeta is a KV v2 secret's metadata: what listings read, never values.
type KVMeta struct {
	CurrentVersion int
	CustomMetadata map[string]string
	UpdatedTime    string
}

// KVMetadata reads path's metadata in the KV v2 mount.
func (c *Client) KVMetadata(ctx context.Context, mount, path string) (*KVMeta, error) {
	data, err := c.read(ctx, "read record metadata", mount+"/metadata/"+path)
	if err != nil {
		return nil, err
	}
	return &KVMeta{
		CurrentVersion: int(integer(data, "current_version")),
		CustomMetadata: stringMap(data, "custom_metadata"),
		UpdatedTime:    str(data, "updated_time"),
	}, nil
}

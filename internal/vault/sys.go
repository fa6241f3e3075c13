package vault

import (
	"context"
	"sort"
	"strings"
)

// Mount is a secrets engine or auth method mount.
type Mount struct {
	Path     string // with trailing slash, as Vault lists it
	Type     string
	Version  string // options.version, "2" for KV v2
	Accessor string
}

// Mounts lists the secrets engines, keyed by path with trailing slash.
func (f Sys) Mounts(ctx context.Context) (map[string]Mount, error) {
	c := f.c
	return c.mounts(ctx, "list secrets engines", "sys/mounts")
}

// AuthMounts lists the auth methods, keyed by path with trailing slash.
func (f Sys) AuthMounts(ctx context.Context) (map[string]Mount, error) {
	c := f.c
	return c.mounts(ctx, "list auth methods", "sys/auth")
}

func (c *Client) mounts(ctx context.Context, op, path string) (map[string]Mount, error) {
	data, err := c.read(ctx, op, path)
	if err != nil {
		return nil, err
	}
	out := map[string]Mount{}
	for p, v := range data {
		m, ok := v.(map[string]interface{})
		if !ok || !strings.HasSuffix(p, "/") {
			continue
		}
		out[p] = Mount{Path: p, Type: str(m, "type"), Version: stringMap(m, "options")["version"], Accessor: str(m, "accessor")}
	}
	return out, nil
}

// EnableSecretsEngine mounts a secrets engine of type typ at path.
func (f Sys) EnableSecretsEngine(ctx context.Context, path, typ, description string, options map[string]string) error {
	c := f.c
	_, err := c.write(ctx, "enable secrets engine", "sys/mounts/"+path, map[string]interface{}{
		"type": typ, "description": description, "options": options,
	})
	return err
}

// EnableAuth enables an auth method of type typ at path.
func (f Sys) EnableAuth(ctx context.Context, path, typ, description string) error {
	c := f.c
	_, err := c.write(ctx, "enable auth method", "sys/auth/"+path, map[string]interface{}{
		"type": typ, "description": description,
	})
	return err
}

// KVConfig is a KV v2 mount's engine configuration.
type KVConfig struct {
	CASRequired bool
	MaxVersions int
}

// Config reads a KV v2 mount's configuration.
func (f KV) Config(ctx context.Context, mount string) (KVConfig, error) {
	c := f.c
	data, err := c.read(ctx, "read kv config", mount+"/config")
	if err != nil {
		return KVConfig{}, err
	}
	return KVConfig{CASRequired: boolean(data, "cas_required"), MaxVersions: int(integer(data, "max_versions"))}, nil
}

// SetConfig writes a KV v2 mount's configuration.
func (f KV) SetConfig(ctx context.Context, mount string, cfg KVConfig) error {
	c := f.c
	_, err := c.write(ctx, "write kv config", mount+"/config", map[string]interface{}{
		"cas_required": cfg.CASRequired, "max_versions": cfg.MaxVersions,
	})
	return err
}

// Policy reads an ACL policy's rules; a missing policy is ErrNotFound.
func (f Sys) Policy(ctx context.Context, name string) (string, error) {
	c := f.c
	data, err := c.read(ctx, "read policy", "sys/policies/acl/"+name)
	if err != nil {
		return "", err
	}
	return str(data, "policy"), nil
}

// PutPolicy creates or replaces an ACL policy.
func (f Sys) PutPolicy(ctx context.Context, name, rules string) error {
	c := f.c
	_, err := c.write(ctx, "write policy", "sys/policies/acl/"+name, map[string]interface{}{"policy": rules})
	return err
}

// AuditDevice is an enabled audit device.
type AuditDevice struct {
	Path     string
	Type     string
	FilePath string
}

// AuditDevices lists the enabled audit devices (needs sudo on sys/audit).
func (f Sys) AuditDevices(ctx context.Context) ([]AuditDevice, error) {
	c := f.c
	data, err := c.read(ctx, "list audit devices", "sys/audit")
	if err != nil {
		return nil, err
	}
	var out []AuditDevice
	for p, v := range data {
		m, ok := v.(map[string]interface{})
		if !ok || !strings.HasSuffix(p, "/") {
			continue
		}
		out = append(out, AuditDevice{Path: p, Type: str(m, "type"), FilePath: stringMap(m, "options")["file_path"]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// EnableFileAudit enables a file audit device at path writing to filePath.
func (f Sys) EnableFileAudit(ctx context.Context, path, filePath string) error {
	c := f.c
	_, err := c.write(ctx, "enable audit device", "sys/audit/"+path, map[string]interface{}{
		"type": "file", "description": "sellervault audit log", "options": map[string]string{"file_path": filePath},
	})
	return err
}

// ServerStatus is what an unauthenticated caller can learn of a server.
type ServerStatus struct {
	Initialized bool
	Sealed      bool
	Version     string
	ClusterName string
	StorageType string
}

// ServerStatus reads sys/seal-status, which needs no token.
func (f Sys) ServerStatus(ctx context.Context) (*ServerStatus, error) {
	c := f.c
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	s, err := c.api.Sys().SealStatusWithContext(ctx)
	if err != nil {
		return nil, wrap("read seal status", "sys/seal-status", err)
	}
	return &ServerStatus{Initialized: s.Initialized, Sealed: s.Sealed, Version: s.Version,
		ClusterName: s.ClusterName, StorageType: s.StorageType}, nil
}

// CapabilitiesSelf lists what the caller's token may do on path.
func (f Tokens) CapabilitiesSelf(ctx context.Context, path string) ([]string, error) {
	c := f.c
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	caps, err := c.api.Sys().CapabilitiesSelfWithContext(ctx, path)
	return caps, wrap("read capabilities", path, err)
}

// Seal seals Vault, as an operator does in an emergency (needs sudo on
// sys/seal). Only an unseal with the key shares opens it again.
func (f Sys) Seal(ctx context.Context) error {
	c := f.c
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	return wrap("seal", "sys/seal", c.api.Sys().SealWithContext(ctx))
}

// DeletePolicy deletes an ACL policy.
func (f Sys) DeletePolicy(ctx context.Context, name string) error {
	c := f.c
	return c.remove(ctx, "delete policy", "sys/policies/acl/"+name)
}

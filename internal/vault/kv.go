package vault

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// KVRecord is the current version of a KV v2 secret.
type KVRecord struct {
	Data           map[string]interface{}
	Version        int
	CustomMetadata map[string]string
}

// Get reads the current version of path in the KV v2 mount. A missing or
// deleted secret is ErrNotFound.
func (f KV) Get(ctx context.Context, mount, path string) (*KVRecord, error) {
	c := f.c
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

// Put writes a new version of path with check-and-set: cas is the version
// the caller read, 0 for a secret that must not exist yet. A stale cas is
// ErrConflict. It returns the new version.
func (f KV) Put(ctx context.Context, mount, path string, data map[string]interface{}, cas int) (int, error) {
	c := f.c
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
	CreatedTime    string
	UpdatedTime    string
	Versions       []KVVersion // oldest first
}

// KVVersion is one version in a secret's history.
type KVVersion struct {
	Version      int
	CreatedTime  string
	DeletionTime string // set when soft-deleted
	Destroyed    bool
}

// Deleted reports whether the current version is soft-deleted.
func (m *KVMeta) Deleted() bool {
	for _, v := range m.Versions {
		if v.Version == m.CurrentVersion {
			return v.DeletionTime != "" || v.Destroyed
		}
	}
	return false
}

// Metadata reads path's metadata in the KV v2 mount.
func (f KV) Metadata(ctx context.Context, mount, path string) (*KVMeta, error) {
	c := f.c
	data, err := c.read(ctx, "read record metadata", mount+"/metadata/"+path)
	if err != nil {
		return nil, err
	}
	meta := &KVMeta{
		CurrentVersion: int(integer(data, "current_version")),
		CustomMetadata: stringMap(data, "custom_metadata"),
		CreatedTime:    str(data, "created_time"),
		UpdatedTime:    str(data, "updated_time"),
	}
	for key, raw := range object(data, "versions") {
		v, ok := raw.(map[string]interface{})
		n, err := strconv.Atoi(key)
		if !ok || err != nil {
			continue
		}
		meta.Versions = append(meta.Versions, KVVersion{Version: n, CreatedTime: str(v, "created_time"),
			DeletionTime: str(v, "deletion_time"), Destroyed: boolean(v, "destroyed")})
	}
	sort.Slice(meta.Versions, func(i, j int) bool { return meta.Versions[i].Version < meta.Versions[j].Version })
	return meta, nil
}

// Exists reports whether a secret has metadata (live, deleted or
// metadata only).
func (f KV) Exists(ctx context.Context, mount, path string) (bool, error) {
	c := f.c
	_, err := c.KV().Metadata(ctx, mount, path)
	return exists(err)
}

// GetVersion reads one version of path; a deleted or destroyed version
// is ErrNotFound.
func (f KV) GetVersion(ctx context.Context, mount, path string, version int) (*KVRecord, error) {
	c := f.c
	full := fmt.Sprintf("%s/data/%s?version=%d", mount, path, version)
	ctx, cancel := c.ctx(ctx)
	defer cancel()
	secret, err := c.api.Logical().ReadWithDataWithContext(ctx, mount+"/data/"+path,
		map[string][]string{"version": {strconv.Itoa(version)}})
	if err != nil {
		return nil, wrap("read record version", full, err)
	}
	if secret == nil || secret.Data == nil {
		return nil, notFound("read record version", full)
	}
	values, meta := object(secret.Data, "data"), object(secret.Data, "metadata")
	if values == nil {
		return nil, notFound("read record version", full)
	}
	return &KVRecord{Data: values, Version: int(integer(meta, "version")), CustomMetadata: stringMap(meta, "custom_metadata")}, nil
}

// SetCustomMetadata replaces path's custom metadata. Metadata writes have
// no check-and-set in KV v2: callers write it right after a data write
// that passed check-and-set, and keep the data as the source of truth.
func (f KV) SetCustomMetadata(ctx context.Context, mount, path string, custom map[string]string) error {
	c := f.c
	_, err := c.write(ctx, "write record metadata", mount+"/metadata/"+path, map[string]interface{}{
		"custom_metadata": custom,
	})
	return err
}

// List lists the keys under dir (folders end in "/"); nothing there
// lists nothing.
func (f KV) List(ctx context.Context, mount, dir string) ([]string, error) {
	c := f.c
	return c.list(ctx, "list records", mount+"/metadata/"+strings.TrimSuffix(dir, "/")+"/")
}

// Delete soft-deletes the current version of path; KVUndelete brings
// versions back.
func (f KV) Delete(ctx context.Context, mount, path string) error {
	c := f.c
	return c.remove(ctx, "delete record", mount+"/data/"+path)
}

// Undelete restores soft-deleted versions of path.
func (f KV) Undelete(ctx context.Context, mount, path string, versions ...int) error {
	c := f.c
	_, err := c.write(ctx, "undelete record", mount+"/undelete/"+path, map[string]interface{}{"versions": versions})
	return err
}

// DestroyAll removes a record with every version and its metadata:
// its path leaves the mount's listings.
func (f KV) DestroyAll(ctx context.Context, mount, path string) error {
	c := f.c
	return c.remove(ctx, "destroy record", mount+"/metadata/"+path)
}

// DeleteVersions soft-deletes versions of path (undeletable).
func (f KV) DeleteVersions(ctx context.Context, mount, path string, versions ...int) error {
	c := f.c
	_, err := c.write(ctx, "delete versions", mount+"/delete/"+path, map[string]interface{}{"versions": versions})
	return err
}

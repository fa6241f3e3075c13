package vault

import (
	"context"
	"sort"
	"strings"
)

// ListAll lists the path of every secret in the KV v2 mount, folders
// walked depth first, sorted. Deleted secrets are listed too (their
// metadata says so), as are metadata-only entries.
func (f KV) ListAll(ctx context.Context, mount string) ([]string, error) {
	c := f.c
	var out []string
	var walk func(dir string) error
	walk = func(dir string) error {
		keys, err := c.list(ctx, "list records", mount+"/metadata/"+dir)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k == "" || k == "/" {
				continue
			}
			if strings.HasSuffix(k, "/") {
				if err := walk(dir + k); err != nil {
					return err
				}
				continue
			}
			out = append(out, dir+k)
		}
		return nil
	}
	if err := walk(""); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

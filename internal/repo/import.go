package repo

import (
	"context"
	"errors"
	"strings"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// Existing reports which of names exist in a store: the map
// holds each one that exists, true when it is deleted (its name stays
// taken until it is destroyed). It is one list request for the store,
// plus a metadata read for each name of names that is there, a few at a
// time, to tell deleted ones; a store without credentials has none.
func (f Creds) Existing(ctx context.Context, store string, names []string) (map[string]bool, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, records.CredDir(store))
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	have := make(map[string]bool, len(keys))
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			have[k] = true
		}
	}
	var found []string
	seen := map[string]bool{}
	for _, n := range names {
		if have[n] && !seen[n] {
			seen[n] = true
			found = append(found, n)
		}
	}
	out := make(map[string]bool, len(found))
	deleted := make([]bool, len(found))
	if err := parallel.Do(len(found), reads, func(i int) error {
		meta, err := r.c.KV().Metadata(ctx, r.mount, records.CredPath(store, found[i]))
		if err == nil {
			deleted[i] = meta.Deleted()
		}
		return err
	}); err != nil {
		return nil, err
	}
	for i, n := range found {
		out[n] = deleted[i]
	}
	return out, nil
}

// The import's write loop is importrun.Import. What follows forwards to
// it only for internal/hatest/ha_test.go, which still calls
// r.Imports().Import; remove it once that test calls importrun.Import.

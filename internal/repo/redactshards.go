package repo

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/redact"
	"github.com/sellervault/sellervault/internal/vault"
)

// An audience's whole index, as a rebuild of it (package reindex) reads
// and writes it: which audience a record's values go to, which audiences
// have an index, and all of an audience's shards compared or replaced at
// once, in the shard format above (redactindex.go).

// AudienceOf is the audience whose index holds a record's values, by
// the record's path.
func (f Index) AudienceOf(path string) string { return audienceOf(path) }

// Indexed names the audiences that have an index (an emptied one
// included); none before the first.
func (f Index) Indexed(ctx context.Context) ([]string, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, RedactDir)
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if a, ok := strings.CutSuffix(k, "/"); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// Matches reports whether an audience's index holds exactly entries:
// each of its shards as Write would write it.
func (f Index) Matches(ctx context.Context, audience string, entries []redact.Entry) (bool, error) {
	r := f.r
	shards := audienceShardData(entries)
	lags := make([]bool, AudienceShards)
	err := parallel.Do(AudienceShards, reads, func(i int) error {
		rec, err := r.c.KV().Get(ctx, r.mount, shardPath(audience, i))
		if errors.Is(err, vault.ErrNotFound) {
			lags[i] = shards[i] != nil
			return nil
		}
		if err != nil {
			return err
		}
		want := shards[i]
		if want == nil {
			want = map[string]interface{}{"entries": "", "filter": ""}
		}
		lags[i] = rec.Data["entries"] != want["entries"] || rec.Data["filter"] != want["filter"]
		return nil
	})
	return !slices.Contains(lags, true), err
}

// Write replaces every shard of an audience's index with entries' (each
// with check-and-set on the version it read; a shard that does not exist
// and stays empty is not written). With no entries, it empties the
// index.
func (f Index) Write(ctx context.Context, audience string, entries []redact.Entry) error {
	r := f.r
	shards := audienceShardData(entries)
	return parallel.Do(AudienceShards, reads, func(i int) error {
		path := shardPath(audience, i)
		version := 0
		rec, err := r.c.KV().Get(ctx, r.mount, path)
		switch {
		case err == nil:
			version = rec.Version
		case errors.Is(err, vault.ErrNotFound):
			if shards[i] == nil {
				return nil
			}
		default:
			return err
		}
		data := shards[i]
		if data == nil {
			data = map[string]interface{}{"entries": "", "filter": ""}
		}
		return r.putDerived(ctx, path, data, version)
	})
}

// audienceShardData is each shard's data for an audience's entries
// (nil for an empty shard).
func audienceShardData(entries []redact.Entry) []map[string]interface{} {
	lines, filters := make([][]string, AudienceShards), make([][]string, AudienceShards)
	for _, re := range entries {
		e := entryOf(re)
		i := shardOf(e.path)
		lines[i] = append(lines[i], e.String())
		filters[i] = append(filters[i], e.filterLine())
	}
	out := make([]map[string]interface{}, AudienceShards)
	for i := range out {
		if len(lines[i]) > 0 {
			out[i] = map[string]interface{}{"entries": joinSorted(lines[i]), "filter": joinSorted(filters[i])}
		}
	}
	return out
}

package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/vault"
)

// ReindexReport says what a rebuild of the index found.
type ReindexReport struct {
	Audiences int // audiences indexed
	Records   int // records with sensitive values
	Entries   int // HMACs in the indexes
}

// Reindex rebuilds every audience's redaction index from every record's
// current values (a manager's job: it reads them all), replacing every
// shard, and empties the index of any audience that has no record left.
// It also rewrites the team's mail domains (TeamDomainsPath) from the
// company mailboxes, and every store's credential listing (ListingDir)
// from its credentials' metadata.
func (f Index) Reindex(ctx context.Context) (ReindexReport, error) {
	r := f.r
	var rep ReindexReport
	// Reindex only reads records, whatever their layout: the migration to
	// schema 3 runs it before it writes the new marker.
	r.layoutOnce.Do(func() {})
	if err := r.Index().RebuildListings(ctx); err != nil { // first: the inventory below reads them
		return rep, err
	}
	want, err := r.expectedIndex(ctx)
	if err != nil {
		return rep, err
	}
	for _, a := range want {
		if err := r.writeAudience(ctx, a.name, a.entries); err != nil {
			return rep, fmt.Errorf("audience %s: %w", a.name, err)
		}
		if a.records > 0 {
			rep.Audiences++
		}
		rep.Records += a.records
		rep.Entries += len(a.entries)
	}
	return rep, nil
}

// RebuildLagging compares every audience's redaction index with what its
// records' current values call for, and rebuilds each that lags (a
// record written whose index update failed, or written around
// sellervault); it returns their names. A dry run only names them (and
// rewrites nothing, the team's mail domains included). On an error, the
// audiences found before it.
func (f Index) RebuildLagging(ctx context.Context, dryRun bool) ([]string, error) {
	r := f.r
	if dryRun {
		defer r.dryRun()()
	}
	want, err := r.expectedIndex(ctx)
	if err != nil {
		return nil, fmt.Errorf("the redaction indexes: %w", err)
	}
	var lagging []string
	for _, a := range want {
		lags, err := r.audienceLags(ctx, a.name, a.entries)
		if err != nil {
			return lagging, fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
		if !lags {
			continue
		}
		lagging = append(lagging, a.name)
		if dryRun {
			continue
		}
		if err := r.writeAudience(ctx, a.name, a.entries); err != nil {
			return lagging, fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
	}
	return lagging, nil
}

// audienceIndex is what an audience's index holds when it is up to date.
type audienceIndex struct {
	name    string
	records int // records with sensitive values
	entries []indexEntry
}

// expectedIndex computes every audience's index from every record's
// current values (and audiences whose index exists but that have no
// record left, empty), by name. It rewrites the team's mail domains
// unless this is a dry run.
func (r *Repo) expectedIndex(ctx context.Context) ([]audienceIndex, error) {
	values, err := r.sensitiveValues(ctx)
	if err != nil {
		return nil, err
	}
	byAudience := map[string]map[string][]records.Sensitive{}
	for path, v := range values {
		a := audienceOf(path)
		if byAudience[a] == nil {
			byAudience[a] = map[string][]records.Sensitive{}
		}
		byAudience[a][path] = v
	}
	old, err := r.c.KV().List(ctx, r.mount, RedactDir)
	if err != nil && !errors.Is(err, vault.ErrNotFound) {
		return nil, err
	}
	for _, k := range old {
		if a, ok := strings.CutSuffix(k, "/"); ok && byAudience[a] == nil {
			byAudience[a] = map[string][]records.Sensitive{} // emptied
		}
	}
	names := make([]string, 0, len(byAudience))
	for a := range byAudience {
		names = append(names, a)
	}
	sort.Strings(names)
	out := make([]audienceIndex, 0, len(names))
	for _, a := range names {
		entries, err := r.hmacEntries(ctx, a, byAudience[a])
		if err != nil {
			return nil, fmt.Errorf("audience %s: %w", a, err)
		}
		out = append(out, audienceIndex{name: a, records: len(byAudience[a]), entries: entries})
	}
	return out, nil
}

// audienceShardData is each shard's data for an audience's entries
// (nil for an empty shard).
func audienceShardData(entries []indexEntry) []map[string]interface{} {
	lines, filters := make([][]string, AudienceShards), make([][]string, AudienceShards)
	for _, e := range entries {
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

// writeAudience replaces all of an audience's shards.
func (r *Repo) writeAudience(ctx context.Context, audience string, entries []indexEntry) error {
	shards := audienceShardData(entries)
	return inParallel(AudienceShards, reads, func(i int) error {
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
		err = r.putDerived(ctx, path, data, version)
		return err
	})
}

// audienceLags reports whether an audience's stored index differs from
// entries (a record written whose index update failed, or written around
// sellervault).
func (r *Repo) audienceLags(ctx context.Context, audience string, entries []indexEntry) (bool, error) {
	shards := audienceShardData(entries)
	lags := make([]bool, AudienceShards)
	err := inParallel(AudienceShards, reads, func(i int) error {
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
	return slices.Contains(lags, true), err
}

// sensitiveValues reads every record's sensitive values, by path, and
// rewrites the team's mail domains from the company mailboxes it reads
// (not on a dry run).
func (r *Repo) sensitiveValues(ctx context.Context) (map[string][]records.Sensitive, error) {
	inv, err := r.Rotation().Inventory(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]records.Sensitive{}
	add := func(path string, enc records.Encoded) {
		if len(enc.Sensitive) > 0 {
			out[path] = enc.Sensitive
		}
	}
	for _, s := range inv.Stores {
		add(records.StorePath(s.Name), s.Encode())
	}
	for _, p := range inv.Phones {
		full, _, err := r.phoneByID(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		add(records.PhonePath(p.ID), full.Encode())
	}
	for _, c := range inv.Credentials {
		full, _, err := r.Creds().Get(ctx, c.Store, c.Name)
		if err != nil {
			return nil, err
		}
		add(records.CredPath(c.Store, c.Name), full.Encode())
	}
	var domains []string
	for _, m := range inv.Mailboxes {
		full, _, err := r.mailboxByID(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		add(records.MailboxPath(m.ID), full.Encode())
		if !full.Personal {
			domains = append(domains, domainOf(full.Address))
		}
	}
	if !r.readOnly {
		if err := r.addTeamDomains(ctx, domains, true); err != nil {
			return nil, fmt.Errorf("the team's mail domains: %w", err)
		}
	}
	for _, p := range inv.Payouts {
		full, err := r.Payouts().Get(ctx, p.Store)
		if err != nil {
			return nil, err
		}
		if vals := payoutSensitive(full.Record); len(vals) > 0 {
			out[payoutPath(p.Store)] = vals
		}
	}
	return out, nil
}

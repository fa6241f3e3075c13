package reindex

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
)

// Report says what a rebuild of the indexes found.
type Report struct {
	Audiences int // audiences indexed
	Records   int // records with sensitive values
	Entries   int // HMACs in the indexes
}

// Run rebuilds every audience's redaction index from every record's
// current values (a manager's job: it reads them all), replacing every
// shard, and empties the index of any audience that has no record left.
// It also rewrites the team's mail domains from the company mailboxes,
// and, first, every store's credential listing from its credentials'
// metadata.
func Run(ctx context.Context, d Deps) (Report, error) {
	var rep Report
	// A rebuild only reads records, whatever their layout: the migration
	// to schema 3 runs it before it writes the new marker.
	d.Contacts.AnyLayout()
	if err := d.Index.RebuildListings(ctx); err != nil { // first: the inventory below reads them
		return rep, err
	}
	want, err := expected(ctx, d, false)
	if err != nil {
		return rep, err
	}
	for _, a := range want {
		if err := d.Index.Write(ctx, a.name, a.entries); err != nil {
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
// rewrites nothing, the team's mail domains and the listings included).
// On an error, the audiences found before it.
func RebuildLagging(ctx context.Context, d Deps, dryRun bool) ([]string, error) {
	if dryRun {
		defer d.Mirrors.DryRun()()
	}
	want, err := expected(ctx, d, dryRun)
	if err != nil {
		return nil, fmt.Errorf("the redaction indexes: %w", err)
	}
	var lagging []string
	for _, a := range want {
		same, err := d.Index.Matches(ctx, a.name, a.entries)
		if err != nil {
			return lagging, fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
		if same {
			continue
		}
		lagging = append(lagging, a.name)
		if dryRun {
			continue
		}
		if err := d.Index.Write(ctx, a.name, a.entries); err != nil {
			return lagging, fmt.Errorf("the redaction index of %s: %w", a.name, err)
		}
	}
	return lagging, nil
}

// Lagging is RebuildLagging on its Deps: doctor's Index
// (doctor.Deps.Index; package connect wires it).
type Lagging struct{ Deps Deps }

// RebuildLagging is RebuildLagging(ctx, l.Deps, dryRun).
func (l Lagging) RebuildLagging(ctx context.Context, dryRun bool) ([]string, error) {
	return RebuildLagging(ctx, l.Deps, dryRun)
}

// audienceIndex is what an audience's index holds when it is up to date.
type audienceIndex struct {
	name    string
	records int // records with sensitive values
	entries []redact.Entry
}

// expected computes every audience's index from every record's current
// values (and, empty, that of each audience whose index exists but that
// has no record left), by name. It rewrites the team's mail domains
// unless dryRun.
func expected(ctx context.Context, d Deps, dryRun bool) ([]audienceIndex, error) {
	values, err := sensitiveValues(ctx, d, dryRun)
	if err != nil {
		return nil, err
	}
	byAudience := map[string]map[string][]records.Sensitive{}
	for path, v := range values {
		a := d.Index.AudienceOf(path)
		if byAudience[a] == nil {
			byAudience[a] = map[string][]records.Sensitive{}
		}
		byAudience[a][path] = v
	}
	indexed, err := d.Index.Indexed(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range indexed {
		if byAudience[a] == nil {
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
		entries, err := redact.IndexEntries(ctx, d.Index.Hasher(a), byAudience[a])
		if err != nil {
			return nil, fmt.Errorf("audience %s: %w", a, err)
		}
		out = append(out, audienceIndex{name: a, records: len(byAudience[a]), entries: entries})
	}
	return out, nil
}

// sensitiveValues reads every record's sensitive values, by path, and
// rewrites the team's mail domains from the company mailboxes it reads
// (unless dryRun).
func sensitiveValues(ctx context.Context, d Deps, dryRun bool) (map[string][]records.Sensitive, error) {
	inv, err := d.Records.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]records.Sensitive{}
	add := func(path string, values []records.Sensitive) {
		if len(values) > 0 {
			out[path] = values
		}
	}
	for _, s := range inv.Stores {
		add(records.StorePath(s.Name), s.Encode().Sensitive)
	}
	for _, p := range inv.Phones {
		full, _, err := d.Contacts.PhoneByID(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		add(records.PhonePath(p.ID), full.Encode().Sensitive)
	}
	for _, c := range inv.Credentials {
		full, _, err := d.Creds.Get(ctx, c.Store, c.Name)
		if err != nil {
			return nil, err
		}
		add(records.CredPath(c.Store, c.Name), full.Encode().Sensitive)
	}
	var domains []string
	for _, m := range inv.Mailboxes {
		full, _, err := d.Contacts.MailboxByID(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		add(records.MailboxPath(m.ID), full.Encode().Sensitive)
		if !full.Personal {
			_, domain, _ := strings.Cut(full.Address, "@")
			domains = append(domains, domain)
		}
	}
	if !dryRun {
		if err := d.Contacts.SetTeamDomains(ctx, domains); err != nil {
			return nil, fmt.Errorf("the team's mail domains: %w", err)
		}
	}
	for _, p := range inv.Payouts {
		full, err := d.Payouts.Get(ctx, p.Store)
		if err != nil {
			return nil, err
		}
		add(records.PayoutPath(p.Store), records.PayoutSensitive(full.Record.IBAN, full.Record.Account, full.Record.Routing))
	}
	return out, nil
}

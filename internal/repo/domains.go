package repo

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/vault"
)

// TeamDomainsPath is the KV record of the team's own mail domains: the
// domains of its company mailboxes, which every member reads so that
// `redact` can mask any address of them by pattern, the mailboxes a
// member may not read included. A domain says whose business it is, not
// which mailbox: the addresses stay in the contacts audience's index.
const TeamDomainsPath = backup.DomainsPath

// TeamDomains reads the team's mail domains; none when there is no
// record yet or the caller may not read it.
func (f Contacts) TeamDomains(ctx context.Context) ([]string, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, TeamDomainsPath)
	if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrDenied) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s, _ := rec.Data["domains"].(string)
	return strings.Fields(s), nil
}

// SetTeamDomains records exactly these mail domains (a rebuild of the
// redaction indexes: the domains of the company mailboxes it read).
func (f Contacts) SetTeamDomains(ctx context.Context, domains []string) error {
	return f.r.addTeamDomains(ctx, domains, true)
}

// addTeamDomains records more mail domains (keeping those recorded), or,
// with replace, exactly these.
func (r *Repo) addTeamDomains(ctx context.Context, domains []string, replace bool) error {
	return retryOnConflict(ctx, func() error {
		version, current := 0, ""
		rec, err := r.c.KV().Get(ctx, r.mount, TeamDomainsPath)
		switch {
		case err == nil:
			version = rec.Version
			current, _ = rec.Data["domains"].(string)
		case !errors.Is(err, vault.ErrNotFound):
			return err
		}
		set := map[string]bool{}
		if !replace {
			for _, d := range strings.Fields(current) {
				set[d] = true
			}
		}
		for _, d := range domains {
			set[strings.ToLower(d)] = true
		}
		list := make([]string, 0, len(set))
		for d := range set {
			list = append(list, d)
		}
		sort.Strings(list)
		next := strings.Join(list, " ")
		if next == current {
			return nil
		}
		err = r.putDerived(ctx, TeamDomainsPath, map[string]interface{}{"domains": next}, version)
		return err
	})
}

// domainOf is an address's domain.
func domainOf(address string) string {
	_, d, _ := strings.Cut(address, "@")
	return d
}

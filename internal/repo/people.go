package repo

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/audit"
	"github.com/sellervault/sellervault/internal/parallel"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// AuditPeople is the team as the audit report sees it now: every staff
// record (role, stores, status and offboarding time) with its identity
// entity's ID and whether that is disabled, and also everyone in the
// team's role and store groups who has no staff record (access given by
// hand, or the dev server's example team), with the role and stores
// their groups give. A staff record, where there is one, is what the
// person is meant to have; groups that give more show up as reads
// outside their stores. It needs a manager's token (staff records,
// identity entities and groups).
func (f Members) AuditPeople(ctx context.Context) ([]audit.Person, error) {
	r := f.r
	entries, err := r.listMeta(ctx, staff.Dir)
	if err != nil {
		return nil, err
	}
	people := make([]audit.Person, len(entries))
	for i, e := range entries {
		m := staff.FromMetadata(e.key, e.meta.CustomMetadata)
		p := audit.Person{Name: m.Name, Role: m.Role, Stores: m.Stores, Offboarded: m.Status == staff.StatusOffboarded}
		if at, err := time.Parse(time.RFC3339, e.meta.CustomMetadata["offboarded_at"]); err == nil {
			p.OffboardedAt = at
		}
		people[i] = p
	}
	if err := parallel.Do(len(people), reads, func(i int) error {
		ent, err := r.c.Identity().EntityByName(ctx, people[i].Name)
		switch {
		case errors.Is(err, vault.ErrNotFound):
		case err != nil:
			return err
		default:
			people[i].EntityID, people[i].Disabled = ent.ID, ent.Disabled
		}
		return nil
	}); err != nil {
		return nil, err
	}
	others, err := r.groupOnlyPeople(ctx, people)
	if err != nil {
		return nil, err
	}
	return append(people, others...), nil
}

// groupOnlyPeople finds the members of the team's role and store groups
// who have no staff record.
func (r *Repo) groupOnlyPeople(ctx context.Context, known []audit.Person) ([]audit.Person, error) {
	keys, err := r.c.KV().List(ctx, r.mount, records.StoreDir())
	if err != nil {
		return nil, err
	}
	var stores []string
	for _, k := range keys {
		if s := strings.TrimSuffix(k, "/"); !records.Contains(stores, s) {
			stores = append(stores, s)
		}
	}
	role := map[string]string{}
	rank := map[string]int{staff.RoleOps: 1, staff.RoleFinance: 2, staff.RoleManager: 3}
	storesOf := map[string][]string{}
	var order []string
	member := func(id string) {
		if _, seen := storesOf[id]; !seen {
			storesOf[id] = []string{}
			order = append(order, id)
		}
	}
	// members are a group's entity IDs; a group that is not there has none.
	members := func(name string) ([]string, error) {
		g, err := r.c.Identity().GroupByName(ctx, name)
		if errors.Is(err, vault.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return g.MemberEntityIDs, nil
	}
	for _, rl := range []string{staff.RoleOps, staff.RoleFinance, staff.RoleManager} {
		ids, err := members(r.layout.RoleGroup(staff.PersonRole(rl)))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			member(id)
			if rank[rl] > rank[role[id]] {
				role[id] = rl
			}
		}
	}
	for _, s := range stores {
		ids, err := members(r.layout.StoreGroup(s))
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			member(id)
			storesOf[id] = append(storesOf[id], s)
		}
	}
	have := map[string]bool{}
	for _, p := range known {
		have[p.EntityID] = true
	}
	var ids []string
	for _, id := range order {
		if !have[id] {
			ids = append(ids, id)
		}
	}
	out := make([]audit.Person, len(ids))
	if err := parallel.Do(len(ids), reads, func(i int) error {
		ent, err := r.c.Identity().EntityByID(ctx, ids[i])
		switch {
		case errors.Is(err, vault.ErrNotFound): // a member ID whose entity is gone
		case err != nil:
			return err
		default:
			st := storesOf[ids[i]]
			sort.Strings(st)
			out[i] = audit.Person{Name: ent.Name, EntityID: ent.ID, Role: role[ids[i]], Stores: st, Disabled: ent.Disabled}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, p := range out {
		if p.Name != "" {
			kept = append(kept, p)
		}
	}
	return kept, nil
}

package backuprun

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// totpKeys lists the credentials that link to a TOTP key, with the key's
// issuer and account when the key is there.
func totpKeys(ctx context.Context, keys Keys, recs []backup.Record) ([]backup.TOTPKey, error) {
	var out []backup.TOTPKey
	for _, rec := range recs {
		ref := rec.TOTPRef()
		if ref == "" {
			continue
		}
		k := backup.TOTPKey{Credential: backup.CredentialAddress(rec.Path)}
		issuer, account, err := keys.KeyInfo(ctx, ref)
		switch {
		case err == nil:
			k.Issuer, k.Account = clip(issuer), clip(account)
		case !errors.Is(err, failure.ErrNotFound):
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

func clip(s string) string {
	if len(s) > backup.MaxMetadataValue {
		return s[:backup.MaxMetadataValue]
	}
	return s
}

// people lists the team's people: each staff record, and each member of
// the team's role groups who has none (people made by `init`'s tooling
// or the demo), with the stores whose groups they are in. A person whose
// name the document would refuse is left out and named in unlisted.
func people(ctx context.Context, groups Groups, recs []backup.Record) ([]backup.Person, []string, error) {
	byName := map[string]*backup.Person{}
	var stores []string
	for _, rec := range recs {
		switch backup.Kind(rec.Path) {
		case "store":
			stores = append(stores, strings.TrimPrefix(rec.Path, records.StoreDir()+"/"))
		case "staff":
			get := func(k string) string { s, _ := rec.Data[k].(string); return s }
			byName[backup.StaffName(rec.Path)] = &backup.Person{Name: backup.StaffName(rec.Path), Role: get("role"),
				Stores: records.SplitList(get("stores")), Status: get("status"), StaffRecord: true}
		}
	}
	members, err := groups.RoleGroupMembers(ctx)
	if err != nil {
		return nil, nil, err
	}
	byEntity := map[string]*backup.Person{}
	for _, m := range members {
		if _, ok := byName[m.Name]; ok {
			continue // the staff record says more; a person is listed once
		}
		p := &backup.Person{Name: m.Name, Role: staff.RoleOf(m.Role), Status: "active"}
		byName[m.Name], byEntity[m.EntityID] = p, p
	}
	if len(byEntity) > 0 {
		for _, s := range stores {
			ids, err := groups.GroupMembers(ctx, s)
			if errors.Is(err, failure.ErrNotFound) {
				continue // a store without its group: nobody has it
			}
			if err != nil {
				return nil, nil, err
			}
			for _, id := range ids {
				if p, ok := byEntity[id]; ok {
					p.Stores = append(p.Stores, s)
				}
			}
		}
	}
	var out []backup.Person
	var unlisted []string
	for _, p := range byName {
		probe := backup.Document{Staff: []backup.Person{*p}}
		if p.StaffRecord {
			probe.Records = []backup.Record{{Path: backup.StaffDir + p.Name}}
		}
		if err := probeStaff(probe); err != nil {
			unlisted = append(unlisted, p.Name)
			continue
		}
		sort.Strings(p.Stores)
		out = append(out, *p)
	}
	sort.Strings(unlisted)
	return out, unlisted, nil
}

// probeStaff checks one person by the document's rules.
func probeStaff(d backup.Document) error {
	d.Format, d.Version, d.CreatedAt, d.Team = backup.Format, backup.Version, time.Unix(1, 0), "probe"
	for i := range d.Records {
		d.Records[i].Data = map[string]interface{}{}
	}
	return d.Validate()
}

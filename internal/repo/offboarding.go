package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// An offboarding's progress (staff.OffboardProgress: what each of its
// runs did, for the report of the run that finishes; package offboard
// runs the offboarding and keeps it) lives at backup.OffboardDir + the
// member's name. It holds the names of records and steps, never a value;
// managers only (the records mount), and backups leave it out.

func offboardProgressPath(name string) string { return backup.OffboardDir + name }

// LoadOffboarding reads the progress of name's offboarding; an empty one
// when none has run.
func (f Members) LoadOffboarding(ctx context.Context, name string) (*staff.OffboardProgress, error) {
	r := f.r
	p := staff.NewOffboardProgress(name)
	rec, err := r.c.KV().Get(ctx, r.mount, offboardProgressPath(name))
	if errors.Is(err, vault.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(rec.Data)
	if err == nil {
		err = json.Unmarshal(raw, p)
	}
	if err != nil {
		return nil, fmt.Errorf("offboarding progress of %s: %w", name, err)
	}
	if p.Done == nil {
		p.Done = map[string][]string{}
	}
	if p.Pending == nil {
		p.Pending = map[string][]string{}
	}
	p.Version = rec.Version
	return p, nil
}

// SaveOffboarding writes the progress of p.Member's offboarding,
// check-and-set on its Version, which it updates.
func (f Members) SaveOffboarding(ctx context.Context, p *staff.OffboardProgress) error {
	r := f.r
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var data map[string]interface{}
	if err := json.Unmarshal(raw, &data); err != nil {
		return err
	}
	v, err := r.c.KV().Put(ctx, r.mount, offboardProgressPath(p.Member), data, p.Version)
	if err != nil {
		return fmt.Errorf("record the offboarding's progress: %w", err)
	}
	p.Version = v
	return nil
}

// Offboardings names, sorted, the members whose offboarding has a
// progress record (finished or not).
func (f Members) Offboardings(ctx context.Context) ([]string, error) {
	r := f.r
	keys, err := r.c.KV().List(ctx, r.mount, strings.TrimSuffix(backup.OffboardDir, "/"))
	if errors.Is(err, vault.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out, nil
}

// RecordOffboarding writes a member's staff record as offboarded, over
// the version read (check-and-set), with when, by whom and to whom it
// was handed over, in its data and its metadata.
func (f Members) RecordOffboarding(ctx context.Context, m staff.Member, version int, at, by, to string) error {
	r := f.r
	m.Status = staff.StatusOffboarded
	data, meta := m.Encode()
	for k, v := range map[string]string{"offboarded_at": at, "offboarded_by": by, "handed_to": to} {
		data[k], meta[k] = v, v
	}
	if _, err := r.c.KV().Put(ctx, r.mount, staff.Path(m.Name), data, version); err != nil {
		return err
	}
	return r.c.KV().SetCustomMetadata(ctx, r.mount, staff.Path(m.Name), meta)
}

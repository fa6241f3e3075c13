package repo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/vault"
)

// The Backups facet reads and writes the records of the team's KV mounts
// (records, proposals, verifications) as they are: the primitives a
// backup and a restore are made of. What goes into a backup, and how a
// restore writes it, is package backuprun's; the document is package
// backup's. Mounts are named as package backup names them; paths are
// paths in the mount.

// Refusals of a team whose layout is not this release's: a not-found,
// for the exit code.
var (
	ErrNotInitialised = kindError{"the team mount is not initialised (check --mount or SELLERVAULT_MOUNT; a new Vault needs `sellervault init` first)", vault.ErrNotFound}
	ErrOldLayout      = kindError{"the team's Vault has the layout of an earlier sellervault: run `sellervault init` with this release first (it moves records to their new places)", vault.ErrNotFound}
)

// Team is the team's mount prefix.
func (f Backups) Team() string { return f.r.layout.Prefix }

// Mount names one of the team's mounts that a backup holds.
func (f Backups) Mount(m backup.Mount) string { return f.r.mountOf(m) }

// mountOf names one of the mounts a backup holds.
func (r *Repo) mountOf(m backup.Mount) string {
	switch m {
	case backup.ProposalsMount:
		return r.layout.Proposals()
	case backup.VerificationsMount:
		return r.layout.Verifications()
	}
	return r.mount
}

// RequireInit refuses a team that `sellervault init` has not prepared
// (ErrNotInitialised), or prepared with an earlier layout (ErrOldLayout),
// whose records are not where this release backs them up from or
// restores them to.
func (f Backups) RequireInit(ctx context.Context) error {
	r := f.r
	marker, err := r.c.KV().Get(ctx, r.mount, vault.InitMarkerPath)
	if errors.Is(err, vault.ErrNotFound) {
		return fmt.Errorf("mount %s: %w", r.mount, ErrNotInitialised)
	}
	if err != nil {
		return err
	}
	if schema := markerSchema(marker.Data); schema < setup.SchemaVersion {
		return fmt.Errorf("mount %s (layout schema %d, this release needs %d): %w", r.mount, schema, setup.SchemaVersion, ErrOldLayout)
	}
	return nil
}

// markerSchema reads the layout schema an init marker names (1 when it
// names none: the first releases wrote none).
func markerSchema(data map[string]interface{}) int {
	n, err := strconv.Atoi(fmt.Sprint(data["schema"]))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// List lists every record of a mount, live, deleted or metadata only,
// by its path in the mount.
func (f Backups) List(ctx context.Context, m backup.Mount) ([]string, error) {
	return f.r.c.KV().ListAll(ctx, f.r.mountOf(m))
}

// Read reads a record's custom metadata and its current version: a
// record gone since it was listed, or whose current version is deleted,
// is Deleted; one without a version has Version 0 and no data.
func (f Backups) Read(ctx context.Context, m backup.Mount, path string) (backup.Stored, error) {
	r := f.r
	mount := r.mountOf(m)
	meta, err := r.c.KV().Metadata(ctx, mount, path)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		return backup.Stored{Deleted: true}, nil // gone since it was listed
	case err != nil:
		return backup.Stored{}, err
	}
	s := backup.Stored{Version: meta.CurrentVersion, CustomMetadata: meta.CustomMetadata}
	switch {
	case meta.CurrentVersion == 0:
		return s, nil
	case meta.Deleted():
		s.Deleted = true
		return s, nil
	}
	for _, v := range meta.Versions {
		if v.Version == meta.CurrentVersion {
			s.VersionTime = v.CreatedTime
		}
	}
	kv, err := r.c.KV().GetVersion(ctx, mount, path, meta.CurrentVersion)
	switch {
	case errors.Is(err, vault.ErrNotFound):
		s.Deleted = true // deleted since its metadata was read
		return s, nil
	case err != nil:
		return backup.Stored{}, err
	}
	s.Data = kv.Data
	return s, nil
}

// Version is a record's current version (vault.ErrNotFound: no record).
func (f Backups) Version(ctx context.Context, m backup.Mount, path string) (int, error) {
	meta, err := f.r.c.KV().Metadata(ctx, f.r.mountOf(m), path)
	if err != nil {
		return 0, err
	}
	return meta.CurrentVersion, nil
}

// Write writes data as a record's next version, check-and-set on cas (0:
// the record must not exist), and returns the version Vault gave it.
func (f Backups) Write(ctx context.Context, m backup.Mount, path string, data map[string]interface{}, cas int) (int, error) {
	return f.r.c.KV().Put(ctx, f.r.mountOf(m), path, data, cas)
}

// SetMetadata sets a record's custom metadata, as it is given.
func (f Backups) SetMetadata(ctx context.Context, m backup.Mount, path string, meta map[string]string) error {
	return f.r.c.KV().SetCustomMetadata(ctx, f.r.mountOf(m), path, meta)
}

// ReminderNotes counts the reminder job's notes (a caller who may not
// list them gets vault.ErrDenied).
func (f Backups) ReminderNotes(ctx context.Context) (int, error) {
	notes, err := f.r.c.KV().ListAll(ctx, f.r.layout.Reminders())
	return len(notes), err
}

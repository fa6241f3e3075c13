package backuprun

import (
	"context"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/totp"
)

// Records are the records of the team's KV mounts, as they are: repo's
// Backups facet (r.Backups()). Paths are paths in the mount; errors match
// the kinds of package failure.
type Records interface {
	// Team is the team's mount prefix.
	Team() string
	// Mount names one of the team's mounts, for reports and refusals.
	Mount(m backup.Mount) string
	// RequireInit refuses a team that `sellervault init` has not
	// prepared, or prepared with the layout of an earlier release.
	RequireInit(ctx context.Context) error
	// List lists every record of a mount: live, deleted and metadata
	// only.
	List(ctx context.Context, m backup.Mount) ([]string, error)
	// Read reads a record's custom metadata and its current version.
	Read(ctx context.Context, m backup.Mount, path string) (backup.Stored, error)
	// Version is a record's current version (an error matching
	// failure.ErrNotFound when the record is not there).
	Version(ctx context.Context, m backup.Mount, path string) (int, error)
	// Write writes data as the record's next version, check-and-set on
	// cas (0: the record must not exist), and returns the version Vault
	// numbered it.
	Write(ctx context.Context, m backup.Mount, path string, data map[string]interface{}, cas int) (int, error)
	// SetMetadata sets a record's custom metadata.
	SetMetadata(ctx context.Context, m backup.Mount, path string, meta map[string]string) error
	// ReminderNotes counts the reminder job's notes.
	ReminderNotes(ctx context.Context) (int, error)
}

// Signatures checks payout change requests: repo's Backups facet.
type Signatures interface {
	// RequestSigned reports whether the data of a payout change request
	// (STORE/ID, of payout version base) carries a signature that checks
	// with this Vault's key of its requester. A missing key or a
	// malformed signature is not valid; an error is a failed check.
	RequestSigned(ctx context.Context, store, id string, base int, data map[string]interface{}) (bool, error)
}

// Contacts names the team's mailboxes and phones: repo's Contacts facet
// (r.Contacts()).
type Contacts interface {
	// Rekey returns a mailbox, phone or credential record of a backup as
	// this team keeps it: a mailbox or phone under its ID in this team
	// (a keyed HMAC that another Vault does not share), a credential's
	// or mailbox's recovery factors named by their IDs, and the listing
	// metadata made from the data (masked, as this release keeps it).
	Rekey(ctx context.Context, rec backup.Record) (backup.Record, error)
}

// Keys are the TOTP engine's keys: repo's TOTP facet (r.TOTP()). A ref
// is a key's name in the engine, as a credential links to it.
type Keys interface {
	// KeyInfo reads a key's issuer and account (an error matching
	// failure.ErrNotFound when there is no such key). Vault never
	// returns a seed.
	KeyInfo(ctx context.Context, ref string) (issuer, account string, err error)
	// ImportSeed imports a seed as key ref and checks that Vault's code
	// matches it; a key whose code does not match is removed again.
	ImportSeed(ctx context.Context, ref string, key totp.Key) error
}

// Groups are the team's groups in Vault's identity store: repo's Stores
// facet (r.Stores()).
type Groups interface {
	// RoleGroupMembers lists the members of the team's role groups,
	// group by group (manager, finance, staff); a group or an entity
	// that is not there has none.
	RoleGroupMembers(ctx context.Context) ([]backup.GroupMember, error)
	// GroupMembers lists the entity IDs in a store's access group (a
	// not-found kind when the group is not there).
	GroupMembers(ctx context.Context, store string) ([]string, error)
	// EnsureAccess creates a store's access policy and group, or leaves
	// them as they are.
	EnsureAccess(ctx context.Context, store string) error
}

// Deps are what a backup and a restore work through. The record store's
// facets satisfy them:
//
//	backuprun.Deps{Records: r.Backups(), Signatures: r.Backups(), Contacts: r.Contacts(), Keys: r.TOTP(), Groups: r.Stores()}
//
// (package connect builds it: connect.BackupDeps).
//
// A dump uses Records, Keys and Groups; a restore all of them.
type Deps struct {
	Records    Records
	Signatures Signatures
	Contacts   Contacts
	Keys       Keys
	Groups     Groups
}

package offboard

import (
	"context"
	"time"

	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
)

// Members keeps the staff records and each offboarding's progress:
// repo's Members facet (r.Members()).
type Members interface {
	// Get reads a staff record and the version an update must name; a
	// not-found (package failure) when there is none.
	Get(ctx context.Context, name string) (staff.Member, int, error)
	// LoadOffboarding reads the progress of name's offboarding (none
	// yet: staff.NewOffboardProgress).
	LoadOffboarding(ctx context.Context, name string) (*staff.OffboardProgress, error)
	// SaveOffboarding writes it, check-and-set on its Version, which it
	// updates.
	SaveOffboarding(ctx context.Context, p *staff.OffboardProgress) error
	// RecordOffboarding writes the staff record as offboarded (at, by,
	// handed to), over version.
	RecordOffboarding(ctx context.Context, m staff.Member, version int, at, by, to string) error
}

// Identities ends a person's way in: repo's Identities facet
// (r.Identities()).
type Identities interface {
	// Writer is who is writing (recorded as who offboarded).
	Writer(ctx context.Context) (string, error)
	// EntityID is the ID of name's identity entity (a not-found: none).
	EntityID(ctx context.Context, name string) (string, error)
	// Disabled tells whether name's entity is disabled (a not-found:
	// none); Disable disables it.
	Disabled(ctx context.Context, name string) (bool, error)
	Disable(ctx context.Context, name string) error
	// Groups are the groups m's role and stores grant that still hold
	// the entity; LeaveGroup takes it out of one.
	Groups(ctx context.Context, m staff.Member, entityID string) ([]string, error)
	LeaveGroup(ctx context.Context, group, entityID string) error
	// DeleteLogin revokes the tokens of name's userpass login and
	// deletes it.
	DeleteLogin(ctx context.Context, name string) error
}

// Tokens ends what outlives a person's own tokens: repo's Identities
// facet (r.Identities()).
type Tokens interface {
	// WrappedCopies lists the response-wrapping tokens made from the
	// team's paths; RevokeWrappedCopy revokes one.
	WrappedCopies(ctx context.Context) ([]staff.WrappedCopy, error)
	RevokeWrappedCopy(ctx context.Context, accessor string) error
	// ReminderSecretIDs lists the accessors of the reminder job's
	// AppRole secret IDs (role: its name); DestroyReminderSecretID
	// destroys one.
	ReminderSecretIDs(ctx context.Context) (role string, accessors []string, err error)
	DestroyReminderSecretID(ctx context.Context, accessor string) error
}

// Contacts keeps the company mailboxes and phones: repo's Contacts facet
// (r.Contacts()).
type Contacts interface {
	// ListMailboxes and ListPhones list them from metadata (values
	// masked, IDs and assignees as they are).
	ListMailboxes(ctx context.Context) ([]records.Mailbox, error)
	ListPhones(ctx context.Context) ([]records.Phone, error)
	// MailboxByID and PhoneByID read one, and the version an update
	// must name; UpdateMailbox and UpdatePhone write it over that
	// version.
	MailboxByID(ctx context.Context, id string) (records.Mailbox, int, error)
	UpdateMailbox(ctx context.Context, m records.Mailbox, version int) error
	PhoneByID(ctx context.Context, id string) (records.Phone, int, error)
	UpdatePhone(ctx context.Context, p records.Phone, version int) error
}

// Creds keeps the credentials: repo's Creds facet (r.Creds()).
type Creds interface {
	// List lists the credentials of every store the caller may use
	// (store ""), from metadata.
	List(ctx context.Context, store string) ([]records.Credential, error)
	// Get reads one and the version an update must name.
	Get(ctx context.Context, store, name string) (records.Credential, int, error)
	// UpdateKeepingValues writes c over version, for an edit that
	// changes no value (who holds it, when it is due).
	UpdateKeepingValues(ctx context.Context, c records.Credential, version int) error
}

// Stores lists the stores: repo's Stores facet (r.Stores()).
type Stores interface {
	List(ctx context.Context) ([]records.Store, error)
}

// Payouts flags payout records for verification against the
// marketplace: repo's Payouts facet (r.Payouts()).
type Payouts interface {
	// Flag flags the store's payout record, if it has one and it is not
	// flagged yet (flagged: it was, or on a dry run would be).
	Flag(ctx context.Context, store string, at time.Time, why string, dryRun bool) (flagged bool, err error)
}

// Mirrors brings credentials' metadata up to date with their data, and
// makes a dry run's listings read-only: repo's Mirrors facet (r.Mirrors()).
type Mirrors interface {
	// Check compares every credential's metadata with its data, and
	// every store's listing with that metadata, and repairs what
	// differs unless dryRun: checked is how many credentials it read,
	// mirrors "STORE/NAME: what differed", listings the stores whose
	// listing was rebuilt (on a dry run: would be).
	Check(ctx context.Context, dryRun bool) (checked int, mirrors, listings []string, err error)
	// DryRun makes the store's listings repair nothing they find stale
	// until end is called.
	DryRun() (end func())
}

// Deps are what an offboarding works through. The record store's facets
// satisfy them:
//
//	offboard.Deps{Members: r.Members(), Identities: r.Identities(), Tokens: r.Identities(),
//		Contacts: r.Contacts(), Creds: r.Creds(), Stores: r.Stores(), Payouts: r.Payouts(),
//		Mirrors: r.Mirrors()}
type Deps struct {
	Members    Members
	Identities Identities
	Tokens     Tokens
	Contacts   Contacts
	Creds      Creds
	Stores     Stores
	Payouts    Payouts
	Mirrors    Mirrors
}

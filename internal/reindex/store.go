package reindex

import (
	"context"

	"github.com/sellervault/sellervault/internal/payout"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/redact"
)

// Index is the redaction indexes and the credential listings as the
// store keeps them: repo's Index facet (r.Index()).
type Index interface {
	// RebuildListings rebuilds every store's credential listing from its
	// credentials' metadata.
	RebuildListings(ctx context.Context) error
	// AudienceOf is the audience whose index holds a record's values,
	// by the record's path.
	AudienceOf(path string) string
	// Indexed names the audiences that have an index, an emptied one
	// included.
	Indexed(ctx context.Context) ([]string, error)
	// Hasher HMACs forms with an audience's key (Vault's Transit).
	Hasher(audience string) redact.Hasher
	// Matches reports whether an audience's index holds exactly entries.
	Matches(ctx context.Context, audience string, entries []redact.Entry) (bool, error)
	// Write replaces an audience's index with entries, with
	// check-and-set; with none, it empties it.
	Write(ctx context.Context, audience string, entries []redact.Entry) error
}

// Inventory lists the team's records from metadata: repo's Rotation
// facet (r.Rotation()).
type Inventory interface {
	Inventory(ctx context.Context) (*records.Inventory, error)
}

// Creds reads a credential: repo's Creds facet (r.Creds()).
type Creds interface {
	Get(ctx context.Context, store, name string) (records.Credential, int, error)
}

// Contacts reads the company mailboxes and phones and keeps the team's
// mail domains: repo's Contacts facet (r.Contacts()).
type Contacts interface {
	// MailboxByID and PhoneByID read one (and its version).
	MailboxByID(ctx context.Context, id string) (records.Mailbox, int, error)
	PhoneByID(ctx context.Context, id string) (records.Phone, int, error)
	// AnyLayout makes them read whatever the layout's schema (the
	// migration to schema 3 rebuilds the indexes before it writes its
	// marker).
	AnyLayout()
	// SetTeamDomains records exactly these mail domains.
	SetTeamDomains(ctx context.Context, domains []string) error
}

// Payouts reads a store's payout record: repo's Payouts facet
// (r.Payouts()).
type Payouts interface {
	Get(ctx context.Context, store string) (*payout.Current, error)
}

// Mirrors makes a dry run's listings read-only: repo's Mirrors facet
// (r.Mirrors()).
type Mirrors interface {
	// DryRun makes the store's listings repair nothing they find stale
	// until end is called.
	DryRun() (end func())
}

// Deps are what a rebuild works through. The record store's facets
// satisfy them:
//
//	reindex.Deps{Index: r.Index(), Records: r.Rotation(), Creds: r.Creds(),
//		Contacts: r.Contacts(), Payouts: r.Payouts(), Mirrors: r.Mirrors()}
//
// (package connect builds it: connect.ReindexDeps).
type Deps struct {
	Index    Index
	Records  Inventory
	Creds    Creds
	Contacts Contacts
	Payouts  Payouts
	Mirrors  Mirrors
}

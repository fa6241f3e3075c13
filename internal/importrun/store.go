package importrun

import (
	"context"

	"github.com/sellervault/sellervault/internal/importer"
	"github.com/sellervault/sellervault/internal/records"
)

// Store is where the credentials go: repo's Creds facet (r.Creds()).
type Store interface {
	// Add writes a new credential (an error when it exists).
	Add(ctx context.Context, c records.Credential) error
	// Get reads a credential and the version an update must name.
	Get(ctx context.Context, store, name string) (records.Credential, int, error)
	// Update writes c over the credential, if it is still at version.
	Update(ctx context.Context, c records.Credential, version int) error
	// Existing reports which of names exist in a store, true for a
	// deleted one.
	Existing(ctx context.Context, store string, names []string) (map[string]bool, error)
}

// Mirrors repairs the metadata of credentials (STORE/NAME) that is behind
// their data: repo's Mirrors facet (r.Mirrors()). repaired[i] is what
// differed for addrs[i] (nothing: it was in step).
type Mirrors interface {
	RepairMirrors(ctx context.Context, addrs []string) (repaired [][]string, err error)
}

// Progress keeps each import's progress record: repo's Imports facet
// (r.Imports()).
type Progress interface {
	// LoadProgress reads the progress of the import of addrs (none yet:
	// importer.NewProgress) and numbers this run.
	LoadProgress(ctx context.Context, addrs []string) (*importer.Progress, error)
	// SaveProgress writes it, check-and-set on its Version, which it
	// updates.
	SaveProgress(ctx context.Context, p *importer.Progress) error
}

// Deps are what a run works through. The record store's facets satisfy
// them:
//
//	importrun.Deps{Store: r.Creds(), Mirrors: r.Mirrors(), Progress: r.Imports()}
//
// (package connect builds it: connect.ImportDeps).
type Deps struct {
	Store    Store
	Mirrors  Mirrors
	Progress Progress
}

package doctor

import (
	"context"

	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
)

// Index finds and rebuilds the redaction indexes that lag their records'
// values: the reindex workflow on the store's facets
// (reindex.Lagging{Deps: reindexDeps}).
type Index interface {
	// RebuildLagging names the audiences whose index lags, and rebuilds
	// each unless dryRun.
	RebuildLagging(ctx context.Context, dryRun bool) ([]string, error)
}

// Offboardings names the members whose offboarding has a progress
// record: repo's Members facet (r.Members()).
type Offboardings interface {
	Offboardings(ctx context.Context) ([]string, error)
}

// Deps are what doctor works through: the offboarding's and the
// lockdown's own (it reads their records and runs them again), the
// rebuild of the redaction indexes, and one more facet of the record
// store:
//
//	doctor.Deps{Offboard: offboardDeps, Incident: incidentDeps,
//		Index: reindex.Lagging{Deps: reindexDeps}, Offboardings: r.Members()}
//
// It checks the credentials' metadata and listings through
// Offboard.Mirrors (r.Mirrors()), reads the offboardings' progress and
// staff records through Offboard.Members, and the incidents through
// Incident.Records.
type Deps struct {
	Offboard     offboard.Deps
	Incident     incident.Deps
	Index        Index
	Offboardings Offboardings
}

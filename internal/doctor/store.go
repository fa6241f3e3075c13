package doctor

import (
	"context"

	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
)

// Index finds and rebuilds the redaction indexes that lag their records'
// values: repo's Index facet (r.Index()).
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
// lockdown's own (it reads their records and runs them again), and two
// more facets of the record store:
//
//	doctor.Deps{Offboard: offboardDeps, Incident: incidentDeps, Index: r.Index(), Offboardings: r.Members()}
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

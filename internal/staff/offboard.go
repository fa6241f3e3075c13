package staff

// OffboardProgress is what an offboarding's runs have done, step by step
// and item by item (the names of records and steps, never a value), so
// that the report of the run that finishes covers every run. Package
// offboard keeps it; the store (package repo) loads and saves it, at
// _meta/offboarding/NAME in the records mount (managers only).
//
// A step writes its list of items to Pending before its first change,
// and moves them to Done after. A run cut off between a change and that
// second write leaves items Pending; the next run's step lists what is
// still to do, and a pending item no longer on that list was done by the
// earlier run: it moves to Done.
type OffboardProgress struct {
	// Member is who is offboarded; Version the stored record's version,
	// kept by the store for the check-and-set of the next save (0: none
	// stored yet).
	Member  string `json:"-"`
	Version int    `json:"-"`

	HandedTo  string              `json:"handed_to"`
	StartedAt string              `json:"started_at"`
	StartedBy string              `json:"started_by"`
	Runs      int                 `json:"runs"`
	Done      map[string][]string `json:"done"`    // step title: items done, in order
	Pending   map[string][]string `json:"pending"` // step title: items a run set out to do
}

// NewOffboardProgress is the progress of an offboarding no run began.
func NewOffboardProgress(member string) *OffboardProgress {
	return &OffboardProgress{Member: member, Done: map[string][]string{}, Pending: map[string][]string{}}
}

// WrappedCopy is a response-wrapping token made from a read or write of
// one of the team's paths: somebody's private copy of a record, which an
// offboarding revokes (Vault makes wrapping tokens as orphans, so
// revoking a leaver's tokens leaves them alive).
type WrappedCopy struct {
	Accessor string // the token's accessor, to revoke it by
	Path     string // the request it wrapped
}

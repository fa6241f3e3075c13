// Package importrun is the import's run (`sellervault import`, once its
// file is parsed and planned): it writes the plan's credentials, a few at
// a time, and reports what became of each row, across every run of the
// same import. The command line parses the file, plans it (package
// importer) and prints the report; this package does what lies between.
//
// # A run
//
// Inventory reads what the plan depends on: which of the file's
// credentials exist, live or deleted. Run then carries out a valid plan:
//
//  1. It loads the import's progress (importer.Progress: what each
//     earlier run of the same import wrote), numbers this run, and
//     records the credentials it sets out to write as started, before
//     any write.
//  2. It writes the adds and updates (Import): each through the store's
//     own check-and-set operations, a few at a time (Options.Workers).
//     A write that fails is reported and the others go on; an error
//     every later write would meet too (permission denied, Vault
//     unreachable or sealed, the context ended) stops the run, and the
//     writes not started are reported as not tried. An update that
//     changes nothing writes nothing and is reported unchanged.
//  3. When every write went through, it repairs the metadata of the
//     credentials it skipped whose metadata is behind their data (what a
//     run cut off between the two writes leaves).
//  4. It records what it wrote in the progress, and reports a credential
//     it skipped because an earlier run wrote it as that run's ("added by
//     run 1 of this import"; "…, which stopped part way" for one that run
//     set out to write and may have written before it stopped).
//
// Failing to read or record the progress only narrows the report to this
// run (Options.Warn says so); the writes go on. Run's error says how many
// writes failed or were not tried, wrapping the first write's error, so
// its kind (package failure) sets the exit code; running the same
// command again finishes the import: what was written is skipped, or
// left unchanged.
//
// # The store
//
// The package depends on small interfaces that the record store's facets
// satisfy (Deps): Store (r.Creds(): Add, Get, Update, Existing), Mirrors
// (r.Mirrors(): RepairMirrors) and Progress (r.Imports(): LoadProgress,
// SaveProgress of the record at _meta/imports/ID). A write the store
// saved but whose redaction index or listing it could not update counts
// as done: the store's error for it is passed in as Options.Stale
// (repo.ErrIndexStale) and matched with errors.Is, and the report then
// says to rebuild the index (Report.Stale). So it is tested with an
// in-memory store as well as against the real Vault.
package importrun

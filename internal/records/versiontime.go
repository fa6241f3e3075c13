package records

// Vault dates each version of a record when it is written. A record
// written again elsewhere (moved by `sellervault init`, or restored from
// a backup) keeps the time its version was first made in its custom
// metadata: OriginalVersionKey names the version, OriginalTimeKey holds
// its time (RFC 3339). A reader takes that time only while
// OriginalVersionKey names the record's current version: a newer version
// makes the mirror stale (package setup names these keys MigratedVersion
// and MigratedTime).
const (
	OriginalVersionKey = "migrated_version"
	OriginalTimeKey    = "migrated_version_time"
)

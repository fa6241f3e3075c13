package backup

// What a backup is made from, as the record store reads it: package
// backuprun asks the store for these and decides what goes into the
// document.

// Stored is a record as one of the team's mounts holds it: its custom
// metadata and its current version.
type Stored struct {
	// Version is the record's current version; 0: the record has
	// metadata only, and no version.
	Version int
	// Deleted: the current version is deleted (or the record was removed
	// since it was listed). Data is then empty.
	Deleted bool
	// Data is the current version's data, as Vault returned it.
	Data map[string]interface{}
	// CustomMetadata is the record's custom metadata, as it is.
	CustomMetadata map[string]string
	// VersionTime is Vault's time of the current version (its
	// created_time, RFC 3339).
	VersionTime string
}

// GroupMember is a member of one of the team's role groups in Vault's
// identity store: Role is the group's role (manager, finance or staff),
// Name the entity's name.
type GroupMember struct {
	Role     string
	EntityID string
	Name     string
}

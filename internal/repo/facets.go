package repo

// The store is split by concern, as its Vault client is: each facet is a
// view of the same Repo (its connection, layout and settings), taken as
// r.Creds(), r.Payouts() and so on, and costs nothing to take.

// Creds keeps a store's credentials: logins, passwords and their metadata mirrors.
type Creds struct{ r *Repo }

// Contacts keeps the team's company mailboxes and phone numbers, under keyed IDs.
type Contacts struct{ r *Repo }

// Stores keeps the stores (seller accounts) and their access groups.
type Stores struct{ r *Repo }

// Members keeps the team's people: onboarding, access, each member's own view, and each offboarding's progress (the offboarding itself is package offboard).
type Members struct{ r *Repo }

// TOTP keeps the 2-step verification keys in Vault's TOTP engine.
type TOTP struct{ r *Repo }

// Rotation tracks rotations: pending values, due marks, what is due, the reminder notes.
type Rotation struct{ r *Repo }

// Payouts keeps the stores' payout records, the cooling-off setting and the verifications (the two-person change control is package payoutchange).
type Payouts struct{ r *Repo }

// Proposals keeps the payout change requests and the decisions on them (what they mean is package payoutchange).
type Proposals struct{ r *Repo }

// Incidents keeps the stores' incident records (the lockdown itself is package incident).
type Incidents struct{ r *Repo }

// Backups reads and writes the records of the team's mounts as they are, for a backup and a restore (package backuprun).
type Backups struct{ r *Repo }

// Imports keeps each import's progress record, for the report of its re-runs (the run itself is package importrun).
type Imports struct{ r *Repo }

// Index keeps the redaction indexes and the credential listings.
type Index struct{ r *Repo }

// Identities keeps people's ways in to Vault: their identity entities,
// logins, group memberships, the tokens made from them, and the caller's own.
type Identities struct{ r *Repo }

// Mirrors checks credentials' metadata and listings against their data, and repairs them (package doctor runs the team's checks).
type Mirrors struct{ r *Repo }

// Creds is the store's view of what Creds does.
func (r *Repo) Creds() Creds { return Creds{r} }

// Contacts is the store's view of what Contacts does.
func (r *Repo) Contacts() Contacts { return Contacts{r} }

// Stores is the store's view of what Stores does.
func (r *Repo) Stores() Stores { return Stores{r} }

// Members is the store's view of what Members does.
func (r *Repo) Members() Members { return Members{r} }

// TOTP is the store's view of what TOTP does.
func (r *Repo) TOTP() TOTP { return TOTP{r} }

// Rotation is the store's view of what Rotation does.
func (r *Repo) Rotation() Rotation { return Rotation{r} }

// Payouts is the store's view of what Payouts does.
func (r *Repo) Payouts() Payouts { return Payouts{r} }

// Proposals is the store's view of what Proposals does.
func (r *Repo) Proposals() Proposals { return Proposals{r} }

// Incidents is the store's view of what Incidents does.
func (r *Repo) Incidents() Incidents { return Incidents{r} }

// Backups is the store's view of what Backups does.
func (r *Repo) Backups() Backups { return Backups{r} }

// Imports is the store's view of what Imports does.
func (r *Repo) Imports() Imports { return Imports{r} }

// Index is the store's view of what Index does.
func (r *Repo) Index() Index { return Index{r} }

// Identities is the store's view of what Identities does.
func (r *Repo) Identities() Identities { return Identities{r} }

// Mirrors is the store's view of what Mirrors does.
func (r *Repo) Mirrors() Mirrors { return Mirrors{r} }

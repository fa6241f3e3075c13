package connect

import (
	"github.com/sellervault/sellervault/internal/backuprun"
	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/importrun"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/repo"
)

// The workflows that live in packages of their own work through small
// interfaces of the record store; these are the one place that says
// which of the store's facets serves each (for the command line, the
// demo and the tests against the real Vault).
//
// Every facet a workflow gets comes from the same store, r: a dry run
// (doctor --dry-run, staff offboard --dry-run) makes that store
// read-only through one facet (Mirrors.DryRun), and the listings that
// other facets read then repair nothing. Wiring facets of different
// stores into one workflow would let a dry run write; the dry-run tests
// of doctor and offboarding (doctor.txtar, dry_run.txtar and their
// packages' real-Vault tests) go through these functions.

// ImportDeps are the store's facets an import's run works through.
func ImportDeps(r *repo.Repo) importrun.Deps {
	return importrun.Deps{Store: r.Creds(), Mirrors: r.Mirrors(), Progress: r.Imports()}
}

// IncidentDeps are the store's facets a lockdown works through.
func IncidentDeps(r *repo.Repo) incident.Deps {
	return incident.Deps{Records: r.Incidents(), Stores: r.Stores(), People: r.Identities(),
		Creds: r.Creds(), Rotation: r.Rotation(), Payouts: r.Payouts()}
}

// OffboardDeps are the store's facets an offboarding works through.
func OffboardDeps(r *repo.Repo) offboard.Deps {
	return offboard.Deps{Members: r.Members(), Identities: r.Identities(), Tokens: r.Identities(), Contacts: r.Contacts(),
		Creds: r.Creds(), Stores: r.Stores(), Payouts: r.Payouts(), Mirrors: r.Mirrors()}
}

// DoctorDeps are the store's facets doctor works through.
func DoctorDeps(r *repo.Repo) doctor.Deps {
	return doctor.Deps{Offboard: OffboardDeps(r), Incident: IncidentDeps(r), Index: reindex.Lagging{Deps: ReindexDeps(r)},
		Offboardings: r.Members()}
}

// ReindexDeps are the store's facets a rebuild of the redaction indexes
// works through.
func ReindexDeps(r *repo.Repo) reindex.Deps {
	return reindex.Deps{Index: r.Index(), Records: r.Rotation(), Creds: r.Creds(), Contacts: r.Contacts(),
		Payouts: r.Payouts(), Mirrors: r.Mirrors()}
}

// BackupDeps are the store's facets a backup and a restore work through.
func BackupDeps(r *repo.Repo) backuprun.Deps {
	return backuprun.Deps{Records: r.Backups(), Signatures: r.Backups(), Contacts: r.Contacts(), Keys: r.TOTP(), Groups: r.Stores()}
}

// PayoutChanges is the two-person change control of payout details, as
// the store's caller.
func PayoutChanges(r *repo.Repo) payoutchange.Control {
	return payoutchange.New(payoutchange.Deps{Payouts: r.Payouts(), Proposals: r.Proposals()})
}

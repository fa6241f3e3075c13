package app

import (
	"github.com/sellervault/sellervault/internal/doctor"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/offboard"
	"github.com/sellervault/sellervault/internal/repo"
)

// The workflows that live in packages of their own take the record
// store's facets they work through.

// incidentDeps are the store's facets a lockdown works through.
func incidentDeps(r *repo.Repo) incident.Deps {
	return incident.Deps{Records: r.Incidents(), Stores: r.Stores(), People: r.Identities(),
		Creds: r.Creds(), Rotation: r.Rotation(), Payouts: r.Payouts()}
}

// offboardDeps are the store's facets an offboarding works through.
func offboardDeps(r *repo.Repo) offboard.Deps {
	return offboard.Deps{Members: r.Members(), Identities: r.Identities(), Tokens: r.Identities(), Contacts: r.Contacts(),
		Creds: r.Creds(), Stores: r.Stores(), Payouts: r.Payouts(), Mirrors: r.Mirrors()}
}

// doctorDeps are the store's facets doctor works through.
func doctorDeps(r *repo.Repo) doctor.Deps {
	return doctor.Deps{Offboard: offboardDeps(r), Incident: incidentDeps(r), Index: r.Index(), Offboardings: r.Members()}
}

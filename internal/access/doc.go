// Package access provisions who may do what in the team's Vault: a
// person's identity, login and role and store groups (EnsurePerson), a
// store's policy, group and redaction key (EnsureStoreAccess), and their
// removal. `sellervault init` (package setup) uses it for the team's
// groups and logins, the store for `store add` and onboarding, and the
// demo for its example team.
//
// The roles here are Vault's: manager, finance and staff. The command
// line's role ops is the staff role (staff.PersonRole maps them).
package access

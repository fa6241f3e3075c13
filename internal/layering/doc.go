// Package layering holds the test that keeps sellervault's architecture
// as README's layout section describes it. It has no code of its own.
//
// From the outside in:
//
//	cmd/sellervault   the binary: calls internal/app, nothing else
//	internal/app      parses the command line, calls a workflow, renders
//	                  the result; talks to Vault only through connect
//	internal/connect  opens the connection, hands out the store and the
//	                  workflows, answers status and login
//	workflows         remind (the reminder job), importrun (an import): each depends on small
//	                  interfaces of the store, never on Vault
//	internal/repo     the store: the team's records in Vault
//	internal/setup    what init does: mounts, policies, migrations
//	internal/access   access provisioning: people, store groups and policies
//	internal/vault    the only importer of Vault's API module
//	models            records, payout, staff, rotation, phish, redact …:
//	                  pure rules and formats, neither store nor Vault
//
// The test (layering_test.go) fails when a package imports across these
// lines (models and workflows not even through another package), when a
// package has no layer, when a type has more than 15 exported methods, when a Go file is
// longer than 500 lines, or when the sellervault binary links Vault's
// core.
package layering

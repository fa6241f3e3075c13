// Package devvault runs a real HashiCorp Vault core inside the current
// process, in memory, for tests and for the sellervault-dev server.
//
// It is not a mock: the core is the same code a production Vault server
// runs, with the engines sellervault needs registered (KV v2, TOTP, Transit,
// userpass, AppRole and the file audit device). Storage is in memory, so
// everything is gone when the process stops.
//
// Start builds, initialises and unseals a core and serves Vault's HTTP API
// on a loopback listener, optionally behind TLS with a freshly made CA (its
// certificate is written to a file, for VAULT_CACERT). The caller gets the
// address and the root token.
//
// For tests, Shared starts one server per test binary on first use; the
// package's TestMain stops it with StopShared. One core per test package
// keeps a suite fast: a core starts in tens of milliseconds, but every
// shutdown costs about a second.
//
// Licence: this package links Vault's core, which is under the Business
// Source License. It is used only in tests and in the local dev server and
// must never be linked into cmd/sellervault; a test pins that.
package devvault

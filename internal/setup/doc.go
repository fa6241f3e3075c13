// Package setup prepares a Vault for sellervault: the work of
// `sellervault init`, which sellervault-dev runs too.
//
// Run walks a fixed list of steps. Each step first checks whether Vault
// already has what it needs and does nothing if so, so that init is
// idempotent and resumable: after a failure at any step, running it again
// finishes the job without duplicating anything, and a second run on a
// finished Vault changes nothing and says so. With DryRun, Run only checks
// and reports what it would do.
//
// The steps, in order:
//
//   - the KV v2 mount for records (PREFIX/), with check-and-set required on
//     every write and a limit on kept versions;
//   - the TOTP engine (PREFIX-totp/) and the Transit engine
//     (PREFIX-transit/) with the non-exportable HMAC key PREFIX-redact;
//   - one KV v2 mount per less-trusted writer, configured the same way:
//     PREFIX-proposals/ (finance's payout change requests),
//     PREFIX-verifications/ (finance's payout verifications) and
//     PREFIX-reminders/ (the reminder job's notes), so that a dot-segment
//     in a path from their grants reaches nothing anyone else writes;
//   - the userpass and AppRole auth methods (userpass/, approle/);
//   - the role policies from the policies package (and PREFIX-self, which
//     every token carries instead of Vault's default policy), one identity
//     group per person role, and the AppRole role of the reminder job;
//   - every store's access policy and the logins of the team's people,
//     brought up to date with this release;
//   - the migration of a team set up by an earlier release (migrate.go:
//     records moved to their new mounts, every live version in order,
//     each move resumable);
//   - optionally a file audit device;
//   - last, the marker record _meta/init that `sellervault status` reads,
//     with the layout's schema number.
//
// Provisioning a person or a store at run time (onboarding, `store add`)
// is package access's, which init uses for the same steps.
package setup

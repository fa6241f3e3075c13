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
//   - the userpass and AppRole auth methods (userpass/, approle/);
//   - the role policies from the policies package, one identity group per
//     person role, and the AppRole role of the reminder job;
//   - optionally a file audit device;
//   - last, the marker record _meta/init that `sellervault status` reads.
package setup

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sellervault/sellervault/internal/clipboard"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/incident"
	"github.com/sellervault/sellervault/internal/inputerr"
	"github.com/sellervault/sellervault/internal/payoutchange"
	"github.com/sellervault/sellervault/internal/remind"
	"github.com/sellervault/sellervault/internal/repo"
)

// Exit codes. They are part of sellervault's interface: scripts test them,
// so a code is never renumbered or reused; new ones are added at the end.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitAborted     = 3
	ExitDenied      = 4
	ExitNotFound    = 5
	ExitUnreachable = 6
	ExitConflict    = 7
	ExitClipboard   = 8
	ExitMismatch    = 9
	ExitOverdue     = 10
	ExitUndelivered = 11
	ExitSuspicious  = 12
	ExitUnknown     = 13
	ExitFound       = 14
	ExitUnfinished  = 15
	ExitFlagged     = 16
	ExitRepair      = 17
)

// exitCodeTable is what `sellervault help exit-codes` prints.
var exitCodeTable = []struct {
	Code    int
	Meaning string
}{
	{ExitOK, "success"},
	{ExitError, "error not covered below"},
	{ExitUsage, "usage error: unknown command or flag, missing or bad argument"},
	{ExitAborted, "aborted: interrupted, or the user declined"},
	{ExitDenied, "permission denied, or not logged in"},
	{ExitNotFound, "not found"},
	{ExitUnreachable, "Vault unreachable, sealed or failing"},
	{ExitConflict, "conflict: the record changed since it was read (check-and-set), or it exists already"},
	{ExitClipboard, "the clipboard did not hold what sellervault put there: possible clipboard hijacking"},
	{ExitMismatch, "verification failed: the value differs from the golden copy (payout details may be tampered with)"},
	{ExitOverdue, "something is overdue for rotation (rotation status)"},
	{ExitUndelivered, "a reminder channel failed; the others were tried (rotation remind)"},
	{ExitSuspicious, "suspicious: the sender, link or message imitates a marketplace or payout provider, or asks for what phishers ask (check)"},
	{ExitUnknown, "unknown: not on the allowlist and imitates nothing on it, or nothing confirms a message came from there (check)"},
	{ExitFound, "secrets were found in the text (scan)"},
	{ExitUnfinished, "the incident still has open work: rotations or the payout verification (incident close)"},
	{ExitFlagged, "audit flagged something: see the report"},
	{ExitRepair, "something needs repair (doctor --dry-run)"},
}

func printExitCodes(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tMEANING")
	for _, e := range exitCodeTable {
		fmt.Fprintf(tw, "%d\t%s\n", e.Code, e.Meaning)
	}
	return tw.Flush()
}

// usageError marks a mistake in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...interface{}) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errAborted is returned when the user interrupts or declines.
var errAborted = errors.New("aborted")

// exitCode maps an error to its exit code.
func exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &usage), errors.Is(err, inputerr.ErrInvalid):
		return ExitUsage
	case errors.Is(err, errAborted), errors.Is(err, context.Canceled):
		return ExitAborted
	case errors.Is(err, failure.ErrDenied), errors.Is(err, errNotLoggedIn):
		return ExitDenied
	case errors.Is(err, failure.ErrNotFound):
		return ExitNotFound
	case errors.Is(err, failure.ErrUnreachable), errors.Is(err, failure.ErrSealed):
		return ExitUnreachable
	case errors.Is(err, failure.ErrConflict):
		return ExitConflict
	case errors.Is(err, clipboard.ErrMismatch):
		return ExitClipboard
	case errors.Is(err, errPayoutMismatch):
		return ExitMismatch
	case errors.Is(err, errOverdue):
		return ExitOverdue
	case errors.Is(err, remind.ErrUndelivered):
		return ExitUndelivered
	case errors.Is(err, errSuspicious):
		return ExitSuspicious
	case errors.Is(err, errUnknownDomain):
		return ExitUnknown
	case errors.Is(err, errFound):
		return ExitFound
	case errors.Is(err, incident.ErrUnfinished):
		return ExitUnfinished
	case errors.Is(err, errFlagged):
		return ExitFlagged
	case errors.Is(err, errDoctorFound):
		return ExitRepair
	default:
		return ExitError
	}
}

// hint is the line that tells a person what to do about an error.
func hint(err error, addr string) string {
	if addr == "" {
		addr = "VAULT_ADDR"
	}
	switch {
	case errors.Is(err, incident.ErrUnfinished):
		return "rotate the credentials listed (`sellervault rotate STORE/NAME`, then --confirm), verify the payout (`sellervault payout verify STORE`), or close with --force --reason"
	case errors.Is(err, payoutchange.ErrSelfApproval):
		return "another manager must approve it; this rule is what stops one stolen login from changing where the money goes"
	case errors.Is(err, payoutchange.ErrCoolingOff):
		return "run the same command again after that time; the wait gives the team time to notice a change nobody asked for"
	case errors.Is(err, payoutchange.ErrNoIdentity):
		return "log in as yourself (`sellervault login`) to approve"
	case errors.Is(err, errNotLoggedIn):
		return "log in with `sellervault login` or `vault login`, or set VAULT_TOKEN"
	case errors.Is(err, repo.ErrNotMember):
		return "`sellervault store list` shows the stores you may use"
	case errors.Is(err, failure.ErrDenied):
		return "your token may have expired or lack this permission: log in again, or ask a manager for access"
	case errors.Is(err, failure.ErrSealed):
		return "Vault at " + addr + " is sealed: an operator must unseal it"
	case errors.Is(err, failure.ErrUnreachable):
		return "check that Vault is running at " + addr + " (VAULT_ADDR or --address) and, for TLS, VAULT_CACERT"
	case errors.Is(err, repo.ErrExists):
		return "change it with `edit`, or choose another name"
	case errors.Is(err, failure.ErrConflict):
		return "someone changed the record since it was read: read it again and retry"
	case errors.Is(err, clipboard.ErrMismatch):
		return "something on this computer changed the clipboard: do not paste; check for malware, and compare what you paste with `--field NAME` output"
	case errors.Is(err, clipboard.ErrUnavailable):
		return "or print the value for a script with --reveal"
	}
	return ""
}

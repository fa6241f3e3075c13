// Package failure names the kinds of failure a request to the team's
// Vault can end in, so that code which must act on them (the exit codes,
// retries, the hints a command prints) can tell them apart without
// talking to Vault or importing its client.
//
// Every error the Vault client returns for a failed request is an
// *Error wrapping exactly one kind: test with errors.Is(err,
// failure.ErrDenied). The client package (internal/vault) makes them;
// this package only names them.
package failure

import (
	"errors"
	"fmt"
	"strings"
)

// The kinds of failure callers act on.
var (
	ErrNotFound    = errors.New("not found")
	ErrDenied      = errors.New("permission denied")
	ErrConflict    = errors.New("check-and-set conflict")
	ErrSealed      = errors.New("vault is sealed")
	ErrUnreachable = errors.New("vault is unreachable")
	ErrBadRequest  = errors.New("bad request")
)

// Error is a failed Vault operation.
type Error struct {
	Kind   error  // one of the Err* kinds above
	Op     string // what sellervault was doing, e.g. "read kv metadata"
	Path   string // the Vault path
	Status int    // HTTP status, 0 when no answer came
	Detail string // Vault's own message or the transport error, never request data
	// Cause is set when the call was interrupted (context.Canceled), so
	// that callers can tell an interrupt from an unreachable Vault.
	Cause error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.Op, e.Path, e.Kind)
	if e.Detail != "" && !strings.EqualFold(e.Detail, e.Kind.Error()) {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// Unwrap gives the kind and, for an interrupted call, the cause.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

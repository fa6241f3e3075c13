package vault

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/vault/api"

	"github.com/sellervault/sellervault/internal/failure"
)

// The kinds of failure callers act on (see package failure, which
// names them for callers that do not talk to Vault). Every *Error wraps
// exactly one.
var (
	ErrNotFound    = failure.ErrNotFound
	ErrDenied      = failure.ErrDenied
	ErrConflict    = failure.ErrConflict
	ErrSealed      = failure.ErrSealed
	ErrUnreachable = failure.ErrUnreachable
	ErrBadRequest  = failure.ErrBadRequest
)

// Error is a failed Vault operation.
type Error = failure.Error

// wrap turns an error from the api module into an *Error; nil stays nil.
func wrap(op, path string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{Op: op, Path: path, Kind: ErrBadRequest}
	var resp *api.ResponseError
	switch {
	case errors.As(err, &resp):
		e.Status = resp.StatusCode
		e.Detail = cleanDetail(resp.Errors)
		e.Kind = kindOfStatus(resp.StatusCode, e.Detail)
	case errors.Is(err, api.ErrSecretNotFound):
		e.Kind, e.Status = ErrNotFound, http.StatusNotFound
	case errors.Is(err, context.Canceled):
		e.Kind, e.Detail, e.Cause = ErrUnreachable, "interrupted", context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind, e.Detail = ErrUnreachable, "no answer before the timeout"
	default:
		var urlErr *url.Error
		var netErr net.Error
		if errors.As(err, &urlErr) || errors.As(err, &netErr) {
			e.Kind, e.Detail = ErrUnreachable, transportDetail(err)
		} else {
			e.Detail = err.Error()
		}
	}
	return e
}

func kindOfStatus(status int, detail string) error {
	lower := strings.ToLower(detail)
	switch {
	case status == http.StatusNotFound:
		return ErrNotFound
	case status == http.StatusForbidden, status == http.StatusUnauthorized:
		return ErrDenied
	case strings.Contains(lower, "sealed"):
		return ErrSealed
	case status == http.StatusBadRequest && strings.Contains(lower, "check-and-set"),
		status == http.StatusConflict, status == http.StatusPreconditionFailed:
		return ErrConflict
	case status >= 500:
		return ErrUnreachable
	default:
		return ErrBadRequest
	}
}

// transportDetail keeps the useful end of a transport error ("connection
// refused", "certificate signed by unknown authority") without the URL,
// which the Error already names by path.
func transportDetail(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	return err.Error()
}

// notFound builds the error for a read that came back empty: the api
// module answers a 404 on a logical read with a nil secret and no error.
func notFound(op, path string) error {
	return &Error{Op: op, Path: path, Kind: ErrNotFound, Status: http.StatusNotFound}
}

// cleanDetail joins Vault's error messages on one line; Vault wraps some
// in a multi-line "1 error occurred:\n\t* ..." list, whose items are kept.
func cleanDetail(errs []string) string {
	var parts []string
	for _, e := range errs {
		if !strings.Contains(e, "error occurred:") && !strings.Contains(e, "errors occurred:") {
			parts = append(parts, strings.TrimSpace(e))
			continue
		}
		for _, line := range strings.Split(e, "\n") {
			if item := strings.TrimSpace(line); strings.HasPrefix(item, "* ") {
				parts = append(parts, strings.TrimPrefix(item, "* "))
			}
		}
	}
	return strings.Join(parts, "; ")
}

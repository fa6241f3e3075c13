package app

import (
	"context"
)

// deniedHint says what is really wrong when Vault refused a request (see
// connect.Conn.DeniedHint); "" when there is no connection yet.
func (e *Env) deniedHint(ctx context.Context, err error) string {
	if e.conn == nil {
		return ""
	}
	return e.conn.DeniedHint(ctx, err)
}

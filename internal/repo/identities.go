package repo

import "context"

// Writer names who is writing, as every version written records it: the
// caller's token's display name (e.g. "userpass-olga", or "root"), looked
// up once per store.
func (f Identities) Writer(ctx context.Context) (string, error) { return f.r.writer(ctx) }

// EntityName reads the name of an identity entity, by its ID.
func (f Identities) EntityName(ctx context.Context, id string) (string, error) {
	return f.r.c.Identity().EntityName(ctx, id)
}

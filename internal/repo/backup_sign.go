package repo

import "context"

// RequestSigned reports whether the data of a payout change request
// (STORE/ID, changing payout version base), as a backup holds it,
// carries its requester's signature, checked with this Vault's Transit
// key of the requester as the payout commands check it: a missing key, a
// malformed signature or an entity that is not an entity ID is simply
// not signed. (A thin wrapper, so that package backuprun needs nothing
// of the payout code.)
func (f Backups) RequestSigned(ctx context.Context, store, id string, base int, data map[string]interface{}) (bool, error) {
	get := func(k string) string { s, _ := data[k].(string); return s }
	return f.r.signedBy(ctx, get("requested_by_entity"), get("signature"), purposeRequest, requestFields(store, id, base, decodePayout(data))...)
}

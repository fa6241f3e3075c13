package repo

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"sync"

	"github.com/sellervault/sellervault/internal/vault"
)

// What a person writes where others can write too (a payout change
// request, a payout verification) carries an HMAC made with the person's
// own Transit key, person-ENTITYID. The policies let a person compute
// HMACs with their own key only (the path is templated with the caller's
// entity ID, and Transit names take no slashes, so no dot-segment reaches
// another key); managers may only verify. So a request that names its
// requester's entity proves it, and neither the requester nor anyone else
// can make it name another person.

// signedMessage is the unambiguous text a signature covers: a purpose and
// its fields, as a JSON array.
func signedMessage(purpose string, fields []string) string {
	b, _ := json.Marshal(append([]string{"sellervault/v1", purpose}, fields...))
	return string(b)
}

// sign makes the caller's signature of fields, creating the caller's key
// on first use. A token without an entity (root, a service token) cannot
// sign.
func (r *Repo) sign(ctx context.Context, purpose string, fields ...string) (entity, signature string, err error) {
	entity, _, err = r.identity(ctx)
	if err != nil {
		return "", "", err
	}
	if entity == "" {
		return "", "", kindError{"this needs a person's login (an identity entity) to sign it; a root or service token has none", vault.ErrDenied}
	}
	mount, key := r.layout.Transit(), r.layout.PersonKey(entity)
	ok, err := r.c.Transit().KeyExists(ctx, mount, key)
	if err != nil {
		return "", "", err
	}
	if !ok {
		if err := r.c.Transit().CreateKey(ctx, mount, key); err != nil {
			if again, _ := r.c.Transit().KeyExists(ctx, mount, key); !again {
				return "", "", err
			}
		}
	}
	signature, err = r.c.Transit().Sign(ctx, mount, key, signedMessage(purpose, fields))
	return entity, signature, err
}

// entityIDPattern is the form of Vault's entity IDs (UUIDs). An entity
// named by a record is checked against it before it goes into a path:
// "ID/sha2-256" would name the same Transit key through another route
// and pass a string comparison with the approver's ID.
var entityIDPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
})

// signedBy reports whether signature is entity's signature of fields. A
// missing key, a malformed signature or an entity that is not an entity
// ID is simply not valid.
func (r *Repo) signedBy(ctx context.Context, entity, signature, purpose string, fields ...string) (bool, error) {
	if !entityIDPattern().MatchString(entity) || signature == "" {
		return false, nil
	}
	ok, err := r.c.Transit().Verify(ctx, r.layout.Transit(), r.layout.PersonKey(entity), signedMessage(purpose, fields), signature)
	if errors.Is(err, vault.ErrNotFound) || errors.Is(err, vault.ErrBadRequest) {
		return false, nil
	}
	return ok, err
}

package staff

import (
	"sort"
	"strings"

	"github.com/sellervault/sellervault/internal/records"
)

// Scope is what a caller may see, from the policies of their token
// (Vault's own answer, never anything a member can write): a manager (or
// a root token) sees the whole team; everyone else the stores whose
// group they are in, and finance the payout records too. The store's
// listings are made from the scope, so that a member's `store list`,
// `cred list` or `rotation status` asks Vault only for what their
// policies grant and never meets a refusal; so are the redaction
// audiences a member matches text against.
type Scope struct {
	All     bool     // a manager or root: every store, contact and payout
	Lister  bool     // the reminder job: every record's metadata, no value
	Finance bool     // payout records and their verifications
	Stores  []string // the stores of the caller's store groups, sorted
	Name    string   // the caller's person (entity) name; "" for root and AppRoles
}

// PolicyNames are the names of a team's policies that a scope is read
// from (they carry the team's prefix: package vault's Layout).
type PolicyNames struct {
	Manager, Finance, Reminder string
	StorePrefix                string // a store's policy is StorePrefix+STORE
}

// ScopeOf reads a scope from the policies a token holds (its own and
// those of its identity groups). Name is left to the caller.
func ScopeOf(policies []string, n PolicyNames) Scope {
	held := map[string]bool{}
	for _, p := range policies {
		held[p] = true
	}
	s := Scope{All: held["root"] || held[n.Manager], Finance: held[n.Finance], Lister: held[n.Reminder]}
	for p := range held {
		if store, ok := strings.CutPrefix(p, n.StorePrefix); ok && store != "" {
			s.Stores = append(s.Stores, store)
		}
	}
	sort.Strings(s.Stores)
	return s
}

// Member reports whether the caller may use a store: a manager (and the
// reminder job's metadata reads) any, anyone else the stores of their
// groups.
func (s Scope) Member(store string) bool {
	return s.All || s.Lister || records.Contains(s.Stores, store)
}

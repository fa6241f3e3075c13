// Package staff is the model of a team member's lifecycle: roles, the
// staff record kept in Vault beside their identity, what onboarding
// gives them, and what a token's policies let it see (Scope, scope.go).
// It is pure Go.
//
// A person has one role:
//
//	ops      operations staff and virtual assistants (identity group
//	         PREFIX-staff): codes and logins of their stores only
//	finance  payout details of every store, proposing changes (PREFIX-finance)
//	manager  everything in the team vault (PREFIX-managers)
//
// Vault knows ops as "staff" (its policy and group, VaultRoleOps): that
// name is part of every deployed team's Vault, so it stays, and
// PersonRole and RoleOf are the one place that maps the two; whatever
// people read says ops. A person has a list of stores, each granting
// that store's group. The staff
// record (KV "staff/NAME") keeps the role, stores, the company mailbox and
// phone they hold, their status and the dates; Vault's identity entity is
// the login and the access.
package staff

import (
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/records"
)

// Roles, as given on the command line.
const (
	RoleOps     = "ops"
	RoleFinance = "finance"
	RoleManager = "manager"
)

// Statuses of a member.
const (
	StatusActive     = "active"
	StatusOffboarded = "offboarded"
)

// The person roles of Vault's policies and identity groups
// (PREFIX-manager, PREFIX-finance, PREFIX-staff): the names a deployed
// Vault, its operators' own policies and its audit log know. Each is one
// role above; only ops has another name in Vault, and these two functions
// are the one place that maps them.
const (
	VaultRoleManager = "manager"
	VaultRoleFinance = "finance"
	VaultRoleOps     = "staff"
)

// VaultRoles are the person roles of Vault, each with a policy and a group.
var VaultRoles = []string{VaultRoleManager, VaultRoleFinance, VaultRoleOps}

// PersonRole maps a role to the person role of its Vault policy and group.
func PersonRole(role string) string {
	if role == RoleOps {
		return VaultRoleOps
	}
	return role
}

// RoleOf maps a person role of Vault back to the role people know
// (PersonRole's inverse); another name is returned as it is.
func RoleOf(vaultRole string) string {
	if vaultRole == VaultRoleOps {
		return RoleOps
	}
	return vaultRole
}

// CanRead reports whether a member of this role may read the store's
// logins: ops only those of their own stores, finance and managers every
// store's. (Finance's grant to logins is the managers' decision in the
// policies; here it means what an offboarding treats as seen.)
func (m Member) CanRead(store string) bool {
	return m.Role != RoleOps || records.Contains(m.Stores, store)
}

// ParseRole checks a role name.
func ParseRole(s string) (string, error) {
	switch r := strings.ToLower(strings.TrimSpace(s)); r {
	case RoleOps, RoleFinance, RoleManager:
		return r, nil
	case VaultRoleOps: // as Vault names it
		return RoleOps, nil
	}
	return "", fmt.Errorf("role %q: use ops, finance or manager", s)
}

// Member is a staff record.
type Member struct {
	Name        string
	Role        string
	Stores      []string
	Email       string // the company mailbox they hold
	Phone       string // the company phone they hold
	Status      string
	OnboardedAt time.Time
	OnboardedBy string
}

// Path is the member's staff record in the KV mount.
func Path(name string) string { return "staff/" + name }

// Dir is the folder of staff records.
const Dir = "staff"

// Encode returns the member's KV data; every field is also in metadata
// (none is secret), so that listings read metadata only.
func (m Member) Encode() (map[string]interface{}, map[string]string) {
	meta := map[string]string{"kind": "staff", "role": m.Role, "status": m.Status,
		"stores": strings.Join(m.Stores, ","), "email": m.Email, "phone": m.Phone,
		"onboarded_at": m.OnboardedAt.UTC().Format(time.RFC3339), "onboarded_by": m.OnboardedBy}
	data := map[string]interface{}{}
	for k, v := range meta {
		data[k] = v
		if v == "" {
			delete(meta, k) // Vault refuses empty metadata values
		}
	}
	return data, MaskMetadata(meta)
}

// MaskMetadata masks the company mailbox and phone in a staff record's
// metadata, which the reminder job and listings read: the record itself
// keeps them.
func MaskMetadata(meta map[string]string) map[string]string {
	if v := meta["email"]; v != "" {
		meta["email"] = records.MaskEmail(v)
	}
	if v := meta["phone"]; v != "" {
		meta["phone"] = records.MaskPhone(v)
	}
	return meta
}

// FromMetadata decodes a member from its metadata (or its data, turned
// into strings).
func FromMetadata(name string, meta map[string]string) Member {
	at, _ := time.Parse(time.RFC3339, meta["onboarded_at"])
	return Member{Name: name, Role: meta["role"], Status: meta["status"], Stores: records.SplitList(meta["stores"]),
		Email: meta["email"], Phone: meta["phone"], OnboardedAt: at, OnboardedBy: meta["onboarded_by"]}
}

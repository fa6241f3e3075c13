package audit

import (
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/staff"
)

// Roles, as in staff records (package staff defines them).
const (
	RoleOps     = staff.RoleOps
	RoleFinance = staff.RoleFinance
	RoleManager = staff.RoleManager
	// RoleReminder is the reminder job's AppRole, which has no staff
	// record: the report knows it by its token's display name ("approle").
	RoleReminder = "reminder"
)

// Person is a member of the team as the report knows them at audit time.
type Person struct {
	Name     string   // staff name, also their entity and userpass login name
	EntityID string   // their identity entity; "" if they have none
	Role     string   // ops, finance or manager; "" if unknown
	Stores   []string // the stores they work on
	// Offboarded is set when their staff record says so; OffboardedAt is
	// when (zero: unknown, so every request of theirs counts as after).
	Offboarded   bool
	OffboardedAt time.Time
	// Disabled is set when their identity entity is disabled (offboarding
	// does it first; a manager may do it by hand).
	Disabled bool
}

// gone reports whether the person has left or been locked out.
func (p *Person) gone() bool { return p.Offboarded || p.Disabled }

// mayRead reports whether the person's role and stores are meant to give
// them a record of this kind, as the role policies do: managers all;
// finance the payout records, proposals and decisions of every store and
// the logins and codes of their stores; ops the logins and codes of their
// stores. The second result names the rule broken: "outside-stores" or
// "outside-role".
func (p *Person) mayRead(ref Ref) (bool, string) {
	switch p.Role {
	case RoleManager:
		return true, ""
	case RoleReminder: // metadata only, never a value
		return false, FlagOutsideRole
	}
	switch ref.Kind {
	case KindCredential, KindTOTPCode, KindStore:
		if containsString(p.Stores, ref.Store) {
			return true, ""
		}
		return false, FlagOutsideStores
	case KindPayout, KindPayoutProposal, KindPayoutDecision:
		if p.Role == RoleFinance {
			return true, ""
		}
	}
	return false, FlagOutsideRole
}

// mayWrite reports whether the person's role is meant to write ref (a
// create, update, patch or delete, of data, metadata or settings): the
// writers of each mount are as the role policies make them.
//
//   - managers: everything;
//   - finance: payout proposals (in PREFIX-proposals/, as before in
//     proposals/payout/) and verifications, and other keys of those two
//     mounts, not their settings;
//   - the reminder AppRole: its notes, in PREFIX-reminders/ only (not
//     where they were kept before, PREFIX/_meta/reminders/);
//   - ops: nothing.
//
// Records, credentials (their rotation facts in metadata too), payout
// records and decisions, staff records, incidents and _meta are for
// managers alone.
func (p *Person) mayWrite(ref Ref) bool {
	switch p.Role {
	case RoleManager:
		return true
	case RoleFinance:
		switch ref.Kind {
		case KindPayoutProposal, KindVerification:
			return true
		case KindOther:
			return ref.API != "" && (ref.Mount == MountProposals || ref.Mount == MountVerifications)
		}
	case RoleReminder:
		return ref.Mount == MountReminders && ref.API != ""
	}
	return false
}

// Directory finds people by entity ID and by name.
type Directory struct {
	byEntity map[string]*Person
	byName   map[string]*Person
}

// NewDirectory indexes people. A later entry with the same name or entity
// ID wins.
func NewDirectory(people []Person) *Directory {
	d := &Directory{byEntity: map[string]*Person{}, byName: map[string]*Person{}}
	for i := range people {
		p := people[i]
		if p.Name == "" {
			continue
		}
		if p.EntityID != "" {
			d.byEntity[p.EntityID] = &p
		}
		d.byName[p.Name] = &p
	}
	return d
}

// ByName finds a person by name.
func (d *Directory) ByName(name string) (*Person, bool) {
	if d == nil {
		return nil, false
	}
	p, ok := d.byName[name]
	return p, ok
}

// ByEntity finds a person by identity entity ID.
func (d *Directory) ByEntity(id string) (*Person, bool) {
	if d == nil || id == "" {
		return nil, false
	}
	p, ok := d.byEntity[id]
	return p, ok
}

// resolve finds who made a request: by entity ID, else by a userpass
// display name ("userpass-olga" is olga: a deleted and re-created entity
// keeps the name).
func (d *Directory) resolve(entityID, display string) (*Person, bool) {
	if p, ok := d.ByEntity(entityID); ok {
		return p, true
	}
	if name, ok := strings.CutPrefix(display, "userpass-"); ok {
		return d.ByName(name)
	}
	return nil, false
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

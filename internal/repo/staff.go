package repo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/internal/vault"
)

// Onboard brings a person into the team: checks their stores, mailbox and
// phone (company-owned and free), creates their identity, userpass login
// with a random initial password and group memberships, writes their
// staff record, assigns the mailbox and phone, and returns a single-use
// wrapping token that holds the initial login (valid for wrapTTL). The
// password itself is never returned. Re-running after a failure finishes
// the job.
func (f Members) Onboard(ctx context.Context, m staff.Member, wrapTTL time.Duration, now func() time.Time) (string, error) {
	r := f.r
	for _, s := range m.Stores {
		if err := r.requireStore(ctx, s); err != nil {
			return "", err
		}
	}
	if err := r.refuseLocked(ctx, m.Stores); err != nil {
		return "", err
	}
	current, version, err := r.Members().Get(ctx, m.Name)
	switch {
	case err == nil && current.Status == staff.StatusActive:
		return "", fmt.Errorf("team member %s %w", m.Name, ErrExists)
	case err != nil && !errors.Is(err, vault.ErrNotFound):
		return "", err
	}
	mailbox, mailboxVersion, err := r.freeMailbox(ctx, m.Email, m.Name)
	if err != nil {
		return "", err
	}
	phone, phoneVersion, err := r.freePhone(ctx, m.Phone, m.Name)
	if err != nil {
		return "", err
	}
	who, err := r.writer(ctx)
	if err != nil {
		return "", err
	}
	password, err := initialPassword()
	if err != nil {
		return "", err
	}
	person := access.Person{Name: m.Name, Role: staff.PersonRole(m.Role), Stores: m.Stores, By: who}
	if _, err := access.EnsurePerson(ctx, r.c, r.layout, person, password, now()); err != nil {
		return "", err
	}
	m.Status, m.OnboardedAt, m.OnboardedBy = staff.StatusActive, now().UTC().Truncate(time.Second), who
	data, meta := m.Encode()
	if _, err := r.c.KV().Put(ctx, r.mount, staff.Path(m.Name), data, version); err != nil {
		return "", err
	}
	if err := r.c.KV().SetCustomMetadata(ctx, r.mount, staff.Path(m.Name), meta); err != nil {
		return "", err
	}
	if mailbox != nil && mailbox.Assignee != m.Name {
		mailbox.Assignee, mailbox.UpdatedBy = m.Name, who
		if err := r.updateMailbox(ctx, *mailbox, mailboxVersion); err != nil {
			return "", err
		}
	}
	if phone != nil && phone.Assignee != m.Name {
		phone.Assignee, phone.UpdatedBy = m.Name, who
		if err := r.updatePhone(ctx, *phone, phoneVersion); err != nil {
			return "", err
		}
	}
	return r.c.Tokens().Wrap(ctx, map[string]interface{}{"username": m.Name, "password": password}, wrapTTL)
}

func initialPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// freeMailbox checks that a mailbox is recorded, company-owned, and held
// by nobody else.
func (r *Repo) freeMailbox(ctx context.Context, address, name string) (*records.Mailbox, int, error) {
	if address == "" {
		return nil, 0, nil
	}
	m, v, err := r.Contacts().GetMailbox(ctx, address)
	if err != nil {
		return nil, 0, err
	}
	if err := assignable("mailbox", address, m.Personal, m.Assignee, name); err != nil {
		return nil, 0, err
	}
	return &m, v, nil
}

func (r *Repo) freePhone(ctx context.Context, number, name string) (*records.Phone, int, error) {
	if number == "" {
		return nil, 0, nil
	}
	p, v, err := r.Contacts().GetPhone(ctx, number)
	if err != nil {
		return nil, 0, err
	}
	if err := assignable("phone", number, p.Personal, p.Assignee, name); err != nil {
		return nil, 0, err
	}
	return &p, v, nil
}

func assignable(kind, id string, personal bool, assignee, name string) error {
	switch {
	case personal:
		return fmt.Errorf("%s %s is someone's personal one: only company-owned ones are handed out", kind, id)
	case assignee != "" && assignee != name:
		return kindError{fmt.Sprintf("%s %s is assigned to %s: hand it over first", kind, id, assignee), vault.ErrConflict}
	}
	return nil
}

// Get reads a staff record and its version.
func (f Members) Get(ctx context.Context, name string) (staff.Member, int, error) {
	r := f.r
	rec, err := r.c.KV().Get(ctx, r.mount, staff.Path(name))
	if errors.Is(err, vault.ErrNotFound) {
		return staff.Member{}, 0, fmt.Errorf("team member %s: %w", name, errNoRecord)
	}
	if err != nil {
		return staff.Member{}, 0, err
	}
	meta := map[string]string{}
	for k, v := range rec.Data {
		if s, ok := v.(string); ok {
			meta[k] = s
		}
	}
	return staff.FromMetadata(name, meta), rec.Version, nil
}

// List lists staff records from metadata.
func (f Members) List(ctx context.Context) ([]staff.Member, error) {
	r := f.r
	entries, err := r.listMeta(ctx, staff.Dir)
	if err != nil {
		return nil, err
	}
	out := make([]staff.Member, 0, len(entries))
	for _, e := range entries {
		out = append(out, staff.FromMetadata(e.key, e.meta.CustomMetadata))
	}
	return out, nil
}

// AccessChange is what a role or store change does to a member's groups.
type AccessChange struct {
	Add    []string `json:"add"`
	Remove []string `json:"remove"`
}

// memberGroups are the identity groups a role and stores grant.
func (r *Repo) memberGroups(role string, stores []string) []string {
	groups := []string{r.layout.RoleGroup(staff.PersonRole(role))}
	for _, s := range stores {
		groups = append(groups, r.layout.StoreGroup(s))
	}
	return groups
}

// SetAccess changes an active member's role and stores: it works out the
// group memberships to add and remove and, unless dryRun, applies them
// and updates the staff record (check-and-set).
func (f Members) SetAccess(ctx context.Context, name, role string, stores []string, dryRun bool) (*AccessChange, error) {
	r := f.r
	m, version, err := r.Members().Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if m.Status != staff.StatusActive {
		return nil, fmt.Errorf("team member %s is %s", name, m.Status)
	}
	var added []string
	for _, s := range stores {
		if err := r.requireStore(ctx, s); err != nil {
			return nil, err
		}
		if !contains(m.Stores, s) {
			added = append(added, s)
		}
	}
	if err := r.refuseLocked(ctx, added); err != nil {
		return nil, err
	}
	before, after := r.memberGroups(m.Role, m.Stores), r.memberGroups(role, stores)
	change := &AccessChange{Add: []string{}, Remove: []string{}}
	for _, g := range after {
		if !contains(before, g) {
			change.Add = append(change.Add, g)
		}
	}
	for _, g := range before {
		if !contains(after, g) {
			change.Remove = append(change.Remove, g)
		}
	}
	if dryRun || len(change.Add)+len(change.Remove) == 0 {
		return change, nil
	}
	id, err := r.c.Identity().EntityID(ctx, name)
	if err != nil {
		return nil, err
	}
	for _, s := range stores {
		if err := access.EnsureStoreAccess(ctx, r.c, r.layout, s); err != nil {
			return nil, err
		}
	}
	// Removals first: a failure half-way leaves less access, never more.
	for _, g := range change.Remove {
		if _, err := r.c.Identity().RemoveGroupMember(ctx, g, id); err != nil && !errors.Is(err, vault.ErrNotFound) {
			return nil, err
		}
	}
	for _, g := range change.Add {
		if err := r.c.Identity().AddGroupMember(ctx, g, id); err != nil {
			return nil, err
		}
	}
	m.Role, m.Stores = role, stores
	data, meta := m.Encode()
	if _, err := r.c.KV().Put(ctx, r.mount, staff.Path(name), data, version); err != nil {
		return nil, err
	}
	return change, r.c.KV().SetCustomMetadata(ctx, r.mount, staff.Path(name), meta)
}

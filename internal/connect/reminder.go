package connect

import (
	"context"
	"time"

	"github.com/sellervault/sellervault/internal/remind"
	"github.com/sellervault/sellervault/internal/vault"
)

// ReminderSecretIDTTL is how long a reminder secret ID lives unless told
// otherwise (the role's secret_id_ttl as init sets it).
const ReminderSecretIDTTL = vault.AppRoleSecretIDTTL

// ReminderAppRole is the reminder job's AppRole role, managed with this
// connection's token (a manager's).
func (c *Conn) ReminderAppRole() remind.AppRole { return reminderRole{c} }

type reminderRole struct{ c *Conn }

func (r reminderRole) Name() string { return r.c.layout.ReminderRole() }

func (r reminderRole) MaxSecretIDTTL(ctx context.Context) (time.Duration, error) {
	s, err := r.c.c.AppRoles().Get(ctx, vault.AppRoleMount, r.Name())
	return s.SecretIDTTL, err
}

func (r reminderRole) RoleID(ctx context.Context) (string, error) {
	return r.c.c.AppRoles().RoleID(ctx, vault.AppRoleMount, r.Name())
}

func (r reminderRole) Reissue(ctx context.Context, ttl time.Duration, cidrs []string, keep bool, save func(string) error) (remind.Reissued, error) {
	done, err := r.c.c.AppRoles().ReissueSecretID(ctx, vault.AppRoleMount, r.Name(), vault.ReissueOptions{
		SecretIDOptions: vault.SecretIDOptions{TTL: ttl, BindCIDRs: cidrs},
		KeepOthers:      keep,
		Save:            func(sid vault.SecretID) error { return save(sid.ID) },
	})
	return remind.Reissued{TTL: done.New.TTL, Others: done.Others, Destroyed: done.Destroyed}, err
}

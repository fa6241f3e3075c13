package setup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/access"
	"github.com/sellervault/sellervault/internal/vault"
	"github.com/sellervault/sellervault/policies"
)

// KVMaxVersions is how many versions of each record Vault keeps: enough
// history to see who changed a payout record and when.
const KVMaxVersions = 20

// SchemaVersion is written in the init marker; later releases that change
// the layout bump it and migrate. Schema 2 moved what finance and the
// reminder job write out of the records mount (see migrate.go); schema 3
// took values out of paths and metadata and gave each audience its own
// redaction index (contacts.go).
const SchemaVersion = 3

// Options configure one run.
type Options struct {
	Layout    vault.Layout
	AuditFile string // enable a file audit device writing here; "" for none
	DryRun    bool   // check only
	Version   string // sellervault's version, kept in the init marker
	Now       func() time.Time
	// PayoutCoolingOff is how long a payout change waits before it may be
	// approved; 0 keeps the current setting (DefaultCoolingOff at first).
	PayoutCoolingOff time.Duration
	// Reindex rebuilds every audience's redaction index from the records
	// (package reindex: the command line builds it); the migration to
	// schema 3 runs it once.
	Reindex func(context.Context) error
	// RecoveryRecipients are the age public keys TOTP seeds are escrowed
	// to (package escrow), checked by the caller; nil keeps the current
	// setting (none at first: no escrow).
	RecoveryRecipients []string
}

// RecoveryRecipientsKey is the team setting that lists the escrow
// recipients, comma-separated.
const RecoveryRecipientsKey = "recovery_recipients"

// DefaultCoolingOff is the payout cooling-off period a new team gets.
const DefaultCoolingOff = 24 * time.Hour

// SettingsPath is the KV record of team settings.
const SettingsPath = "_meta/settings"

// Action is what a step needs or did.
type Action string

// Actions.
const (
	Unchanged Action = "unchanged"
	Create    Action = "create"
	Update    Action = "update"
)

// Change is one step's outcome.
type Change struct {
	Item   string `json:"item"`
	Action Action `json:"action"`
	// Applied is false for a dry run and for unchanged items.
	Applied bool `json:"applied"`
}

// Report is the outcome of a run.
type Report struct {
	DryRun  bool     `json:"dry_run"`
	Changes []Change `json:"changes"`
}

// Changed reports whether anything needed (or, in a dry run, would need)
// changing.
func (r Report) Changed() bool {
	for _, c := range r.Changes {
		if c.Action != Unchanged {
			return true
		}
	}
	return false
}

type step struct {
	item  string
	check func(context.Context) (Action, error)
	apply func(context.Context) error
}

// Run checks every step and applies those that need it (none on DryRun).
// On error the report holds the steps done so far.
func Run(ctx context.Context, c *vault.Client, opts Options) (Report, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &runner{c: c, opts: opts, l: opts.Layout}
	report := Report{DryRun: opts.DryRun}
	if err := r.loadMounts(ctx); err != nil {
		return report, err
	}
	for _, s := range r.steps() {
		action, err := s.check(ctx)
		if err != nil {
			return report, fmt.Errorf("check %s: %w", s.item, err)
		}
		change := Change{Item: s.item, Action: action}
		if action != Unchanged && !opts.DryRun {
			if err := s.apply(ctx); err != nil {
				return report, fmt.Errorf("%s %s: %w", action, s.item, err)
			}
			change.Applied = true
		}
		report.Changes = append(report.Changes, change)
	}
	return report, nil
}

type runner struct {
	c      *vault.Client
	opts   Options
	l      vault.Layout
	mounts map[string]vault.Mount
	auths  map[string]vault.Mount
}

func (r *runner) loadMounts(ctx context.Context) (err error) {
	if r.mounts, err = r.c.Sys().Mounts(ctx); err != nil {
		return err
	}
	r.auths, err = r.c.Sys().AuthMounts(ctx)
	return err
}

func (r *runner) steps() []step {
	l := r.l
	kv2 := map[string]string{"version": "2"}
	steps := []step{
		r.secretsEngine(l.KV(), "kv", kv2, "sellervault records"),
		r.kvConfig(l.KV()),
		r.secretsEngine(l.TOTP(), "totp", nil, "sellervault TOTP keys (seeds never leave)"),
		r.secretsEngine(l.Transit(), "transit", nil, "sellervault redaction HMAC key and people's signing keys"),
		r.transitKey(vault.AudiencePayout),
		r.transitKey(vault.AudienceContacts),
		r.secretsEngine(l.Proposals(), "kv", kv2, "sellervault payout change requests (finance creates)"),
		r.kvConfig(l.Proposals()),
		r.secretsEngine(l.Verifications(), "kv", kv2, "sellervault payout verifications (finance writes)"),
		r.kvConfig(l.Verifications()),
		r.secretsEngine(l.Reminders(), "kv", kv2, "sellervault reminder job's notes"),
		r.kvConfig(l.Reminders()),
		r.authMethod(vault.UserpassMount, "userpass", "sellervault staff logins"),
		r.authMethod(vault.AppRoleMount, "approle", "sellervault scheduled jobs"),
	}
	for _, role := range policies.Roles {
		steps = append(steps, r.policy(role))
	}
	for _, role := range access.PersonRoles {
		steps = append(steps, r.group(role))
	}
	steps = append(steps, r.reminderRole(), r.storePolicies(), r.userpassLogins())
	steps = append(steps, r.migrations()...)
	if r.opts.AuditFile != "" {
		steps = append(steps, r.auditDevice())
	}
	return append(steps, r.settings(), r.marker())
}

// settings writes the team settings record: created with defaults, and
// updated only when a flag asks for another value.
func (r *runner) settings() step {
	var version int
	var want string
	data := map[string]interface{}{}
	recipients := strings.Join(r.opts.RecoveryRecipients, ",")
	return step{
		item: fmt.Sprintf("team settings %s/%s", r.l.KV(), SettingsPath),
		check: func(ctx context.Context) (Action, error) {
			want = (DefaultCoolingOff).String()
			if r.opts.PayoutCoolingOff > 0 {
				want = r.opts.PayoutCoolingOff.String()
			}
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Create, nil
			}
			rec, err := r.c.KV().Get(ctx, r.l.KV(), SettingsPath)
			if errors.Is(err, vault.ErrNotFound) {
				return Create, nil
			}
			if err != nil {
				return "", err
			}
			version, data = rec.Version, rec.Data
			if got, _ := rec.Data["payout_cooling_off"].(string); r.opts.PayoutCoolingOff > 0 && got != want {
				return Update, nil
			}
			if got, _ := rec.Data[RecoveryRecipientsKey].(string); recipients != "" && got != recipients {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			if version == 0 || r.opts.PayoutCoolingOff > 0 {
				data["payout_cooling_off"] = want
			}
			if recipients != "" {
				data[RecoveryRecipientsKey] = recipients
			}
			_, err := r.c.KV().Put(ctx, r.l.KV(), SettingsPath, data, version)
			if errors.Is(err, vault.ErrConflict) && version == 0 {
				return nil // another init wrote it since we looked
			}
			return err
		},
	}
}

func (r *runner) secretsEngine(path, typ string, options map[string]string, description string) step {
	return step{
		item: fmt.Sprintf("secrets engine %s/ (%s%s)", path, typ, versionSuffix(options)),
		check: func(context.Context) (Action, error) {
			m, ok := r.mounts[path+"/"]
			if !ok {
				return Create, nil
			}
			if m.Type != typ || (options["version"] != "" && m.Version != options["version"]) {
				return "", fmt.Errorf("%s/ is already mounted as %s%s: choose another --mount prefix", path, m.Type, versionSuffix(map[string]string{"version": m.Version}))
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			err := r.c.Sys().EnableSecretsEngine(ctx, path, typ, description, options)
			if err == nil {
				r.mounts[path+"/"] = vault.Mount{Path: path + "/", Type: typ}
				return nil
			}
			// Another init may have mounted it since we looked.
			if mounts, lerr := r.c.Sys().Mounts(ctx); lerr == nil && mounts[path+"/"].Type == typ {
				r.mounts = mounts
				return nil
			}
			return err
		},
	}
}

func versionSuffix(options map[string]string) string {
	if v := options["version"]; v != "" {
		return " v" + v
	}
	return ""
}

func (r *runner) kvConfig(mount string) step {
	want := vault.KVConfig{CASRequired: true, MaxVersions: KVMaxVersions}
	return step{
		item: fmt.Sprintf("%s/ config (cas_required, max_versions=%d)", mount, KVMaxVersions),
		check: func(ctx context.Context) (Action, error) {
			if _, mounted := r.mounts[mount+"/"]; !mounted {
				return Update, nil
			}
			got, err := r.c.KV().Config(ctx, mount)
			if err != nil {
				return "", err
			}
			if got != want {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error { return r.c.KV().SetConfig(ctx, mount, want) },
	}
}

// transitKey creates the redaction key of an audience (the stores' keys
// come with their access: storePolicies, EnsureStoreAccess).
func (r *runner) transitKey(audience string) step {
	mount, key := r.l.Transit(), r.l.RedactKey(audience)
	return step{
		item: fmt.Sprintf("transit key %s/keys/%s", mount, key),
		check: func(ctx context.Context) (Action, error) {
			if _, mounted := r.mounts[mount+"/"]; !mounted {
				return Create, nil
			}
			return createUnlessExists(r.c.Transit().KeyExists(ctx, mount, key))
		},
		apply: func(ctx context.Context) error { return r.c.Transit().CreateKey(ctx, mount, key) },
	}
}

func (r *runner) authMethod(path, typ, description string) step {
	return step{
		item: fmt.Sprintf("auth method %s/ (%s)", path, typ),
		check: func(context.Context) (Action, error) {
			m, ok := r.auths[path+"/"]
			if !ok {
				return Create, nil
			}
			if m.Type != typ {
				return "", fmt.Errorf("auth path %s/ is already used by %s", path, m.Type)
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			err := r.c.Sys().EnableAuth(ctx, path, typ, description)
			// Reload for the new mount's accessor; and if the enable failed,
			// another init may have enabled it since we looked.
			auths, lerr := r.c.Sys().AuthMounts(ctx)
			if lerr != nil {
				return errors.Join(err, lerr)
			}
			r.auths = auths
			if err != nil && auths[path+"/"].Type != typ {
				return err
			}
			return nil
		},
	}
}

func (r *runner) policy(role string) step {
	name := r.l.RolePolicy(role)
	var rules string
	return step{
		item: "policy " + name,
		check: func(ctx context.Context) (Action, error) {
			accessor := r.auths[vault.UserpassMount+"/"].Accessor
			if accessor == "" {
				return Create, nil // userpass is not enabled yet: nothing can exist
			}
			var err error
			rules, err = policies.Render(role, policies.Vars{Prefix: r.l.Prefix, UserpassAccessor: accessor})
			if err != nil {
				return "", err
			}
			current, err := r.c.Sys().Policy(ctx, name)
			if errors.Is(err, vault.ErrNotFound) {
				return Create, nil
			}
			if err != nil {
				return "", err
			}
			if strings.TrimSpace(current) != strings.TrimSpace(rules) {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error { return r.c.Sys().PutPolicy(ctx, name, rules) },
	}
}

func (r *runner) group(role string) step {
	name, policy := r.l.RoleGroup(role), r.l.RolePolicy(role)
	return step{
		item: fmt.Sprintf("identity group %s (policy %s)", name, policy),
		check: func(ctx context.Context) (Action, error) {
			g, err := r.c.Identity().GroupByName(ctx, name)
			if errors.Is(err, vault.ErrNotFound) {
				return Create, nil
			}
			if err != nil {
				return "", err
			}
			if len(g.Policies) != 1 || g.Policies[0] != policy {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			return r.c.Identity().PutGroup(ctx, name, []string{policy}, map[string]string{"sellervault_role": role})
		},
	}
}

func (r *runner) reminderRole() step {
	name := r.l.ReminderRole()
	want := []string{r.l.RolePolicy("reminder"), r.l.SelfPolicy()}
	return step{
		item: fmt.Sprintf("approle role %s (policies %s, no default policy)", name, strings.Join(want, ", ")),
		check: func(ctx context.Context) (Action, error) {
			if _, ok := r.auths[vault.AppRoleMount+"/"]; !ok {
				return Create, nil
			}
			got, err := r.c.AppRoles().Get(ctx, vault.AppRoleMount, name)
			if errors.Is(err, vault.ErrNotFound) {
				return Create, nil
			}
			if err != nil {
				return "", err
			}
			if !got.UpToDate(want) {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			return r.c.AppRoles().Put(ctx, vault.AppRoleMount, name, want)
		},
	}
}

func (r *runner) auditDevice() step {
	path := r.l.Prefix + "-audit"
	return step{
		item: fmt.Sprintf("file audit device %s/ -> %s", path, r.opts.AuditFile),
		check: func(ctx context.Context) (Action, error) {
			devices, err := r.c.Sys().AuditDevices(ctx)
			if err != nil {
				return "", err
			}
			for _, d := range devices {
				if d.Type == "file" && d.FilePath == r.opts.AuditFile {
					return Unchanged, nil
				}
			}
			for _, d := range devices {
				if d.Path == path+"/" {
					return "", fmt.Errorf("audit device %s/ already writes to %s: disable it first (vault audit disable %s) to change the file", path, d.FilePath, path)
				}
			}
			return Create, nil
		},
		apply: func(ctx context.Context) error { return r.c.Sys().EnableFileAudit(ctx, path, r.opts.AuditFile) },
	}
}

func (r *runner) marker() step {
	var version int
	var initialized interface{}
	return step{
		item: fmt.Sprintf("init marker %s/%s", r.l.KV(), vault.InitMarkerPath),
		check: func(ctx context.Context) (Action, error) {
			if _, mounted := r.mounts[r.l.KV()+"/"]; !mounted {
				return Create, nil
			}
			rec, err := r.c.KV().Get(ctx, r.l.KV(), vault.InitMarkerPath)
			if errors.Is(err, vault.ErrNotFound) {
				return Create, nil
			}
			if err != nil {
				return "", err
			}
			version, initialized = rec.Version, rec.Data["initialized_at"]
			if markerSchema(rec.Data) < SchemaVersion {
				return Update, nil
			}
			return Unchanged, nil
		},
		apply: func(ctx context.Context) error {
			data := map[string]interface{}{
				"schema":              SchemaVersion,
				"initialized_at":      r.opts.Now().UTC().Format(time.RFC3339),
				"sellervault_version": r.opts.Version,
			}
			if version > 0 {
				data["initialized_at"] = initialized
				data["migrated_at"] = r.opts.Now().UTC().Format(time.RFC3339)
			}
			_, err := r.c.KV().Put(ctx, r.l.KV(), vault.InitMarkerPath, data, version)
			if errors.Is(err, vault.ErrConflict) {
				return nil // another init wrote it since we looked
			}
			return err
		},
	}
}

// markerSchema reads the schema number of an init marker (1 when absent:
// the first releases wrote 1).
func markerSchema(data map[string]interface{}) int {
	var n int
	if _, err := fmt.Sscan(fmt.Sprint(data["schema"]), &n); err != nil || n < 1 {
		return 1
	}
	return n
}

func createUnlessExists(exists bool, err error) (Action, error) {
	if err != nil {
		return "", err
	}
	if exists {
		return Unchanged, nil
	}
	return Create, nil
}

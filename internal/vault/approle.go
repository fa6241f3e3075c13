package vault

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// AppRole: the scheduled jobs' logins. A job holds a role ID (not secret)
// and a secret ID (the credential). A role that PutAppRole writes issues
// secret IDs that expire after AppRoleSecretIDTTL and tokens that live an
// hour (at most four) without Vault's default policy; a secret ID may be
// bound to the job host's addresses, and ReissueAppRoleSecretID replaces
// the role's secret IDs with a new one without ever leaving it with none.

// The settings PutAppRole writes besides the policies.
const (
	// AppRoleSecretIDTTL is how long a secret ID works unless it is issued
	// with a shorter TTL; it is also the longest TTL a secret ID may ask.
	AppRoleSecretIDTTL = 720 * time.Hour
	// AppRoleTokenTTL and AppRoleTokenMaxTTL bound the tokens of a login.
	AppRoleTokenTTL    = time.Hour
	AppRoleTokenMaxTTL = 4 * time.Hour
)

// AppRoleSettings is what Vault holds for an AppRole role.
type AppRoleSettings struct {
	Policies             []string
	SecretIDTTL          time.Duration // zero: secret IDs do not expire
	TokenTTL             time.Duration
	TokenMaxTTL          time.Duration
	TokenNoDefaultPolicy bool
	BindSecretID         bool
	SecretIDBoundCIDRs   []string
	TokenBoundCIDRs      []string
}

// UpToDate reports whether the role is what PutAppRole writes with these
// policies (in any order), so that a re-run of init leaves it alone.
func (s AppRoleSettings) UpToDate(policies []string) bool {
	return sameSet(s.Policies, policies) && s.SecretIDTTL == AppRoleSecretIDTTL &&
		s.TokenTTL == AppRoleTokenTTL && s.TokenMaxTTL == AppRoleTokenMaxTTL &&
		s.TokenNoDefaultPolicy && s.BindSecretID
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// Get reads an AppRole role's settings; a missing role is ErrNotFound.
func (f AppRoles) Get(ctx context.Context, mount, role string) (AppRoleSettings, error) {
	c := f.c
	data, err := c.read(ctx, "read approle role", appRolePath(mount, role))
	if err != nil {
		return AppRoleSettings{}, err
	}
	return AppRoleSettings{
		Policies:             stringList(data, "token_policies"),
		SecretIDTTL:          seconds(data, "secret_id_ttl"),
		TokenTTL:             seconds(data, "token_ttl"),
		TokenMaxTTL:          seconds(data, "token_max_ttl"),
		TokenNoDefaultPolicy: boolean(data, "token_no_default_policy"),
		BindSecretID:         boolean(data, "bind_secret_id"),
		SecretIDBoundCIDRs:   stringList(data, "secret_id_bound_cidrs"),
		TokenBoundCIDRs:      stringList(data, "token_bound_cidrs"),
	}, nil
}

// Policies reads the token policies of an AppRole role.
func (f AppRoles) Policies(ctx context.Context, mount, role string) ([]string, error) {
	c := f.c
	s, err := c.AppRoles().Get(ctx, mount, role)
	if err != nil {
		return nil, err
	}
	return s.Policies, nil
}

// Put creates or updates an AppRole role whose tokens carry
// policies and nothing else: not Vault's default policy, which would let
// the job wrap what it reads into a token that outlives its own (give it
// the policies a token needs for itself). Tokens live an hour, at most
// four; secret IDs expire after 30 days (AppRoleSecretIDTTL), so a job's
// credential is renewed at least monthly.
func (f AppRoles) Put(ctx context.Context, mount, role string, policies []string) error {
	c := f.c
	_, err := c.write(ctx, "write approle role", appRolePath(mount, role), map[string]interface{}{
		"token_policies":          strings.Join(policies, ","),
		"token_no_default_policy": true,
		"token_ttl":               int64(AppRoleTokenTTL / time.Second),
		"token_max_ttl":           int64(AppRoleTokenMaxTTL / time.Second),
		"secret_id_ttl":           int64(AppRoleSecretIDTTL / time.Second),
		"bind_secret_id":          true,
	})
	return err
}

// RoleID reads an AppRole role's role ID (an identifier, not a
// secret: a login needs a secret ID too).
func (f AppRoles) RoleID(ctx context.Context, mount, role string) (string, error) {
	c := f.c
	path := appRolePath(mount, role) + "/role-id"
	data, err := c.read(ctx, "read approle role id", path)
	if err != nil {
		return "", err
	}
	id := str(data, "role_id")
	if id == "" {
		return "", &Error{Op: "read approle role id", Path: path, Kind: ErrBadRequest, Detail: "empty answer"}
	}
	return id, nil
}

// SecretIDOptions shape a new secret ID.
type SecretIDOptions struct {
	// TTL is how long the secret ID may log in; zero means the role's
	// secret_id_ttl. Vault refuses a TTL longer than the role's.
	TTL time.Duration
	// BindCIDRs, when set, are the only source addresses the secret ID
	// may log in from (its cidr_list) and the only ones the tokens it
	// yields may be used from (its token_bound_cidrs). Vault checks their
	// syntax only: callers validate them first.
	BindCIDRs []string
}

// SecretID is a newly issued secret ID. ID is the credential; String
// names only the accessor, so that printing a SecretID leaks nothing.
type SecretID struct {
	ID       string
	Accessor string
	TTL      time.Duration // as Vault set it; zero: no expiry
}

func (s SecretID) String() string { return "secret ID with accessor " + s.Accessor }

// GoString keeps %#v from printing the credential too.
func (s SecretID) GoString() string { return "vault.SecretID{Accessor: " + s.Accessor + "}" }

// NewSecretID issues a secret ID for role. The role's other secret
// IDs stay valid.
func (f AppRoles) NewSecretID(ctx context.Context, mount, role string, opts SecretIDOptions) (SecretID, error) {
	c := f.c
	const op = "create approle secret id"
	path := appRolePath(mount, role) + "/secret-id"
	body := map[string]interface{}{}
	if opts.TTL > 0 {
		body["ttl"] = int64((opts.TTL + time.Second - 1) / time.Second)
	}
	if len(opts.BindCIDRs) > 0 {
		body["cidr_list"] = opts.BindCIDRs
		body["token_bound_cidrs"] = opts.BindCIDRs
	}
	secret, err := c.write(ctx, op, path, body)
	if err != nil {
		return SecretID{}, err
	}
	if secret == nil || str(secret.Data, "secret_id") == "" || str(secret.Data, "secret_id_accessor") == "" {
		return SecretID{}, &Error{Op: op, Path: path, Kind: ErrBadRequest, Detail: "empty answer"}
	}
	return SecretID{
		ID:       str(secret.Data, "secret_id"),
		Accessor: str(secret.Data, "secret_id_accessor"),
		TTL:      seconds(secret.Data, "secret_id_ttl"),
	}, nil
}

// SecretIDAccessors lists the accessors of role's secret IDs
// (expired ones that Vault has not tidied yet included), sorted.
func (f AppRoles) SecretIDAccessors(ctx context.Context, mount, role string) ([]string, error) {
	c := f.c
	keys, err := c.list(ctx, "list approle secret ids", appRolePath(mount, role)+"/secret-id")
	if err != nil {
		return nil, err
	}
	sort.Strings(keys)
	return keys, nil
}

// DestroySecretID destroys the secret ID with this accessor: it no
// longer logs in (tokens it yielded live on until their short TTL ends).
// A secret ID that is gone already is fine.
func (f AppRoles) DestroySecretID(ctx context.Context, mount, role, accessor string) error {
	c := f.c
	_, err := c.write(ctx, "destroy approle secret id", appRolePath(mount, role)+"/secret-id-accessor/destroy",
		map[string]interface{}{"secret_id_accessor": accessor})
	var e *Error
	// Vault 1.21 answers an unknown accessor with a 500 that names it.
	if errors.As(err, &e) && e.Status == http.StatusInternalServerError &&
		strings.Contains(e.Detail, "failed to find accessor entry") {
		return nil
	}
	return err
}

// SecretIDInfo describes a secret ID, never its value.
type SecretIDInfo struct {
	Accessor        string
	TTL             time.Duration // as issued; zero: no expiry
	Created         time.Time
	Expires         time.Time // zero: no expiry
	CIDRs           []string  // where it may log in from; empty: anywhere
	TokenBoundCIDRs []string  // where its tokens may be used; empty: anywhere
}

// LookupSecretID describes a secret ID of role; one that does not
// exist (destroyed, expired, or never issued) is ErrNotFound.
func (f AppRoles) LookupSecretID(ctx context.Context, mount, role, secretID string) (SecretIDInfo, error) {
	c := f.c
	const op = "look up approle secret id"
	path := appRolePath(mount, role) + "/secret-id/lookup"
	secret, err := c.write(ctx, op, path, map[string]interface{}{"secret_id": secretID})
	if err != nil {
		return SecretIDInfo{}, err
	}
	if secret == nil || secret.Data == nil {
		return SecretIDInfo{}, notFound(op, path)
	}
	d := secret.Data
	info := SecretIDInfo{
		Accessor:        str(d, "secret_id_accessor"),
		TTL:             seconds(d, "secret_id_ttl"),
		CIDRs:           stringList(d, "cidr_list"),
		TokenBoundCIDRs: stringList(d, "token_bound_cidrs"),
	}
	info.Created, _ = time.Parse(time.RFC3339Nano, str(d, "creation_time"))
	if info.TTL > 0 {
		info.Expires, _ = time.Parse(time.RFC3339Nano, str(d, "expiration_time"))
	}
	return info, nil
}

// ReissueOptions say how ReissueAppRoleSecretID issues and replaces.
type ReissueOptions struct {
	SecretIDOptions
	// Save puts the new secret ID where the job will read it. The role's
	// other secret IDs are destroyed only after it succeeds; if it fails,
	// the new secret ID is destroyed and the others are left alone.
	Save func(SecretID) error
	// KeepOthers leaves the role's other secret IDs valid.
	KeepOthers bool
}

// Reissued is what ReissueAppRoleSecretID did.
type Reissued struct {
	New SecretID
	// Others is how many other secret IDs the role had once the new one
	// was saved (-1 when they could not be listed); Destroyed is how many
	// of them were destroyed. Others-Destroyed are still valid.
	Others, Destroyed int
}

// ReissueSecretID issues a new secret ID for role, saves it, and
// then (unless KeepOthers) destroys every other secret ID of the role.
// The order makes it safe to interrupt and to re-run: up to the save
// nothing old is touched, so the job always has a working secret ID, and
// a re-run destroys whatever an interrupted run left valid. When the
// destroying fails halfway, the error comes with what was done.
func (f AppRoles) ReissueSecretID(ctx context.Context, mount, role string, opts ReissueOptions) (Reissued, error) {
	c := f.c
	sid, err := c.AppRoles().NewSecretID(ctx, mount, role, opts.SecretIDOptions)
	if err != nil {
		return Reissued{Others: -1}, err
	}
	if opts.Save != nil {
		if err := opts.Save(sid); err != nil {
			// Nobody holds it: destroy it, even when ctx was interrupted.
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
			defer cancel()
			if derr := c.AppRoles().DestroySecretID(cleanup, mount, role, sid.Accessor); derr != nil {
				return Reissued{Others: -1}, errors.Join(err, derr)
			}
			return Reissued{Others: -1}, err
		}
	}
	done := Reissued{New: sid, Others: -1}
	accessors, err := c.AppRoles().SecretIDAccessors(ctx, mount, role)
	if err != nil {
		return done, err
	}
	others := slices.DeleteFunc(accessors, func(a string) bool { return a == sid.Accessor })
	done.Others = len(others)
	if opts.KeepOthers {
		return done, nil
	}
	for _, a := range others {
		if err := c.AppRoles().DestroySecretID(ctx, mount, role, a); err != nil {
			return done, err
		}
		done.Destroyed++
	}
	return done, nil
}

// Login gets a fresh secret ID for role and logs in with it, as the
// scheduled job's bootstrap does; the caller needs rights on the role.
func (f AppRoles) Login(ctx context.Context, mount, role string) (string, error) {
	c := f.c
	roleID, secretID, err := c.AppRoles().Credentials(ctx, mount, role)
	if err != nil {
		return "", err
	}
	return c.AppRoles().LoginWith(ctx, mount, roleID, secretID)
}

// Credentials reads role's role ID and issues a new secret ID for
// it with the role's defaults: what a scheduled job needs to log in.
func (f AppRoles) Credentials(ctx context.Context, mount, role string) (roleID, secretID string, err error) {
	c := f.c
	if roleID, err = c.AppRoles().RoleID(ctx, mount, role); err != nil {
		return "", "", err
	}
	sid, err := c.AppRoles().NewSecretID(ctx, mount, role, SecretIDOptions{})
	if err != nil {
		return "", "", err
	}
	return roleID, sid.ID, nil
}

// LoginWith logs in with a role ID and a secret ID (the scheduled
// job's own credentials) and returns the client token.
func (f AppRoles) LoginWith(ctx context.Context, mount, roleID, secretID string) (string, error) {
	c := f.c
	path := "auth/" + mount + "/login"
	secret, err := c.write(ctx, "log in", path, map[string]interface{}{"role_id": roleID, "secret_id": secretID})
	var e *Error
	if errors.As(err, &e) && e.Kind == ErrBadRequest { // Vault's answer to a wrong, expired or misplaced secret ID
		detail := "invalid role ID or secret ID (an expired or destroyed secret ID too: issue a new one)"
		if strings.Contains(e.Detail, "CIDR") { // it names the source address only
			detail = e.Detail + " (the secret ID is bound to other addresses)"
		}
		return "", &Error{Op: "log in", Path: path, Kind: ErrDenied, Status: e.Status, Detail: detail}
	}
	if err != nil {
		return "", err
	}
	if secret == nil || secret.Auth == nil {
		return "", &Error{Op: "log in", Path: path, Kind: ErrBadRequest, Detail: "no token in the answer"}
	}
	return secret.Auth.ClientToken, nil
}

func appRolePath(mount, role string) string { return "auth/" + mount + "/role/" + role }

// seconds reads a duration that Vault gives in whole seconds.
func seconds(m map[string]interface{}, key string) time.Duration {
	return time.Duration(integer(m, key)) * time.Second
}

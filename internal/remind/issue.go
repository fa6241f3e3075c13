package remind

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sellervault/sellervault/internal/failure"
)

// MaxSecretIDTTL bounds --secret-id-ttl whatever the role allows: a
// credential on a job host should not outlive a year.
const MaxSecretIDTTL = 8760 * time.Hour

// AppRole is the reminder job's AppRole role, as a manager manages it.
type AppRole interface {
	// Name is the role's name.
	Name() string
	// MaxSecretIDTTL is the longest a secret ID of the role may live
	// (0: no limit); an error of kind failure.ErrNotFound when the role
	// does not exist.
	MaxSecretIDTTL(ctx context.Context) (time.Duration, error)
	RoleID(ctx context.Context) (string, error)
	// Reissue issues a new secret ID (bound to cidrs when any), calls
	// save with it, and only then, unless keep, destroys the role's other
	// secret IDs. If save fails, the new one is destroyed.
	Reissue(ctx context.Context, ttl time.Duration, cidrs []string, keep bool, save func(id string) error) (Reissued, error)
}

// Reissued is what AppRole.Reissue did.
type Reissued struct {
	TTL time.Duration // of the new secret ID; zero: no expiry
	// Others is how many other secret IDs the role had once the new one
	// was saved (-1 when they could not be listed); Destroyed is how many
	// of them were destroyed. Others-Destroyed are still valid.
	Others, Destroyed int
}

// IssueOptions are remind-setup's, checked by the caller.
type IssueOptions struct {
	Path  string        // the new file for the secret ID (must not exist)
	TTL   time.Duration // between 1m and MaxSecretIDTTL
	CIDRs []string      // from ParseBindCIDRs
	Keep  bool          // leave the secret IDs issued before valid
}

// Issued is what Issue did.
type Issued struct {
	Role, RoleID, Path string
	Reissued
}

// BadOption is an option the role or the file system refuses: nothing
// was written.
type BadOption struct{ msg string }

func (e *BadOption) Error() string { return e.msg }

// Issue writes a new secret ID for the role into a new file (mode 600)
// and then, unless told to keep them, destroys the role's other secret
// IDs. Up to the file being written nothing old is touched, so a failure
// never leaves the job without a working secret ID; a re-run finishes
// what a failed run left. Issued is nil when no new secret ID was saved;
// an error with a non-nil Issued means the new one works but the old
// ones could not all be destroyed.
func Issue(ctx context.Context, role AppRole, o IssueOptions) (*Issued, error) {
	max, err := role.MaxSecretIDTTL(ctx)
	if errors.Is(err, failure.ErrNotFound) {
		return nil, fmt.Errorf("the reminder job's AppRole role %s does not exist: run `sellervault init`: %w", role.Name(), err)
	}
	if err != nil {
		return nil, err
	}
	if max > 0 && o.TTL > max {
		return nil, &BadOption{fmt.Sprintf("--secret-id-ttl %s: role %s allows at most %s", ShortDuration(o.TTL), role.Name(), ShortDuration(max))}
	}
	roleID, err := role.RoleID(ctx)
	if err != nil {
		return nil, err
	}

	f, err := os.OpenFile(o.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil, &BadOption{o.Path + " exists: choose a new path (the secret ID in it stays valid until a remind-setup replaces it)"}
	}
	if err != nil {
		return nil, err
	}
	closed, saved := false, false
	done, err := role.Reissue(ctx, o.TTL, o.CIDRs, o.Keep, func(id string) error {
		_, err := fmt.Fprintln(f, id)
		if err == nil {
			err = f.Sync()
		}
		closed = true
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		saved = err == nil
		return err
	})
	if !saved {
		if !closed {
			f.Close()
		}
		os.Remove(o.Path)
		return nil, err
	}
	issued := &Issued{Role: role.Name(), RoleID: roleID, Path: o.Path, Reissued: done}
	if err != nil && !o.Keep && (done.Others < 0 || done.Destroyed < done.Others) {
		err = fmt.Errorf("the new secret ID in %s works, but secret IDs issued before are still valid: %w; "+
			"run remind-setup again with a new --secret-id-file to destroy them (and give the job that file)", o.Path, err)
	}
	return issued, err
}

// ShortDuration writes a duration the way the flags take it: "720h",
// "1h30m", "90s".
func ShortDuration(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && strings.HasSuffix(s, suffix) {
			s = s[:len(s)-len(suffix)+1]
		}
	}
	return s
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sellervault/sellervault/internal/backup"
	"github.com/sellervault/sellervault/internal/connect"
	"github.com/sellervault/sellervault/internal/failure"
	"github.com/sellervault/sellervault/internal/records"
	"github.com/sellervault/sellervault/internal/reindex"
	"github.com/sellervault/sellervault/internal/setup"
	"github.com/sellervault/sellervault/internal/staff"
	"github.com/sellervault/sellervault/policies"
)

func initCommand(env *Env) *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "prepare Vault for sellervault (idempotent: safe to run again)",
		Description: `Mounts the KV v2 records engine (check-and-set on every write), the TOTP and
Transit engines, enables userpass and AppRole logins, writes the role policies
and creates one identity group per role. Needs a token with the bootstrap
policy (--print-admin-policy prints it) or root.
Each step checks first: a second run changes nothing and says so, and a run
after a failure finishes the job. On a team set up by an earlier release, it
migrates the records to the current layout (--dry-run shows what would move).

On a fresh Vault, --first-manager NAME also onboards the team's first manager
in the same run: stdout then holds only their single-use login token (the
steps go to stderr), for them to run ` + "`sellervault login --wrapped`" + `.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "audit-file", Usage: "also enable a file audit device writing to `PATH` (on the Vault server)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "check and print the plan, change nothing"},
			&cli.DurationFlag{Name: "payout-cooling-off", Usage: "how long a payout change waits before it may be approved (default 24h at first init; kept after)"},
			&cli.StringFlag{Name: "first-manager", Usage: "onboard `NAME` as the team's first manager and print only their single-use login token"},
			&cli.DurationFlag{Name: "wrap-ttl", Value: 24 * time.Hour, Usage: "how long the first manager's login token stays valid"},
			&cli.StringSliceFlag{Name: "recovery-recipient", Usage: "escrow every TOTP seed `totp add` imports, encrypted with age to this public key (age1…), whose secret key is kept off-line; repeatable (all of them replace the current list)"},
			&cli.BoolFlag{Name: "print-admin-policy", Usage: "print the bootstrap policy a token needs to run init (for --mount) and exit; needs no Vault"},
		},
		Action: func(c *cli.Context) error {
			s, err := env.newSession(c)
			if err != nil {
				return err
			}
			if c.Bool("print-admin-policy") {
				text, err := policies.Bootstrap(s.conn.Layout().Prefix)
				if err != nil {
					return err
				}
				_, err = io.WriteString(env.Stdout, text)
				return err
			}
			first := ""
			if c.IsSet("first-manager") {
				if first, err = parsed(records.ParsePersonName(c.String("first-manager"))); err != nil {
					return err
				}
			}
			var recipients []string
			for _, k := range c.StringSlice("recovery-recipient") {
				if _, err := backup.ParseRecipient(k); err != nil {
					return usageError{fmt.Errorf("--recovery-recipient: %w", err)}
				}
				recipients = append(recipients, strings.TrimSpace(k))
			}
			if err := s.requireToken(); err != nil {
				return err
			}
			report, err := s.conn.Init(c.Context, setup.Options{
				AuditFile: c.String("audit-file"),
				DryRun:    c.Bool("dry-run"),
				Version:   version(),

				PayoutCoolingOff:   c.Duration("payout-cooling-off"),
				RecoveryRecipients: recipients,
				Reindex: func(ctx context.Context) error {
					_, err := reindex.Run(ctx, connect.ReindexDeps(s.conn.Repo()))
					return err
				},
			})
			view := initView{Report: report}
			if s.format != "json" {
				// With a first manager, stdout is for their token alone.
				out := env.Stdout
				if first != "" {
					out = env.Stderr
				}
				err = errors.Join(err, s.printInitReport(report, out))
			}
			if err == nil {
				s.sayInitDone(report)
				s.warnDotSegments(c.Context)
				if first != "" && !report.DryRun {
					view.FirstManager, err = s.onboardFirstManager(c.Context, first, c.Duration("wrap-ttl"))
				}
			}
			if s.format == "json" {
				err = errors.Join(err, env.writeJSON(view))
			}
			return err
		},
	}
}

// initView is the JSON of init: the steps, and the first manager's
// onboarding when one was asked for.
type initView struct {
	setup.Report
	FirstManager *firstManagerView `json:"first_manager,omitempty"`
}

// sayInitDone sums the run up on stderr.
func (s *session) sayInitDone(report setup.Report) {
	changes := 0
	for _, ch := range report.Changes {
		if ch.Action != setup.Unchanged {
			changes++
		}
	}
	switch {
	case changes == 0:
		s.env.say("nothing to change: init has already run on %s", s.conn.Address())
	case report.DryRun:
		s.env.say("dry run: %d of %d steps would change Vault; nothing was changed", changes, len(report.Changes))
	default:
		s.env.say("init done: %d of %d steps changed Vault", changes, len(report.Changes))
	}
}

// onboardFirstManager onboards name as a manager and, in text, prints
// their token alone on stdout; a member already there is left as they are
// (a second run of the same command makes no new token).
func (s *session) onboardFirstManager(ctx context.Context, name string, ttl time.Duration) (*firstManagerView, error) {
	r := s.conn.Repo()
	m, _, err := r.Members().Get(ctx, name)
	switch {
	case err == nil && m.Status == staff.StatusActive:
		s.env.say("%s is already a member (%s, active): no new token; if they never logged in, offboard them and onboard them again", name, m.Role)
		return &firstManagerView{Name: name}, nil
	case err != nil && !errors.Is(err, failure.ErrNotFound):
		return nil, fmt.Errorf("first manager %s: %w", name, err)
	}
	token, err := r.Members().Onboard(ctx, staff.Member{Name: name, Role: staff.RoleManager}, ttl, time.Now)
	if err != nil {
		return nil, fmt.Errorf("first manager %s: %w (run init --first-manager %s again to finish)", name, err, name)
	}
	s.env.say("onboarded %s as the first manager; send them the single-use token on stdout (valid %s): they run `sellervault login --wrapped` and choose their own password", name, ttl)
	s.env.say("now revoke the token init ran with (`vault token revoke -self` with it): %s logs in with their own", name)
	if s.format == "json" {
		return &firstManagerView{Name: name, Onboarded: true, WrappedToken: token}, nil
	}
	_, err = io.WriteString(s.env.Stdout, token+"\n")
	return &firstManagerView{Name: name, Onboarded: true}, err
}

// firstManagerView is the JSON of the first manager's onboarding.
type firstManagerView struct {
	Name         string `json:"name"`
	Onboarded    bool   `json:"onboarded"`
	WrappedToken string `json:"wrapped_token,omitempty"`
}

// printInitReport writes the steps as a table to w.
func (s *session) printInitReport(r setup.Report, w io.Writer) error {
	rows := make([][]string, 0, len(r.Changes))
	for _, ch := range r.Changes {
		action := string(ch.Action)
		if ch.Action != setup.Unchanged && r.DryRun {
			action = "would " + action
		}
		rows = append(rows, []string{action, ch.Item})
	}
	return writeTable(w, []string{"ACTION", "ITEM"}, rows)
}
